//! The organisation's configuration, published as static JSON (`/api/v1/config.json`).
//! The contract is documented in `docs/api.md` and `docs/schema/config.schema.json`.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::evidence::AttachmentLimits;
use crate::json::{JsonParser, SerdeJson};
use crate::localized::LocalizedText;
use crate::privacy::PrivacyConfig;
use crate::retention::Retention;
use crate::service_levels::ServiceLevels;

/// The config schema versions this build understands.
pub const SUPPORTED_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgConfig {
    pub schema_version: u32,
    pub organisation: Organisation,
    #[serde(default)]
    pub submission: SubmissionConfig,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub drafts: DraftPolicy,
    #[serde(default)]
    pub tracking: TrackingConfig,
    /// What a customer may do on a filed complaint (`docs/replies.md`).
    #[serde(default)]
    pub replies: ReplyPolicy,
    pub categories: Vec<Category>,
    /// The root causes the organisation tags complaints with when it responds (`respond --cause`), for the
    /// published insights (`docs/insights.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<Cause>,
    /// Who handles the customer's details, on what basis, and the notice shown (`crate::privacy`).
    #[serde(default)]
    pub privacy: PrivacyConfig,
    /// How long a closed complaint's personal data is kept before the intake's purge erases it
    /// (`crate::retention`, docs/retention.md); the notices are written from the same numbers. Absent:
    /// [`Retention::default`].
    #[serde(default)]
    pub retention: Retention,
}

/// A root cause a complaint can be tagged with (`courier-delay`), labelled in each language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cause {
    pub id: String,
    pub label: LocalizedText,
}

/// How long a customer may change the rating they gave a closed complaint, counted from their first rating;
/// and how long after it closed "not satisfied" reopens it (`null`: for ever), after which the tracker points
/// to where to escalate instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyPolicy {
    #[serde(default = "default_rating_change_days")]
    pub rating_change_days: u32,
    #[serde(default = "default_reopen_days")]
    pub reopen_days: Option<u32>,
}

fn default_rating_change_days() -> u32 {
    14
}

/// Six months: the time an ombudsman such as the UK's Financial Ombudsman Service allows after a final
/// response.
fn default_reopen_days() -> Option<u32> {
    Some(183)
}

impl Default for ReplyPolicy {
    fn default() -> Self {
        ReplyPolicy {
            rating_change_days: default_rating_change_days(),
            reopen_days: default_reopen_days(),
        }
    }
}

/// Where the tracker finds status files (the scheme: `docs/status.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingConfig {
    /// The folder of status files: a path on this site or a full URL (a CDN, say).
    #[serde(default = "default_status_base")]
    pub status_base: String,
}

fn default_status_base() -> String {
    "/api/v1/status/".to_owned()
}

impl Default for TrackingConfig {
    fn default() -> Self {
        TrackingConfig {
            status_base: default_status_base(),
        }
    }
}

/// How long a device keeps unsent drafts (they hold personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftPolicy {
    #[serde(default = "default_expire_days")]
    pub expire_after_days: u32,
}

fn default_expire_days() -> u32 {
    30
}

