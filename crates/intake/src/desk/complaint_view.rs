//! One complaint as the staff desk opens it (issue #23, docs/staff-api.md "Queues and complaints"):
//! everything the customer sent, their replies, the public timeline, the internal notes and the audit trail
//! of staff actions on it; its files one at a time; and the whole audit log for leads. A complaint the person
//! may neither work nor was mentioned on ([`super::mentions`]) is "not found", the same answer as one that does
//! not exist, so the desk never tells which.

use complaint_domain::draft::{Channel, Outcome};
use complaint_domain::instant::Instant;
use complaint_domain::localized::{LocalizedText, OrgText};
use complaint_domain::privacy::NoticeVersion;
use complaint_domain::tracking::{Rule, Timeline, TimelineStep};
use serde::Serialize;

use super::clock::{clock_text, due_text};
use super::mentions::Reach;
use super::queues::{timeliness_name, Person};
use super::{Actor, Desk, DeskError, Permission};
use crate::dossier::Dossier;
use crate::settings::Settings;
use crate::store::{
    decision_name, AuditEntry, Complaint, DeskFacts, FileSource, FiledFile, NoteRecord, StoredFile,
};
use crate::zone::OrgZone;

/// An answer to one of the category's questions, with the question's label in every language it has.
#[derive(Debug, Serialize)]
pub struct Answer {
    pub question: String,
    /// `{}` for a question the config no longer asks.
    pub label: LocalizedText,
    pub answer: String,
}

#[derive(Debug, Serialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred: Channel,
    /// "You may also call me", where the organisation asked it; none where it was not asked.
    pub may_call: Option<bool>,
}

