//! Who a request comes from: a desk session's token turned into an [`Actor`] (issue #23). Sign-in itself (the
//! passkey ceremonies, recovery codes, enrolment links, service tokens) starts sessions with
//! [`Desk::start_session`]; every later request is checked here, on the server.
use complaint_domain::instant::Instant;
use sha2::{Digest, Sha256};

use super::{Actor, Desk, DeskError};
use crate::store::AuditEntry;
use crate::zone;

/// A session that is still good: who, and the value its state-changing requests must echo.
pub struct Signed {
    pub actor: Actor,
    pub csrf: String,
}

/// A new session's secrets: the token for the cookie (never stored) and the CSRF value.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// The SHA-256 of a session token, as stored.
pub fn token_sha256(token: &str) -> String {
    crate::publish::hex(&Sha256::digest(token.as_bytes()))
}

pub(super) fn random_text() -> Result<String, DeskError> {
    let bytes = crate::ids::new_secret().map_err(|_| DeskError::NoRandomness)?;
    Ok(crate::publish::hex(&bytes))
}

impl Desk {
    /// Starts a session for staff member `staff_id`, signed in from `address`, and records the sign-in.
    pub fn start_session(
        &mut self,
        staff_id: i64,
        address: &str,
        now: Instant,
    ) -> Result<NewSession, DeskError> {
        let token = random_text()?;
        let csrf = random_text()?;
        self.store
            .start_session(staff_id, &token_sha256(&token), &csrf, address, now)?;
        Ok(NewSession { token, csrf })
    }

    /// The session a cookie's `token` names, if it is still good at `now` from `address`; marks it used.
    /// A session unused for the idle timeout, older than its lifetime, or used from another address than
    /// the one it signed in from (a stolen cookie, or a person who moved: they sign in again) ends here.
    pub fn signed_in(
        &mut self,
        token: &str,
        address: &str,
        now: Instant,
    ) -> Result<Option<Signed>, DeskError> {
        let key = token_sha256(token);
        let Some(session) = self.store.session(&key)? else {
            return Ok(None);
        };
        if session.ended_at.is_some() {
            return Ok(None);
        }
        let Some(member) = self.store.staff_member(session.staff_id)? else {
            return Ok(None);
        };
        if member.disabled_at.is_some() {
            return Ok(None);
        }
        let actor = Actor::from(&member);
        let idle = now.unix_seconds() - session.seen_at.unix_seconds() > self.sign_in.idle_seconds;
        let old =
            now.unix_seconds() - session.created_at.unix_seconds() > self.sign_in.lifetime_seconds;
        let moved = session.address != address;
        if idle || old || moved {
            self.store.end_session(&key, now)?;
            let (action, detail) = if moved {
                (
                    "session_address_changed",
                    serde_json::json!({ "signed_in_from": session.address }),
                )
            } else {
                (
                    "session_expired",
                    serde_json::json!({ "why": if idle { "idle" } else { "lifetime" } }),
                )
            };
            self.audit(&actor, action, None, detail, Some(address))?;
            return Ok(None);
        }
        self.store.touch_session(&key, now)?;
        Ok(Some(Signed {
            actor,
            csrf: session.csrf,
        }))
    }

    /// Ends the session the cookie's `token` names (signing out), recorded in the audit log.
    pub fn sign_out(&mut self, actor: &Actor, token: &str, address: &str) -> Result<(), DeskError> {
        self.store.end_session(&token_sha256(token), zone::now())?;
        self.audit(
            actor,
            "sign_out",
            None,
            serde_json::json!({}),
            Some(address),
        )
    }

    /// Ends every session of the signed-in person, this one too. Returns how many.
    pub fn sign_out_everywhere(
        &mut self,
        actor: &Actor,
        address: &str,
    ) -> Result<usize, DeskError> {
        let Actor::Staff(member) = actor else {
            return Err(super::sign_in::AuthRefusal::NotAPerson.into());
        };
        let ended = self.store.end_sessions_of(member.id, zone::now())?;
        self.audit(
            actor,
            "sign_out_everywhere",
            None,
            serde_json::json!({ "sessions": ended }),
            Some(address),
        )?;
        Ok(ended)
    }

    /// Appends one line to the audit log for `actor`.
    pub fn audit(
        &mut self,
        actor: &Actor,
        action: &str,
        complaint_id: Option<i64>,
        detail: serde_json::Value,
        address: Option<&str>,
    ) -> Result<(), DeskError> {
        Ok(self.store.append_audit(&AuditEntry {
            at: zone::now(),
            actor: actor.audit_key(),
            actor_name: actor.audit_name().to_owned(),
            action: action.to_owned(),
            complaint_id,
            detail,
            address: address.map(str::to_owned),
        })?)
    }
}
