//! Mail, through an SMTP relay and an outbox table (`docs/intake.md`, Mail). Whoever has something to say
//! (the back office after a stage change, the intake after a new complaint or a customer's reply) only adds a
//! row to the outbox, which never waits on the network; `serve` sends the rows in the background and tries
//! again later, with growing pauses, when the relay is down or slow. Off unless `--smtp-relay` is given.
//!
//! Mail is plain text, so nothing in it is interpreted as HTML, and every header is built by `lettre` from
//! text we chose (the reference and a stage name, never customer text), so nothing a customer wrote can add
//! a header.

use std::sync::Arc;
use std::time::Duration;

use complaint_domain::i18n::{self, Locale, Msg};
use complaint_domain::instant::Instant;
use complaint_domain::tracking::{normalise_verifier, Timeline};
use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::dossier::one_line;
use crate::intake::Intake;
use crate::settings::Settings;
use crate::store::{Complaint, Store, StoreError};
use complaint_domain::service_levels::Due;

/// Where mail goes, from the command line; `None` (no `--smtp-relay`) turns mail off.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `host:port` of the relay (plain SMTP; put a TLS-speaking relay such as a local Postfix in between
    /// for anything beyond the host).
    pub relay_host: String,
    pub relay_port: u16,
    pub from: String,
    /// New complaints and customer replies are mailed here too, when given.
    pub org_inbox: Option<String>,
    /// The language of the organisation's own mail.
    pub org_lang: Locale,
    /// The site the customer's link opens (`https://complaints.example`).
    pub public_url: String,
    /// How long the relay may take for one mail before it counts as down (`--smtp-timeout`).
    pub timeout: Duration,
}

/// One mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Unreserved characters as they are, everything else `%XX` (RFC 3986), for the link's fragment.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The link that opens the customer's status at once. The reference and the verifier travel in the fragment
/// (`#…`), which a browser never sends to a server, so they reach no log; the app reads them and removes the
/// fragment from the address bar.
pub fn status_link(public_url: &str, reference: &str, verifier: &str) -> String {
    format!(
        "{}/track#reference={}&verifier={}",
        public_url.trim_end_matches('/'),
        encoded(reference),
        encoded(&normalise_verifier(verifier))
    )
}

/// The customer's mail after the back office moved their complaint: what changed, the message, the next
/// date, the link; in the customer's language. `None` when they gave no email address.
pub fn customer_update(
    settings: &Settings,
    mail: &MailSettings,
    complaint: &Complaint,
    email: Option<&str>,
    now: Instant,
) -> Option<Outgoing> {
    let email = email.map(str::trim).filter(|e| !e.is_empty())?;
    let lang = complaint.locale;
    let record = &complaint.record;
    let current = record.current()?;
    let stage = current.stage.label().text(lang);
    let reference = record.reference.as_str();
    let mut body = i18n::format(
        lang,
        Msg::MailChanged,
        &[("reference", reference), ("stage", stage)],
    );
    body.push_str("\n\n");
    if let Some(message) = &current.message {
        body.push_str(Msg::MailMessage.text(lang));
        body.push('\n');
        body.push_str(message.show(lang).text);
        body.push_str("\n\n");
    }
    let timeline = Timeline::build(
        record,
        settings.config.category(&record.category),
        &settings.zone,
        &settings.holidays,
        now,
    );
    if let Some((next, expected)) = timeline.next_expected() {
        body.push_str(&i18n::format(
            lang,
            Msg::MailNext,
            &[
                ("stage", next.label().text(lang)),
                (
                    "date",
                    &mail_due_text(expected.due, lang, settings.zone.name()),
                ),
            ],
        ));
        body.push_str("\n\n");
    }
    body.push_str(Msg::MailLink.text(lang));
    body.push('\n');
    body.push_str(&status_link(&mail.public_url, reference, email));
    body.push_str("\n\n");
    body.push_str(Msg::MailFooter.text(lang));
    body.push('\n');
    Some(Outgoing {
        to: email.to_owned(),
        subject: i18n::format(
            lang,
            Msg::MailSubject,
            &[("reference", reference), ("stage", stage)],
        ),
        body,
    })
}

/// A due date in the customer's words. The mail cannot know the customer's time zone, so the
/// organisation's is always named: "Mon, 30 Nov 2026 (Europe/London)".
fn mail_due_text(due: Due, lang: Locale, zone: &str) -> String {
    let when = match due {
        Due::At { local, .. } => i18n::dates::date_time_text(local, lang),
        Due::EndOf(date) => i18n::dates::date_text(date, lang),
    };
    i18n::format(lang, Msg::InOrgZone, &[("date", &when), ("zone", zone)])
}

