//! Staff accounts (issue #23): a lead lists them (to assign work); an admin changes a role, the categories
//! a person works, or turns an account off, which ends its sessions at once. The last admin who can sign
//! in is never demoted or turned off, so the desk always has someone who can invite.

use complaint_domain::instant::Instant;

use super::sign_in::AuthRefusal;
use super::{Actor, Desk, DeskError, Permission, Role};
use crate::store::StaffRecord;

/// What a change to an account asks; what is `None` stays.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    pub role: Option<String>,
    pub categories: Option<Vec<String>>,
    pub disabled: Option<bool>,
}

impl Desk {
    /// Every account, turned-off ones too (needs [`Permission::Assign`]: a lead assigns to them).
    pub fn staff(&self, actor: &Actor) -> Result<Vec<StaffRecord>, DeskError> {
        actor.require(Permission::Assign)?;
        Ok(self.store.all_staff()?)
    }

    /// The colleagues one may mention in a note: every account not turned off, by name, as `(id, name)`
    /// (needs [`Permission::Read`]: an agent mentions too, and sees no more of an account than its name).
    pub fn colleagues(&self, actor: &Actor) -> Result<Vec<(i64, String)>, DeskError> {
        actor.require(Permission::Read)?;
        Ok(self
            .store
            .all_staff()?
            .into_iter()
            .filter(|member| member.disabled_at.is_none())
            .map(|member| (member.id, member.name))
            .collect())
    }

    /// Changes one account (needs [`Permission::Staff`]). Returns it as it is now.
    pub fn change_staff(
        &mut self,
        actor: &Actor,
        id: i64,
        change: &StaffChange,
        address: Option<&str>,
        now: Instant,
    ) -> Result<StaffRecord, DeskError> {
        actor.require(Permission::Staff)?;
        let current = self
            .store
            .staff_member(id)?
            .ok_or(AuthRefusal::UnknownStaff(id))?;
        let role = match &change.role {
            Some(name) => Role::parse(name).ok_or_else(|| {
                AuthRefusal::Invalid(format!("role: \"{name}\" is not agent, lead or admin"))
            })?,
            None => current.role,
        };
        let categories = change
            .categories
            .clone()
            .unwrap_or_else(|| current.categories.clone());
        if let (Ok(settings), Some(asked)) = (self.settings(), &change.categories) {
            let known = &settings.config.categories;
            if let Some(unknown) = asked.iter().find(|c| !known.iter().any(|k| &k.id == *c)) {
                return Err(AuthRefusal::Invalid(format!(
                    "categories: \"{unknown}\" is not in the config"
                ))
                .into());
            }
        }
        let disabled_at = match change.disabled {
            Some(true) => Some(current.disabled_at.unwrap_or(now)),
            Some(false) => None,
            None => current.disabled_at,
        };
        if !self
            .store
            .update_staff(id, role, &categories, disabled_at)?
        {
            return Err(AuthRefusal::LastAdmin.into());
        }
        let ended = if disabled_at.is_some() {
            self.store.end_sessions_of(id, now)?
        } else {
            0
        };
        self.audit(
            actor,
            "staff_changed",
            None,
            serde_json::json!({
                "staff": id,
                "role": role.name(),
                "categories": categories,
                "disabled": disabled_at.is_some(),
                "sessions_ended": ended,
            }),
            address,
        )?;
        self.store
            .staff_member(id)?
            .ok_or_else(|| AuthRefusal::UnknownStaff(id).into())
    }
}
