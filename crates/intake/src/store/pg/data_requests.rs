//! `DataRequestStore` on PostgreSQL, as SQLite's (store/data_requests.rs, whose types these are): a
//! customer's request kept once per Idempotency-Key across nodes (`ON CONFLICT DO NOTHING` on the unique
//! key, the complaint's row locked first), and its answer once (`WHERE state = 'open'`).

use complaint_domain::calendar::Date;
use complaint_domain::data_requests::{DataRequestEntry, DataRequestKind, DataRequestState};
use complaint_domain::instant::Instant;
use postgres::{GenericClient, Row};

use super::PgStore;
use crate::store::{
    corrupt, DataRequest, DataRequestStore, NewDataRequest, RequestRecorded, Result,
};

const COLUMNS: &str =
    "r.id, r.complaint_id, c.reference, r.kind, r.requested_at, r.due_on, r.state, \
                       r.answered_at, r.reason, r.answered_by";

fn request(r: &Row) -> Result<DataRequest> {
    let kind: String = r.try_get(3)?;
    let due_on: String = r.try_get(5)?;
    let state: String = r.try_get(6)?;
    Ok(DataRequest {
        id: r.try_get(0)?,
        complaint_id: r.try_get(1)?,
        reference: r.try_get(2)?,
        entry: DataRequestEntry {
            kind: DataRequestKind::parse(&kind).ok_or_else(|| corrupt("request kind", &kind))?,
            at: Instant::from_unix_seconds(r.try_get(4)?),
            due_on: Date::parse_iso(&due_on).ok_or_else(|| corrupt("request due date", &due_on))?,
            state: DataRequestState::parse(&state)
                .ok_or_else(|| corrupt("request state", &state))?,
            answered_at: r
                .try_get::<_, Option<i64>>(7)?
                .map(Instant::from_unix_seconds),
            reason: r.try_get(8)?,
        },
        answered_by: r.try_get(9)?,
    })
}

fn one(conn: &mut impl GenericClient, id: i64) -> Result<Option<DataRequest>> {
    conn.query_opt(
        &format!(
            "SELECT {COLUMNS} FROM data_requests r JOIN complaints c ON c.id = r.complaint_id \
             WHERE r.id = $1"
        ),
        &[&id],
    )?
    .as_ref()
    .map(request)
    .transpose()
}

/// One complaint's requests, oldest first, as its status file shows them.
pub(super) fn entries(
    conn: &mut impl GenericClient,
    complaint_id: i64,
) -> Result<Vec<DataRequestEntry>> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM data_requests r JOIN complaints c ON c.id = r.complaint_id \
             WHERE r.complaint_id = $1 ORDER BY r.id"
        ),
        &[&complaint_id],
    )?
    .iter()
    .map(|r| Ok(request(r)?.entry))
    .collect()
}

impl DataRequestStore for PgStore {
    fn record_data_request(&mut self, new: &NewDataRequest<'_>) -> Result<RequestRecorded> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        // The complaint's row first: a second node with the same key waits here, then finds the row.
        tx.execute(
            "SELECT id FROM complaints WHERE id = $1 FOR UPDATE",
            &[&new.complaint_id],
        )?;
        let inserted = tx.query_opt(
            "INSERT INTO data_requests (complaint_id, kind, idempotency_key, fingerprint, requested_at, \
             due_on) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            &[
                &new.complaint_id,
                &new.kind.as_str(),
                &new.key,
                &new.fingerprint,
                &new.at.unix_seconds(),
                &new.due_on.to_string(),
            ],
        )?;
        let (id, before) = match inserted {
            Some(row) => {
                tx.execute(
                    "UPDATE complaints SET revision = revision + 1 WHERE id = $1",
                    &[&new.complaint_id],
                )?;
                (row.try_get::<_, i64>(0)?, None)
            }
            None => {
                let row = tx.query_one(
                    "SELECT id, fingerprint FROM data_requests WHERE idempotency_key = $1",
                    &[&new.key],
                )?;
                (row.try_get(0)?, Some(row.try_get::<_, String>(1)?))
            }
        };
        let found = one(&mut tx, id)?.ok_or_else(|| corrupt("data request", &id.to_string()))?;
        tx.commit()?;
        Ok(match before {
            Some(fingerprint) => RequestRecorded::Again(found, fingerprint),
            None => RequestRecorded::New(found),
        })
    }

    fn data_requests(&self) -> Result<Vec<DataRequest>> {
        self.connection()?
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM data_requests r JOIN complaints c ON c.id = r.complaint_id \
                     ORDER BY r.state <> 'open', CASE WHEN r.state = 'open' THEN r.due_on END, r.id DESC"
                ),
                &[],
            )?
            .iter()
            .map(request)
            .collect()
    }

    fn data_request(&self, id: i64) -> Result<Option<DataRequest>> {
        one(&mut *self.connection()?, id)
    }

    fn answer_data_request(
        &mut self,
        id: i64,
        state: DataRequestState,
        reason: Option<&str>,
        by: &str,
        at: Instant,
    ) -> Result<bool> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE data_requests SET state = $2, reason = $3, answered_by = $4, answered_at = $5 \
             WHERE id = $1 AND state = 'open'",
            &[&id, &state.as_str(), &reason, &by, &at.unix_seconds()],
        )?;
        if changed == 1 {
            tx.execute(
                "UPDATE complaints SET revision = revision + 1 WHERE id = \
                 (SELECT complaint_id FROM data_requests WHERE id = $1)",
                &[&id],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }
}
