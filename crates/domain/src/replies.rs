//! The customer's replies on a filed complaint as the app keeps and sends them (`docs/replies.md`): a draft
//! kept on the device as it is typed, the body the contract asks for, the checks made before it goes, which
//! replies the complaint allows now, and what a refusal's code means for the customer.

use serde::{Deserialize, Serialize};

use crate::config::OrgConfig;
use crate::evidence::{AttachmentMeta, FileKind};
use crate::instant::Instant;
use crate::outbox::ReplyOutbox;
use crate::status::{CustomerReply, ReplyKind, ReplyRefused, Stage, StatusRecord};
use crate::validation::char_count;

/// What the customer is doing, as the tracker offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyAction {
    /// "Add information": text and/or files.
    Information,
    /// "Yes, this resolves my complaint."
    Resolved,
    /// "No, I am not satisfied", with a reason.
    NotSatisfied,
    /// Stars 1 to 5 after it closed, with an optional comment.
    Rating,
    /// "Ask us to erase it" (issue #25, `docs/api.md` "Your data"): no words, any stage; sent through the
    /// same outbox as a reply, so it waits offline and reaches the organisation exactly once.
    Erasure,
}

impl ReplyAction {
    /// What the reply panel offers (erasure is asked under "Your data").
    pub const ALL: [ReplyAction; 4] = [
        ReplyAction::Information,
        ReplyAction::Resolved,
        ReplyAction::NotSatisfied,
        ReplyAction::Rating,
    ];

    /// The last segment of the reply's route: `{endpoint}/{reference}/{segment}`.
    pub fn segment(self) -> &'static str {
        match self {
            ReplyAction::Information => "information",
            ReplyAction::Resolved | ReplyAction::NotSatisfied => "resolution",
            ReplyAction::Rating => "rating",
            ReplyAction::Erasure => "erasure",
        }
    }

    /// The entry it leaves in the status file's `replies`; an erasure request leaves one in
    /// `data_requests` instead.
    pub fn kind(self) -> Option<ReplyKind> {
        match self {
            ReplyAction::Information => Some(ReplyKind::Information),
            ReplyAction::Resolved => Some(ReplyKind::Resolved),
            ReplyAction::NotSatisfied => Some(ReplyKind::NotSatisfied),
            ReplyAction::Rating => Some(ReplyKind::Rating),
            ReplyAction::Erasure => None,
        }
    }

    fn as_customer_reply(self, stars: u8) -> Option<CustomerReply> {
        match self {
            ReplyAction::Information => Some(CustomerReply::Information),
            ReplyAction::Resolved => Some(CustomerReply::Resolved),
            ReplyAction::NotSatisfied => Some(CustomerReply::NotSatisfied),
            ReplyAction::Rating => Some(CustomerReply::Rating { stars }),
            ReplyAction::Erasure => None,
        }
    }
}

/// `{endpoint}/{reference}/{segment}`, the reference as the customer was given it (the server reads it
/// loosely, as the status file's name does).
pub fn reply_url(endpoint: &str, reference: &str, action: ReplyAction) -> String {
    let reference: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        "{}/{reference}/{}",
        endpoint.trim_end_matches('/'),
        action.segment()
    )
}

/// A reply being written, and once sent, waiting in the outbox. Its id is the Idempotency-Key, made when the
/// customer starts writing it, so every attempt is the same reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyDraft {
    pub id: String,
    /// The complaint's reference and verifier (email or PIN), as the customer looked it up: the proof is made
    /// from them when it is sent.
    pub reference: String,
    pub verifier: String,
    pub action: ReplyAction,
    /// The information, the reason for "not satisfied", or the rating's comment, exactly as typed.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub stars: Option<u8>,
    /// Files added to information; their bytes are kept beside it on the device.
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
    pub updated_at_ms: f64,
    /// Set once the customer has sent it: it waits here until the organisation has it.
    #[serde(default)]
    pub outbox: Option<ReplyOutbox>,
    /// The Reply-Proof the organisation's mail link carried, when the complaint was looked up from that link
    /// (`docs/replies.md`): a device the complaint was not filed on has no other.
    #[serde(default)]
    pub proof: Option<String>,
}