/// A file the customer sent, without its bytes.
#[derive(Debug, Serialize)]
pub struct FileView {
    /// As `show` numbers them: the complaint's own, then each reply's in turn.
    pub number: i64,
    pub name: String,
    /// The type sniffed from its bytes when received.
    pub kind: String,
    pub size: i64,
    /// Where the desk fetches it; the staff API fills it in.
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ReplyView {
    pub id: i64,
    pub kind: &'static str,
    pub at: String,
    pub text: Option<String>,
    pub stars: Option<u8>,
    /// Unread until this opening.
    pub unread: bool,
    pub files: Vec<FileView>,
}

/// One step of the public timeline: done, or expected (with its due date by the service levels).
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TimelineView {
    Done {
        stage: &'static str,
        at: String,
        message: Option<OrgText>,
        current: bool,
    },
    Upcoming {
        stage: &'static str,
        due: Option<String>,
        timeliness: Option<&'static str>,
        set_by_hand: bool,
        /// The promise's rule, or the reason a person gave for the date they set.
        rule: Option<serde_json::Value>,
    },
}

#[derive(Debug, Serialize)]
pub struct NoteView {
    pub id: i64,
    pub author: Option<Person>,
    pub at: String,
    pub text: String,
    pub mentions: Vec<i64>,
}

/// One line of the audit log.
#[derive(Debug, Serialize)]
pub struct AuditView {
    /// In the whole log: what `before` takes for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub at: String,
    /// `cli`, `staff:ID` or `token:ID`.
    pub actor: String,
    pub actor_name: String,
    pub action: String,
    /// The complaint's reference, when the line is about one.
    pub reference: Option<String>,
    pub detail: serde_json::Value,
    /// Only in the whole log (leads); a complaint's trail leaves it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DecisionView {
    pub decision: &'static str,
    pub summary: Option<OrgText>,
}

/// The whole complaint for the desk.
#[derive(Debug, Serialize)]
pub struct ComplaintView {
    pub reference: String,
    pub category: String,
    pub locale: &'static str,
    pub received_at: String,
    pub stage: &'static str,
    pub revision: i64,
    /// What the one asking may do with it: `work` (every action of their role) or `note` (mentioned in a
    /// note: read it and add notes).
    pub access: &'static str,
    pub description: String,
    pub happened_on: String,
    pub outcome: Outcome,
    pub outcome_other: Option<String>,
    pub answers: Vec<Answer>,
    pub contact: Contact,
    /// The privacy notice the customer was shown when filing (the basis is the contract or the law, not a
    /// consent); none for a complaint sent by an app older than the notice.
    pub privacy_notice: Option<NoticeVersion>,
    pub files: Vec<FileView>,
    pub replies: Vec<ReplyView>,
    pub timeline: Vec<TimelineView>,
    pub decision: Option<DecisionView>,
    pub causes: Vec<String>,
    pub notes: Vec<NoteView>,
    pub audit: Vec<AuditView>,
    pub assignee: Option<Person>,
    pub merged_into: Option<String>,
    pub waiting_since: Option<String>,
    /// Why it is held, while it is.
    pub quarantine: Option<String>,
    /// Until when its personal data is kept, its legal hold, when it was erased (issue #25).
    pub retention: RetentionView,
}

/// Where a complaint stands on retention, for the desk's hold control.
#[derive(Debug, Serialize)]
pub struct RetentionView {
    pub keep_until: Option<String>,
    pub hold: Option<HoldView>,
    pub erased_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct HoldView {
    pub since: String,
    /// Who put it on, by name as the audit log has it (else its audit key).
    pub by: String,
    pub reason: String,
}

impl ComplaintView {
    /// Every file's view, the complaint's and the replies', for the front end to fill in `url`.
    pub fn files_mut(&mut self) -> impl Iterator<Item = &mut FileView> {
        self.files
            .iter_mut()
            .chain(self.replies.iter_mut().flat_map(|r| r.files.iter_mut()))
    }
}

fn file_view(file: &FiledFile) -> FileView {
    FileView {
        number: file.number,
        name: file.name.clone(),
        kind: file.kind.clone(),
        size: file.bytes,
        url: String::new(),
    }
}

/// The files that came with the complaint (`reply`: `None`) or with one reply.
fn files_from(dossier: &Dossier, reply: Option<i64>) -> Vec<FileView> {
    dossier
        .filed
        .files
        .iter()
        .filter(|f| match f.source {
            FileSource::Complaint { .. } => reply.is_none(),
            FileSource::Reply { reply_id, .. } => reply == Some(reply_id),
        })
        .map(file_view)
        .collect()
}

fn replies(dossier: &Dossier, zone: &OrgZone) -> Vec<ReplyView> {
    dossier
        .replies
        .iter()
        .map(|r| ReplyView {
            id: r.id,
            kind: r.kind.as_str(),
            at: clock_text(zone, r.at),
            text: r.text.clone(),
            stars: r.stars,
            unread: r.unread,
            files: files_from(dossier, Some(r.id)),
        })
        .collect()
}

fn note_view(zone: &OrgZone, note: NoteRecord) -> NoteView {
    NoteView {
        id: note.id,
        author: note.author.map(|(id, name)| Person { id, name }),
        at: clock_text(zone, note.at),
        text: note.text,
        mentions: note.mentions,
    }
}

fn answers(dossier: &Dossier, settings: &Settings) -> Vec<Answer> {
    let questions = settings
        .config
        .category(&dossier.submission.category)
        .map(|c| c.questions.as_slice())
        .unwrap_or_default();
    let mut out: Vec<Answer> = questions
        .iter()
        .filter_map(|q| {
            let answer = dossier.submission.details.get(&q.id)?;
            Some(Answer {
                question: q.id.clone(),
                label: q.label.clone(),
                answer: answer.clone(),
            })
        })
        .collect();
    for (id, answer) in &dossier.submission.details {
        if !questions.iter().any(|q| &q.id == id) {
            out.push(Answer {
                question: id.clone(),
                label: LocalizedText::default(),
                answer: answer.clone(),
            });
        }
    }
    out
}

fn timeline(complaint: &Complaint, settings: &Settings, now: Instant) -> Vec<TimelineView> {
    let record = &complaint.record;
    let zone = &settings.zone;
    Timeline::build(
        record,
        settings.config.category(&record.category),
        zone,
        &settings.holidays,
        now,
    )
    .steps
    .into_iter()
    .map(|step| match step {
        TimelineStep::Done {
            stage,
            at,
            message,
            current,
        } => TimelineView::Done {
            stage: stage.as_str(),
            at: clock_text(zone, at),
            message,
            current,
        },
        TimelineStep::Upcoming { stage, expected } => TimelineView::Upcoming {
            stage: stage.as_str(),
            due: expected.as_ref().map(|e| due_text(zone, e.due)),
            timeliness: expected.as_ref().map(|e| timeliness_name(e.timeliness)),
            set_by_hand: expected
                .as_ref()
                .is_some_and(|e| matches!(e.rule, Rule::Set(_))),
            rule: expected.and_then(|e| match e.rule {
                Rule::Promise(text) => serde_json::to_value(text).ok(),
                Rule::Set(reason) => reason.and_then(|r| serde_json::to_value(r).ok()),
            }),
        },
    })
    .collect()
}

impl Desk {
    /// The complaint `reference` if `actor` may work it or was mentioned on it (a held one: leads and
    /// above), with its desk facts and how far they reach; otherwise `NotFound`, as for one that does not
    /// exist.
    fn workable(
        &self,
        actor: &Actor,
        reference: &str,
    ) -> Result<(Complaint, DeskFacts, Reach), DeskError> {
        actor.require(Permission::Read)?;
        let not_found = || DeskError::NotFound {
            reference: reference.to_owned(),
        };
        let complaint = self.store.complaint(reference)?.ok_or_else(not_found)?;
        let facts = self.store.desk_facts(complaint.id)?;
        let assignee = facts.assignee.as_ref().map(|(id, _)| *id);
        let held_from_them = complaint.quarantine.is_some() && !actor.may(Permission::Quarantine);
        let reach = self.reach(actor, &complaint, assignee)?;
        if held_from_them || reach == Reach::Outside {
            return Err(not_found());
        }
        Ok((complaint, facts, reach))
    }

