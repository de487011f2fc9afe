//! What each step of the filing flow requires before the customer may continue, and before sending.
//! The intake service runs the same checks on what it receives.

use crate::calendar::Date;
use crate::config::{Category, OrgConfig, QuestionInput, QUESTION_MAX_CHARS};
use crate::draft::{Channel, Draft, Outcome};
use crate::i18n::{Counted, Msg};
use crate::residence::Residence;
use crate::steps::{check_category, Step};
use crate::validation::{
    at_most, collect, looks_like_email, looks_like_phone, required, FieldError, Problem,
};

pub mod field {
    pub const DESCRIPTION: &str = "description";
    pub const HAPPENED_ON: &str = "happened-on";
    pub const OUTCOME: &str = "outcome";
    pub const OUTCOME_OTHER: &str = "outcome-other-text";
    pub const EVIDENCE: &str = "evidence";
    pub const NAME: &str = "name";
    pub const EMAIL: &str = "email";
    pub const PHONE: &str = "phone";
    pub const PREFERRED: &str = "preferred";
    pub const RESIDENCE: &str = "residence";
    pub const MAY_CALL: &str = "may-call";

    /// The input id of a category question.
    pub fn detail(question_id: &str) -> String {
        format!("detail-{question_id}")
    }
}

pub const NAME_MAX_CHARS: usize = 200;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const PHONE_MAX_CHARS: usize = 40;
pub const OUTCOME_OTHER_MAX_CHARS: usize = 500;

/// The errors on one step's answers; empty means the customer may continue.
pub fn check_step(step: Step, draft: &Draft, config: &OrgConfig, today: Date) -> Vec<FieldError> {
    let category = draft.category.as_deref().and_then(|id| config.category(id));
    match step {
        Step::Category => collect([check_category(draft.category.as_deref(), config)]),
        Step::CommonAnswers | Step::CheckAnswers => Vec::new(),
        Step::WhatHappened => {
            what_happened(draft, category, config.limits.description_max_chars, today)
        }
        Step::Outcome => outcome(draft, category),
        Step::Evidence => evidence(draft, config),
        Step::Contact => contact(draft),
        Step::Residence => residence(draft, category),
    }
}

/// The first step that still has errors, with them; `None` when the whole complaint can be sent.
pub fn first_incomplete(
    draft: &Draft,
    config: &OrgConfig,
    today: Date,
) -> Option<(Step, Vec<FieldError>)> {
    Step::ALL
        .into_iter()
        .map(|step| (step, check_step(step, draft, config, today)))
        .find(|(_, e)| !e.is_empty())
}

fn date_not_in_future(value: &str, field: &str, today: Date) -> Result<(), FieldError> {
    match Date::parse_iso(value) {
        None => Err(FieldError::says(field, Msg::DateInvalid)),
        Some(date) if date > today => Err(FieldError::says(field, Msg::DateInFuture)),
        Some(_) => Ok(()),
    }
}

fn what_happened(
    draft: &Draft,
    category: Option<&Category>,
    max: usize,
    today: Date,
) -> Vec<FieldError> {
    let mut errors = collect([
        required(
            &draft.description,
            field::DESCRIPTION,
            Msg::DescriptionRequired,
        )
        .and_then(|()| at_most(&draft.description, max, field::DESCRIPTION)),
        required(
            &draft.happened_on,
            field::HAPPENED_ON,
            Msg::HappenedOnRequired,
        )
        .and_then(|()| date_not_in_future(&draft.happened_on, field::HAPPENED_ON, today)),
    ]);
    for question in category.map(|c| c.questions.as_slice()).unwrap_or_default() {
        let id = field::detail(&question.id);
        let answer = draft
            .details
            .get(&question.id)
            .map(String::as_str)
            .unwrap_or("");
        let result = if answer.trim().is_empty() {
            if question.required {
                Err(FieldError {
                    field: id,
                    problem: Problem::Unanswered(question.label.clone()),
                })
            } else {
                Ok(())
            }
        } else if question.input == QuestionInput::Date {
            date_not_in_future(answer, &id, today)
        } else {
            at_most(answer, QUESTION_MAX_CHARS, &id)
        };
        errors.extend(result.err());
    }
    errors
}

/// Where the customer lives, where the category asks: one of the countries offered, or "somewhere else".
fn residence(draft: &Draft, category: Option<&Category>) -> Vec<FieldError> {
    let offered = crate::residence::countries_asked(category);
    if offered.is_empty() {
        return Vec::new();
    }
    match &draft.residence {
        Some(Residence::Elsewhere) => Vec::new(),
        Some(Residence::In(code)) if offered.contains(code) => Vec::new(),
        _ => vec![FieldError::says(field::RESIDENCE, Msg::ResidenceRequired)],
    }
}

fn outcome(draft: &Draft, category: Option<&Category>) -> Vec<FieldError> {
    match draft.outcome {
        Some(outcome) if !outcome.offered_for(category.map(|c| c.kind)) => {
            vec![FieldError::says(field::OUTCOME, Msg::OutcomeRequired)]
        }
        None => vec![FieldError::says(field::OUTCOME, Msg::OutcomeRequired)],
        Some(Outcome::Other) => collect([required(
            &draft.outcome_other,
            field::OUTCOME_OTHER,
            Msg::OutcomeOtherRequired,
        )
        .and_then(|()| {
            at_most(
                &draft.outcome_other,
                OUTCOME_OTHER_MAX_CHARS,
                field::OUTCOME_OTHER,
            )
        })]),
        Some(_) => Vec::new(),
    }
}

fn evidence(draft: &Draft, config: &OrgConfig) -> Vec<FieldError> {
    let limits = &config.limits.attachments;
    if draft.attachments.len() > limits.max_count {
        let problem = Problem::Counts(Counted::FilesAtMost, limits.max_count as u64);
        return vec![FieldError {
            field: field::EVIDENCE.into(),
            problem,
        }];
    }
    Vec::new()
}

fn contact(draft: &Draft) -> Vec<FieldError> {
    let c = &draft.contact;
    let (email, phone) = (c.email.trim(), c.phone.trim());
    let email_check = if email.is_empty() && phone.is_empty() {
        Err(FieldError::says(field::EMAIL, Msg::ContactRequired))
    } else if !email.is_empty() && !looks_like_email(email) {
        Err(FieldError::says(field::EMAIL, Msg::EmailInvalid))
    } else {
        at_most(email, EMAIL_MAX_CHARS, field::EMAIL)
    };
    let phone_check = if !phone.is_empty() && !looks_like_phone(phone) {
        Err(FieldError::says(field::PHONE, Msg::PhoneInvalid))
    } else {
        at_most(phone, PHONE_MAX_CHARS, field::PHONE)
    };
    let preferred_check = match c.preferred {
        None => Err(FieldError::says(field::PREFERRED, Msg::PreferredRequired)),
        Some(Channel::Email) if email.is_empty() && !phone.is_empty() => Err(FieldError::says(
            field::PREFERRED,
            Msg::PreferredEmailMissing,
        )),
        Some(Channel::Phone) if phone.is_empty() && !email.is_empty() => Err(FieldError::says(
            field::PREFERRED,
            Msg::PreferredPhoneMissing,
        )),
        Some(_) => Ok(()),
    };
    collect([
        required(&c.name, field::NAME, Msg::NameRequired)
            .and_then(|()| at_most(&c.name, NAME_MAX_CHARS, field::NAME)),
        email_check,
        phone_check,
        preferred_check,
    ])
}

#[cfg(test)]
mod tests;
