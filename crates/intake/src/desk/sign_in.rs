//! The ways into the desk (issue #23, docs/staff-api.md "Who is asking"): a passkey (WebAuthn, usernameless:
//! the passkey names its account), or a one-time recovery code after which the person adds a passkey. Both
//! end in a session ([`Desk::start_session`]). Failures are counted per account from the audit log: five in
//! fifteen minutes lock the account's sign-in until the oldest of them is that old (per-address limits are
//! the HTTP side's, before any of this runs).
//!
//! The relying party (the desk's origin, its host the RP ID) is set by `serve` once it knows its port
//! ([`Desk::configure_sign_in`]); the command line never needs it. WebAuthn forbids an IP address as RP ID,
//! so the default origin is `http://localhost:PORT`.

use std::time::Duration;

use complaint_domain::instant::Instant;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use super::sessions::{token_sha256, NewSession};
use super::{Actor, Desk, DeskError};
use crate::store::{AuditEntry, NewPasskey, PasskeyRecord, StaffRecord};

/// How long a ceremony may take between its start and its finish.
pub const CEREMONY_SECONDS: i64 = 5 * 60;
/// Failed sign-ins an account may have within [`FAILURE_WINDOW_SECONDS`] before it is locked.
pub const FAILURES_ALLOWED: usize = 5;
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

/// Why a sign-in, an enrolment or an account change did nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthRefusal {
    #[error("this enrolment link is unknown, used or expired; ask an admin for a new one")]
    LinkInvalid,
    #[error("the sign-in took longer than 5 minutes or was finished already; start again")]
    CeremonyExpired,
    #[error("the passkey or code was not accepted")]
    Rejected,
    #[error("too many failed sign-ins for this account; try again in {retry_after} s")]
    Locked { retry_after: u64 },
    #[error("{0} has a staff account already")]
    EmailTaken(String),
    #[error("this passkey is registered already")]
    PasskeyTaken,
    #[error("the last admin who can sign in cannot be demoted or turned off")]
    LastAdmin,
    #[error("no staff account has the id {0}")]
    UnknownStaff(i64),
    #[error("no service token has the id {0}, or it is revoked already")]
    UnknownToken(i64),
    #[error("{0}")]
    Invalid(String),
    /// Only people add passkeys; a service token or the command line has none.
    #[error("only a person signed in to the desk has passkeys")]
    NotAPerson,
    /// A person the organisation's provider vouches for, without a staff account or an invitation.
    #[error("no staff account has this email address; ask an admin for an invitation")]
    NoAccount,
    #[error("passkeys are not set up: the service was started without a staff origin")]
    NoRelyingParty,
}

/// How sessions last and who the relying party is.
pub struct SignIn {
    relying_party: Option<RelyingParty>,
    /// A session unused this long ends.
    pub idle_seconds: i64,
    /// A session this old ends, however used.
    pub lifetime_seconds: i64,
}

struct RelyingParty {
    origin: Url,
    webauthn: Webauthn,
}

impl Default for SignIn {
    fn default() -> SignIn {
        SignIn {
            relying_party: None,
            idle_seconds: 30 * 60,
            lifetime_seconds: 12 * 3600,
        }
    }
}

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX).max(1)
}

/// The desk's origin as links show it (`http://localhost:8080`, no trailing slash).
pub fn origin_text(origin: &Url) -> String {
    origin.origin().ascii_serialization()
}

/// Whether cookies for this origin may go without `Secure`: plain HTTP on this machine only.
pub fn is_loopback_http(origin: &Url) -> bool {
    let host = origin.host_str().unwrap_or_default();
    origin.scheme() == "http"
        && (host == "localhost"
            || host.ends_with(".localhost")
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()))
}

