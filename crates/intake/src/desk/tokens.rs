//! Service tokens (issue #23): an integration's way in. An admin creates one with a name and the role it
//! acts as; its secret (`cdt_` and 32 random bytes in base64url) is shown once and kept as its SHA-256;
//! revoking it refuses it from the next request on.

use complaint_domain::instant::Instant;

use super::sessions::token_sha256;
use super::sign_in::{base64url, AuthRefusal};
use super::{Actor, Desk, DeskError, Permission, Role};
use crate::store::{Storage, TokenRecord};

/// What every token's secret starts with, so a leaked one is recognised (secret scanners, logs).
pub const PREFIX: &str = "cdt_";

/// A new token: its record and its secret, shown once.
pub struct NewToken {
    pub record: TokenRecord,
    pub secret: String,
}

impl<S: Storage> Desk<S> {
    /// Creates a token acting as `role` (needs [`Permission::Integrations`]).
    pub fn create_token(
        &mut self,
        actor: &Actor,
        name: &str,
        role: &str,
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
        let bytes = crate::ids::new_secret().map_err(|_| DeskError::NoRandomness)?;
        let secret = format!("{PREFIX}{}", base64url(&bytes));
        let id =
            self.store
                .add_token(name, role, &token_sha256(&secret), &actor.audit_key(), now)?;
        self.audit(
            actor,
            "token_created",
            None,
            serde_json::json!({ "token": id, "name": name, "role": role.name() }),
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

    /// The integration a bearer token names, if it is a token and not revoked; marks it used.
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
        if token.revoked_at.is_some() {
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
