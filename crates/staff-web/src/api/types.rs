//! The API's answers as the desk reads them, in the shapes docs/staff-api.md and docs/schema/staff-*.schema.json
//! give. Every field has a default, so an answer with a field more still shows what it has; ids are kept
//! as text ([`Id`]) because the desk only echoes them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An id the API may send as a number or a string; the desk only echoes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(pub String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        Ok(Id(match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        }))
    }
}

/// A person as the API names them: a bare name, or `{id, name}`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Who {
    Name(String),
    Person {
        #[serde(default)]
        id: Id,
        #[serde(default)]
        name: String,
    },
}

impl Who {
    pub fn name(&self) -> String {
        match self {
            Who::Name(name) => name.clone(),
            Who::Person { name, id } if name.is_empty() => id.0.clone(),
            Who::Person { name, .. } => name.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub changed_by: Option<Who>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Me {
    pub id: Id,
    pub name: String,
    pub role: String,
    pub categories: Vec<String>,
    pub csrf: String,
}

impl Me {
    /// lead or admin (the server decides; this only chooses what to show).
    pub fn leads(&self) -> bool {
        matches!(self.role.as_str(), "lead" | "admin")
    }
    pub fn admin(&self) -> bool {
        self.role == "admin"
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct QueueCount {
    pub id: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Queues {
    pub queues: Vec<QueueCount>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Row {
    pub reference: String,
    pub category: String,
    #[serde(rename = "first_words")]
    pub excerpt: String,
    pub stage: String,
    /// The stage expected next and when, or `None` when nothing is due.
    pub next: Option<Next>,
    pub assignee: Option<Who>,
    pub received_at: String,
}

/// The next deadline as the server counted it (the domain's service levels, the customer's dates).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Next {
    pub step: String,
    /// A date (`YYYY-MM-DD`) or an exact time (RFC 3339) for an hour-based promise.
    pub due: Option<String>,
    /// `ahead`, `due-today` or `overdue`.
    pub timeliness: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub total: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FileRef {
    #[serde(rename = "number")]
    pub n: u32,
    pub name: String,
    /// The type sniffed from the bytes when received.
    #[serde(rename = "kind")]
    pub content_type: String,
    pub size: u64,
}

/// A dated line: a public timeline entry (done or upcoming), a customer reply, a note, an audit line.
/// Each comes with its own field names; one line reads them all.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Entry {
    /// When it happened (empty for a step still to come: see `due`).
    pub at: String,
    /// A note's author.
    pub author: Option<Who>,
    /// An audit line's actor by name at the time.
    pub actor_name: String,
    /// A reply's kind, a timeline step's stage, an audit line's action.
    #[serde(alias = "action", alias = "stage")]
    pub kind: String,
    /// A note's or reply's text, a timeline step's message or rule, an audit line's detail.
    #[serde(alias = "message", alias = "detail", alias = "rule")]
    pub text: Value,
    /// A timeline step: `done` or `upcoming`.
    pub state: String,
    /// A step still to come: its date, and `ahead`, `due-today` or `overdue`.
    pub due: Option<String>,
    pub timeliness: Option<String>,
    /// A reply's stars (a rating).
    pub stars: Option<u8>,
    /// A note's mentioned colleagues (staff ids).
    pub mentions: Vec<Id>,
}

impl Entry {
    /// Who wrote or did it, when the line says.
    pub fn by(&self) -> Option<String> {
        match (&self.author, self.actor_name.is_empty()) {
            (Some(who), _) => Some(who.name()),
            (None, false) => Some(self.actor_name.clone()),
            (None, true) => None,
        }
    }
}

/// An answer to one of the category's questions, with the question's label per language.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Answer {
    pub question: String,
    pub label: std::collections::BTreeMap<String, String>,
    pub answer: String,
}

impl Answer {
    /// The question's label in `tag`'s language, else English, else the question's id.
    pub fn label_in(&self, tag: &str) -> String {
        self.label
            .get(tag)
            .or_else(|| self.label.get("en"))
            .cloned()
            .unwrap_or_else(|| self.question.clone())
    }
}

/// The decision, once made: `upheld`, `partly_upheld` or `not_upheld`, and the summary the customer read.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Decision {
    pub decision: String,
    pub summary: Value,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Complaint {
    pub reference: String,
    /// Echoed with every action; its shape is the server's.
    pub revision: Value,
    pub category: String,
    pub stage: String,
    /// `work`, or `note`: mentioned on it and not otherwise theirs (read it, add notes).
    pub access: String,
    /// The customer's language tag: replies are written in it.
    pub locale: String,
    pub received_at: String,
    pub assignee: Option<Who>,
    pub answers: Vec<Answer>,
    pub description: String,
    /// `{name, email, phone, preferred, may_call}`.
    pub contact: Value,
    /// The privacy notice the customer was shown; none for a complaint from an older form.
    pub privacy_notice: Option<NoticeShown>,
    pub files: Vec<FileRef>,
    pub replies: Vec<Entry>,
    pub timeline: Vec<Entry>,
    pub decision: Option<Decision>,
    pub causes: Vec<String>,
    pub notes: Vec<Entry>,
    pub audit: Vec<Entry>,
    pub merged_into: Option<String>,
    pub waiting_since: Option<String>,
    pub retention: Retention,
}

/// Until when the complaint's personal data is kept, and the legal hold that stops its erasure (issue #25).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// `YYYY-MM-DD`, set when the complaint closes; none while it is open.
    pub keep_until: Option<String>,
    pub hold: Option<HoldShown>,
    pub erased_at: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct HoldShown {
    pub since: String,
    /// Who put it on, by name.
    pub by: String,
    pub reason: String,
}

/// Which privacy notice a complaint's customer was shown (`privacy.notice` in the organisation's config).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct NoticeShown {
    pub version: String,
    pub date: Option<String>,
}

impl Complaint {
    /// The next deadline: the timeline's first step still to come.
    pub fn next(&self) -> Option<Next> {
        self.timeline
            .iter()
            .find(|e| e.state == "upcoming" && e.due.is_some())
            .map(|e| Next {
                step: e.kind.clone(),
                due: e.due.clone(),
                timeliness: e.timeliness.clone(),
            })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Texts {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub en: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ko: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pl: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Template {
    pub id: Id,
    /// A category id, or `None`: every category.
    pub category: Option<String>,
    pub name: String,
    /// `reply`, `ask` or `decide`.
    pub kind: String,
    pub texts: Texts,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Templates {
    pub templates: Vec<Template>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Preview {
    pub subject: String,
    #[serde(rename = "body")]
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StaffMember {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub role: String,
    pub categories: Vec<String>,
    pub disabled: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StaffList {
    pub staff: Vec<StaffMember>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Invitation {
    pub link: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Token {
    pub id: Id,
    pub name: String,
    pub role: String,
    pub created_at: String,
    /// `None`: until revoked.
    pub expires_at: Option<String>,
    /// Only in the answer that created it.
    pub token: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Tokens {
    pub tokens: Vec<Token>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Webhook {
    pub id: Id,
    pub url: String,
    pub events: Vec<String>,
    /// Only in the answer that created it.
    pub secret: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Webhooks {
    pub webhooks: Vec<Webhook>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Delivery {
    pub at: String,
    /// The event's type (`complaint.filed`, …); `event` is its id.
    #[serde(rename = "type")]
    pub event: String,
    pub status: Value,
    pub attempt: u32,
    /// `pending`, `delivered` or `given_up`.
    pub state: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Deliveries {
    pub deliveries: Vec<Delivery>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct BulkOutcome {
    pub reference: String,
    pub ok: bool,
    pub code: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct BulkResults {
    pub results: Vec<BulkOutcome>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Enrolment {
    pub name: String,
    pub role: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Enrolled {
    pub recovery_codes: Vec<String>,
}

/// Any JSON value as one line of text: strings as they are, `{a: 1}` as "a: 1".
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "✓" } else { "✗" }.to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", value_text(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A JSON object or a list of `{label|question, value|answer}` as label/text pairs, for definition lists.
pub fn pairs(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), value_text(v)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let pick = |names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| item.get(*n))
                        .map(value_text)
                        .unwrap_or_default()
                };
                (
                    pick(&["label", "question", "name", "id"]),
                    pick(&["value", "answer", "text"]),
                )
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![(String::new(), value_text(other))],
    }
}
