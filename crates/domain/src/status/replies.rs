//! The customer's own entries in a status file and the rules for making one: what they may say on their
//! complaint (information, "resolves it", "not satisfied", a rating), when, and why not (`docs/replies.md`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ChangeRefused, Stage, StatusChange, StatusProblem, StatusRecord};
use crate::instant::Instant;

/// What the customer did on their complaint, as the status file shows it ("You added information", "You
/// rated 4/5"): never their words, which stay with the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// More text or files.
    Information,
    /// "Yes, this resolves my complaint."
    Resolved,
    /// "No, I am not satisfied" (with a reason the organisation reads); the complaint is reopened.
    NotSatisfied,
    /// Stars from 1 to 5 after it closed; the latest counts.
    Rating,
}

impl ReplyKind {
    pub const ALL: [ReplyKind; 4] = [
        ReplyKind::Information,
        ReplyKind::Resolved,
        ReplyKind::NotSatisfied,
        ReplyKind::Rating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Information => "information",
            ReplyKind::Resolved => "resolved",
            ReplyKind::NotSatisfied => "not_satisfied",
            ReplyKind::Rating => "rating",
        }
    }

    pub fn parse(name: &str) -> Option<ReplyKind> {
        ReplyKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// One of the customer's own entries in the status file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyEntry {
    pub kind: ReplyKind,
    pub at: Instant,
    /// 1 to 5, for a rating only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stars: Option<u8>,
}

/// What a customer asks to do on their complaint (their words travel beside it, to the organisation only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerReply {
    Information,
    Resolved,
    NotSatisfied,
    Rating { stars: u8 },
}

/// Why a [`CustomerReply`] cannot be made now. Nothing is changed when one is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyRefused {
    /// Information goes to a complaint still being handled; a closed one is reopened first ("not satisfied").
    Closed,
    /// "Resolves it" answers a response: only while the complaint is `responded`; "not satisfied" also
    /// after it closed.
    NotResponded { stage: Stage },
    /// This response was already answered ("resolves it" twice).
    AlreadyAnswered,
    /// A rating is for a closed complaint.
    NotClosed { stage: Stage },
    /// The rating was given more than the organisation's days ago and can no longer be changed.
    RatingFinal { days: u32 },
    /// "Not satisfied" after the window the organisation gives to reopen a closed complaint.
    ReopenPassed { until: Instant },
    /// Stars outside 1 to 5.
    Stars(u8),
    /// Merged into another complaint (its reference): the customer replies there.
    Merged { into: String },
    /// The record itself breaks the rules (a damaged copy): it is not changed further.
    Broken(StatusProblem),
}

impl ReplyRefused {
    /// Stable across releases and languages (`docs/replies.md`): clients branch on this.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyRefused::Closed => "complaint_closed",
            ReplyRefused::NotResponded { .. } => "not_responded",
            ReplyRefused::AlreadyAnswered => "already_answered",
            ReplyRefused::NotClosed { .. } => "not_closed",
            ReplyRefused::RatingFinal { .. } => "rating_final",
            ReplyRefused::ReopenPassed { .. } => "reopen_passed",
            ReplyRefused::Stars(_) => "invalid",
            ReplyRefused::Merged { .. } => "merged",
            ReplyRefused::Broken(_) => "unavailable",
        }
    }
}

impl fmt::Display for ReplyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyRefused::Closed => f.write_str("This complaint is closed. If you are not satisfied, say so, and it will be reopened."),
            ReplyRefused::NotResponded { stage } => write!(
                f,
                "This can be said once the organisation has responded; the complaint is \"{}\".",
                stage.as_str()
            ),
            ReplyRefused::AlreadyAnswered => f.write_str("You have already answered this response."),
            ReplyRefused::NotClosed { stage } => write!(
                f,
                "A complaint can be rated once it is closed; this one is \"{}\".",
                stage.as_str()
            ),
            ReplyRefused::RatingFinal { days } => write!(
                f,
                "A rating can be changed within {days} days of giving it, and that time has passed."
            ),
            ReplyRefused::ReopenPassed { until } => write!(
                f,
                "This complaint could be reopened until {until}; that time has passed."
            ),
            ReplyRefused::Stars(n) => write!(f, "A rating is 1 to 5 stars, not {n}."),
            ReplyRefused::Merged { into } => write!(
                f,
                "This complaint was merged into {into}: please follow and reply to {into} instead."
            ),
            ReplyRefused::Broken(problem) => write!(f, "The complaint's status is damaged ({problem})."),
        }
    }
}