impl Default for DraftPolicy {
    fn default() -> Self {
        DraftPolicy {
            expire_after_days: default_expire_days(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionConfig {
    /// Where complaints are POSTed (the contract: `docs/submission.md`).
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    /// Where evidence files are uploaded ahead of the complaint, resumably, one by one
    /// (`docs/submission.md`, "Uploads"); without it, the files travel inside the complaint's request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads: Option<String>,
}

fn default_endpoint() -> String {
    "/api/v1/complaints".to_owned()
}

impl Default for SubmissionConfig {
    fn default() -> Self {
        SubmissionConfig {
            endpoint: default_endpoint(),
            uploads: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// The longest description, in characters.
    #[serde(default = "default_description_max")]
    pub description_max_chars: usize,
    #[serde(default)]
    pub attachments: AttachmentLimits,
}

fn default_description_max() -> usize {
    5000
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            description_max_chars: default_description_max(),
            attachments: AttachmentLimits::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub name: LocalizedText,
    #[serde(default)]
    pub contact: Contact,
    /// The organisation's own full privacy notice, linked from the contact step's short notice; without it,
    /// the notice generated from this config (`crate::privacy::notice_href`).
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// IANA zone the organisation's deadlines are counted in, e.g. `Europe/Warsaw`.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// Public holidays that do not count as business days.
    #[serde(default)]
    pub holidays: Vec<Date>,
    /// Who a customer can turn to when a promised date has passed (an ombudsman, a regulator), unless the
    /// category names its own ([`Category::escalation`]).
    #[serde(default)]
    pub escalation: Option<Escalation>,
    /// The currencies the organisation bills in, as ISO 4217 codes (`["GBP"]`), the usual one first: a money
    /// question's example is written in it, and the config's words about money may name no other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub currencies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub name: LocalizedText,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl Organisation {
    pub fn holiday_set(&self) -> BTreeSet<Date> {
        self.holidays.iter().copied().collect()
    }

    /// The currency money questions are asked in: the first listed, if any.
    pub fn main_currency(&self) -> Option<&str> {
        self.currencies.first().map(String::as_str)
    }
}

fn default_time_zone() -> String {
    "UTC".to_owned()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A phone number as a `tel:` link dials it: its digits, and a leading `+`.
pub fn dialable(phone: &str) -> String {
    phone
        .trim()
        .chars()
        .enumerate()
        .filter(|&(i, c)| c.is_ascii_digit() || (i == 0 && c == '+'))
        .map(|(_, c)| c)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Stable identifier, kept in drafts and sent with the complaint.
    pub id: String,
    pub kind: CategoryKind,
    pub label: LocalizedText,
    #[serde(default)]
    pub hint: Option<LocalizedText>,
    /// The category's own questions, asked on the "what happened" step.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// What evidence helps, shown on the evidence step.
    #[serde(default)]
    pub evidence_prompt: Option<LocalizedText>,
    #[serde(default)]
    pub service_levels: ServiceLevels,
    /// Where complaints of this category escalate, where it differs from the organisation's (gaming
    /// complaints go to the operator's approved ADR provider under UK Gambling Commission rules, not to a
    /// general consumer ombudsman). Read through [`OrgConfig::escalation_for`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
}

/// A short-answer question a category adds ("Batch or lot number").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Unique within the category; the answer is sent under this key.
    pub id: String,
    pub label: LocalizedText,
    #[serde(default)]
    pub hint: Option<LocalizedText>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub input: QuestionInput,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionInput {
    #[default]
    Text,
    Date,
    /// An amount of money, typed as the customer writes it.
    Amount,
}

/// The longest answer to a category question, in characters.
pub const QUESTION_MAX_CHARS: usize = 200;

/// What sort of complaint a category collects; it decides the category's own questions.
/// An unknown kind is refused when the config is read, so the form never shows questions it cannot handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    DefectiveProduct,
    GamingAccount,
    ServiceBilling,
    Delivery,
    Other,
}

/// Why a config could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// Not JSON, or JSON of the wrong shape; `detail` says where, for the organisation's developers.
    Malformed { detail: String },
    /// Well-formed, but breaking a rule the form depends on.
    Invalid(Vec<ConfigProblem>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    UnsupportedSchema(u32),
    NoCategories,
    DuplicateCategory(String),
    BlankCategoryId,
    CategoryWithoutLabel(String),
    OrganisationWithoutName,
    /// A category question with a blank or repeated id, or no label (category id, question id).
    BadQuestion(String, String),
    /// A link that is not `https:`, `http:`, `mailto:`, `tel:` or a path on this site (the field's name).
    UnsafeLink(&'static str),
    /// A cause with a blank or repeated id, an id that is not lower-case letters, digits and hyphens, or no label.
    BadCause(String),
    /// A deadline rule scoped to a consumer country that is not an ISO 3166-1 alpha-2 code in capitals
    /// (category id, the code).
    BadCountry(String, String),
    /// An entry of `organisation.currencies` that is not a three-capital ISO 4217 code, or is listed twice.
    BadCurrency(String),
    /// Words about money that name a currency the organisation does not list in `organisation.currencies`
    /// (where, in which language, the mark: `category "billing" question "amount" hint`, `pl`, `$`).
    ForeignCurrency {
        place: String,
        language: String,
        mark: String,
    },
    /// A `retention.categories` key that is no category's id (the default would silently apply instead).
    RetentionForUnknownCategory(String),
    /// `privacy.legal_basis.by_category` names a category the config lacks
    /// (the section, the id).
    UnknownCategory(&'static str, String),
}

impl OrgConfig {
    pub fn from_json(text: &str) -> Result<OrgConfig, ConfigError> {
        OrgConfig::from_json_with(text, &SerdeJson)
    }

    pub fn from_json_with(text: &str, json: &impl JsonParser) -> Result<OrgConfig, ConfigError> {
        let config: OrgConfig = json.parse(text).map_err(|e| ConfigError::Malformed {
            detail: e.to_string(),
        })?;
        config.validate().map_err(ConfigError::Invalid)?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        if self.schema_version != SUPPORTED_SCHEMA {
            problems.push(ConfigProblem::UnsupportedSchema(self.schema_version));
        }
        if self.organisation.name.is_blank() {
            problems.push(ConfigProblem::OrganisationWithoutName);
        }
        if self.categories.is_empty() {
            problems.push(ConfigProblem::NoCategories);
        }
        let links = [
            (
                "organisation.privacy_url",
                self.organisation.privacy_url.as_deref(),
            ),
            (
                "organisation.escalation.url",
                self.organisation
                    .escalation
                    .as_ref()
                    .and_then(|e| e.url.as_deref()),
            ),
        ];
        let category_links = self.categories.iter().map(|c| {
            (
                "categories[].escalation.url",
                c.escalation.as_ref().and_then(|e| e.url.as_deref()),
            )
        });
        for (field, url) in links.into_iter().chain(category_links) {
            if url.is_some_and(|u| !crate::links::is_safe_href(u)) {
                problems.push(ConfigProblem::UnsafeLink(field));
            }
        }
        let mut seen = BTreeSet::new();
        for category in &self.categories {
            if category.id.trim().is_empty() {
                problems.push(ConfigProblem::BlankCategoryId);
            } else if !seen.insert(category.id.as_str()) {
                problems.push(ConfigProblem::DuplicateCategory(category.id.clone()));
            }
            if category.label.is_blank() {
                problems.push(ConfigProblem::CategoryWithoutLabel(category.id.clone()));
            }
            let levels = &category.service_levels;
            let scopes = levels.acknowledge.iter().chain(levels.decide.iter());
            for code in scopes
                .filter_map(|l| l.applies_to.as_ref())
                .flat_map(|s| &s.consumer_country)
            {
                if !crate::residence::is_country_code(code) {
                    problems.push(ConfigProblem::BadCountry(category.id.clone(), code.clone()));
                }
            }
            let mut question_ids = BTreeSet::new();
            for question in &category.questions {
                let id = question.id.trim();
                if id.is_empty() || !question_ids.insert(id) || question.label.is_blank() {
                    problems.push(ConfigProblem::BadQuestion(
                        category.id.clone(),
                        question.id.clone(),
                    ));
                }
            }
        }
        problems.extend(self.currency_problems());
        let named: [(&'static str, Vec<&String>); 1] = [(
            "privacy.legal_basis.by_category",
            self.privacy.legal_basis.by_category.keys().collect(),
        )];
        // Without categories, that is the problem to report, not every rule naming one.
        for (section, ids) in named.into_iter().filter(|_| !self.categories.is_empty()) {
            for id in ids.into_iter().filter(|id| !seen.contains(id.as_str())) {
                problems.push(ConfigProblem::UnknownCategory(section, id.clone()));
            }
        }
        let mut cause_ids = BTreeSet::new();
        for cause in &self.causes {
            let id_ok = !cause.id.is_empty()
                && cause
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !id_ok || !cause_ids.insert(cause.id.as_str()) || cause.label.is_blank() {
                problems.push(ConfigProblem::BadCause(cause.id.clone()));
            }
        }
        let known: Vec<&str> = self.categories.iter().map(|c| c.id.as_str()).collect();
        problems.extend(
            self.retention
                .unknown_categories(&known)
                .into_iter()
                .map(|id| ConfigProblem::RetentionForUnknownCategory(id.to_owned())),
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Currency codes of the wrong shape or listed twice; then, when the organisation lists its currencies,
    /// each money mark in a category's or a question's words that names another.
    fn currency_problems(&self) -> Vec<ConfigProblem> {
        let billed = &self.organisation.currencies;
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for code in billed {
            if !crate::money::is_currency_code(code) || !seen.insert(code.as_str()) {
                problems.push(ConfigProblem::BadCurrency(code.clone()));
            }
        }
        if billed.is_empty() {
            return problems;
        }
        let mut check = |place: String, text: Option<&LocalizedText>| {
            for (language, words) in text.into_iter().flat_map(LocalizedText::texts) {
                for mark in crate::money::foreign_marks(words, billed) {
                    problems.push(ConfigProblem::ForeignCurrency {
                        place: place.clone(),
                        language: language.to_owned(),
                        mark,
                    });
                }
            }
        };
        for category in &self.categories {
            let id = &category.id;
            check(format!("category \"{id}\" label"), Some(&category.label));
            check(format!("category \"{id}\" hint"), category.hint.as_ref());
            for question in &category.questions {
                let place = format!("category \"{id}\" question \"{}\"", question.id);
                check(format!("{place} label"), Some(&question.label));
                check(format!("{place} hint"), question.hint.as_ref());
            }
        }
        problems
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Where a complaint of this category escalates: the category's own body, else the organisation's.
    pub fn escalation_for(&self, category_id: &str) -> Option<&Escalation> {
        self.category(category_id)
            .and_then(|c| c.escalation.as_ref())
            .or(self.organisation.escalation.as_ref())
    }

    /// The organisation as a complaint of this category meets it: with the category's escalation, if it has
    /// one. What the tracker and the mails hand to code that tells a customer where to escalate.
    pub fn organisation_for(&self, category_id: &str) -> Organisation {
        Organisation {
            escalation: self.escalation_for(category_id).cloned(),
            ..self.organisation.clone()
        }
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.causes.iter().find(|c| c.id == id)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Malformed { detail } => write!(f, "config.json is not valid: {detail}"),
            ConfigError::Invalid(problems) => {
                write!(f, "config.json breaks {} rule(s):", problems.len())?;
                for p in problems {
                    write!(f, " {p};")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::UnsupportedSchema(v) => {
                write!(
                    f,
                    "schema_version {v} is not supported (expected {SUPPORTED_SCHEMA})"
                )
            }
            ConfigProblem::NoCategories => write!(f, "no categories are listed"),
            ConfigProblem::UnsafeLink(field) => write!(
                f,
                "{field} must be an https, http, mailto or tel link, or a path on this site"
            ),
            ConfigProblem::DuplicateCategory(id) => write!(f, "category id \"{id}\" is used twice"),
            ConfigProblem::BlankCategoryId => write!(f, "a category has a blank id"),
            ConfigProblem::CategoryWithoutLabel(id) => {
                write!(f, "category \"{id}\" has no label in any language")
            }
            ConfigProblem::OrganisationWithoutName => {
                write!(f, "the organisation has no name in any language")
            }
            ConfigProblem::BadCause(id) => write!(
                f,
                "cause \"{id}\" has a blank or repeated id (lower-case letters, digits and hyphens), or no label"
            ),
            ConfigProblem::BadCountry(category, code) => write!(
                f,
                "category \"{category}\": applies_to.consumer_country \"{code}\" is not a two-letter ISO 3166-1 code in capitals"
            ),
            ConfigProblem::RetentionForUnknownCategory(id) => write!(
                f,
                "retention.categories: \"{id}\" is no category's id (its complaints would be kept by the default rule)"
            ),
            ConfigProblem::BadCurrency(code) => write!(
                f,
                "organisation.currencies: \"{code}\" is not a three-letter ISO 4217 code in capitals, or is listed twice"
            ),
            ConfigProblem::ForeignCurrency {
                place,
                language,
                mark,
            } => write!(
                f,
                "{place} ({language}) names money in \"{mark}\", a currency not in organisation.currencies"
            ),
            ConfigProblem::UnknownCategory(section, id) => {
                write!(f, "{section} names category \"{id}\", which is not listed")
            }
            ConfigProblem::BadQuestion(category, question) => write!(
                f,
                "category \"{category}\" question \"{question}\" has a blank or repeated id, or no label"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    const DEMO: &str = include_str!("../../../public/api/v1/config.json");

    #[test]
    fn the_shipped_demo_config_is_valid_and_complete_in_every_language() {
        let config = OrgConfig::from_json(DEMO).unwrap();
        assert!(config.categories.len() >= 4);
        for category in &config.categories {
            assert!(
                category.label.missing().is_empty(),
                "{} lacks a label in {:?}",
                category.id,
                category.label.missing()
            );
        }
        assert!(config.organisation.name.missing().is_empty());
        assert_eq!(
            config.category("defective-product").map(|c| c.kind),
            Some(CategoryKind::DefectiveProduct)
        );
        assert!(!config.categories[0].label.get(Locale::Pl).is_empty());
    }

    #[test]
    fn malformed_json_says_where() {
        let Err(ConfigError::Malformed { detail }) =
            OrgConfig::from_json("{\"schema_version\": 1,")
        else {
            panic!("expected a malformed error");
        };
        assert!(detail.contains("line 1"), "{detail}");
    }

    #[test]
    fn an_unknown_category_kind_is_refused_by_name() {
        let text = DEMO.replacen("\"defective_product\"", "\"time_travel\"", 1);
        let Err(ConfigError::Malformed { detail }) = OrgConfig::from_json(&text) else {
            panic!("expected a malformed error");
        };
        assert!(detail.contains("time_travel"), "{detail}");
    }

    #[test]
    fn rule_breaks_are_all_listed() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        config.schema_version = 9;
        config.categories[1].id = config.categories[0].id.clone();
        config.categories[2].label = LocalizedText::default();
        let problems = config.validate().unwrap_err();
        assert!(problems.contains(&ConfigProblem::UnsupportedSchema(9)));
        assert!(problems.contains(&ConfigProblem::DuplicateCategory(
            config.categories[0].id.clone()
        )));
        assert!(problems.contains(&ConfigProblem::CategoryWithoutLabel(
            config.categories[2].id.clone()
        )));
    }

    #[test]
    fn links_a_customer_may_follow_are_checked() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        assert!(config.validate().is_ok());
        config.organisation.privacy_url = Some("javascript:alert(document.cookie)".into());
        if let Some(escalation) = config.organisation.escalation.as_mut() {
            escalation.url = Some("//evil.example".into());
        }
        let problems = config.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![
                ConfigProblem::UnsafeLink("organisation.privacy_url"),
                ConfigProblem::UnsafeLink("organisation.escalation.url")
            ]
        );
    }

    #[test]
    fn category_questions_need_unique_ids_and_labels() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        let category = &mut config.categories[0];
        let first = category.questions[0].clone();
        category.questions.push(first.clone());
        let problems = config.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![ConfigProblem::BadQuestion(
                config.categories[0].id.clone(),
                first.id
            )]
        );
    }

    #[test]
    fn the_demo_covers_the_required_kinds_and_promises() {
        let config = OrgConfig::from_json(DEMO).unwrap();
        let product = config.category("defective-product").unwrap();
        let ids: Vec<&str> = product.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["product", "batch", "purchased_on"]);
        assert!(!product.service_levels.decide.is_empty());
        let gaming = config.category("gaming-account").unwrap();
        assert!(!gaming.service_levels.acknowledge.is_empty());
        assert_eq!(config.limits.attachments.max_count, 5);
        assert!(config.organisation.holidays.len() >= 2);
    }

    #[test]
    fn causes_need_unique_plain_ids_and_labels() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        assert!(config.causes.len() >= 4);
        assert!(config.causes.iter().all(|c| c.label.missing().is_empty()));
        let first = config.causes[0].clone();
        config.causes.push(first.clone());
        config.causes.push(Cause {
            id: "Courier Delay".into(),
            label: first.label.clone(),
        });
        assert_eq!(
            config.validate(),
            Err(vec![
                ConfigProblem::BadCause(first.id),
                ConfigProblem::BadCause("Courier Delay".into())
            ])
        );
    }

    #[test]
    fn money_words_may_name_only_the_currencies_the_organisation_bills_in() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        assert_eq!(config.organisation.main_currency(), Some("GBP"));
        let billing = config
            .categories
            .iter()
            .position(|c| c.id == "service-billing")
            .unwrap();
        let amount = config.categories[billing]
            .questions
            .iter()
            .position(|q| q.input == QuestionInput::Amount)
            .unwrap();
        config.categories[billing].questions[amount].hint = Some(LocalizedText::from([
            ("en", "For example, £24.99"),
            ("pl", "Na przykład 24,99 zł"),
        ]));
        config.organisation.currencies.push("gbp".into());
        let problems = config.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![
                ConfigProblem::BadCurrency("gbp".into()),
                ConfigProblem::ForeignCurrency {
                    place: "category \"service-billing\" question \"amount\" hint".into(),
                    language: "pl".into(),
                    mark: "zł".into(),
                }
            ]
        );
        assert!(problems[1]
            .to_string()
            .contains("\"zł\", a currency not in organisation.currencies"));
        // Billing in złoty too, the hint is right and only the badly written code is left.
        config.organisation.currencies.push("PLN".into());
        assert_eq!(
            config.validate(),
            Err(vec![ConfigProblem::BadCurrency("gbp".into())])
        );
        // A config that lists no currencies (every config before the field) is not checked.
        config.organisation.currencies.clear();
        assert!(config.validate().is_ok());
    }

    #[test]
    fn no_categories_is_invalid() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        config.categories.clear();
        config.retention.categories.clear();
        assert_eq!(config.validate(), Err(vec![ConfigProblem::NoCategories]));
    }

    #[test]
    fn a_retention_rule_for_an_unknown_category_is_invalid() {
        let mut config = OrgConfig::from_json(DEMO).unwrap();
        let retention = &mut config.retention;
        assert_eq!(retention.rule_for("service-billing").years_after_closure, 6);
        assert_eq!(retention.rule_for("delivery").years_after_closure, 1);
        let billing = retention.categories.remove("service-billing").unwrap();
        retention
            .categories
            .insert("service-biling".into(), billing);
        assert_eq!(
            config.validate(),
            Err(vec![ConfigProblem::RetentionForUnknownCategory(
                "service-biling".into()
            )])
        );
    }
}
