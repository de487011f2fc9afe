//! Mail, through an SMTP relay and an outbox table (`docs/intake.md`, Mail). Whoever has something to say
//! (the back office after a stage change, the intake after a new complaint or a customer's reply) only adds a
//! row to the outbox, which never waits on the network; `serve` sends the rows in the background and tries
//! again later, with growing pauses, when the relay is down or slow. Off unless `--smtp-relay` is given.
//!
//! Mail is plain text, so nothing in it is interpreted as HTML, and every header is built by `lettre` from
//! text we chose (the reference and a stage name, never customer text), so nothing a customer wrote can add
//! a header. The organisation's copy carries the customer's files as attachments: the outbox names them
//! (`mail_files`) and their bytes are read as the mail goes, each part with the type sniffed at intake and the
//! name `attachment --all` would write (no controls, no path), encoded by `lettre` (RFC 2231), in base64 so
//! the bytes arrive exactly as sent; what would take the mail over `--mail-max-mb` is listed instead, and so
//! is a file the inbox was sent before (the same bytes, with any complaint), with where it went.
//!
//! The first mail of a complaint is the whole complaint; a mail about replies tells only what is new (the
//! replies since the last such mail, their files, the command that shows the rest), and replies that come
//! within `--mail-gather-seconds` of the last such mail wait and go together in one.
//!
//! Here: what a mail says and to whom (the customer's update, the organisation's copy) and adding it to the
//! outbox (`crate::store`'s `OutboxStore`, where its rows and records live); [`send`]: the sender `serve`
//! runs.

use std::time::Duration;

use complaint_domain::i18n::{self, IntakeMsg, Locale, Msg};
use complaint_domain::instant::Instant;
use complaint_domain::localized::OrgText;
use complaint_domain::status::Stage;
use complaint_domain::tracking::Timeline;

use crate::dossier::{one_line, Dossier, DossierError};
use crate::publish::Publisher;
use crate::settings::Settings;
use crate::store::{Complaint, FileSource, FiledFile, Storage};
pub use crate::store::{MailFile, Outgoing};
pub use send::run_outbox;

mod send;
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
    /// The most one organisation's mail may weigh as it travels, files encoded (`--mail-max-mb`).
    pub max_bytes: u64,
    /// Replies within this of the organisation's last mail about a complaint's replies wait, and go
    /// together in one mail when it is over (`--mail-gather-seconds`).
    pub gather: Duration,
}

/// `--mail-gather-seconds` when not given: a few minutes.
pub const DEFAULT_GATHER_SECONDS: u64 = 300;

/// `--mail-max-mb` when not given: what most relays and mailboxes take.
pub const DEFAULT_MAX_MB: u64 = 10;

/// What the organisation's copy tells of, with its files: a new complaint, whole, with its own files; or
/// the replies from this one on (what is new: the complaint's files were in the first mail already).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilesOf {
    Complaint,
    RepliesFrom(i64),
}

impl FilesOf {
    fn includes(self, source: FileSource) -> bool {
        match (self, source) {
            (FilesOf::Complaint, FileSource::Complaint { .. }) => true,
            (FilesOf::RepliesFrom(from), FileSource::Reply { reply_id, .. }) => reply_id >= from,
            _ => false,
        }
    }
}

