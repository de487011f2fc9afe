//! How a person gets into the desk the first time (issue #23): an admin (or `staff invite` at the server's
//! terminal) makes a one-time enrolment link; its holder creates a passkey with it, which creates the
//! account with the invitation's role, and gets ten one-time recovery codes, shown once. The link is kept
//! as its SHA-256, good for 72 hours and once; it never signs anyone in without the passkey made with it
//! (user verification required).

use complaint_domain::instant::Instant;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential, Uuid};

use super::sessions::{random_text, token_sha256, NewSession};
use super::sign_in::{base64url, recovery_sha256, AuthRefusal};
use super::{Actor, Desk, DeskError, Permission, Role};
use crate::store::{
    EnrolRefused, Enrolment, InvitationRecord, NewInvitation, NewPasskey, NewStaff,
};

/// How long an enrolment link is good for.
pub const LINK_SECONDS: i64 = 72 * 3600;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// Who an invitation is for.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Invite {
    pub name: String,
    pub email: String,
    pub role: String,
    #[serde(default)]
    pub categories: Vec<String>,
}

/// A new enrolment link's secret (shown once) and until when it is good.
pub struct Invited {
    pub token: String,
    pub expires_at: Instant,
}

/// What an enrolment's finish gives: the new account's session and its recovery codes (shown once).
pub struct Enrolled {
    pub session: NewSession,
    pub recovery_codes: Vec<String>,
}

/// The state kept between an enrolment's start and finish: the new account's user handle too.
#[derive(serde::Serialize, serde::Deserialize)]
struct EnrolState {
    user_handle: Uuid,
    registration: PasskeyRegistration,
}

/// The link a person enrols with: the token after `#`, so it never reaches a log or a Referer.
pub fn enrol_link(origin: &str, token: &str) -> String {
    format!("{}/staff/enrol#{token}", origin.trim_end_matches('/'))
}

fn invalid(message: impl Into<String>) -> DeskError {
    AuthRefusal::Invalid(message.into()).into()
}