impl Desk {
    /// Sets the relying party (`origin`: where people open the desk) and the sessions' timeouts.
    pub fn configure_sign_in(
        &mut self,
        origin: &Url,
        idle: Duration,
        lifetime: Duration,
    ) -> Result<(), String> {
        let host = origin
            .host_str()
            .ok_or_else(|| format!("{origin} has no host"))?;
        if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
            return Err(format!(
                "{origin}: a passkey's relying party cannot be an IP address; use a name (http://localhost:PORT)"
            ));
        }
        let webauthn = WebauthnBuilder::new(host, origin)
            .and_then(|b| b.rp_name("Complaint desk").build())
            .map_err(|e| format!("{origin} cannot be the desk's origin: {e}"))?;
        self.sign_in = SignIn {
            relying_party: Some(RelyingParty {
                origin: origin.clone(),
                webauthn,
            }),
            idle_seconds: seconds(idle),
            lifetime_seconds: seconds(lifetime),
        };
        Ok(())
    }

    /// The desk's origin, for links; `None` until `serve` sets it.
    pub fn origin(&self) -> Option<&Url> {
        self.sign_in.relying_party.as_ref().map(|rp| &rp.origin)
    }

    /// How long a session may last at most, for its cookie's `Max-Age`.
    pub fn session_lifetime_seconds(&self) -> i64 {
        self.sign_in.lifetime_seconds
    }

    pub(super) fn webauthn(&self) -> Result<&Webauthn, DeskError> {
        self.sign_in
            .relying_party
            .as_ref()
            .map(|rp| &rp.webauthn)
            .ok_or(DeskError::Auth(AuthRefusal::NoRelyingParty))
    }

    /// Starts a usernameless passkey sign-in: the ceremony's id and the options for
    /// `navigator.credentials.get`.
    pub fn start_sign_in(
        &mut self,
        now: Instant,
    ) -> Result<(String, serde_json::Value), DeskError> {
        let (mut options, state) = self
            .webauthn()?
            .start_discoverable_authentication()
            .map_err(|e| AuthRefusal::Invalid(e.to_string()))?;
        // A button's sign-in, not the autofill kind webauthn-rs defaults to.
        options.mediation = None;
        let id = format!("sign-in:{}", super::sessions::random_text()?);
        self.put_state(&id, &state, now)?;
        Ok((id, json(&options)?))
    }

    /// Finishes a passkey sign-in started by [`Desk::start_sign_in`]: a session for the passkey's account.
    pub fn finish_sign_in(
        &mut self,
        ceremony: &str,
        credential: &PublicKeyCredential,
        address: &str,
        now: Instant,
    ) -> Result<NewSession, DeskError> {
        if !ceremony.starts_with("sign-in:") {
            return Err(AuthRefusal::CeremonyExpired.into());
        }
        let state: DiscoverableAuthentication = self.take_state(ceremony, now)?;
        let credential_id = base64url(credential.get_credential_id());
        let Some(record) = self.store.passkey(&credential_id)? else {
            self.sign_in_failed(None, "unknown passkey", address)?;
            return Err(AuthRefusal::Rejected.into());
        };
        let member = self.usable_member(record.staff_id, address)?;
        let handle = credential
            .get_user_unique_id()
            .and_then(|b| Uuid::from_slice(b).ok());
        let handle_owner = match handle {
            Some(handle) => self.store.staff_by_user_handle(&handle.to_string())?,
            None => None,
        };
        let mut passkey: Passkey = from_json(&record.passkey)?;
        // The passkey must be the one its account's user handle names, and verify.
        let verified = if handle_owner == Some(member.id) {
            self.webauthn()?
                .finish_discoverable_authentication_v2(credential, state, &passkey)
                .ok()
        } else {
            None
        };
        let Some(result) = verified else {
            self.sign_in_failed(Some(&member), "passkey not verified", address)?;
            return Err(AuthRefusal::Rejected.into());
        };
        passkey.update_credential(&result);
        self.store
            .passkey_used(record.id, &to_json(&passkey)?, now)?;
        self.signed_in_now(&member, "passkey", address, now)
    }

    /// Signs in with a one-time recovery code instead of a passkey; the code is used up. The same
    /// refusal whether the address or the code is wrong.
    pub fn recover(
        &mut self,
        email: &str,
        code: &str,
        address: &str,
        now: Instant,
    ) -> Result<NewSession, DeskError> {
        let Some(id) = self.store.staff_by_email(email.trim())? else {
            self.sign_in_failed(None, "recovery code for an unknown address", address)?;
            return Err(AuthRefusal::Rejected.into());
        };
        let member = self.usable_member(id, address)?;
        if !self
            .store
            .use_recovery_code(id, &recovery_sha256(code), now)?
        {
            self.sign_in_failed(Some(&member), "recovery code not accepted", address)?;
            return Err(AuthRefusal::Rejected.into());
        }
        self.signed_in_now(&member, "recovery_code", address, now)
    }

    /// The signed-in person's passkeys (no key material).
    pub fn my_passkeys(&self, actor: &Actor) -> Result<Vec<PasskeyRecord>, DeskError> {
        let Actor::Staff(member) = actor else {
            return Err(AuthRefusal::NotAPerson.into());
        };
        Ok(self.store.passkeys_of(member.id)?)
    }

    /// Starts adding a passkey to the signed-in person's account: the options for
    /// `navigator.credentials.create`.
    pub fn start_add_passkey(
        &mut self,
        actor: &Actor,
        now: Instant,
    ) -> Result<serde_json::Value, DeskError> {
        let Actor::Staff(member) = actor else {
            return Err(AuthRefusal::NotAPerson.into());
        };
        let fresh = Uuid::new_v4().to_string();
        let handle = self.store.user_handle(member.id, &fresh)?;
        let handle = Uuid::parse_str(&handle).map_err(|_| AuthRefusal::Invalid(handle.clone()))?;
        let record = self.store.staff_member(member.id)?;
        let email = record.map(|r| r.email).unwrap_or_default();
        let existing = self.store.passkeys_of(member.id)?;
        let exclude = existing
            .iter()
            .filter_map(|p| from_json::<Passkey>(&p.passkey).ok())
            .map(|p| p.cred_id().clone())
            .collect();
        let (options, state) = self.registration(handle, &email, &member.name, Some(exclude))?;
        self.put_state(&format!("passkey:{}", member.id), &state, now)?;
        Ok(options)
    }

    /// Finishes adding a passkey; recorded in the audit log.
    pub fn finish_add_passkey(
        &mut self,
        actor: &Actor,
        credential: &RegisterPublicKeyCredential,
        address: &str,
        now: Instant,
    ) -> Result<PasskeyRecord, DeskError> {
        let Actor::Staff(member) = actor else {
            return Err(AuthRefusal::NotAPerson.into());
        };
        let state: PasskeyRegistration = self.take_state(&format!("passkey:{}", member.id), now)?;
        let passkey = self
            .webauthn()?
            .finish_passkey_registration(credential, &state)
            .map_err(|e| AuthRefusal::Invalid(format!("the passkey was not accepted: {e}")))?;
        let credential_id = base64url(passkey.cred_id());
        let new = NewPasskey {
            credential_id: &credential_id,
            passkey: &to_json(&passkey)?,
        };
        if !self.store.add_passkey(member.id, &new, now)? {
            return Err(AuthRefusal::PasskeyTaken.into());
        }
        self.audit(
            actor,
            "passkey_added",
            None,
            serde_json::json!({}),
            Some(address),
        )?;
        self.store
            .passkey(&credential_id)?
            .ok_or_else(|| AuthRefusal::PasskeyTaken.into())
    }

    /// Registration options asking for a discoverable passkey with user verification, and their state.
    pub(super) fn registration(
        &self,
        handle: Uuid,
        email: &str,
        name: &str,
        exclude: Option<Vec<webauthn_rs::prelude::CredentialID>>,
    ) -> Result<(serde_json::Value, PasskeyRegistration), DeskError> {
        let (options, state) = self
            .webauthn()?
            .start_passkey_registration(handle, email, name, exclude)
            .map_err(|e| AuthRefusal::Invalid(e.to_string()))?;
        // Sign-in names no account, so the passkey must be discoverable (a resident key); webauthn-rs
        // leaves that to the authenticator.
        let mut options = json(&options)?;
        if let Some(selection) = options
            .pointer_mut("/publicKey/authenticatorSelection")
            .and_then(serde_json::Value::as_object_mut)
        {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
        }
        Ok((options, state))
    }

    pub(super) fn put_state<T: serde::Serialize>(
        &mut self,
        id: &str,
        state: &T,
        now: Instant,
    ) -> Result<(), DeskError> {
        let text = to_json(state)?;
        Ok(self
            .store
            .put_ceremony(id, &text, now.plus_seconds(CEREMONY_SECONDS), now)?)
    }

    pub(super) fn take_state<T: serde::de::DeserializeOwned>(
        &mut self,
        id: &str,
        now: Instant,
    ) -> Result<T, DeskError> {
        let text = self
            .store
            .take_ceremony(id, now)?
            .ok_or(AuthRefusal::CeremonyExpired)?;
        from_json(&text)
    }

    /// The account, if it may sign in now: not turned off, not locked by its failures.
    pub(super) fn usable_member(
        &mut self,
        id: i64,
        address: &str,
    ) -> Result<StaffRecord, DeskError> {
        let Some(member) = self.store.staff_member(id)? else {
            self.sign_in_failed(None, "account gone", address)?;
            return Err(AuthRefusal::Rejected.into());
        };
        if member.disabled_at.is_some() {
            self.sign_in_failed(Some(&member), "account turned off", address)?;
            return Err(AuthRefusal::Rejected.into());
        }
        let now = crate::zone::now();
        let since = now.plus_seconds(-FAILURE_WINDOW_SECONDS);
        let failures = self
            .store
            .audit_times(&format!("staff:{id}"), "sign_in_failed", since)?;
        if failures.len() >= FAILURES_ALLOWED {
            let oldest = failures[failures.len() - FAILURES_ALLOWED];
            let wait = oldest.unix_seconds() + FAILURE_WINDOW_SECONDS - now.unix_seconds();
            return Err(AuthRefusal::Locked {
                retry_after: u64::try_from(wait).unwrap_or(1).max(1),
            }
            .into());
        }
        Ok(member)
    }

    pub(super) fn signed_in_now(
        &mut self,
        member: &StaffRecord,
        how: &str,
        address: &str,
        now: Instant,
    ) -> Result<NewSession, DeskError> {
        let session = self.start_session(member.id, address, now)?;
        let actor = Actor::from(member);
        self.audit(
            &actor,
            "sign_in",
            None,
            serde_json::json!({ "with": how }),
            Some(address),
        )?;
        Ok(session)
    }

    /// One `sign_in_failed` line: for the account when it is known (it counts towards its lock), else
    /// for nobody.
    fn sign_in_failed(
        &mut self,
        member: Option<&StaffRecord>,
        why: &str,
        address: &str,
    ) -> Result<(), DeskError> {
        let (actor, actor_name) = match member {
            Some(m) => (format!("staff:{}", m.id), m.name.clone()),
            None => ("anonymous".to_owned(), "unknown".to_owned()),
        };
        Ok(self.store.append_audit(&AuditEntry {
            at: crate::zone::now(),
            actor,
            actor_name,
            action: "sign_in_failed".to_owned(),
            complaint_id: None,
            detail: serde_json::json!({ "why": why }),
            address: Some(address.to_owned()),
        })?)
    }
}