/// What a reply needs before it may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyProblem {
    /// Information with no text and no file.
    Empty,
    /// "Not satisfied" without a reason.
    NoReason,
    /// A rating without stars.
    NoStars,
    /// The text is longer than the organisation takes.
    TooLong { max: usize },
}

/// A file named in an information reply: uploaded ahead and named by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: u64,
    pub sha256: String,
}

/// The body of the reply's request, in the shape its route takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ReplyBody {
    Information {
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        attachments: Vec<ReplyFile>,
    },
    Resolution {
        resolved: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Rating {
        stars: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// An erasure request says nothing more than its route: `{}`.
    Erasure {},
}

impl ReplyDraft {
    pub fn new(
        id: String,
        reference: String,
        verifier: String,
        action: ReplyAction,
        now_ms: f64,
    ) -> ReplyDraft {
        ReplyDraft {
            id,
            reference,
            verifier,
            action,
            text: String::new(),
            stars: None,
            attachments: Vec::new(),
            updated_at_ms: now_ms,
            outbox: None,
            proof: None,
        }
    }

    fn text(&self) -> Option<String> {
        Some(self.text.trim().to_owned()).filter(|t| !t.is_empty())
    }

    /// Whether it can be sent as it stands (the organisation checks again).
    pub fn check(&self, max_chars: usize) -> Result<(), ReplyProblem> {
        let text = self.text();
        if text.as_deref().map_or(0, char_count) > max_chars {
            return Err(ReplyProblem::TooLong { max: max_chars });
        }
        match self.action {
            ReplyAction::Information if text.is_none() && self.attachments.is_empty() => {
                Err(ReplyProblem::Empty)
            }
            ReplyAction::NotSatisfied if text.is_none() => Err(ReplyProblem::NoReason),
            ReplyAction::Rating if !matches!(self.stars, Some(1..=5)) => Err(ReplyProblem::NoStars),
            _ => Ok(()),
        }
    }

    /// The request's body. Files are named by the SHA-256 they were uploaded under (`hashes`, in the order
    /// of `attachments`).
    pub fn body(&self, hashes: &[String]) -> ReplyBody {
        match self.action {
            ReplyAction::Information => ReplyBody::Information {
                text: self.text(),
                attachments: self
                    .attachments
                    .iter()
                    .zip(hashes)
                    .map(|(meta, sha256)| ReplyFile {
                        name: meta.name.clone(),
                        kind: meta.kind,
                        bytes: meta.bytes,
                        sha256: sha256.clone(),
                    })
                    .collect(),
            },
            ReplyAction::Resolved => ReplyBody::Resolution {
                resolved: true,
                reason: None,
            },
            ReplyAction::NotSatisfied => ReplyBody::Resolution {
                resolved: false,
                reason: self.text(),
            },
            ReplyAction::Rating => ReplyBody::Rating {
                stars: self.stars.unwrap_or_default(),
                comment: self.text(),
            },
            ReplyAction::Erasure => ReplyBody::Erasure {},
        }
    }
}

/// Whether the complaint, as last seen, takes this reply now: the same rules the organisation applies
/// (`StatusRecord::replied`), so the tracker offers only what would be accepted.
pub fn allows(
    record: &StatusRecord,
    action: ReplyAction,
    now: Instant,
    config: &OrgConfig,
) -> Result<(), ReplyRefused> {
    // Erasure may be asked at any stage: the organisation answers it by the law's rules, not the complaint's.
    let Some(reply) = action.as_customer_reply(5) else {
        return Ok(());
    };
    record
        .replied(reply, now, config.replies.rating_change_days)
        .map(|_| ())
}

/// The rating that counts (the latest), if the customer gave one.
pub fn rating_given(record: &StatusRecord) -> Option<u8> {
    record
        .replies
        .iter()
        .rev()
        .find(|r| r.kind == ReplyKind::Rating)
        .and_then(|r| r.stars)
}

/// The organisation's answer to an accepted reply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReplyAccepted {
    pub reference: String,
    pub reply: String,
    pub at: Instant,
    pub stage: Stage,
}