impl Desk {
    /// A one-time enrolment link for a new staff member (needs [`Permission::Staff`]).
    pub fn invite(
        &mut self,
        actor: &Actor,
        invite: &Invite,
        address: Option<&str>,
        now: Instant,
    ) -> Result<Invited, DeskError> {
        actor.require(Permission::Staff)?;
        let name = invite.name.trim();
        let email = invite.email.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(invalid("name: 1 to 200 characters"));
        }
        let plausible = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
        if !plausible {
            return Err(invalid(format!(
                "email: \"{email}\" is not an email address"
            )));
        }
        let role = Role::parse(&invite.role).ok_or_else(|| {
            invalid(format!(
                "role: \"{}\" is not agent, lead or admin",
                invite.role
            ))
        })?;
        if let Ok(settings) = self.settings() {
            let known = &settings.config.categories;
            if let Some(unknown) = invite
                .categories
                .iter()
                .find(|c| !known.iter().any(|k| &k.id == *c))
            {
                return Err(invalid(format!(
                    "categories: \"{unknown}\" is not in the config"
                )));
            }
        }
        if self.store.staff_by_email(email)?.is_some() {
            return Err(AuthRefusal::EmailTaken(email.to_owned()).into());
        }
        let token = random_text()?;
        let expires_at = now.plus_seconds(LINK_SECONDS);
        let id = self.store.add_invitation(
            &NewInvitation {
                token_sha256: &token_sha256(&token),
                name,
                email,
                role,
                categories: &invite.categories,
                invited_by: &actor.audit_key(),
                expires_at,
            },
            now,
        )?;
        self.audit(
            actor,
            "invite",
            None,
            serde_json::json!({ "invitation": id, "name": name, "email": email, "role": role.name() }),
            address,
        )?;
        Ok(Invited { token, expires_at })
    }

    /// Who the link is for, while it is good.
    pub fn enrolment(&self, token: &str, now: Instant) -> Result<InvitationRecord, DeskError> {
        let invitation = self
            .store
            .invitation(&token_sha256(token))?
            .ok_or(AuthRefusal::LinkInvalid)?;
        if invitation.used_at.is_some() || invitation.expires_at.unix_seconds() < now.unix_seconds()
        {
            return Err(AuthRefusal::LinkInvalid.into());
        }
        Ok(invitation)
    }

    /// Starts the passkey's creation with a good link: the options for `navigator.credentials.create`.
    pub fn start_enrolment(
        &mut self,
        token: &str,
        now: Instant,
    ) -> Result<serde_json::Value, DeskError> {
        let invitation = self.enrolment(token, now)?;
        let user_handle = Uuid::new_v4();
        let (options, registration) =
            self.registration(user_handle, &invitation.email, &invitation.name, None)?;
        let state = EnrolState {
            user_handle,
            registration,
        };
        self.put_state(&format!("enrol:{}", invitation.id), &state, now)?;
        Ok(options)
    }

    /// Finishes the enrolment: the account (with the invitation's role) and its passkey, its recovery
    /// codes, and a session for it. The link is used up.
    pub fn finish_enrolment(
        &mut self,
        token: &str,
        credential: &RegisterPublicKeyCredential,
        address: &str,
        now: Instant,
    ) -> Result<Enrolled, DeskError> {
        let invitation = self.enrolment(token, now)?;
        let state: EnrolState = self.take_state(&format!("enrol:{}", invitation.id), now)?;
        let passkey = self
            .webauthn()?
            .finish_passkey_registration(credential, &state.registration)
            .map_err(|e| invalid(format!("the passkey was not accepted: {e}")))?;
        let recovery_codes = (0..RECOVERY_CODES)
            .map(|_| recovery_code())
            .collect::<Result<Vec<_>, _>>()?;
        let hashes: Vec<String> = recovery_codes.iter().map(|c| recovery_sha256(c)).collect();
        let passkey_json = serde_json::to_string(&passkey).map_err(|e| invalid(e.to_string()))?;
        let handle = state.user_handle.to_string();
        let enrolment = Enrolment {
            invitation_id: invitation.id,
            staff: NewStaff {
                name: &invitation.name,
                email: &invitation.email,
                role: invitation.role,
                locale: "en",
                categories: &invitation.categories,
            },
            user_handle: &handle,
            passkey: NewPasskey {
                credential_id: &base64url(passkey.cred_id()),
                passkey: &passkey_json,
            },
            recovery_sha256: &hashes,
        };
        let staff_id = match self.store.enrol(&enrolment, now)? {
            Ok(id) => id,
            Err(EnrolRefused::LinkUsed) => return Err(AuthRefusal::LinkInvalid.into()),
            Err(EnrolRefused::EmailTaken) => {
                return Err(AuthRefusal::EmailTaken(invitation.email).into())
            }
            Err(EnrolRefused::PasskeyTaken) => return Err(AuthRefusal::PasskeyTaken.into()),
        };
        let member = self
            .store
            .staff_member(staff_id)?
            .ok_or(AuthRefusal::UnknownStaff(staff_id))?;
        let actor = Actor::from(&member);
        self.audit(
            &actor,
            "enrol",
            None,
            serde_json::json!({ "invitation": invitation.id, "role": member.role.name() }),
            Some(address),
        )?;
        let session = self.signed_in_now(&member, "enrolment", address, now)?;
        Ok(Enrolled {
            session,
            recovery_codes,
        })
    }
}

/// Crockford's base32: no i, l, o or u to misread.
const CODE_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A recovery code: ten characters (50 random bits), shown as `xxxxx-xxxxx`.
fn recovery_code() -> Result<String, DeskError> {
    let bytes = crate::ids::new_secret().map_err(|_| DeskError::NoRandomness)?;
    let chars: String = bytes[..10]
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect();
    Ok(format!("{}-{}", &chars[..5], &chars[5..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_code_is_read_without_its_dash_or_case() {
        let code = recovery_code().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(
            recovery_sha256(&code),
            recovery_sha256(&code.to_uppercase().replace('-', " "))
        );
        assert_ne!(recovery_code().unwrap(), code);
    }

    #[test]
    fn the_link_keeps_its_token_in_the_fragment() {
        assert_eq!(
            enrol_link("http://localhost:8080/", "abc"),
            "http://localhost:8080/staff/enrol#abc"
        );
    }
}
