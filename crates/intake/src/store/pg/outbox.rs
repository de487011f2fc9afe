//! `OutboxStore` on PostgreSQL, for several nodes sending from one outbox: `due_mail` claims the rows it
//! answers (`FOR UPDATE SKIP LOCKED`, then a lease in `lease_until`), so two nodes never get the same mail;
//! a node that dies mid-send leaves a lease that runs out, and the mail is due again for any node. Sent,
//! failed or turned into its copy without files, the lease ends. A mail being sent is never "gathering".

use complaint_domain::instant::Instant;
use postgres::GenericClient;

use super::PgStore;
use crate::store::{FileSource, MailFile, OutboxStore, Outgoing, QueuedMail, Result, MAX_ATTEMPTS};

/// How long a node may take over one batch of mail before another may send it: well past the SMTP timeout.
pub(super) const LEASE_SECONDS: i64 = 600;

impl OutboxStore for PgStore {
    fn enqueue_mail_at(
        &self,
        complaint_id: i64,
        mail: &Outgoing,
        now: Instant,
        due: Instant,
        replies_from: Option<i64>,
    ) -> Result<()> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let mail_id: i64 = tx
            .query_one(
                "INSERT INTO mail_outbox (complaint_id, to_addr, subject, body, created_at, next_at,
                                          body_without_files, replies_from)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &complaint_id,
                    &mail.to,
                    &mail.subject,
                    &mail.body,
                    &now.unix_seconds(),
                    &due.unix_seconds(),
                    &mail.body_without_files,
                    &replies_from,
                ],
            )?
            .try_get(0)?;
        for (seq, file) in mail.files.iter().enumerate() {
            let (reply_id, position) = match file.source {
                FileSource::Complaint { position, .. } => (None, position),
                FileSource::Reply { reply_id, position } => (Some(reply_id), position),
            };
            tx.execute(
                "INSERT INTO mail_files (mail_id, seq, number, reply_id, position)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&mail_id, &(seq as i64), &file.number, &reply_id, &position],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn due_mail(&self, now: Instant, max_attempts: i64, limit: i64) -> Result<Vec<QueuedMail>> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        let now = now.unix_seconds();
        let rows = tx.query(
            "UPDATE mail_outbox SET lease_until = $1 + $4
             WHERE id IN (SELECT id FROM mail_outbox
                          WHERE sent_at IS NULL AND next_at <= $1 AND attempts < $2
                            AND (lease_until IS NULL OR lease_until <= $1)
                          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING id, attempts, to_addr, subject, body, complaint_id, body_without_files",
            &[&now, &max_attempts, &limit, &LEASE_SECONDS],
        )?;
        let mut due = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get(0)?;
            let complaint_id: i64 = r.try_get(5)?;
            due.push(QueuedMail {
                id,
                attempts: r.try_get(1)?,
                outgoing: Outgoing {
                    to: r.try_get(2)?,
                    subject: r.try_get(3)?,
                    body: r.try_get(4)?,
                    files: mail_files(&mut tx, id, complaint_id)?,
                    body_without_files: r.try_get(6)?,
                },
            });
        }
        tx.commit()?;
        // RETURNING keeps no order: oldest first, as promised.
        due.sort_by_key(|m| m.id);
        Ok(due)
    }

    fn gathering_mail(
        &self,
        complaint_id: i64,
        to: &str,
        now: Instant,
    ) -> Result<Option<(i64, i64, Instant)>> {
        let row = self.connection()?.query_opt(
            "SELECT id, replies_from, next_at FROM mail_outbox
             WHERE complaint_id = $1 AND to_addr = $2 AND replies_from IS NOT NULL
               AND sent_at IS NULL AND attempts = 0 AND next_at > $3 AND lease_until IS NULL
             ORDER BY id DESC LIMIT 1",
            &[&complaint_id, &to, &(now.unix_seconds() + 1)],
        )?;
        row.map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                Instant::from_unix_seconds(r.try_get(2)?),
            ))
        })
        .transpose()
    }

    fn last_reply_mail(&self, complaint_id: i64, to: &str) -> Result<Option<Instant>> {
        let at: Option<i64> = self
            .connection()?
            .query_one(
                "SELECT MAX(created_at) FROM mail_outbox
                 WHERE complaint_id = $1 AND to_addr = $2 AND replies_from IS NOT NULL",
                &[&complaint_id, &to],
            )?
            .try_get(0)?;
        Ok(at.map(Instant::from_unix_seconds))
    }

    fn drop_mail(&self, id: i64) -> Result<()> {
        self.connection()?.execute(
            "DELETE FROM mail_outbox WHERE id = $1 AND sent_at IS NULL AND lease_until IS NULL",
            &[&id],
        )?;
        Ok(())
    }

    fn mailed_before(&self, to: &str, sha256: &str) -> Result<Option<(String, i64)>> {
        // As SQLite's: the earliest mail to `to`, not given up on, that carried a file with these bytes.
        let row = self.connection()?.query_opt(
            "SELECT reference, number FROM (
                 SELECT m.id, c.reference, f.number FROM attachments a
                 JOIN mail_outbox m ON m.complaint_id = a.complaint_id
                 JOIN mail_files f ON f.mail_id = m.id AND f.reply_id IS NULL AND f.position = a.position
                 JOIN complaints c ON c.id = m.complaint_id
                 WHERE a.sha256 = $2 AND m.to_addr = $1 AND (m.sent_at IS NOT NULL OR m.attempts < $3)
                 UNION ALL
                 SELECT m.id, c.reference, f.number FROM reply_files r
                 JOIN mail_files f ON f.reply_id = r.reply_id AND f.position = r.position
                 JOIN mail_outbox m ON m.id = f.mail_id
                 JOIN complaints c ON c.id = m.complaint_id
                 WHERE r.sha256 = $2 AND m.to_addr = $1 AND (m.sent_at IS NOT NULL OR m.attempts < $3)
             ) AS carried ORDER BY id LIMIT 1",
            &[&to, &sha256, &MAX_ATTEMPTS],
        )?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    fn mail_sent(&self, id: i64, now: Instant) -> Result<()> {
        self.connection()?.execute(
            "UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL,
                                    lease_until = NULL
             WHERE id = $1",
            &[&id, &now.unix_seconds()],
        )?;
        Ok(())
    }

    fn mail_without_files(&self, id: i64, now: Instant, error: &str) -> Result<()> {
        let mut conn = self.connection()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "UPDATE mail_outbox SET body = body_without_files, body_without_files = NULL, next_at = $2,
                                    last_error = $3, lease_until = NULL
             WHERE id = $1 AND body_without_files IS NOT NULL",
            &[&id, &now.unix_seconds(), &error],
        )?;
        tx.execute("DELETE FROM mail_files WHERE mail_id = $1", &[&id])?;
        tx.commit()?;
        Ok(())
    }

    fn mail_failed(&self, id: i64, attempts: i64, next_at: Instant, error: &str) -> Result<()> {
        self.connection()?.execute(
            "UPDATE mail_outbox SET attempts = $2, next_at = $3, last_error = $4, lease_until = NULL
             WHERE id = $1",
            &[&id, &attempts, &next_at.unix_seconds(), &error],
        )?;
        Ok(())
    }
}

/// The files mail `id` names, in order.
fn mail_files(conn: &mut impl GenericClient, id: i64, complaint_id: i64) -> Result<Vec<MailFile>> {
    conn.query(
        "SELECT number, reply_id, position FROM mail_files WHERE mail_id = $1 ORDER BY seq",
        &[&id],
    )?
    .iter()
    .map(|r| {
        let position: i64 = r.try_get(2)?;
        Ok(MailFile {
            number: r.try_get(0)?,
            source: match r.try_get::<_, Option<i64>>(1)? {
                Some(reply_id) => FileSource::Reply { reply_id, position },
                None => FileSource::Complaint {
                    complaint_id,
                    position,
                },
            },
        })
    })
    .collect()
}