    /// The whole complaint for the desk as of `now`; marks the customer's replies read (as `show` does) when
    /// the one asking works it, and records nothing else.
    pub fn open(
        &mut self,
        actor: &Actor,
        reference: &str,
        now: Instant,
    ) -> Result<ComplaintView, DeskError> {
        let (complaint, facts, reach) = self.workable(actor, reference)?;
        let settings = self.settings()?;
        let zone = &settings.zone;
        let dossier = Dossier::load(&*self.store, &complaint.record.reference)?;
        let notes = self.store.notes(complaint.id)?;
        let audit = self.store.audit_for(complaint.id)?;
        let keeping = self.store.keeping(complaint.id)?;
        let hold_by = keeping.hold.as_ref().map(|hold| {
            let line = audit
                .iter()
                .rev()
                .find(|e| e.action == "hold" && e.actor == hold.by);
            line.map_or_else(|| hold.by.clone(), |e| e.actor_name.clone())
        });
        let reference = complaint.record.reference.clone();
        let s = &dossier.submission;
        let view = ComplaintView {
            reference: reference.clone(),
            category: complaint.record.category.clone(),
            locale: complaint.locale.tag(),
            received_at: clock_text(zone, dossier.filed.received_at),
            stage: complaint
                .record
                .current()
                .map_or("received", |e| e.stage.as_str()),
            revision: complaint.revision,
            access: reach.name(),
            description: s.description.clone(),
            happened_on: s.happened_on.to_string(),
            outcome: s.outcome,
            outcome_other: s.outcome_other.clone(),
            answers: answers(&dossier, settings),
            contact: Contact {
                name: s.contact.name.clone(),
                email: s.contact.email.clone(),
                phone: s.contact.phone.clone(),
                preferred: s.contact.preferred,
                may_call: s.contact.may_call,
            },
            privacy_notice: s.privacy_notice.clone(),
            files: files_from(&dossier, None),
            replies: replies(&dossier, zone),
            timeline: timeline(&complaint, settings, now),
            decision: complaint.record.outcome.as_ref().map(|o| DecisionView {
                decision: decision_name(o.decision),
                summary: o.summary.clone(),
            }),
            causes: dossier.causes.clone(),
            notes: notes.into_iter().map(|n| note_view(zone, n)).collect(),
            audit: audit
                .into_iter()
                .map(|e| audit_view(zone, None, e, Some(reference.clone()), false))
                .collect(),
            assignee: facts.assignee.map(|(id, name)| Person { id, name }),
            merged_into: facts.merged_into,
            waiting_since: facts.waiting_since.map(|at| clock_text(zone, at)),
            quarantine: complaint.quarantine.clone(),
            retention: RetentionView {
                keep_until: keeping.keep_until.map(|d| d.to_string()),
                hold: keeping.hold.map(|h| HoldView {
                    since: clock_text(zone, h.since),
                    by: hold_by.unwrap_or_default(),
                    reason: h.reason,
                }),
                erased_at: keeping.erased_at.map(|at| clock_text(zone, at)),
            },
        };
        // A colleague asked for advice reads along; the replies stay unread for the people who work it.
        if reach == Reach::Works {
            self.store.mark_replies_read(complaint.id, now)?;
        }
        Ok(view)
    }

    /// File `number` of complaint `reference` (numbered as `open` lists them), if `actor` may work the
    /// complaint; `None` if it has no such file.
    pub fn file(
        &self,
        actor: &Actor,
        reference: &str,
        number: i64,
    ) -> Result<Option<StoredFile>, DeskError> {
        let (complaint, ..) = self.workable(actor, reference)?;
        let filed = self.store.filed(complaint.id)?;
        let Some(file) = filed.files.iter().find(|f| f.number == number) else {
            return Ok(None);
        };
        Ok(self.store.stored_file(file.source)?)
    }

    /// The newest `limit` lines of the audit log, newest first, those before line `before` when given.
    pub fn audit_log(
        &self,
        actor: &Actor,
        limit: usize,
        before: Option<i64>,
    ) -> Result<Vec<AuditView>, DeskError> {
        actor.require(Permission::Audit)?;
        let zone = &self.settings()?.zone;
        self.store
            .audit_latest(limit, before)?
            .into_iter()
            .map(|(id, entry)| {
                let reference = match entry.complaint_id {
                    Some(complaint) => self.store.reference_of(complaint)?,
                    None => None,
                };
                Ok(audit_view(zone, Some(id), entry, reference, true))
            })
            .collect()
    }
}

fn audit_view(
    zone: &OrgZone,
    id: Option<i64>,
    entry: AuditEntry,
    reference: Option<String>,
    with_address: bool,
) -> AuditView {
    AuditView {
        id,
        at: clock_text(zone, entry.at),
        actor: entry.actor,
        actor_name: entry.actor_name,
        action: entry.action,
        reference,
        detail: entry.detail,
        address: entry.address.filter(|_| with_address),
    }
}