/// A mail to the organisation's inbox, if one is configured. The subject is ours; `body` may hold the
/// customer's text (plain text, never interpreted).
pub fn to_organisation(mail: &MailSettings, subject: &str, body: String) -> Option<Outgoing> {
    Some(Outgoing {
        to: mail.org_inbox.clone()?,
        subject: one_line(subject),
        body,
    })
}

/// Adds a mail to the outbox; a failure is logged, never passed on: what it tells of is saved already.
pub fn enqueue(store: &Store, complaint_id: i64, outgoing: Option<Outgoing>) {
    let Some(outgoing) = outgoing else {
        return;
    };
    if let Err(e) = store.enqueue_mail(complaint_id, &outgoing, crate::zone::now()) {
        crate::log!("a mail could not be queued: {e}");
    }
}

/// Why one mail was not handed to the relay.
#[derive(Debug)]
enum SendError {
    /// An address or a header the mail cannot have: trying again will not help.
    Permanent(String),
    /// The relay is down, slow or refused for now.
    Later(String),
}

fn message(from: &str, outgoing: &Outgoing) -> Result<Message, SendError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| SendError::Permanent(format!("from address: {e}")))?;
    let to: Mailbox = outgoing
        .to
        .parse()
        .map_err(|e| SendError::Permanent(format!("to address: {e}")))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(outgoing.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(outgoing.body.clone())
        .map_err(|e| SendError::Permanent(e.to_string()))
}

/// The pause after `attempts` failed attempts: 5 s, 10 s, 20 s … at most an hour.
fn backoff(attempts: i64) -> i64 {
    5_i64
        .saturating_mul(1 << (attempts - 1).clamp(0, 10))
        .min(3600)
}

/// After this many attempts a mail is left in the outbox, marked, for the operator to look at.
pub const MAX_ATTEMPTS: i64 = 20;

/// How often the outbox is looked at. The back office is another process, so a row it adds is found by
/// looking, not by being told.
const POLL: Duration = Duration::from_millis(500);

/// Sends what is due in the outbox, for ever (`serve` spawns it).
pub async fn run_outbox(intake: Arc<Intake>, mail: MailSettings) {
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(mail.relay_host.as_str())
            .port(mail.relay_port)
            .timeout(Some(mail.timeout))
            .build();
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        let ready = Arc::clone(&intake);
        let due = tokio::task::spawn_blocking(move || {
            ready.store().due_mail(crate::zone::now(), MAX_ATTEMPTS, 10)
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
            let result = match message(&mail.from, &queued.outgoing) {
                // lettre's own timeout covers the connection and each command, not a relay that accepts
                // and then never greets; the whole exchange is bounded here, so one silent relay cannot
                // stop the outbox.
                Ok(message) => {
                    match tokio::time::timeout(mail.timeout, transport.send(message)).await {
                        Ok(Ok(_)) => Ok(()),
                        Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                        Ok(Err(e)) => Err(SendError::Later(e.to_string())),
                        Err(_) => Err(SendError::Later(format!(
                            "the relay did not finish within {} s",
                            mail.timeout.as_secs()
                        ))),
                    }
                }
                Err(e) => Err(e),
            };
            let now = crate::zone::now();
            let done = Arc::clone(&intake);
            let outcome = tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
                let store = done.store();
                match result {
                    Ok(()) => store.mail_sent(queued.id, now),
                    Err(SendError::Permanent(e)) => {
                        crate::log!("mail {} cannot be sent: {e}", queued.id);
                        store.mail_failed(queued.id, MAX_ATTEMPTS, now, &e)
                    }
                    Err(SendError::Later(e)) => {
                        let attempts = queued.attempts + 1;
                        crate::log!("mail {} not sent yet (attempt {attempts}): {e}", queued.id);
                        store.mail_failed(
                            queued.id,
                            attempts,
                            now.plus_seconds(backoff(attempts)),
                            &e,
                        )
                    }
                }
            })
            .await;
            if let Ok(Err(e)) = outcome {
                crate::log!("the mail outbox could not be updated: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_the_pair_in_the_fragment_only() {
        let link = status_link(
            "https://desk.example/",
            "CMP-7K4Q-2M9X",
            " Anna+x@Example.PL",
        );
        assert_eq!(
            link,
            "https://desk.example/track#reference=CMP-7K4Q-2M9X&verifier=anna%2Bx%40example.pl"
        );
        let (before, _) = link.split_once('#').unwrap();
        assert!(!before.contains("CMP") && !before.contains("anna"));
    }

    #[test]
    fn pauses_grow_to_an_hour() {
        assert_eq!(backoff(1), 5);
        assert_eq!(backoff(2), 10);
        assert_eq!(backoff(40), 3600);
    }

    #[test]
    fn an_address_with_a_line_break_is_refused_not_sent() {
        let outgoing = Outgoing {
            to: "anna@example.pl\r\nBcc: eve@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        assert!(matches!(
            message("desk@example.com", &outgoing),
            Err(SendError::Permanent(_))
        ));
    }
}
