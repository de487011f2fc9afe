//! The filing flow: one question a step, in a fixed order.
//!
//! The current step lives in component state so the same flow can run inside a host page as a widget
//! without touching the host's address bar; the standalone app mirrors it into its address (`?step=`).

use serde::{Deserialize, Serialize};

use crate::config::OrgConfig;
use crate::i18n::Msg;
use crate::validation::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    Category,
    CommonAnswers,
    WhatHappened,
    Outcome,
    Evidence,
    Contact,
    CheckAnswers,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Category,
        Step::CommonAnswers,
        Step::WhatHappened,
        Step::Outcome,
        Step::Evidence,
        Step::Contact,
        Step::CheckAnswers,
    ];

    /// 1-based position, for "Step 3 of 7".
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i + 1)
    }

    /// The step's stable id, as serialised (`what_happened`): safe to tell a host page, it holds no answers.
    pub fn id(self) -> &'static str {
        match self {
            Step::Category => "category",
            Step::CommonAnswers => "common_answers",
            Step::WhatHappened => "what_happened",
            Step::Outcome => "outcome",
            Step::Evidence => "evidence",
            Step::Contact => "contact",
            Step::CheckAnswers => "check_answers",
        }
    }

    /// The step an id names (`what_happened`; `what-happened` too, as an address may spell it).
    pub fn from_id(id: &str) -> Option<Step> {
        let id = id.replace('-', "_");
        Step::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The step's question, or its title where it asks none: the page's `h1` while the step is shown, and
    /// the first part of the document's title (the app's and the static shell's alike).
    pub fn title(self) -> Msg {
        match self {
            Step::Category => Msg::CategoryQuestion,
            Step::CommonAnswers => Msg::CommonAnswersTitle,
            Step::WhatHappened => Msg::WhatHappenedTitle,
            Step::Outcome => Msg::OutcomeTitle,
            Step::Evidence => Msg::EvidenceTitle,
            Step::Contact => Msg::ContactTitle,
            Step::CheckAnswers => Msg::CheckTitle,
        }
    }

    pub fn total() -> usize {
        Step::ALL.len()
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.number()).copied()
    }

    pub fn previous(self) -> Option<Step> {
        self.number()
            .checked_sub(2)
            .and_then(|i| Step::ALL.get(i))
            .copied()
    }
}

pub const CATEGORY_FIELD: &str = "category";

/// The category answer must name a category the organisation still offers (a draft may outlive a category).
pub fn check_category(choice: Option<&str>, config: &OrgConfig) -> Result<(), FieldError> {
    match choice {
        Some(id) if config.category(id).is_some() => Ok(()),
        _ => Err(FieldError::says(CATEGORY_FIELD, Msg::CategoryRequired)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_id_is_its_serialised_name() {
        for step in Step::ALL {
            let json = serde_json::to_string(&step).unwrap();
            assert_eq!(json, format!("\"{}\"", step.id()));
        }
    }

    #[test]
    fn an_id_names_its_step_and_nothing_else_does() {
        for step in Step::ALL {
            assert_eq!(Step::from_id(step.id()), Some(step));
        }
        assert_eq!(Step::from_id("what-happened"), Some(Step::WhatHappened));
        assert_eq!(Step::from_id("sent"), None);
        assert_eq!(Step::from_id(""), None);
    }

    #[test]
    fn steps_count_from_one_and_link_both_ways() {
        assert_eq!(Step::Category.number(), 1);
        assert_eq!(Step::CheckAnswers.number(), Step::total());
        assert_eq!(Step::Category.previous(), None);
        assert_eq!(Step::CheckAnswers.next(), None);
        for pair in Step::ALL.windows(2) {
            assert_eq!(pair[0].next(), Some(pair[1]));
            assert_eq!(pair[1].previous(), Some(pair[0]));
        }
    }

    #[test]
    fn a_category_must_be_one_the_organisation_offers() {
        let config =
            crate::config::OrgConfig::from_json(include_str!("../../../public/api/v1/config.json"))
                .unwrap();
        assert_eq!(check_category(Some("defective-product"), &config), Ok(()));
        let missing = Err(FieldError::says(CATEGORY_FIELD, Msg::CategoryRequired));
        assert_eq!(check_category(None, &config), missing);
        assert_eq!(check_category(Some("retired-category"), &config), missing);
    }
}
