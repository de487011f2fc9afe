//! The record on PostgreSQL, for several intake nodes sharing one database (issue #24; docs/scaling.md,
//! "PostgreSQL"). Selected by `--db postgres://…`; a plain path or `sqlite:` keeps SQLite ([`super::Store`]).
//!
//! The client is the synchronous `postgres` crate (tokio-postgres underneath, plain TCP, no OpenSSL) behind an
//! `r2d2` pool: the store is called from `spawn_blocking` threads, as SQLite's is, so the same trait
//! signatures (`&self`/`&mut self`, no `async`) fit both engines. Here: connecting, the pool, the schema;
//! each concern in its own file like SQLite's, with SQLite's behaviour: what filing needs, [`complaints`]
//! (`ComplaintStore`, exactly once across nodes), [`blobs`] (`EvidenceStore`), [`quarantine`]
//! (`QuarantineStore`), [`secrets`] (`SecretStore`); the two outboxes, [`outbox`] (`OutboxStore`, each mail
//! claimed by one node) and [`webhooks`] (`WebhookStore`, each event claimed by one node under a lease);
//! what the desk needs, [`replies`] (`ReplyStore`, a reply once per key across nodes), [`work`]
//! (`WorkStore`), [`templates`] (`TemplateStore`) and [`search`] (`SearchStore`, PostgreSQL's text search);
//! the staff's side, [`staff`] (`StaffStore`, accounts and sessions, never the last admin lost to two nodes
//! at once), [`audit`] (`AuditStore`), [`passkeys`] (`PasskeyStore`, an enrolment link, a recovery code or a
//! ceremony used once across nodes) and [`tokens`] (`TokenStore`); a customer's requests about their data,
//! [`data_requests`] (`DataRequestStore`, once per key across nodes); and the figures, [`facts`]
//! (`FactStore`) and [`figures`] (`FigureStore`). Each trait is checked on both engines by one test body
//! (`tests`, `desk_tests`, `figure_tests`, `staff_tests`, `webhook_tests`; races in `once_tests`).

mod audit;
mod blobs;
mod complaints;
mod copy;
mod data_requests;
#[cfg(test)]
mod desk_tests;
#[cfg(test)]
mod evidence_tests;
mod facts;
#[cfg(test)]
mod figure_tests;
mod figures;
mod migrations;
#[cfg(test)]
mod once_tests;
mod outbox;
mod passkeys;
mod quarantine;
mod replies;
mod retention;
mod search;
mod secrets;
mod staff;
#[cfg(test)]
mod staff_tests;
mod templates;
#[cfg(test)]
mod tests;
mod tokens;
#[cfg(test)]
mod webhook_tests;
mod webhooks;
mod work;

use std::time::Duration;

use postgres::NoTls;
use r2d2_postgres::r2d2;
use r2d2_postgres::PostgresConnectionManager;

use super::{Result, StoreError};
use crate::objects::evidence::Evidence;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;
type Connection = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

/// How long a node waits for the database before it says it cannot reach it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a call waits for a connection of the pool (a free one, or a new one when the server is back)
/// before it answers [`StoreError::Unavailable`]: the customer hears "try again" within seconds, never after
/// r2d2's default of thirty.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections each node keeps: the intake, the desk and the outbox workers each hold one at a time.
const POOL_SIZE: u32 = 8;

/// The record on a PostgreSQL database. A clone shares the pool (`crate::store::Db` hands one to each
/// caller).
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// Where evidence files' bytes go and are read from: the database, or the files place.
    evidence: Evidence,
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        if is_lost(&e) {
            StoreError::Unavailable(Box::new(e))
        } else {
            StoreError::Database(Box::new(e))
        }
    }
}

/// The pool's only error: no connection came free, or could be made, within [`CHECKOUT_TIMEOUT`].
impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> StoreError {
        StoreError::Unavailable(Box::new(e))
    }
}

/// Whether `e` is the server gone or going rather than a refusal of the statement: the connection closed
/// or failed (a restart, a network cut), the server shutting down or starting up (`57P01`–`57P03`), a
/// connection exception (class `08`), or no connection slot left (`53300`). The transaction did not commit,
/// so trying again once the server is back does it once.
fn is_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    use std::error::Error as _;
    if e.is_closed() || e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return true;
    }
    e.code().is_some_and(|code| {
        code.code().starts_with("08")
            || [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::TOO_MANY_CONNECTIONS,
            ]
            .contains(code)
    })
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`), brings the schema up to date (one node at
    /// a time) and keeps a small pool. An unreachable database is [`StoreError::Unreachable`], named
    /// without its password.
    pub fn open(url: &str) -> Result<PgStore> {
        let unreachable = |problem: super::DriverError| StoreError::Unreachable {
            address: without_password(url),
            problem,
        };
        let mut config: postgres::Config = url.parse().map_err(|e| unreachable(Box::new(e)))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        let manager = PostgresConnectionManager::new(config, NoTls);
        // build() connects at once, so a database that is not there is found at start, not at the first
        // complaint.
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CHECKOUT_TIMEOUT)
            // Each connection is checked as it is taken, so one the server closed (a restart) is replaced
            // by a new one rather than failing its caller: the pool recovers by itself when the server is
            // back.
            .test_on_check_out(true)
            .build(manager)
            .map_err(|e| unreachable(Box::new(e)))?;
        let store = PgStore {
            pool,
            evidence: Evidence::in_database(),
        };
        migrations::migrate(&mut *store.connection()?)?;
        Ok(store)
    }

    /// The same store, keeping new evidence files' bytes where `evidence` says (`--files`).
    pub fn with_evidence(self, evidence: Evidence) -> PgStore {
        PgStore { evidence, ..self }
    }

    /// One connection of the pool, for one call of a trait method.
    fn connection(&self) -> Result<Connection> {
        Ok(self.pool.get()?)
    }

    #[cfg(test)]
    pub fn schema_version(&self) -> Result<i64> {
        migrations::version(&mut *self.connection()?)
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}
