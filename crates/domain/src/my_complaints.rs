//! Complaints sent from this device, remembered so the customer can track them in one tap, with no
//! reference or verifier to retype.

use serde::{Deserialize, Serialize};

use crate::submission::{Accepted, Submission};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentComplaint {
    pub reference: String,
    pub category: String,
    pub sent_at_ms: u64,
    /// What the tracker asks for besides the reference: the PIN if one was given, else the email address.
    pub verifier: Option<String>,
    /// The proof the server gave for replies (`Accepted::reply_proof`); none from a server that gives none,
    /// or kept by an older version of the app: the older proof is made from the reference and verifier then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_proof: Option<String>,
}

impl SentComplaint {
    pub fn new(submission: &Submission, accepted: &Accepted, now_ms: f64) -> SentComplaint {
        SentComplaint {
            reference: accepted.reference.clone(),
            category: submission.category.clone(),
            sent_at_ms: now_ms.max(0.0) as u64,
            verifier: accepted
                .pin
                .clone()
                .or_else(|| submission.contact.email.clone()),
            reply_proof: accepted.reply_proof.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(email: Option<&str>) -> Submission {
        let mut value = serde_json::json!({
            "schema_version": 1, "draft_id": "k", "locale": "en", "category": "delivery", "description": "d",
            "happened_on": "2026-11-20", "details": {}, "outcome": "refund",
            "contact": {"name": "n", "phone": "+48 600 123 456", "preferred": "phone", "consent": true},
            "attachments": [], "spam_signals": {"honeypot_filled": false, "fill_seconds": 9}
        });
        if let Some(email) = email {
            value["contact"]["email"] = email.into();
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_pin_is_the_verifier_when_given_else_the_email() {
        let accepted = |pin: Option<&str>| Accepted {
            reference: "CMP-1".into(),
            received_at: None,
            pin: pin.map(Into::into),
            reply_proof: Some("9f2c".into()),
        };
        let with_pin = SentComplaint::new(&body(Some("a@b.co")), &accepted(Some("4821")), 5.0);
        assert_eq!(with_pin.verifier.as_deref(), Some("4821"));
        assert_eq!(with_pin.reply_proof.as_deref(), Some("9f2c"));
        let with_email = SentComplaint::new(&body(Some("a@b.co")), &accepted(None), 5.0);
        assert_eq!(
            (with_email.verifier.as_deref(), with_email.category.as_str()),
            (Some("a@b.co"), "delivery")
        );
        assert_eq!(
            SentComplaint::new(&body(None), &accepted(None), 5.0).verifier,
            None
        );
    }
}
