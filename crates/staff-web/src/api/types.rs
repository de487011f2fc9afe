//! The API's answers as the desk reads them. Every field has a default, so an answer with a field more or
//! less still shows what it has; ids may be numbers or strings ([`Id`]). Shapes not fixed by
//! docs/staff-api.md are the desk's reading of it (listed in the crate's README section of the report).

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
    #[serde(alias = "first_words", alias = "summary")]
    pub excerpt: String,
    pub stage: String,
    /// Working days to the next deadline (below 0: overdue by that many days).
    #[serde(alias = "days_left")]
    pub working_days_left: Option<i64>,
    pub deadline: Option<String>,
    pub assignee: Option<Who>,
    pub filed_at: String,
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
    pub n: u32,
    pub name: String,
    #[serde(alias = "type", alias = "media_type")]
    pub content_type: String,
    pub size: u64,
}

/// A dated line: a public timeline entry, a customer reply, a note, an audit line.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Entry {
    pub at: String,
    #[serde(alias = "author", alias = "actor")]
    pub by: Option<Who>,
    #[serde(alias = "action", alias = "stage", alias = "kind")]
    pub what: String,
    #[serde(alias = "message", alias = "detail")]
    pub text: Value,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Complaint {
    pub reference: String,
    /// Echoed with every action; its shape is the server's.
    pub revision: Value,
    pub category: String,
    pub stage: String,
    pub language: String,
    pub filed_at: String,
    pub assignee: Option<Who>,
    pub working_days_left: Option<i64>,
    pub answers: Value,
    pub description: String,
    pub contact: Value,
    pub consent: Value,
    pub files: Vec<FileRef>,
    pub replies: Vec<Entry>,
    pub timeline: Vec<Entry>,
    pub notes: Vec<Entry>,
    pub audit: Vec<Entry>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Texts {
    pub en: String,
    pub ko: String,
    pub pl: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Template {
    pub id: Id,
    pub category: String,
    pub name: String,
    pub text: Texts,
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
    #[serde(alias = "body")]
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
    pub event: String,
    pub status: Value,
    pub attempts: u32,
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
