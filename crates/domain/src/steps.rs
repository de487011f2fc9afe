//! The filing flow: one question a step, in a fixed order. The residence question is asked only where the
//! chosen category's deadlines depend on where the consumer lives.
//!
//! The current step lives in component state so the same flow can run inside a host page as a widget
//! without touching the host's address bar; the standalone app mirrors it into its address (`?step=`).

use serde::{Deserialize, Serialize};

use crate::config::{Category, OrgConfig};
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
    Residence,
    CheckAnswers,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Category,
        Step::CommonAnswers,
        Step::WhatHappened,
        Step::Outcome,
        Step::Evidence,
        Step::Contact,
        Step::Residence,
        Step::CheckAnswers,
    ];

    /// 1-based position among every step, asked or not: for ordering ("is this step before that one").
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i + 1)
    }

    /// Whether the customer is asked this step for `category` (the chosen one, if any): the residence
    /// question only where some deadline of the category applies to consumers in some countries only.
    pub fn asked_for(self, category: Option<&Category>) -> bool {
        self != Step::Residence || !crate::residence::countries_asked(category).is_empty()
    }

    /// The steps asked for `category`, in order.
    pub fn route(category: Option<&Category>) -> impl Iterator<Item = Step> + '_ {
        Step::ALL.into_iter().filter(move |s| s.asked_for(category))
    }

    /// 1-based position among the steps asked, for "Step 3 of 7".
    pub fn number_for(self, category: Option<&Category>) -> usize {
        Step::route(category)
            .position(|s| s == self)
            .map_or(1, |i| i + 1)
    }

    /// How many steps are asked for `category`, for "Step 3 of 7".
    pub fn total_for(category: Option<&Category>) -> usize {
        Step::route(category).count()
    }

    /// The next step asked for `category`.
    pub fn next_for(self, category: Option<&Category>) -> Option<Step> {
        Step::route(category).find(|s| s.number() > self.number())
    }

    /// The step asked before this one for `category`.
    pub fn previous_for(self, category: Option<&Category>) -> Option<Step> {
        Step::route(category)
            .take_while(|s| s.number() < self.number())
            .last()
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
            Step::Residence => "residence",
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
            Step::Residence => Msg::ResidenceQuestion,
            Step::CheckAnswers => Msg::CheckTitle,
        }
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
        let config =
            crate::config::OrgConfig::from_json(include_str!("../../../public/api/v1/config.json"))
                .unwrap();
        for category in [
            None,
            config.category("defective-product"),
            config.category("gaming-account"),
        ] {
            let route: Vec<Step> = Step::route(category).collect();
            assert_eq!(Step::Category.number_for(category), 1);
            assert_eq!(
                Step::CheckAnswers.number_for(category),
                Step::total_for(category)
            );
            assert_eq!(Step::Category.previous_for(category), None);
            assert_eq!(Step::CheckAnswers.next_for(category), None);
            for pair in route.windows(2) {
                assert_eq!(pair[0].next_for(category), Some(pair[1]));
                assert_eq!(pair[1].previous_for(category), Some(pair[0]));
            }
        }
    }

    #[test]
    fn where_the_consumer_lives_is_asked_only_where_a_deadline_depends_on_it() {
        let config =
            crate::config::OrgConfig::from_json(include_str!("../../../public/api/v1/config.json"))
                .unwrap();
        let goods = config.category("defective-product");
        let gaming = config.category("gaming-account");
        assert!(Step::Residence.asked_for(goods));
        assert!(!Step::Residence.asked_for(gaming));
        assert!(!Step::Residence.asked_for(None));
        assert_eq!(Step::total_for(goods), Step::total_for(gaming) + 1);
        assert_eq!(Step::Contact.next_for(gaming), Some(Step::CheckAnswers));
        assert_eq!(Step::Contact.next_for(goods), Some(Step::Residence));
        assert_eq!(Step::CheckAnswers.previous_for(gaming), Some(Step::Contact));
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
