//! What the organisation writes to the customer between stages (issue #23): an answer, or a question that
//! waits for the customer's reply, each a dated entry of the status file's timeline; and the mark a
//! duplicate carries once merged into another complaint, so its customer follows the survivor instead.

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
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Reply => "reply",
            MessageKind::Ask => "ask",
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

/// A message as published, before its kind is checked.
#[derive(Deserialize)]
pub(super) struct PublishedMessage {
    kind: String,
    at: Instant,
    text: OrgText,
}

/// The published messages this build can show: a kind it does not know (a later version's) or a blank one is
/// left out rather than failing the whole file.
pub(super) fn checked(published: Vec<PublishedMessage>) -> Vec<OrgMessage> {
    published
        .into_iter()
        .filter_map(|m| {
            Some(OrgMessage {
                kind: MessageKind::parse(&m.kind)?,
                at: m.at,
                text: m.text.cleaned()?,
            })
        })
        .collect()
}

impl StatusRecord {
    /// Adds a message at `at` (never before the latest one). A question goes to a complaint still being
    /// handled only: a closed one is reopened first.
    pub(super) fn add_message(
        &mut self,
        kind: MessageKind,
        text: OrgText,
        at: Instant,
    ) -> Result<(), ChangeRefused> {
        let text = text.cleaned().ok_or(ChangeRefused::EmptyMessage)?;
        let closed = self.current().is_some_and(|e| e.stage == Stage::Closed);
        if kind == MessageKind::Ask && closed {
            return Err(ChangeRefused::Closed);
        }
        let at = self.messages.last().map_or(at, |last| at.max(last.at));
        self.updated_at = self.updated_at.max(at);
        self.messages.push(OrgMessage { kind, at, text });
        Ok(())
    }

    /// Marks this complaint as merged into `into` and closes it (with `message`) unless it is closed already.
    pub(super) fn merge_into(
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
