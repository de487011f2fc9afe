//! Who a request comes from: a desk session's token turned into an [`Actor`] (issue #23). Sign-in itself (the
//! passkey ceremonies, recovery codes, enrolment links, service tokens) starts sessions with
//! [`Desk::start_session`]; every later request is checked here, on the server.
// Scaffold of issue #23: the staff API's rooms use the rest; remove this when they do.
#![allow(dead_code)]

use complaint_domain::instant::Instant;
use sha2::{Digest, Sha256};

use super::{Actor, Desk, DeskError, StaffMember};
use crate::store::{AuditEntry, Storage};

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

fn random_text() -> Result<String, DeskError> {
    let bytes = crate::ids::new_secret().map_err(|_| DeskError::NoRandomness)?;
    Ok(crate::publish::hex(&bytes))
}

impl<S: Storage> Desk<S> {
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

    /// The session a cookie's `token` names, if it is still good at `now`; marks it used.
    pub fn signed_in(&mut self, token: &str, now: Instant) -> Result<Option<Signed>, DeskError> {
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
        self.store.touch_session(&key, now)?;
        Ok(Some(Signed {
            actor: Actor::Staff(StaffMember {
                id: member.id,
                name: member.name,
                role: member.role,
                categories: member.categories,
            }),
            csrf: session.csrf,
        }))
    }

    /// Ends the session the cookie's `token` names.
    pub fn end_session(&mut self, token: &str, now: Instant) -> Result<(), DeskError> {
        Ok(self.store.end_session(&token_sha256(token), now)?)
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
            at: crate::zone::now(),
            actor: actor.audit_key(),
            actor_name: actor.audit_name().to_owned(),
            action: action.to_owned(),
            complaint_id,
            detail,
            address: address.map(str::to_owned),
        })?)
    }
}