/// A mail's subject for the replies it tells of: the weightiest of them ("not satisfied" before "resolves
/// it" before a rating before information).
fn replies_subject(replies: &[&crate::store::StoredReply]) -> IntakeMsg {
    use complaint_domain::status::ReplyKind;
    let weight = |kind: ReplyKind| match kind {
        ReplyKind::NotSatisfied => 3,
        ReplyKind::Resolved => 2,
        ReplyKind::Rating => 1,
        ReplyKind::Information => 0,
    };
    match replies.iter().map(|r| r.kind).max_by_key(|k| weight(*k)) {
        Some(ReplyKind::NotSatisfied) => IntakeMsg::MailOrgNotSatisfied,
        Some(ReplyKind::Resolved) => IntakeMsg::MailOrgResolved,
        Some(ReplyKind::Rating) => IntakeMsg::MailOrgRated,
        _ => IntakeMsg::MailOrgInformation,
    }
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

/// The link that opens the customer's status at once, with no personal data in it: the reference and the
/// complaint's Reply-Proof, in the fragment (`#…`), which a browser never sends to a server, so they reach
/// no log; the app reads them and removes the fragment from the address bar. The proof finds the status
/// file in place of the email address (`crate::publish::Publisher::link_name`) and lets the customer reply
/// from whatever device opens the mail, not only the one they filed on (`docs/replies.md`). Without a proof
/// (no key), the tracker with the reference filled in, where the customer types their email address.
pub fn status_link(public_url: &str, reference: &str, proof: Option<&str>) -> String {
    let site = public_url.trim_end_matches('/');
    match proof {
        Some(proof) => format!(
            "{site}/track#reference={}&proof={}",
            encoded(reference),
            encoded(proof)
        ),
        None => format!("{site}/track?ref={}", encoded(reference)),
    }
}

/// The customer's mail after the back office moved their complaint or wrote to them: what changed, the
/// message (`message`, or the current stage's), the next date, the link; in the customer's language. `None`
/// when they gave no email address.
pub fn customer_update(
    settings: &Settings,
    mail: &MailSettings,
    complaint: &Complaint,
    email: Option<&str>,
    proof: Option<&str>,
    now: Instant,
    message: Option<&OrgText>,
) -> Option<Outgoing> {
    let email = email.map(str::trim).filter(|e| !e.is_empty())?;
    let link = status_link(&mail.public_url, &complaint.record.reference, proof);
    let (subject, body) = customer_words(settings, complaint, Some(&link), now, message)?;
    Some(Outgoing {
        to: email.to_owned(),
        subject,
        body,
        files: Vec::new(),
        body_without_files: None,
    })
}

/// The organisation's words in the customer's language when the text has it; else as written, with the note
/// the tracker shows after it ("(shown in English)", "(영어 원문)"), so a Korean customer is told why the
/// message is in English rather than left to wonder.
fn org_words(text: &OrgText, lang: Locale) -> String {
    let shown = text.show(lang);
    match shown.other_language {
        Some(language) => format!("{} {}", shown.text, i18n::shown_in(language).text(lang)),
        None => shown.text.to_owned(),
    }
}

/// The subject and body of [`customer_update`], with `link` to the status when there is one: what the desk
/// previews, word for word.
pub fn customer_words(
    settings: &Settings,
    complaint: &Complaint,
    link: Option<&str>,
    now: Instant,
    message: Option<&OrgText>,
) -> Option<(String, String)> {
    let lang = complaint.locale;
    let record = &complaint.record;
    let current = record.current()?;
    let stage = current.stage.label().text(lang);
    let reference = record.reference.as_str();
    let mut body = i18n::format(
        lang,
        IntakeMsg::MailChanged,
        &[("reference", reference), ("stage", stage)],
    );
    body.push_str("\n\n");
    if let Some(message) = message.or(current.message.as_ref()) {
        body.push_str(IntakeMsg::MailMessage.text(lang));
        body.push('\n');
        body.push_str(&org_words(message, lang));
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
        // What we will do, not the name of a stage to come: "We will send you our decision by …".
        let date = mail_due_text(expected.due, lang, settings.zone.name());
        let sentence = match next {
            Stage::Acknowledged => i18n::format(lang, Msg::AcknowledgeBy, &[("date", &date)]),
            Stage::Responded => i18n::format(lang, Msg::DecideBy, &[("date", &date)]),
            other => i18n::format(
                lang,
                IntakeMsg::MailNext,
                &[("stage", other.label().text(lang)), ("date", &date)],
            ),
        };
        body.push_str(&sentence);
        body.push_str("\n\n");
    }
    if let Some(link) = link {
        body.push_str(IntakeMsg::MailLink.text(lang));
        body.push('\n');
        body.push_str(link);
        body.push_str("\n\n");
    }
    body.push_str(IntakeMsg::MailFooter.text(lang));
    body.push('\n');
    let subject = i18n::format(
        lang,
        IntakeMsg::MailSubject,
        &[("reference", reference), ("stage", stage)],
    );
    Some((subject, body))
}

/// A due date in the customer's words. The mail cannot know the customer's time zone, so the
/// organisation's is always named, in words: "Mon, 30 Nov 2026 (UK time)", never its id.
pub fn mail_due_text(due: Due, lang: Locale, zone: &str) -> String {
    let when = match due {
        Due::At { local, .. } => i18n::dates::date_time_text(local, lang),
        Due::EndOf(date) => i18n::dates::date_text(date, lang),
    };
    let zone = i18n::zones::zone_name(zone, lang);
    i18n::format(lang, Msg::InOrgZone, &[("date", &when), ("zone", zone)])
}

/// What a mail's own headers and the list of files left out may add to its body, counted against the cap.
const MAIL_HEADROOM: u64 = 4096;

/// What one attached file's part headers take (type, disposition with a long RFC 2231 name, boundary).
const PART_HEADERS: u64 = 512;

/// What a file of `bytes` adds to a mail as it travels: base64 (four characters for three bytes, in lines of
/// 76 with a line break) and its part's headers.
pub fn encoded_bytes(bytes: u64) -> u64 {
    let chars = bytes.div_ceil(3) * 4;
    chars + chars.div_ceil(76) * 2 + PART_HEADERS
}

/// The organisation's copy of a complaint, if an inbox is configured: the whole complaint as `show` prints
/// it, or for replies only what is new (`Dossier::news`), in the organisation's language (the customer's
/// text is plain text, never interpreted), and the files `files` names, as many as fit within the cap in
/// their order; the rest are listed with their sizes and the command that saves them, and so are those
/// `sent_before` finds in an earlier mail to the inbox (with that mail's complaint and number). With files,
/// also the body that lists them all instead, which the outbox sends if the relay refuses the mail with
/// them. The subject is ours (`subject` with the reference, in the organisation's language).
pub fn to_organisation(
    settings: &Settings,
    mail: &MailSettings,
    dossier: &Dossier,
    status_file: &std::path::Path,
    subject: IntakeMsg,
    files: FilesOf,
    sent_before: impl Fn(&FiledFile) -> Option<(String, i64)>,
) -> Option<Outgoing> {
    let to = mail.org_inbox.clone()?;
    let lang = mail.org_lang;
    let reference = &dossier.complaint.record.reference;
    let subject = i18n::format(lang, subject, &[("reference", reference)]);
    let body = match files {
        FilesOf::Complaint => dossier.show(settings, lang, status_file),
        FilesOf::RepliesFrom(from) => dossier.news(settings, lang, status_file, from),
    };
    let mut room = mail
        .max_bytes
        .saturating_sub(body.len() as u64 + MAIL_HEADROOM);
    let mut before: Vec<(&FiledFile, (String, i64))> = Vec::new();
    let mut wanted: Vec<&FiledFile> = Vec::new();
    for file in dossier
        .filed
        .files
        .iter()
        .filter(|f| files.includes(f.source))
    {
        match sent_before(file) {
            Some(sent) => before.push((file, sent)),
            None => wanted.push(file),
        }
    }
    let mut carried = Vec::new();
    let mut left: Vec<&FiledFile> = Vec::new();
    for &file in &wanted {
        let weight = encoded_bytes(u64::try_from(file.bytes).unwrap_or(u64::MAX));
        if weight <= room {
            room -= weight;
            carried.push(MailFile {
                number: file.number,
                source: file.source,
            });
        } else {
            left.push(file);
        }
    }
    let listed = |body, why, files: &[&FiledFile]| {
        files_listed(body, lang, why, files, mail.max_bytes, reference)
    };
    let noted = |body| sent_before_noted(body, lang, &before, reference);
    let body_without_files = (!carried.is_empty())
        .then(|| noted(listed(body.clone(), IntakeMsg::MailFilesRefused, &wanted)));
    let body = noted(listed(body, IntakeMsg::MailFilesLeftOut, &left));
    Some(Outgoing {
        to,
        subject: one_line(&subject),
        body,
        files: carried,
        body_without_files,
    })
}

/// `body` with `files` listed under `why` (left out, or refused by the relay), each with its size, and how
/// to save one; `body` as it is when there are none.
fn files_listed(
    mut body: String,
    lang: Locale,
    why: IntakeMsg,
    files: &[&FiledFile],
    max_bytes: u64,
    reference: &str,
) -> String {
    if files.is_empty() {
        return body;
    }
    body.push('\n');
    body.push_str(&i18n::format(
        lang,
        why,
        &[("limit", &megabytes(max_bytes, lang))],
    ));
    body.push('\n');
    for file in files {
        body.push_str(&format!(
            "  {:>2}  {}  {} MB\n",
            file.number,
            one_line(&file.name),
            megabytes(u64::try_from(file.bytes).unwrap_or(0), lang),
        ));
    }
    save_hint(body, lang, reference)
}

/// `body` with the files sent before named, with where they went, and how to save one from this complaint.
fn sent_before_noted(
    mut body: String,
    lang: Locale,
    before: &[(&FiledFile, (String, i64))],
    reference: &str,
) -> String {
    if before.is_empty() {
        return body;
    }
    body.push('\n');
    body.push_str(IntakeMsg::MailFilesSentBefore.text(lang));
    body.push('\n');
    for (file, (other, number)) in before {
        body.push_str(&format!(
            "  {:>2}  {}  {} MB  = {} {}\n",
            file.number,
            one_line(&file.name),
            megabytes(u64::try_from(file.bytes).unwrap_or(0), lang),
            one_line(other),
            number,
        ));
    }
    save_hint(body, lang, reference)
}

/// The command that saves one of a complaint's files, as the last line of a list of them.
fn save_hint(mut body: String, lang: Locale, reference: &str) -> String {
    body.push_str(&i18n::format(
        lang,
        IntakeMsg::MailFilesSave,
        &[(
            "command",
            &format!("complaint-intake attachment {reference} N --out FILE"),
        )],
    ));
    body.push('\n');
    body
}

/// Megabytes (of 1,048,576 bytes, as `--mail-max-mb` counts them) with one decimal, never shown as 0; a
/// decimal comma in Polish.
fn megabytes(bytes: u64, lang: Locale) -> String {
    let tenths = (bytes.saturating_mul(10)).div_ceil(1024 * 1024).max(1);
    let text = if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    match lang {
        Locale::Pl => text.replace('.', ","),
        _ => text,
    }
}

/// Queues the organisation's copy of complaint `reference` (`subject`, carrying `files`), when an inbox is
/// configured: the intake after a new complaint or a reply, `release` after letting one in.
pub fn queue_for_organisation(
    store: &dyn Storage,
    settings: &Settings,
    mail: &MailSettings,
    publisher: &Publisher,
    reference: &str,
    subject: IntakeMsg,
    files: FilesOf,
) -> Result<(), DossierError> {
    let Some(to) = mail.org_inbox.as_deref() else {
        return Ok(());
    };
    let dossier = Dossier::load(store, reference)?;
    let id = dossier.complaint.id;
    let now = crate::zone::now();
    let (mut files, mut subject, mut due) = (files, subject, now);
    if let FilesOf::RepliesFrom(from) = files {
        // A mail about replies still waiting for its time takes this reply too: it is built again, with
        // everything from its first reply on, and keeps its time, so a storm of replies cannot put it off.
        if let Some((waiting, first, at)) = store.gathering_mail(id, to, now)? {
            store.drop_mail(waiting)?;
            files = FilesOf::RepliesFrom(first.min(from));
            due = at;
        } else if let Some(last) = store.last_reply_mail(id, to)? {
            let gather = i64::try_from(mail.gather.as_secs()).unwrap_or(i64::MAX);
            let next = last.plus_seconds(gather);
            if next.unix_seconds() > now.unix_seconds() {
                due = next;
            }
        }
        if let FilesOf::RepliesFrom(first) = files {
            let new: Vec<_> = dossier.replies.iter().filter(|r| r.id >= first).collect();
            subject = replies_subject(&new);
        }
    }
    let status_file = publisher.path_for(&dossier.complaint.status_key);
    let sent_before = |file: &FiledFile| match store.mailed_before(to, &file.sha256) {
        Ok(found) => found,
        Err(e) => {
            crate::log!("{reference}: earlier mails could not be looked at: {e}");
            None
        }
    };
    let Some(outgoing) = to_organisation(
        settings,
        mail,
        &dossier,
        &status_file,
        subject,
        files,
        sent_before,
    ) else {
        return Ok(());
    };
    let replies_from = match files {
        FilesOf::RepliesFrom(first) => Some(first),
        FilesOf::Complaint => None,
    };
    if let Err(e) = store.enqueue_mail_at(id, &outgoing, now, due, replies_from) {
        crate::log!("a mail could not be queued: {e}");
    }
    Ok(())
}

/// Adds a mail to the outbox; a failure is logged, never passed on: what it tells of is saved already.
pub fn enqueue(store: &dyn Storage, complaint_id: i64, outgoing: Option<Outgoing>) {
    let Some(outgoing) = outgoing else {
        return;
    };
    if let Err(e) = store.enqueue_mail(complaint_id, &outgoing, crate::zone::now()) {
        crate::log!("a mail could not be queued: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::send::{backoff, for_log, message, SendError};
    use super::*;
    use crate::store::StoredFile;

    #[test]
    fn the_log_gets_the_relays_code_not_its_text() {
        assert_eq!(
            for_log("permanent error (550): 5.1.1 <anna@example.pl>: Recipient address rejected"),
            "permanent error (550)"
        );
        assert_eq!(
            for_log("the relay did not finish within 10 s"),
            "the relay did not finish within 10 s"
        );
        assert_eq!(
            for_log("to address: anna@example.pl> is invalid"),
            "to address: [address] is invalid"
        );
    }

    #[test]
    fn the_link_carries_no_personal_data_and_its_secrets_in_the_fragment_only() {
        let link = status_link("https://desk.example/", "CMP-7K4Q-2M9X", Some("9a57"));
        assert_eq!(
            link,
            "https://desk.example/track#reference=CMP-7K4Q-2M9X&proof=9a57"
        );
        let (before, _) = link.split_once('#').unwrap();
        assert!(!before.contains("CMP") && !before.contains("9a57"));
        let without = status_link("https://desk.example", "CMP-7K4Q-2M9X", None);
        assert_eq!(without, "https://desk.example/track?ref=CMP-7K4Q-2M9X");
    }

    #[test]
    fn the_customers_mail_links_by_the_proof_never_by_the_address() {
        let dir = std::env::temp_dir().join(format!("mail-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut store = crate::store::Store::open(&dir.join("db.sqlite3")).unwrap();
        let key = crate::reply_proof::ReplyKey::load(&mut store).unwrap();
        let publisher = crate::publish::Publisher::new(dir.join("status")).with_link_key(key);
        let email = "Anna+x@Example.PL";
        let status_key = crate::publish::status_key("CMP-7K4Q-2M9X", email);
        let proof = publisher.link_proof(&status_key).unwrap();
        let link = status_link("https://desk.example", "CMP-7K4Q-2M9X", Some(&proof));
        assert!(!link.contains('@') && !link.contains("%40"), "{link}");
        assert!(!link.to_ascii_lowercase().contains("anna"), "{link}");
        // The name the tracker makes from the link is the file's second name, and another proof's is not.
        let found = crate::publish::status_key("CMP-7K4Q-2M9X", &proof);
        let name = publisher.link_name("CMP-7K4Q-2M9X", &status_key);
        assert_eq!(name.as_deref(), Some(found.as_str()));
        assert_ne!(found, status_key);
        let _ = std::fs::remove_dir_all(&dir);
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
            files: Vec::new(),
            body_without_files: None,
        };
        assert!(matches!(
            message("desk@example.com", &outgoing, Vec::new()),
            Err(SendError::Permanent(_))
        ));
    }

    #[test]
    fn a_files_name_and_type_cannot_add_a_header() {
        let outgoing = Outgoing {
            to: "in@example.com".into(),
            subject: "New complaint: CMP-1".into(),
            body: "b".into(),
            files: Vec::new(),
            body_without_files: None,
        };
        let file = MailFile {
            number: 1,
            source: FileSource::Complaint {
                complaint_id: 1,
                position: 0,
            },
        };
        let stored = StoredFile {
            name: "a\"; x=\"\r\nBcc: eve@example.com\r\n\r\n../..\\evil.jpg".into(),
            kind: "image/jpeg\r\nBcc: eve@example.com".into(),
            content: vec![0xFF, 0xD8, 0xFF, 0xE0, b'\r', b'\n', b'.', b'\r', b'\n'],
        };
        let sent = message("desk@example.com", &outgoing, vec![(file, stored)]).unwrap();
        let text = String::from_utf8(sent.formatted()).unwrap();
        assert!(
            !text
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{text}"
        );
        assert!(
            text.contains("Content-Type: application/octet-stream"),
            "{text}"
        );
        assert!(text.contains("Content-Transfer-Encoding: base64"), "{text}");
        assert!(!text.contains("../"), "{text}");
    }

    #[test]
    fn a_message_in_another_language_says_so_in_the_customers() {
        let english_only = OrgText::ByLanguage(vec![("en".into(), "We have it.".into())]);
        assert_eq!(org_words(&english_only, Locale::En), "We have it.");
        let korean = org_words(&english_only, Locale::Ko);
        assert!(korean.starts_with("We have it. "), "{korean}");
        assert_eq!(
            korean.strip_prefix("We have it. "),
            Some(i18n::shown_in(Locale::En).text(Locale::Ko))
        );
        let both = OrgText::ByLanguage(vec![
            ("en".into(), "We have it.".into()),
            ("ko".into(), "접수했습니다.".into()),
        ]);
        assert_eq!(org_words(&both, Locale::Ko), "접수했습니다.");
        assert_eq!(org_words(&OrgText::from("Hi."), Locale::Pl), "Hi.");
    }

    #[test]
    fn sizes_are_in_megabytes_with_one_decimal() {
        assert_eq!(megabytes(10 * 1024 * 1024, Locale::En), "10");
        assert_eq!(megabytes(600_000, Locale::En), "0.6");
        assert_eq!(megabytes(600_000, Locale::Pl), "0,6");
        assert_eq!(megabytes(1, Locale::Ko), "0.1");
        assert_eq!(encoded_bytes(3), 4 + 2 + PART_HEADERS);
        assert_eq!(encoded_bytes(57 * 2), 152 + 4 + PART_HEADERS);
    }
}