/// A credential id as the browser writes it: base64url without padding.
pub fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A recovery code's SHA-256, as stored: read without spaces, dashes or case.
pub fn recovery_sha256(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    token_sha256(&plain)
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, DeskError> {
    serde_json::to_value(value).map_err(|e| AuthRefusal::Invalid(e.to_string()).into())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, DeskError> {
    serde_json::to_string(value).map_err(|e| AuthRefusal::Invalid(e.to_string()).into())
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DeskError> {
    serde_json::from_str(text).map_err(|_| {
        DeskError::Store(crate::store::StoreError::Corrupt {
            what: "sign-in state",
            value: text.chars().take(40).collect(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn only_plain_http_on_this_machine_goes_without_secure_cookies() {
        for loopback in [
            "http://localhost:8080",
            "http://desk.localhost",
            "http://127.0.0.1:1",
            "http://[::1]:8080",
        ] {
            assert!(is_loopback_http(&url(loopback)), "{loopback}");
        }
        for elsewhere in [
            "https://localhost:8080",
            "http://desk.example",
            "http://10.0.0.1",
            "http://localhost.example",
        ] {
            assert!(!is_loopback_http(&url(elsewhere)), "{elsewhere}");
        }
    }

    #[test]
    fn a_recovery_code_is_hashed_as_typed_in_any_case_or_grouping() {
        assert_eq!(
            recovery_sha256("ABCDE-fghjk"),
            recovery_sha256(" abcde fghjk ")
        );
        assert_ne!(
            recovery_sha256("abcde-fghjk"),
            recovery_sha256("abcde-fghjm")
        );
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
