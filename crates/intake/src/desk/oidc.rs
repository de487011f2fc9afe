//! Sign-in with the organisation's OpenID Connect provider (issue #23, docs/staff-api.md "Sign-in with the
//! organisation's provider"), the desk's half: what is kept between the redirect to the provider and its
//! answer (the `state`, `nonce` and PKCE verifier, as a ceremony: 5 minutes, once), and who the checked ID
//! token lets in. The talking to the provider and the ID token's checks are `crate::oidc`'s; here only
//! accounts, sessions and the audit log.
//!
//! Nobody signs themselves up: the verified email address must be a staff account's (case-insensitive), or
//! an unused, unexpired invitation's, which then becomes the account (with its role and categories) as an
//! enrolment would make it, without a passkey: the provider is this organisation's way in.

use complaint_domain::instant::Instant;

use super::sessions::NewSession;
use super::sign_in::AuthRefusal;
use super::{Actor, Desk, DeskError};
use crate::store::{AuditEntry, OidcEnrolled};

/// What waits for the provider's answer, under the ceremony `oidc:<state>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OidcPending {
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in, from an ID token whose signature, issuer, audience, nonce and expiry
/// were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcIdentity {
    /// The provider's `sub`, for the audit log.
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
}

fn ceremony(state: &str) -> String {
    format!("oidc:{state}")
}

impl Desk {
    /// Keeps what the provider's answer to `state` will need, for 5 minutes.
    pub fn keep_oidc_state(
        &mut self,
        state: &str,
        pending: &OidcPending,
        now: Instant,
    ) -> Result<(), DeskError> {
        self.put_state(&ceremony(state), pending, now)
    }

    /// What was kept for `state`, once; an unknown, used or expired one is a failed sign-in.
    pub fn take_oidc_state(
        &mut self,
        state: &str,
        address: &str,
        now: Instant,
    ) -> Result<OidcPending, DeskError> {
        match self.take_state(&ceremony(state), now) {
            Err(DeskError::Auth(AuthRefusal::CeremonyExpired)) => {
                self.oidc_failed("state unknown, used or expired", None, address)?;
                Err(AuthRefusal::CeremonyExpired.into())
            }
            other => other,
        }
    }

    /// Records a sign-in with the provider that failed before any account was known (the provider said
    /// no, or its ID token was not accepted): one `sign_in_failed` line for nobody.
    pub fn oidc_failed(
        &mut self,
        why: &str,
        email: Option<&str>,
        address: &str,
    ) -> Result<(), DeskError> {
        let mut detail = serde_json::json!({ "with": "oidc", "why": why });
        if let Some(email) = email {
            detail["email"] = email.into();
        }
        Ok(self.store.append_audit(&AuditEntry {
            at: crate::zone::now(),
            actor: "anonymous".to_owned(),
            actor_name: "unknown".to_owned(),
            action: "sign_in_failed".to_owned(),
            complaint_id: None,
            detail,
            address: Some(address.to_owned()),
        })?)
    }

    /// A session for the staff account whose address the provider verified; see the module's note on
    /// invitations.
    pub fn finish_oidc_sign_in(
        &mut self,
        identity: &OidcIdentity,
        address: &str,
        now: Instant,
    ) -> Result<NewSession, DeskError> {
        let email = identity.email.as_deref().map(str::trim).unwrap_or_default();
        if email.is_empty() {
            self.oidc_failed("the ID token has no email", None, address)?;
            return Err(AuthRefusal::Rejected.into());
        }
        if !identity.email_verified {
            self.oidc_failed("email not verified by the provider", Some(email), address)?;
            return Err(AuthRefusal::Rejected.into());
        }
        let id = match self.store.staff_by_email(email)? {
            Some(id) => id,
            None => match self.store.enrol_by_email(email, now)? {
                OidcEnrolled::Created {
                    staff_id,
                    invitation_id,
                } => {
                    self.enrolled_by_oidc(staff_id, invitation_id, address)?;
                    staff_id
                }
                OidcEnrolled::NoInvitation => {
                    self.oidc_failed("no staff account has this email", Some(email), address)?;
                    return Err(AuthRefusal::NoAccount.into());
                }
            },
        };
        let member = self.usable_member(id, address)?;
        self.signed_in_now(&member, "oidc", address, now)
    }

    /// The `enrol` line of an account an invitation became at its first sign-in with the provider.
    fn enrolled_by_oidc(
        &mut self,
        staff_id: i64,
        invitation_id: i64,
        address: &str,
    ) -> Result<(), DeskError> {
        let member = self
            .store
            .staff_member(staff_id)?
            .ok_or(AuthRefusal::UnknownStaff(staff_id))?;
        let actor = Actor::from(&member);
        self.audit(
            &actor,
            "enrol",
            None,
            serde_json::json!({ "invitation": invitation_id, "role": member.role.name(), "with": "oidc" }),
            Some(address),
        )
    }
}