impl StatusRecord {
    /// The rating that counts (the latest), if the customer gave one.
    pub fn rating(&self) -> Option<u8> {
        self.replies
            .iter()
            .rev()
            .find(|r| r.kind == ReplyKind::Rating)
            .and_then(|r| r.stars)
    }

    /// The record after the customer's `reply`, made at `at`, or why it cannot be made now. The rules:
    /// information while the complaint is not closed; "resolves it" once per response, while `responded`;
    /// "not satisfied" on a `responded` or `closed` complaint reopens it (a new round: the decision and its
    /// date no longer apply, as when the back office reopens); a rating (1 to 5) only when `closed`, changeable
    /// within `rating_change_days` of the first one, then final.
    pub fn replied(
        &self,
        reply: CustomerReply,
        at: Instant,
        rating_change_days: u32,
    ) -> Result<StatusRecord, ReplyRefused> {
        self.check().map_err(ReplyRefused::Broken)?;
        if let Some(into) = &self.merged_into {
            return Err(ReplyRefused::Merged { into: into.clone() });
        }
        let stage = self.stage();
        // A clock set back must not date an entry before the last one.
        let latest = self
            .history
            .iter()
            .map(|e| e.at)
            .chain(self.replies.iter().map(|r| r.at))
            .max();
        let at = latest.map_or(at, |last| at.max(last));
        let mut next = match reply {
            CustomerReply::Information => {
                if stage == Stage::Closed {
                    return Err(ReplyRefused::Closed);
                }
                self.clone()
            }
            CustomerReply::Resolved => {
                if stage != Stage::Responded {
                    return Err(ReplyRefused::NotResponded { stage });
                }
                let responded_at = self.current().map(|e| e.at);
                if self
                    .replies
                    .iter()
                    .any(|r| r.kind == ReplyKind::Resolved && Some(r.at) >= responded_at)
                {
                    return Err(ReplyRefused::AlreadyAnswered);
                }
                self.clone()
            }
            CustomerReply::NotSatisfied => {
                if !matches!(stage, Stage::Responded | Stage::Closed) {
                    return Err(ReplyRefused::NotResponded { stage });
                }
                if let Some(until) = self.reopen_passed(at) {
                    return Err(ReplyRefused::ReopenPassed { until });
                }
                // The reason is the customer's: it is kept by the organisation, never published as the
                // stage's message.
                self.changed(
                    StatusChange::Stage {
                        stage: Stage::Reopened,
                        message: None,
                        next_step: None,
                        decision: None,
                    },
                    at,
                )
                .map_err(|refused| match refused {
                    ChangeRefused::Broken(problem) => ReplyRefused::Broken(problem),
                    _ => ReplyRefused::NotResponded { stage },
                })?
            }
            CustomerReply::Rating { stars } => {
                if stage != Stage::Closed {
                    return Err(ReplyRefused::NotClosed { stage });
                }
                if !(1..=5).contains(&stars) {
                    return Err(ReplyRefused::Stars(stars));
                }
                if let Some(first) = self.replies.iter().find(|r| r.kind == ReplyKind::Rating) {
                    let window = i64::from(rating_change_days) * 86_400;
                    if at.unix_seconds() - first.at.unix_seconds() > window {
                        return Err(ReplyRefused::RatingFinal {
                            days: rating_change_days,
                        });
                    }
                }
                self.clone()
            }
        };
        next.updated_at = at;
        next.replies.push(ReplyEntry {
            kind: match reply {
                CustomerReply::Information => ReplyKind::Information,
                CustomerReply::Resolved => ReplyKind::Resolved,
                CustomerReply::NotSatisfied => ReplyKind::NotSatisfied,
                CustomerReply::Rating { .. } => ReplyKind::Rating,
            },
            at,
            stars: match reply {
                CustomerReply::Rating { stars } => Some(stars),
                _ => None,
            },
        });
        Ok(next)
    }

    /// The record with [`StatusRecord::reopen_until`] set by the organisation's window: `reopen_days` after
    /// it closed, while it is closed; `None` otherwise, or when the window is for ever.
    pub fn with_reopen_window(mut self, reopen_days: Option<u32>) -> StatusRecord {
        self.reopen_until = match (self.current(), reopen_days) {
            (Some(entry), Some(days)) if entry.stage == Stage::Closed => {
                Some(entry.at.plus_seconds(i64::from(days) * 86_400))
            }
            _ => None,
        };
        self
    }

    /// When the window to reopen this closed complaint ended, if it has by `now`.
    pub fn reopen_passed(&self, now: Instant) -> Option<Instant> {
        let closed = self.current().is_some_and(|e| e.stage == Stage::Closed);
        self.reopen_until.filter(|until| closed && now > *until)
    }
}
