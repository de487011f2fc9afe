// The static shell's loader. Trunk writes, in place of its own inline boot script, one
// `<script type="module" src="/boot.js" data-glue="…" data-wasm="…">` into each page (`pattern_script` in
// Trunk.toml), naming that page's content-hashed JS glue and Wasm. A file of the site, not an inline
// script, so no Content-Security-Policy needs a hash that changes with every build.
//
// It starts the app, and when the app cannot start it says so in the customer's language with Try again,
// instead of "Loading…" for ever: the page is from an older release whose files are gone, the phone is
// offline with nothing cached, the Wasm does not compile. What a browser merely refused (the preload of
// the glue or the Wasm) does not stop it. Nothing typed is lost: the shell's own controls stay as they
// are, and drafts live on the device.

// The catalogue's words (crates/domain/src/i18n/catalog; crates/domain/tests/static_text.rs keeps them equal).
const MESSAGES = {
  en: {
    title: "Sorry, the complaint form cannot open right now",
    offline: "We could not reach the server. Check your connection.",
    failed: "The server had a problem answering.",
    advice: "Nothing you typed has been lost. Try again in a few minutes.",
    retry: "Try again",
  },
  ko: {
    title: "죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다",
    offline: "서버에 연결할 수 없습니다. 인터넷 연결을 확인해 주세요.",
    failed: "서버가 응답하는 중에 문제가 발생했습니다.",
    advice: "입력하신 내용은 그대로 남아 있습니다. 잠시 후 다시 시도해 주세요.",
    retry: "다시 시도",
  },
  pl: {
    title: "Przepraszamy, nie możemy teraz otworzyć formularza",
    offline: "Nie udało się połączyć z serwerem. Sprawdź połączenie z internetem.",
    failed: "Wystąpił błąd po stronie serwera.",
    advice: "Wpisane dane nie przepadły. Spróbuj ponownie za kilka minut.",
    retry: "Spróbuj ponownie",
  },
};

const script = document.querySelector('script[data-glue][data-wasm]');
// The shell's own <main>: while it is in the page the app has not taken over (after that, a failure is the
// app's to show: its crash screen).
const shell = document.querySelector('[data-complaint-desk-shell] main');

// A failed request is asked once more under another address: Chromium hands a fetch the failure of a
// refused preload of the same address, and a module map may keep a failed module script for the page's life.
async function start() {
  const { glue, wasm } = script.dataset;
  const module = await import(glue).catch(() => import(`${glue}?again`));
  try {
    await module.default({ module_or_path: wasm });
  } catch (error) {
    // A network failure; a module that does not compile would not compile the second time either.
    if (!(error instanceof TypeError)) throw error;
    await module.default({ module_or_path: `${wasm}?again` });
  }
}

/** As the app chooses (src/services/locale.rs): `?lang=`, the remembered choice, the browser's languages. */
function language() {
  const pick = (tag) => {
    const primary = String(tag ?? '').split(/[-_]/)[0].trim().toLowerCase();
    return Object.hasOwn(MESSAGES, primary) ? primary : undefined;
  };
  let remembered;
  try {
    remembered = localStorage.getItem('complaint-desk.locale');
  } catch {
    // Storage blocked: no remembered choice.
  }
  const candidates = [new URLSearchParams(location.search).get('lang'), remembered, ...(navigator.languages ?? []), navigator.language];
  return candidates.map(pick).find(Boolean) ?? 'en';
}

function cannotOpen() {
  if (!shell?.isConnected || shell.querySelector('.load-error')) return;
  const lang = language();
  const text = MESSAGES[lang];
  const element = (name, className, content) => {
    const node = document.createElement(name);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  };
  const section = element('section', 'load-error');
  section.setAttribute('role', 'alert');
  section.setAttribute('aria-labelledby', 'load-error-title');
  section.lang = lang;
  const title = element('h2', 'load-error__title', text.title);
  title.id = 'load-error-title';
  const retry = element('button', 'button', text.retry);
  retry.type = 'button';
  // A new visit: the current page, or the new release's, whose files are there.
  retry.addEventListener('click', () => location.reload());
  section.append(title, element('p', '', navigator.onLine ? text.failed : text.offline), element('p', '', text.advice), retry);
  const loading = shell.querySelector('.loading');
  if (loading) loading.replaceWith(section);
  else shell.prepend(section);
}

start().catch((error) => {
  console.warn('complaint desk could not start:', error);
  cannotOpen();
});
