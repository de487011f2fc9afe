//! Who handles the personal details in a complaint, on what legal basis, and what the customer is told
//! about it: the config's `privacy` section (`docs/api.md`, `docs/privacy.md`) and the short notice the
//! contact step shows (and the widget, which is our form on another's page).
//!
//! Handling a complaint rests on the contract or on a legal obligation, not on consent (GDPR art. 6(1)(b)
//! and (c); a compulsory consent box conflicts with art. 7(4)); Korea's PIPA allows the same without consent
//! (art. 15(1), as amended in 2023), provided the person is told what is collected, why, for how long, and
//! what happens if they refuse. So the form shows a notice and asks for consent only for what truly needs
//! it (an organisation may ask "you may also call me", off unless its config asks).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::config::OrgConfig;
use crate::i18n::{self, Counted, Locale, Msg};
use crate::localized::LocalizedText;

pub mod page;

/// The config's `privacy` section. Every part has a default, so a config without it still gets a truthful
/// notice: the organisation as controller, the contract as the basis, nobody else named.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrivacyConfig {
    /// Who decides what happens to the details; the organisation (`organisation.name`) unless named.
    #[serde(default)]
    pub controller: ContactPoint,
    /// The data-protection officer, where the organisation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo: Option<ContactPoint>,
    #[serde(default)]
    pub legal_basis: LegalBases,
    /// Who else receives the details (a courier, the hosting company), in the customer's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<LocalizedText>,
    /// Where outside the organisation's country the details go, and on what safeguard; none: nowhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<LocalizedText>,
    #[serde(default)]
    pub notice: NoticeVersion,
    /// The optional questions that truly need consent; none is asked unless the organisation turns it on.
    #[serde(default)]
    pub consent_questions: ConsentQuestions,
    /// Calendar days to answer a request for a copy of a person's data or its erasure (Korea's PIPA: 10);
    /// absent, the GDPR's one month (art. 12(3); the demo's, a UK organisation). `crate::data_requests`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_deadline_days: Option<u32>,
}

impl PrivacyConfig {
    /// The organisation's rule for answering a customer's request about their data.
    pub fn answer_rule(&self) -> crate::data_requests::AnswerRule {
        crate::data_requests::AnswerRule::from_config(self.request_deadline_days)
    }
}

/// A name and the ways to reach it; blanks fall back to the organisation's own (`organisation.contact`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactPoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LocalizedText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<LocalizedText>,
}

/// The legal basis for handling a complaint, per category, and for the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBases {
    #[serde(default)]
    pub default: LegalBasis,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_category: BTreeMap<String, LegalBasis>,
}

impl LegalBases {
    pub fn for_category(&self, category: Option<&str>) -> LegalBasis {
        category
            .and_then(|c| self.by_category.get(c))
            .copied()
            .unwrap_or(self.default)
    }
}

/// Why the organisation may handle the details without asking for consent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// Needed to carry out the contract with the customer (GDPR art. 6(1)(b); PIPA art. 15(1)(4)).
    #[default]
    Contract,
    /// A law makes the organisation handle complaints (GDPR art. 6(1)(c); PIPA art. 15(1)(2)).
    LegalObligation,
    /// The organisation's legitimate interest, weighed against the customer's (GDPR art. 6(1)(f);
    /// PIPA art. 15(1)(6)).
    LegitimateInterest,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 3] = [
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::LegitimateInterest,
    ];

    /// The config's word for it.
    pub fn id(self) -> &'static str {
        match self {
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::LegitimateInterest => "legitimate_interest",
        }
    }

    /// The provisions, as a DPO would cite them.
    pub fn articles(self) -> &'static str {
        match self {
            LegalBasis::Contract => "GDPR art. 6(1)(b); PIPA art. 15(1)(4)",
            LegalBasis::LegalObligation => "GDPR art. 6(1)(c); PIPA art. 15(1)(2)",
            LegalBasis::LegitimateInterest => "GDPR art. 6(1)(f); PIPA art. 15(1)(6)",
        }
    }

    /// What the short notice says about it.
    pub fn said(self) -> Msg {
        match self {
            LegalBasis::Contract => Msg::NoticeBasisContract,
            LegalBasis::LegalObligation => Msg::NoticeBasisLegalObligation,
            LegalBasis::LegitimateInterest => Msg::NoticeBasisLegitimateInterest,
        }
    }
}

/// Which notice a customer was shown: sent with the complaint, shown to staff in its place of a consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeVersion {
    #[serde(default = "first_version")]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

fn first_version() -> String {
    "1".to_owned()
}

impl Default for NoticeVersion {
    fn default() -> Self {
        NoticeVersion {
            version: first_version(),
            date: None,
        }
    }
}

/// The optional consents the contact step may ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentQuestions {
    /// "You may also call me": a call on the number given even when the customer prefers email.
    #[serde(default)]
    pub phone_calls: bool,
}

/// The short notice on the contact step, as paragraphs in `locale`: what, why and on what basis, for how
/// long (from `retention`, for the chosen category), who sees it, the customer's rights, and what refusing
/// means. Generated from the config, so its numbers are the ones the purge uses.
pub fn short_notice(config: &OrgConfig, category: Option<&str>, locale: Locale) -> Vec<String> {
    let organisation = config.organisation.name.get(locale);
    let privacy = &config.privacy;
    let basis = privacy.legal_basis.for_category(category);
    let mut paragraphs = vec![
        i18n::format(locale, Msg::NoticeWhat, &[("organisation", organisation)]),
        i18n::format(locale, basis.said(), &[]),
        keep_for(config, category, locale),
        i18n::format(locale, Msg::NoticeWho, &[("organisation", organisation)]),
    ];
    if !privacy.recipients.is_empty() {
        let names = listed(&privacy.recipients, locale);
        paragraphs.push(i18n::format(
            locale,
            Msg::NoticeAlsoShared,
            &[("recipients", &names)],
        ));
    }
    paragraphs.push(i18n::format(locale, Msg::NoticeRights, &[]));
    paragraphs.push(i18n::format(locale, Msg::NoticeRefuse, &[]));
    paragraphs
}

/// "We keep them for 3 years after your complaint is closed …", from the retention rule for `category`.
pub fn keep_for(config: &OrgConfig, category: Option<&str>, locale: Locale) -> String {
    let retention = &config.retention;
    let years = retention.years_for(category);
    let msg = if retention.rounds_for(category) {
        Counted::NoticeKeepToYearEnd
    } else {
        Counted::NoticeKeep
    };
    i18n::count(locale, msg, u64::from(years))
}

/// Organisation texts as one list in `locale`: "A, B, C".
pub fn listed(texts: &[LocalizedText], locale: Locale) -> String {
    texts
        .iter()
        .map(|t| t.get(locale))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the full notice is: the organisation's own page (`organisation.privacy_url`), else the one
/// generated from this config at build time (`/privacy.html`, `/privacy.ko.html`, …; crates/shell).
pub fn notice_href(config: &OrgConfig, locale: Locale) -> String {
    match &config.organisation.privacy_url {
        Some(url) => url.clone(),
        None => format!("/{}", notice_file_name(locale)),
    }
}

/// The generated notice's file in the build: English under the plain name, the others beside it.
pub fn notice_file_name(locale: Locale) -> String {
    match locale {
        Locale::En => "privacy.html".to_owned(),
        other => format!("privacy.{}.html", other.tag()),
    }
}

#[cfg(test)]
mod tests;