/// What a refusal means for the customer, from the intake's stable `code` (`docs/replies.md`); the
/// server's own words are never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRefusal {
    /// `not_found`: no complaint with those details (the proof is wrong, or the complaint is not there).
    NotFound,
    /// `complaint_closed`: information on a closed complaint.
    Closed,
    /// `not_responded`, `already_answered`, `not_closed`: the complaint has moved on since it was shown.
    MovedOn,
    /// `rating_final`: the rating can no longer be changed.
    RatingFinal,
    /// Anything else that refuses the reply as it stands (`invalid`, `key_reused`, a client fault).
    NotAccepted,
}

impl ReplyRefusal {
    pub fn from_code(code: Option<&str>, status: u16) -> ReplyRefusal {
        match code {
            Some("not_found") => ReplyRefusal::NotFound,
            Some("complaint_closed") => ReplyRefusal::Closed,
            Some("not_responded" | "already_answered" | "not_closed" | "reopen_passed") => {
                ReplyRefusal::MovedOn
            }
            Some("rating_final") => ReplyRefusal::RatingFinal,
            None if status == 404 => ReplyRefusal::NotFound,
            _ => ReplyRefusal::NotAccepted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ReplyEntry;

    fn draft(action: ReplyAction) -> ReplyDraft {
        ReplyDraft::new(
            "k".into(),
            "CMP-7K4Q-2M9X".into(),
            "a@b.c".into(),
            action,
            1.0,
        )
    }

    #[test]
    fn each_action_goes_to_its_route_with_its_body() {
        assert_eq!(
            reply_url(
                "/api/v1/complaints/",
                "CMP-7K4Q-2M9X",
                ReplyAction::NotSatisfied
            ),
            "/api/v1/complaints/CMP-7K4Q-2M9X/resolution"
        );
        // Nothing in a reference can reach another path.
        assert_eq!(
            reply_url("/c", "../x?y", ReplyAction::Rating),
            "/c/xy/rating"
        );
        let mut info = draft(ReplyAction::Information);
        info.text = "  depot 7 ".into();
        info.attachments.push(AttachmentMeta {
            id: "f".into(),
            name: "card.jpg".into(),
            kind: FileKind::Jpeg,
            bytes: 12,
            sha256: None,
        });
        assert_eq!(
            serde_json::to_value(info.body(&["ab".into()])).unwrap(),
            serde_json::json!({"text": "depot 7", "attachments": [
                {"name": "card.jpg", "kind": "image/jpeg", "bytes": 12, "sha256": "ab"}]})
        );
        let mut reason = draft(ReplyAction::NotSatisfied);
        reason.text = "Wrong door.".into();
        assert_eq!(
            serde_json::to_value(reason.body(&[])).unwrap(),
            serde_json::json!({"resolved": false, "reason": "Wrong door."})
        );
        assert_eq!(
            serde_json::to_value(draft(ReplyAction::Resolved).body(&[])).unwrap(),
            serde_json::json!({"resolved": true})
        );
        let mut rating = draft(ReplyAction::Rating);
        rating.stars = Some(4);
        assert_eq!(
            serde_json::to_value(rating.body(&[])).unwrap(),
            serde_json::json!({"stars": 4})
        );
        assert_eq!(
            reply_url("/api/v1/complaints", "CMP-7K4Q-2M9X", ReplyAction::Erasure),
            "/api/v1/complaints/CMP-7K4Q-2M9X/erasure"
        );
        assert_eq!(
            serde_json::to_value(draft(ReplyAction::Erasure).body(&[])).unwrap(),
            serde_json::json!({})
        );
        assert_eq!(draft(ReplyAction::Erasure).check(10), Ok(()));
    }

    #[test]
    fn a_reply_is_checked_before_it_goes() {
        assert_eq!(
            draft(ReplyAction::Information).check(10),
            Err(ReplyProblem::Empty)
        );
        assert_eq!(
            draft(ReplyAction::NotSatisfied).check(10),
            Err(ReplyProblem::NoReason)
        );
        assert_eq!(
            draft(ReplyAction::Rating).check(10),
            Err(ReplyProblem::NoStars)
        );
        assert_eq!(draft(ReplyAction::Resolved).check(10), Ok(()));
        let mut long = draft(ReplyAction::Information);
        long.text = "żółć".repeat(3);
        assert_eq!(long.check(11), Err(ReplyProblem::TooLong { max: 11 }));
        assert_eq!(long.check(12), Ok(()));
    }

    #[test]
    fn the_tracker_offers_what_the_stage_allows() {
        let config: OrgConfig =
            serde_json::from_str(include_str!("../../../public/api/v1/config.json")).unwrap();
        let record = |stages: &[&str]| -> StatusRecord {
            let history: Vec<_> = stages
                .iter()
                .enumerate()
                .map(|(i, s)| serde_json::json!({"stage": s, "at": format!("2026-11-2{i}T10:00:00Z")}))
                .collect();
            serde_json::from_value(serde_json::json!({
                "schema_version": 1, "reference": "CMP-1", "category": "delivery",
                "updated_at": "2026-11-29T10:00:00Z", "history": history,
                "outcome": {"decision": "upheld"}
            }))
            .unwrap()
        };
        let now = Instant::parse_rfc3339("2026-11-30T10:00:00Z").unwrap();
        let offered = |r: &StatusRecord| -> Vec<ReplyAction> {
            ReplyAction::ALL
                .into_iter()
                .filter(|a| allows(r, *a, now, &config).is_ok())
                .collect()
        };
        use ReplyAction::*;
        assert_eq!(
            offered(&record(&["received", "acknowledged"])),
            [Information]
        );
        assert_eq!(
            offered(&record(&["received", "responded"])),
            [Information, Resolved, NotSatisfied]
        );
        let mut closed = record(&["received", "responded", "closed"]);
        assert_eq!(offered(&closed), [NotSatisfied, Rating]);
        closed.replies.push(ReplyEntry {
            kind: ReplyKind::Rating,
            at: Instant::parse_rfc3339("2026-11-01T10:00:00Z").unwrap(),
            stars: Some(4),
        });
        assert_eq!(rating_given(&closed), Some(4));
        assert_eq!(
            allows(&closed, Rating, now, &config),
            Err(ReplyRefused::RatingFinal { days: 14 })
        );
        for stages in [&["received"][..], &["received", "responded", "closed"]] {
            assert_eq!(allows(&record(stages), Erasure, now, &config), Ok(()));
        }
    }

    #[test]
    fn a_refusal_is_read_by_its_code_never_its_words() {
        use ReplyRefusal::*;
        assert_eq!(ReplyRefusal::from_code(Some("not_found"), 404), NotFound);
        assert_eq!(ReplyRefusal::from_code(None, 404), NotFound);
        assert_eq!(
            ReplyRefusal::from_code(Some("complaint_closed"), 422),
            Closed
        );
        for code in ["not_responded", "already_answered", "not_closed"] {
            assert_eq!(ReplyRefusal::from_code(Some(code), 422), MovedOn);
        }
        assert_eq!(
            ReplyRefusal::from_code(Some("rating_final"), 422),
            RatingFinal
        );
        assert_eq!(ReplyRefusal::from_code(Some("invalid"), 422), NotAccepted);
        assert_eq!(ReplyRefusal::from_code(None, 400), NotAccepted);
    }
}
