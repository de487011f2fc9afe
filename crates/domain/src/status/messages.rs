//! What the organisation writes to the customer between stages (issue #23): an answer, or a question that
//! waits for the customer's reply, each a dated entry of the status file's timeline; and the mark a
//! duplicate carries once merged into another complaint, so its customer follows the survivor instead.
//!
//! Only the intake makes these changes, so they are methods of their own rather than [`super::StatusChange`]s:
//! the tracker's Wasm, which reaches `changed` through the customer's replies, carries none of their code.

use serde::{Deserialize, Serialize};

use super::{ChangeRefused, Stage, StageEntry, StatusRecord};
use crate::instant::Instant;
use crate::localized::OrgText;

/// Which kind of message: the customer is told something, or asked for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Reply,
    Ask,
    /// A later version's kind, read from a file and left out of the record ([`checked`]); never written.
    #[serde(other)]
    Unknown,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::Ask => "ask",
            MessageKind::Unknown => "unknown",
        }
    }

    pub fn parse(name: &str) -> Option<MessageKind> {
        [MessageKind::Reply, MessageKind::Ask]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// One message from the organisation, in the customer's language first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMessage {
    pub kind: MessageKind,
    pub at: Instant,
    pub text: OrgText,
}

/// The published messages this build can show: a kind it does not know (a later version's) or a blank one is
/// left out rather than failing the whole file.
pub(super) fn checked(published: Vec<OrgMessage>) -> Vec<OrgMessage> {
    published
        .into_iter()
        .filter(|m| m.kind != MessageKind::Unknown)
        .filter_map(|m| {
            Some(OrgMessage {
                text: m.text.cleaned()?,
                ..m
            })
        })
        .collect()
}

impl StatusRecord {
    /// The record with a message added at `at` (never before the latest entry). A question goes to a
    /// complaint still being handled only: a closed one is reopened first.
    pub fn messaged(
        &self,
        kind: MessageKind,
        text: OrgText,
        at: Instant,
    ) -> Result<StatusRecord, ChangeRefused> {
        self.check().map_err(ChangeRefused::Broken)?;
        let mut next = self.clone();
        next.add_message(kind, text, at)?;
        Ok(next)
    }

    /// The record closed (with `message`, unless closed already) and marked as merged into `into`.
    pub fn merged(
        &self,
        into: String,
        message: Option<OrgText>,
        at: Instant,
    ) -> Result<StatusRecord, ChangeRefused> {
        self.check().map_err(ChangeRefused::Broken)?;
        let mut next = self.clone();
        let at = self.history.last().map_or(at, |last| at.max(last.at));
        next.merge_into(into, message, at)?;
        next.updated_at = at;
        next.check().map_err(ChangeRefused::Broken)?;
        Ok(next)
    }

    fn add_message(
        &mut self,
        kind: MessageKind,
        text: OrgText,
        at: Instant,
    ) -> Result<(), ChangeRefused> {
        if kind == MessageKind::Unknown {
            return Err(ChangeRefused::EmptyMessage);
        }
        let text = text.cleaned().ok_or(ChangeRefused::EmptyMessage)?;
        let closed = self.current().is_some_and(|e| e.stage == Stage::Closed);
        if kind == MessageKind::Ask && closed {
            return Err(ChangeRefused::Closed);
        }
        let latest = self
            .history
            .last()
            .map(|e| e.at)
            .into_iter()
            .chain(self.messages.last().map(|m| m.at))
            .max();
        let at = latest.map_or(at, |last| at.max(last));
        self.updated_at = self.updated_at.max(at);
        self.messages.push(OrgMessage { kind, at, text });
        Ok(())
    }

    fn merge_into(
        &mut self,
        into: String,
        message: Option<OrgText>,
        at: Instant,
    ) -> Result<(), ChangeRefused> {
        let into = into.trim().to_owned();
        if into.is_empty() || self.merged_into.is_some() || into == self.reference {
            return Err(ChangeRefused::Merged { into });
        }
        if self.current().map(|e| e.stage) != Some(Stage::Closed) {
            self.history.push(StageEntry {
                stage: Stage::Closed,
                at,
                message: message.and_then(OrgText::cleaned),
            });
            self.next_step = None;
        }
        self.merged_into = Some(into);
        Ok(())
    }
}
