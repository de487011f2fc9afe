//! A customer's requests about their data as stored (issue #25): each with the day it is answered by and,
//! once answered, how, when, by whom and why. An erasure asked from the tracker is kept exactly once per
//! Idempotency-Key: its row is its first answer. Adding or answering one bumps the complaint's revision, so
//! its status file (which shows the request) is written again.

use complaint_domain::calendar::Date;
use complaint_domain::data_requests::{DataRequestEntry, DataRequestKind, DataRequestState};
use complaint_domain::instant::Instant;
use rusqlite::{params, Connection, OptionalExtension};

use super::{corrupt, Result, Store};

/// One request, with its complaint's reference, as the staff desk lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRequest {
    pub id: i64,
    pub complaint_id: i64,
    pub reference: String,
    pub entry: DataRequestEntry,
    /// Who answered it (an audit key), once answered.
    pub answered_by: Option<String>,
}

/// A new request from the customer.
pub struct NewDataRequest<'a> {
    pub complaint_id: i64,
    pub kind: DataRequestKind,
    /// The Idempotency-Key the customer's device sent, and what made the request (for a key used again
    /// for something else).
    pub key: &'a str,
    pub fingerprint: &'a str,
    pub at: Instant,
    pub due_on: Date,
}

/// What recording a request found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestRecorded {
    /// Kept now.
    New(DataRequest),
    /// The key was used before: that request, and the fingerprint it was made with.
    Again(DataRequest, String),
}

pub trait DataRequestStore {
    /// Keeps a request, once per key.
    fn record_data_request(&mut self, request: &NewDataRequest<'_>) -> Result<RequestRecorded>;
    /// Every request, the open ones first by the day they are due, then the answered ones newest first.
    fn data_requests(&self) -> Result<Vec<DataRequest>>;
    fn data_request(&self, id: i64) -> Result<Option<DataRequest>>;
    /// Answers an open request; `false` when none open has this id.
    fn answer_data_request(
        &mut self,
        id: i64,
        state: DataRequestState,
        reason: Option<&str>,
        by: &str,
        at: Instant,
    ) -> Result<bool>;
}

const COLUMNS: &str =
    "r.id, r.complaint_id, c.reference, r.kind, r.requested_at, r.due_on, r.state, \
                       r.answered_at, r.reason, r.answered_by";

type Row = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn finish(
    (id, complaint_id, reference, kind, at, due_on, state, answered_at, reason, by): Row,
) -> Result<DataRequest> {
    Ok(DataRequest {
        id,
        complaint_id,
        reference,
        entry: DataRequestEntry {
            kind: DataRequestKind::parse(&kind).ok_or_else(|| corrupt("request kind", &kind))?,
            at: Instant::from_unix_seconds(at),
            due_on: Date::parse_iso(&due_on).ok_or_else(|| corrupt("request due date", &due_on))?,
            state: DataRequestState::parse(&state)
                .ok_or_else(|| corrupt("request state", &state))?,
            answered_at: answered_at.map(Instant::from_unix_seconds),
            reason,
        },
        answered_by: by,
    })
}

fn select(
    conn: &Connection,
    filter: &str,
    order: &str,
    id: Option<i64>,
) -> Result<Vec<DataRequest>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM data_requests r JOIN complaints c ON c.id = r.complaint_id {filter} {order}"
    ))?;
    let rows = match id {
        Some(id) => statement
            .query_map([id], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => statement
            .query_map([], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    rows.into_iter().map(finish).collect()
}

/// One complaint's requests, oldest first, as its status file shows them.
pub(super) fn entries(conn: &Connection, complaint_id: i64) -> Result<Vec<DataRequestEntry>> {
    Ok(select(
        conn,
        "WHERE r.complaint_id = ?1",
        "ORDER BY r.id",
        Some(complaint_id),
    )?
    .into_iter()
    .map(|r| r.entry)
    .collect())
}

impl DataRequestStore for Store {
    fn record_data_request(&mut self, request: &NewDataRequest<'_>) -> Result<RequestRecorded> {
        let tx = self.write()?;
        let before: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, fingerprint FROM data_requests WHERE idempotency_key = ?1",
                [request.key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let id = match &before {
            Some((id, _)) => *id,
            None => {
                tx.execute(
                    "INSERT INTO data_requests (complaint_id, kind, idempotency_key, fingerprint, \
                     requested_at, due_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        request.complaint_id,
                        request.kind.as_str(),
                        request.key,
                        request.fingerprint,
                        request.at.unix_seconds(),
                        request.due_on.to_string()
                    ],
                )?;
                let id = tx.last_insert_rowid();
                tx.execute(
                    "UPDATE complaints SET revision = revision + 1 WHERE id = ?1",
                    [request.complaint_id],
                )?;
                id
            }
        };
        let found = select(&tx, "WHERE r.id = ?1", "", Some(id))?
            .pop()
            .ok_or_else(|| corrupt("data request", &id.to_string()))?;
        tx.commit()?;
        Ok(match before {
            Some((_, fingerprint)) => RequestRecorded::Again(found, fingerprint),
            None => RequestRecorded::New(found),
        })
    }

    fn data_requests(&self) -> Result<Vec<DataRequest>> {
        select(
            &self.conn,
            "",
            "ORDER BY r.state <> 'open', CASE WHEN r.state = 'open' THEN r.due_on END, r.id DESC",
            None,
        )
    }

    fn data_request(&self, id: i64) -> Result<Option<DataRequest>> {
        Ok(select(&self.conn, "WHERE r.id = ?1", "", Some(id))?.pop())
    }

    fn answer_data_request(
        &mut self,
        id: i64,
        state: DataRequestState,
        reason: Option<&str>,
        by: &str,
        at: Instant,
    ) -> Result<bool> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE data_requests SET state = ?2, reason = ?3, answered_by = ?4, answered_at = ?5 \
             WHERE id = ?1 AND state = 'open'",
            params![id, state.as_str(), reason, by, at.unix_seconds()],
        )?;
        if changed == 1 {
            tx.execute(
                "UPDATE complaints SET revision = revision + 1 WHERE id = \
                 (SELECT complaint_id FROM data_requests WHERE id = ?1)",
                [id],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }
}
