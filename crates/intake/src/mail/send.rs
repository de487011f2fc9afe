//! Sending the outbox: `serve` runs [`run_outbox`], which reads the due rows, builds each mail with its
//! files (read one mail at a time, off the async threads), hands it to the relay within a time that grows
//! with its size, and records the outcome: sent, sent again without its files when refused with them, or
//! tried again later with growing pauses. What the log keeps of a refusal is the relay's code, never its
//! text (which often names the recipient).

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, Message, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{encoded_bytes, MailFile, MailSettings, Outgoing};
use crate::dossier::safe_file_name;
use complaint_domain::instant::Instant;

use crate::store::{Db, QueuedMail, Storage, StoreError, StoredFile, MAX_ATTEMPTS};

/// Why one mail was not handed to the relay.
#[derive(Debug)]
pub(super) enum SendError {
    /// An address or a header the mail cannot have: trying again will not help.
    Permanent(String),
    /// The relay is down, slow or refused for now.
    Later(String),
}

/// A reason for the log: the relay's reply code (`permanent error (550)`) without its text, which often
/// repeats the recipient's address (`5.1.1 <anna@example.pl>: Recipient address rejected`). The whole text
/// stays in the outbox row (`last_error`), where the back office reads it. A reason without a code is ours,
/// never an address; any word with an `@` is masked all the same.
pub(super) fn for_log(reason: &str) -> String {
    let coded = reason.find('(').and_then(|open| {
        let code = reason.get(open + 1..open + 5)?;
        (code[..3].bytes().all(|b| b.is_ascii_digit()) && code.ends_with(')'))
            .then(|| reason[..open + 5].to_owned())
    });
    coded.unwrap_or_else(|| {
        reason
            .split(' ')
            .map(|word| {
                if word.contains('@') {
                    "[address]"
                } else {
                    word
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The mail as it goes: plain text alone, or plain text then each file, in base64 so its bytes arrive
/// exactly as stored.
pub(super) fn message(
    from: &str,
    outgoing: &Outgoing,
    files: Vec<(MailFile, StoredFile)>,
) -> Result<Message, SendError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| SendError::Permanent(format!("from address: {e}")))?;
    let to: Mailbox = outgoing
        .to
        .parse()
        .map_err(|e| SendError::Permanent(format!("to address: {e}")))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(outgoing.subject.clone());
    if files.is_empty() {
        return builder
            .header(ContentType::TEXT_PLAIN)
            .body(outgoing.body.clone())
            .map_err(|e| SendError::Permanent(e.to_string()));
    }
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(outgoing.body.clone()));
    for (file, stored) in files {
        parts = parts.singlepart(attachment(file.number, stored)?);
    }
    builder
        .multipart(parts)
        .map_err(|e| SendError::Permanent(e.to_string()))
}

/// One file as a part: the type sniffed when it was received (never one the customer claimed), and the
/// name `attachment --all` writes (numbered, no controls or path), which `lettre` quotes or encodes.
pub(super) fn attachment(number: i64, stored: StoredFile) -> Result<SinglePart, SendError> {
    let kind = ContentType::parse(&stored.kind)
        .or_else(|_| ContentType::parse("application/octet-stream"))
        .map_err(|e| SendError::Permanent(format!("file {number}'s type: {e}")))?;
    let body = Body::new_with_encoding(stored.content, ContentTransferEncoding::Base64)
        .map_err(|_| SendError::Permanent(format!("file {number} could not be encoded")))?;
    Ok(Attachment::new(safe_file_name(&stored.name, number)).body(body, kind))
}

/// The bytes of the files a mail names, read now; one gone since (which the database's cascades should
/// never allow) is logged and the mail goes without it.
pub(super) fn stored_files(
    store: &dyn Storage,
    id: i64,
    files: &[MailFile],
) -> Result<Vec<(MailFile, StoredFile)>, StoreError> {
    let mut found = Vec::with_capacity(files.len());
    for &file in files {
        match store.stored_file(file.source)? {
            Some(stored) => found.push((file, stored)),
            None => crate::log!("mail {id}: file {} is gone; sent without it", file.number),
        }
    }
    Ok(found)
}

/// The slowest a relay may take a large mail before the attempt counts as failed: beyond `--smtp-timeout`,
/// this many bytes a second (a few megabytes over a slow link still go; a relay that stalls does not hold
/// the outbox for long).
const MIN_RELAY_BYTES_PER_SECOND: u64 = 64 * 1024;

/// The pause after `attempts` failed attempts: 5 s, 10 s, 20 s … at most an hour.
pub(super) fn backoff(attempts: i64) -> i64 {
    5_i64
        .saturating_mul(1 << (attempts - 1).clamp(0, 10))
        .min(3600)
}

/// How often the outbox is looked at. The back office is another process, so a row it adds is found by
/// looking, not by being told.
const POLL: Duration = Duration::from_millis(500);

/// Sends what is due in the outbox, for ever (`serve` spawns it).
pub async fn run_outbox(store: Arc<Db>, mail: MailSettings) {
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(mail.relay_host.as_str())
            .port(mail.relay_port)
            .timeout(Some(mail.timeout))
            .build();
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        let ready = Arc::clone(&store);
        let due = tokio::task::spawn_blocking(move || {
            ready
                .handle()
                .due_mail(crate::zone::now(), MAX_ATTEMPTS, 10)
        })
        .await;
        let due = match due {
            Ok(Ok(due)) => due,
            Ok(Err(e)) => {
                crate::log!("the mail outbox could not be read: {e}");
                continue;
            }
            Err(_) => continue,
        };
        for queued in due {
            // The files are read and encoded one mail at a time, off the async threads.
            let reader = Arc::clone(&store);
            let from = mail.from.clone();
            let outgoing = queued.outgoing.clone();
            let id = queued.id;
            let built = tokio::task::spawn_blocking(move || {
                let files = stored_files(&*reader.handle(), id, &outgoing.files)
                    .map_err(|e| SendError::Later(format!("its files could not be read: {e}")))?;
                let bytes: u64 = files.iter().map(|(_, f)| f.content.len() as u64).sum();
                message(&from, &outgoing, files).map(|m| (m, encoded_bytes(bytes)))
            })
            .await
            .unwrap_or_else(|_| Err(SendError::Later("it could not be built".into())));
            let result = match built {
                // lettre's own timeout covers the connection and each command, not a relay that accepts
                // and then never greets; the whole exchange is bounded here, so one silent relay cannot
                // stop the outbox.
                Ok((message, bytes)) => {
                    let limit =
                        mail.timeout + Duration::from_secs(bytes / MIN_RELAY_BYTES_PER_SECOND);
                    match tokio::time::timeout(limit, transport.send(message)).await {
                        Ok(Ok(_)) => Ok(()),
                        Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                        Ok(Err(e)) => Err(SendError::Later(e.to_string())),
                        Err(_) => Err(SendError::Later(format!(
                            "the relay did not finish within {} s",
                            limit.as_secs()
                        ))),
                    }
                }
                Err(e) => Err(e),
            };
            let now = crate::zone::now();
            let done = Arc::clone(&store);
            let outcome = tokio::task::spawn_blocking(move || {
                until_recorded(|| record_outcome(&*done.handle(), &queued, &result, now))
            })
            .await;
            if let Ok(Err(e)) = outcome {
                crate::log!("the mail outbox could not be updated: {e}");
            }
        }
    }
}

/// How long the outcome of an attempt is tried again while the database is unavailable (restarting,
/// failing over): a mail the relay took but that is not recorded as sent would go again once its claim runs
/// out, so waiting for the database here is what keeps it from being sent twice. Well within the claim.
const RECORD_FOR: Duration = Duration::from_secs(300);

/// The pause between those tries.
const RECORD_PAUSE: Duration = Duration::from_secs(1);

/// Runs `record` until it is done, again while the database is only unavailable, for at most
/// [`RECORD_FOR`]. Blocking: the outbox waits for it, as it would wait for the database anyway.
fn until_recorded(mut record: impl FnMut() -> Result<(), StoreError>) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    loop {
        match record() {
            Err(e) if e.is_unavailable() && started.elapsed() < RECORD_FOR => {
                std::thread::sleep(RECORD_PAUSE)
            }
            done => return done,
        }
    }
}

/// Records how one attempt went: sent; refused for good with its files (most often too large for this
/// relay), so the same mail goes without them, listing them, instead of nothing; refused for good; or not
/// yet, tried again after a pause that grows with the attempts.
fn record_outcome(
    store: &dyn Storage,
    queued: &QueuedMail,
    result: &Result<(), SendError>,
    now: Instant,
) -> Result<(), StoreError> {
    match result {
        Ok(()) => store.mail_sent(queued.id, now),
        // Refused for good with its files (most often too large for this relay): the same mail
        // without them, listing them, goes instead of nothing.
        Err(SendError::Permanent(e))
            if !queued.outgoing.files.is_empty()
                && queued.outgoing.body_without_files.is_some() =>
        {
            // The row first, then the log line that tells of it: whoever reads the log finds the row so.
            let saved = store.mail_without_files(queued.id, now, e);
            crate::log!(
                "mail {} refused with its files ({}); sending it without them",
                queued.id,
                for_log(e)
            );
            saved
        }
        Err(SendError::Permanent(e)) => {
            let saved = store.mail_failed(queued.id, MAX_ATTEMPTS, now, e);
            crate::log!("mail {} cannot be sent: {}", queued.id, for_log(e));
            saved
        }
        Err(SendError::Later(e)) => {
            let attempts = queued.attempts + 1;
            let saved =
                store.mail_failed(queued.id, attempts, now.plus_seconds(backoff(attempts)), e);
            crate::log!(
                "mail {} not sent yet (attempt {attempts}): {}",
                queued.id,
                for_log(e)
            );
            saved
        }
    }
}
