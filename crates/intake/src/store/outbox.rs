//! The mail outbox in the store: a row per mail, added by whoever has something to say and sent by `serve`
//! (`crate::mail`); the files it names, read as it goes; replies' mails waiting to gather; what the inbox
//! was sent before; and each attempt's outcome, with the next try's time.

use complaint_domain::instant::Instant;

use rusqlite::params;
use rusqlite::OptionalExtension;

use super::blobs::FileSource;
use super::{Result, Store};

/// One mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Stored files to attach, read when the mail is sent.
    pub files: Vec<MailFile>,
    /// With files: the body listing all of them instead, sent if the relay refuses the mail with them.
    pub body_without_files: Option<String>,
}

/// A stored file a mail carries: its number in `show`'s list, and where its bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailFile {
    pub number: i64,
    pub source: FileSource,
}

/// After this many attempts a mail is left in the outbox, marked, for the operator to look at.
pub const MAX_ATTEMPTS: i64 = 20;

/// A mail in the outbox, due to be sent.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub attempts: i64,
    pub outgoing: Outgoing,
}

/// The mail outbox: rows added, the due ones read, each attempt's outcome.
pub trait OutboxStore {
    /// Adds a mail and the files it names (not their bytes) to the outbox, due now.
    fn enqueue_mail(&self, complaint_id: i64, mail: &Outgoing, now: Instant) -> Result<()> {
        self.enqueue_mail_at(complaint_id, mail, now, now, None)
    }

    /// Adds a mail and the files it names (not their bytes) to the outbox, in one transaction, due at
    /// `due`; `replies_from` for a mail about the replies from that one on.
    fn enqueue_mail_at(
        &self,
        complaint_id: i64,
        mail: &Outgoing,
        now: Instant,
        due: Instant,
        replies_from: Option<i64>,
    ) -> Result<()>;

    /// Unsent mail whose time has come, oldest first, at most `limit`, with the files each names.
    fn due_mail(&self, now: Instant, max_attempts: i64, limit: i64) -> Result<Vec<QueuedMail>>;

    /// The mail to `to` about complaint `complaint_id`'s replies that is still waiting for its time (never
    /// tried, due after `now` with a second to spare, so the outbox cannot be sending it): its id, the first
    /// reply it tells of, and when it is due.
    fn gathering_mail(
        &self,
        complaint_id: i64,
        to: &str,
        now: Instant,
    ) -> Result<Option<(i64, i64, Instant)>>;

    /// When the last mail to `to` about complaint `complaint_id`'s replies was queued.
    fn last_reply_mail(&self, complaint_id: i64, to: &str) -> Result<Option<Instant>>;

    /// Removes a mail not yet sent (another takes its place).
    fn drop_mail(&self, id: i64) -> Result<()>;

    /// Whether a mail to `to` carries (or carried) a file with these bytes: the complaint's reference and the
    /// file's number there, for the note that stands in for attaching it again.
    fn mailed_before(&self, to: &str, sha256: &str) -> Result<Option<(String, i64)>>;

    fn mail_sent(&self, id: i64, now: Instant) -> Result<()>;

    /// Turns mail `id` into its copy without files (the body that lists them), due at `now`: the relay
    /// refused it with them for good.
    fn mail_without_files(&self, id: i64, now: Instant, error: &str) -> Result<()>;

    fn mail_failed(&self, id: i64, attempts: i64, next_at: Instant, error: &str) -> Result<()>;
}

