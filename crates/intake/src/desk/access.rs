//! Who may do what (issue #23, docs/staff-api.md): the roles, what each may do, and the one check every desk
//! action makes before it reads or changes anything. The web desk hiding a button is never the permission:
//! this is, on the server, for every front end (the desk in the browser, the staff API's service tokens, the
//! command line).
// Scaffold of issue #23: the staff API's rooms use the rest; remove this when they do.
#![allow(dead_code)]

use super::DeskError;

/// A staff member's role. Each one may do what the one before it may, and more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Works the complaints assigned to them or to their queue (their categories).
    Agent,
    /// Assigns, sees every queue, releases quarantine, extends deadlines.
    Lead,
    /// Staff, settings, templates, tokens, webhooks, retention.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Lead, Role::Admin];

    /// The word stored and sent in the API.
    pub fn name(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A signed-in person, as the desk needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The categories whose queue this person works (the config's ids).
    pub categories: Vec<String>,
}

/// Who did it: every action takes one, checks it ([`Actor::require`]) and records it in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Someone at the service's terminal, with access to its database: may do everything.
    CommandLine,
    /// A person signed in to the desk.
    Staff(StaffMember),
    /// An integration with a service token: what its scopes allow, as the role they map to.
    Service { id: i64, name: String, role: Role },
}

impl From<&crate::store::StaffRecord> for Actor {
    /// The person an account is, as the desk knows them.
    fn from(member: &crate::store::StaffRecord) -> Actor {
        Actor::Staff(StaffMember {
            id: member.id,
            name: member.name.clone(),
            role: member.role,
            categories: member.categories.clone(),
        })
    }
}

/// What an action needs. A route or desk method names one; [`Actor::may`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See queues and complaints (an agent: the ones they may work; see [`Actor::may_work`]).
    Read,
    /// Act on a complaint one may work: acknowledge, note, reply, ask, decide, close, reopen.
    Work,
    /// Assign to anyone, see every queue, merge, bulk changes.
    Assign,
    /// Release or delete a complaint held in quarantine.
    Quarantine,
    /// Move a deadline by hand, with a reason.
    Extend,
    /// Read the audit log beyond one complaint's.
    Audit,
    /// See customers' requests about their data (a copy, erasure) and answer them (issue #25).
    DataRequests,
    /// Invite staff, change roles, turn accounts off.
    Staff,
    /// Templates, settings, retention.
    Settings,
    /// Service tokens and webhooks.
    Integrations,
    /// Put a legal hold on a complaint, or take it off (issue #25).
    Hold,
    /// Export or erase a person's data across complaints (issue #25).
    Erase,
    /// What the command line does for the whole service: export, the report, republishing status files,
    /// publishing the figures.
    Operations,
}

impl Permission {
    /// The least role that has it.
    pub fn least_role(self) -> Role {
        match self {
            Permission::Read | Permission::Work => Role::Agent,
            Permission::Assign
            | Permission::Quarantine
            | Permission::Extend
            | Permission::Audit
            | Permission::Hold
            | Permission::Operations
            | Permission::DataRequests => Role::Lead,
            Permission::Staff
            | Permission::Settings
            | Permission::Integrations
            | Permission::Erase => Role::Admin,
        }
    }
}

impl Actor {
    /// The role this actor acts with; the command line is an admin.
    pub fn role(&self) -> Role {
        match self {
            Actor::CommandLine => Role::Admin,
            Actor::Staff(member) => member.role,
            Actor::Service { role, .. } => *role,
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.role() >= permission.least_role()
    }

    /// `Err(Forbidden)` unless the actor has `permission`: the first line of every desk action.
    pub fn require(&self, permission: Permission) -> Result<(), DeskError> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(DeskError::Forbidden { permission })
        }
    }

    /// Whether the actor may work one complaint: a lead and above any; an agent one assigned to them, or
    /// unassigned in one of their categories.
    pub fn may_work(&self, assignee: Option<i64>, category: &str) -> bool {
        match self {
            Actor::Staff(member) if member.role == Role::Agent => match assignee {
                Some(id) => id == member.id,
                None => member.categories.iter().any(|c| c == category),
            },
            _ => true,
        }
    }

    /// As stored in the audit log's `actor` column: `cli`, `staff:ID`, `token:ID`.
    pub fn audit_key(&self) -> String {
        match self {
            Actor::CommandLine => "cli".to_owned(),
            Actor::Staff(member) => format!("staff:{}", member.id),
            Actor::Service { id, .. } => format!("token:{id}"),
        }
    }

    /// The name recorded beside it (the person's name at the time, the token's name).
    pub fn audit_name(&self) -> &str {
        match self {
            Actor::CommandLine => "command line",
            Actor::Staff(member) => &member.name,
            Actor::Service { name, .. } => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, categories: &[&str]) -> Actor {
        Actor::Staff(StaffMember {
            id: 7,
            name: "Ana".into(),
            role,
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        })
    }

    #[test]
    fn each_role_has_what_the_one_before_has_and_no_more_than_its_own() {
        let agent = staff(Role::Agent, &[]);
        let lead = staff(Role::Lead, &[]);
        let admin = staff(Role::Admin, &[]);
        assert!(agent.may(Permission::Work) && !agent.may(Permission::Assign));
        assert!(lead.may(Permission::Assign) && !lead.may(Permission::Staff));
        assert!(admin.may(Permission::Staff) && admin.may(Permission::Work));
        assert!(matches!(
            agent.require(Permission::Extend),
            Err(DeskError::Forbidden {
                permission: Permission::Extend
            })
        ));
    }

    #[test]
    fn an_agent_works_their_own_and_their_queues_unassigned_ones_only() {
        let agent = staff(Role::Agent, &["billing"]);
        assert!(agent.may_work(Some(7), "delivery"));
        assert!(!agent.may_work(Some(8), "billing"));
        assert!(agent.may_work(None, "billing"));
        assert!(!agent.may_work(None, "delivery"));
        assert!(staff(Role::Lead, &[]).may_work(Some(8), "delivery"));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
