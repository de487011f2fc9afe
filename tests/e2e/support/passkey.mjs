// Passkeys in the e2e tests (issue #23): a CDP virtual authenticator in a playwright page (a real WebAuthn
// ceremony against the real intake, no hardware), the staff API driven from inside the page (so the
// browser keeps the session cookie and sends its Origin), and `staff invite` run against a test's database.

/** Gives `page` a platform authenticator that holds discoverable credentials and verifies its user. */
export async function addVirtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { cdp, authenticatorId };
}

/** The desk's origin for an intake started on 127.0.0.1: passkeys need a name, not an IP address. */
export function deskOrigin(intake) {
  return intake.origin.replace('//127.0.0.1:', '//localhost:');
}

/** Runs `complaint-intake staff invite` against the intake's database; returns the printed link. */
export async function inviteFromCommandLine(intake, { role, name, email, categories = [] }) {
  const args = ['staff', 'invite', '--role', role, '--name', name, '--email', email, '--origin', deskOrigin(intake)];
  for (const category of categories) args.push('--category', category);
  const out = await intake.backOffice(...args);
  return out.trim().split('\n').pop();
}

/** Calls the staff API from the page: `{status, body}`; the CSRF value goes along when given. */
export async function api(page, method, path, { body, csrf } = {}) {
  return page.evaluate(
    async ({ method, path, body, csrf }) => {
      const headers = {};
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (csrf) headers['X-CSRF-Token'] = csrf;
      const response = await fetch(`/staff/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed };
    },
    { method, path, body, csrf },
  );
}

// The page's half of a ceremony: options from the API (base64url) into ArrayBuffers, the authenticator's
// answer back into base64url JSON, as webauthn-rs reads it. Installed in the page before each ceremony.
function installBase64url() {
  globalThis.passkeyBase64url = {
    decode(text) {
      const plain = text.replace(/-/g, '+').replace(/_/g, '/');
      const padded = plain + '='.repeat((4 - (plain.length % 4)) % 4);
      return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
    },
    encode(buffer) {
      let text = '';
      for (const b of new Uint8Array(buffer)) text += String.fromCharCode(b);
      return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    },
  };
}

/** `navigator.credentials.create` with the API's creation options; the credential as the API takes it. */
export async function createPasskey(page, options) {
  await page.evaluate(installBase64url);
  return page.evaluate(
    async (options) => {
      const { decode: fromB64, encode: toB64 } = globalThis.passkeyBase64url;
      const publicKey = structuredClone(options.publicKey);
      publicKey.challenge = fromB64(publicKey.challenge);
      publicKey.user.id = fromB64(publicKey.user.id);
      publicKey.excludeCredentials = (publicKey.excludeCredentials ?? []).map((c) => ({ ...c, id: fromB64(c.id) }));
      const credential = await navigator.credentials.create({ publicKey });
      return {
        id: credential.id,
        rawId: toB64(credential.rawId),
        type: credential.type,
        response: {
          attestationObject: toB64(credential.response.attestationObject),
          clientDataJSON: toB64(credential.response.clientDataJSON),
        },
        extensions: credential.getClientExtensionResults(),
      };
    },
    options,
  );
}

/** `navigator.credentials.get` with the API's request options; the assertion as the API takes it. */
export async function usePasskey(page, options) {
  await page.evaluate(installBase64url);
  return page.evaluate(
    async (options) => {
      const { decode: fromB64, encode: toB64 } = globalThis.passkeyBase64url;
      const publicKey = structuredClone(options.publicKey);
      publicKey.challenge = fromB64(publicKey.challenge);
      publicKey.allowCredentials = (publicKey.allowCredentials ?? []).map((c) => ({ ...c, id: fromB64(c.id) }));
      const credential = await navigator.credentials.get({ publicKey });
      return {
        id: credential.id,
        rawId: toB64(credential.rawId),
        type: credential.type,
        response: {
          authenticatorData: toB64(credential.response.authenticatorData),
          clientDataJSON: toB64(credential.response.clientDataJSON),
          signature: toB64(credential.response.signature),
          userHandle: credential.response.userHandle ? toB64(credential.response.userHandle) : null,
        },
        extensions: credential.getClientExtensionResults(),
      };
    },
    options,
  );
}

/** Enrols with `link` in `page` (opened on the link's origin): `{status, body}` of the finish. */
export async function enrol(page, link) {
  const url = new URL(link);
  const token = url.hash.slice(1);
  await page.goto(`${url.origin}/staff/enrol`);
  const who = await api(page, 'GET', `/enrolments/${token}`);
  if (who.status !== 200) return who;
  const start = await api(page, 'POST', `/enrolments/${token}/start`);
  if (start.status !== 200) return start;
  const credential = await createPasskey(page, start.body);
  return api(page, 'POST', `/enrolments/${token}/finish`, { body: { credential } });
}

/** Signs in with the page's passkey (usernameless): `{status, body}` of the finish. */
export async function signIn(page) {
  const start = await api(page, 'POST', '/sign-in/start');
  if (start.status !== 200) return start;
  const credential = await usePasskey(page, start.body.options);
  return api(page, 'POST', '/sign-in/finish', { body: { ceremony: start.body.ceremony, credential } });
}

/** Adds a passkey to the signed-in person's account from `page`: `{status, body}` of the finish. */
export async function addPasskey(page, csrf) {
  const start = await api(page, 'POST', '/me/passkeys/start', { csrf });
  if (start.status !== 200) return start;
  const credential = await createPasskey(page, start.body);
  return api(page, 'POST', '/me/passkeys/finish', { csrf, body: { credential } });
}