impl OutboxStore for Store {
    fn enqueue_mail_at(
        &self,
        complaint_id: i64,
        mail: &Outgoing,
        now: Instant,
        due: Instant,
        replies_from: Option<i64>,
    ) -> Result<()> {
        // `&self` like every other outbox call (a command holds the store shared); nothing else runs on this
        // connection meanwhile, which is what the unchecked transaction needs.
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO mail_outbox (complaint_id, to_addr, subject, body, created_at, next_at,
                                      body_without_files, replies_from)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                complaint_id,
                mail.to,
                mail.subject,
                mail.body,
                now.unix_seconds(),
                due.unix_seconds(),
                mail.body_without_files,
                replies_from,
            ],
        )?;
        let mail_id = tx.last_insert_rowid();
        for (seq, file) in mail.files.iter().enumerate() {
            let (reply_id, position) = match file.source {
                FileSource::Complaint { position, .. } => (None, position),
                FileSource::Reply { reply_id, position } => (Some(reply_id), position),
            };
            tx.execute(
                "INSERT INTO mail_files (mail_id, seq, number, reply_id, position)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![mail_id, seq as i64, file.number, reply_id, position],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn due_mail(&self, now: Instant, max_attempts: i64, limit: i64) -> Result<Vec<QueuedMail>> {
        let mut statement = self.conn.prepare(
            "SELECT id, attempts, to_addr, subject, body, complaint_id, body_without_files FROM mail_outbox
             WHERE sent_at IS NULL AND next_at <= ?1 AND attempts < ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = statement
            .query_map(params![now.unix_seconds(), max_attempts, limit], |r| {
                Ok((
                    QueuedMail {
                        id: r.get(0)?,
                        attempts: r.get(1)?,
                        outgoing: Outgoing {
                            to: r.get(2)?,
                            subject: r.get(3)?,
                            body: r.get(4)?,
                            files: Vec::new(),
                            body_without_files: r.get(6)?,
                        },
                    },
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut files = self.conn.prepare(
            "SELECT number, reply_id, position FROM mail_files WHERE mail_id = ?1 ORDER BY seq",
        )?;
        let mut due = Vec::with_capacity(rows.len());
        for (mut queued, complaint_id) in rows {
            queued.outgoing.files = files
                .query_map([queued.id], |r| {
                    let position: i64 = r.get(2)?;
                    Ok(MailFile {
                        number: r.get(0)?,
                        source: match r.get::<_, Option<i64>>(1)? {
                            Some(reply_id) => FileSource::Reply { reply_id, position },
                            None => FileSource::Complaint {
                                complaint_id,
                                position,
                            },
                        },
                    })
                })?
                .collect::<std::result::Result<Vec<_>, _>>()?;
            due.push(queued);
        }
        Ok(due)
    }

    fn gathering_mail(
        &self,
        complaint_id: i64,
        to: &str,
        now: Instant,
    ) -> Result<Option<(i64, i64, Instant)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, replies_from, next_at FROM mail_outbox
                 WHERE complaint_id = ?1 AND to_addr = ?2 AND replies_from IS NOT NULL
                   AND sent_at IS NULL AND attempts = 0 AND next_at > ?3
                 ORDER BY id DESC LIMIT 1",
                params![complaint_id, to, now.unix_seconds() + 1],
                |r| Ok((r.get(0)?, r.get(1)?, Instant::from_unix_seconds(r.get(2)?))),
            )
            .optional()?)
    }

    fn last_reply_mail(&self, complaint_id: i64, to: &str) -> Result<Option<Instant>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MAX(created_at) FROM mail_outbox
             WHERE complaint_id = ?1 AND to_addr = ?2 AND replies_from IS NOT NULL",
            params![complaint_id, to],
            |r| r.get(0),
        )?;
        Ok(at.map(Instant::from_unix_seconds))
    }

    fn drop_mail(&self, id: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM mail_outbox WHERE id = ?1 AND sent_at IS NULL",
            [id],
        )?;
        Ok(())
    }

    fn mailed_before(&self, to: &str, sha256: &str) -> Result<Option<(String, i64)>> {
        // From the bytes' name to the files that have them (by index), then to the mails that carried
        // those files; the earliest such mail, not given up on, wins.
        let live = "(m.sent_at IS NOT NULL OR m.attempts < ?3)";
        let as_complaint_file = format!(
            "SELECT m.id, c.reference, f.number FROM attachments a
             JOIN mail_outbox m ON m.complaint_id = a.complaint_id
             JOIN mail_files f ON f.mail_id = m.id AND f.reply_id IS NULL AND f.position = a.position
             JOIN complaints c ON c.id = m.complaint_id
             WHERE a.sha256 = ?2 AND m.to_addr = ?1 AND {live}
             ORDER BY m.id LIMIT 1"
        );
        let as_reply_file = format!(
            "SELECT m.id, c.reference, f.number FROM reply_files r
             JOIN mail_files f ON f.reply_id = r.reply_id AND f.position = r.position
             JOIN mail_outbox m ON m.id = f.mail_id
             JOIN complaints c ON c.id = m.complaint_id
             WHERE r.sha256 = ?2 AND m.to_addr = ?1 AND {live}
             ORDER BY m.id LIMIT 1"
        );
        let mut found: Option<(i64, String, i64)> = None;
        for sql in [as_complaint_file, as_reply_file] {
            let hit: Option<(i64, String, i64)> = self
                .conn
                .query_row(&sql, params![to, sha256, MAX_ATTEMPTS], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            if let Some(hit) = hit {
                if found.as_ref().is_none_or(|f| hit.0 < f.0) {
                    found = Some(hit);
                }
            }
        }
        Ok(found.map(|(_, reference, number)| (reference, number)))
    }

    fn mail_sent(&self, id: i64, now: Instant) -> Result<()> {
        self.conn.execute(
            "UPDATE mail_outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now.unix_seconds()],
        )?;
        Ok(())
    }

    fn mail_without_files(&self, id: i64, now: Instant, error: &str) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE mail_outbox SET body = body_without_files, body_without_files = NULL, next_at = ?2,
                                    last_error = ?3
             WHERE id = ?1 AND body_without_files IS NOT NULL",
            params![id, now.unix_seconds(), error],
        )?;
        tx.execute("DELETE FROM mail_files WHERE mail_id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    fn mail_failed(&self, id: i64, attempts: i64, next_at: Instant, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE mail_outbox SET attempts = ?2, next_at = ?3, last_error = ?4 WHERE id = ?1",
            params![id, attempts, next_at.unix_seconds(), error],
        )?;
        Ok(())
    }
}
