//! Service tokens (issue #23): an integration's way in. An admin creates one with a name and the role it
//! acts as; its secret (`cdt_` and 32 random bytes in base64url) is shown once and kept as its SHA-256;
//! revoking it refuses it from the next request on. It may be made to expire after 1 to 730 days (a
//! contractor's integration, a trial); without that it lasts until revoked.

use complaint_domain::instant::Instant;

use super::sessions::token_sha256;
use super::sign_in::{base64url, AuthRefusal};
use super::{Actor, Desk, DeskError, Permission, Role};
use crate::store::TokenRecord;

/// What every token's secret starts with, so a leaked one is recognised (secret scanners, logs).
pub const PREFIX: &str = "cdt_";

/// The longest a token may be made to last, in days (two years): longer is "until revoked".
pub const MAX_DAYS: i64 = 730;

/// A new token: its record and its secret, shown once.
pub struct NewToken {
    pub record: TokenRecord,
    pub secret: String,
}

impl Desk {
    /// Creates a token acting as `role` (needs [`Permission::Integrations`]), expiring after
    /// `expires_in_days` (1 to [`MAX_DAYS`]) or, without it, lasting until revoked.
    pub fn create_token(
        &mut self,
        actor: &Actor,
        name: &str,
        role: &str,
        expires_in_days: Option<i64>,
        address: Option<&str>,
        now: Instant,
    ) -> Result<NewToken, DeskError> {
        actor.require(Permission::Integrations)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AuthRefusal::Invalid("name: 1 to 100 characters".into()).into());
        }
        let role = Role::parse(role).ok_or_else(|| {
            AuthRefusal::Invalid(format!("role: \"{role}\" is not agent, lead or admin"))
        })?;
        let expires_at = match expires_in_days {
            None => None,
            Some(days @ 1..=MAX_DAYS) => Some(Instant::from_unix_seconds(
                now.unix_seconds() + days * 86_400,
            )),
            Some(days) => {
                return Err(AuthRefusal::Invalid(format!(
                    "expires_in_days: {days} is not 1 to {MAX_DAYS}"
                ))
                .into())
            }
        };
        let bytes = crate::ids::new_secret().map_err(|_| DeskError::NoRandomness)?;
        let secret = format!("{PREFIX}{}", base64url(&bytes));
        let id = self.store.add_token(
            name,
            role,
            &token_sha256(&secret),
            &actor.audit_key(),
            now,
            expires_at,
        )?;
        self.audit(
            actor,
            "token_created",
            None,
            serde_json::json!({
                "token": id, "name": name, "role": role.name(), "expires_at": expires_at
            }),
            address,
        )?;
        let record = self
            .store
            .tokens()?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AuthRefusal::UnknownToken(id))?;
        Ok(NewToken { record, secret })
    }

    /// Every token, revoked ones too; never a secret.
    pub fn tokens(&self, actor: &Actor) -> Result<Vec<TokenRecord>, DeskError> {
        actor.require(Permission::Integrations)?;
        Ok(self.store.tokens()?)
    }

    /// Revokes a token: refused from the next request on.
    pub fn revoke_token(
        &mut self,
        actor: &Actor,
        id: i64,
        address: Option<&str>,
        now: Instant,
    ) -> Result<(), DeskError> {
        actor.require(Permission::Integrations)?;
        if !self.store.revoke_token(id, now)? {
            return Err(AuthRefusal::UnknownToken(id).into());
        }
        self.audit(
            actor,
            "token_revoked",
            None,
            serde_json::json!({ "token": id }),
            address,
        )
    }

    /// The integration a bearer token names, if it is a token, not revoked and not expired; marks it used.
    pub fn token_signed_in(
        &mut self,
        secret: &str,
        now: Instant,
    ) -> Result<Option<Actor>, DeskError> {
        if !secret.starts_with(PREFIX) {
            return Ok(None);
        }
        let Some(token) = self.store.token_by_secret(&token_sha256(secret))? else {
            return Ok(None);
        };
        let expired = token.expires_at.is_some_and(|at| at <= now);
        if token.revoked_at.is_some() || expired {
            return Ok(None);
        }
        self.store.token_used(token.id, now)?;
        Ok(Some(Actor::Service {
            id: token.id,
            name: token.name,
            role: token.role,
        }))
    }
}
