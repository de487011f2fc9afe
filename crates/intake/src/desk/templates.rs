//! Templates (issue #23): the texts staff start a reply, a question or a decision's summary from, one per
//! language, which an admin edits. A template is used in the customer's own language, or not at all: a
//! Korean customer never gets the English text because the Korean one is missing. Placeholders are whole
//! values (`{reference}`, `{due_date}`, `{organisation}`, `{category}`), never parts of words, so no language's
//! inflection depends on them. The preview shows the customer's mail word for word, before anything is sent.

use std::collections::BTreeMap;

use complaint_domain::i18n::Locale;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{MessageKind, Stage};
use complaint_domain::tracking::{Timeline, TimelineStep};
use serde_json::json;

use super::{Actor, Asked, Desk, DeskError, Permission};
use crate::store::{Complaint, NewTemplate, Template, TemplateKind};
use crate::zone;

/// The placeholders a template may hold.
pub const PLACEHOLDERS: [&str; 4] = ["reference", "due_date", "organisation", "category"];

/// The customer's mail as it will be sent: in their language, placeholders filled.
pub struct Preview {
    pub locale: Locale,
    pub subject: String,
    pub body: String,
}

/// What a reply, a question or a decision says: words typed, or a template.
pub enum Words {
    Text(String),
    Template(i64),
}

/// The `{name}`s in `text`, in order.
fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        match rest.find(['}', '{']) {
            Some(close) if rest[close..].starts_with('}') => {
                found.push(&rest[..close]);
                rest = &rest[close + 1..];
            }
            _ => {}
        }
    }
    found
}

/// Refuses a template that could not be used as written: no name, a language this service does not speak, no
/// text at all, a placeholder nobody fills, a category the config does not list.
fn check(template: &NewTemplate, categories: &[&str]) -> Result<(), DeskError> {
    let invalid = |why: String| Err(DeskError::Invalid(why));
    if template.name.trim().is_empty() {
        return invalid("a template needs a name".into());
    }
    if let Some(category) = &template.category {
        if !categories.contains(&category.as_str()) {
            return invalid(format!("the config has no category \"{category}\""));
        }
    }
    if template.texts.values().all(|t| t.trim().is_empty()) {
        return invalid("a template needs a text in at least one language".into());
    }
    for (tag, text) in &template.texts {
        if Locale::from_tag(tag).map(Locale::tag) != Some(tag.as_str()) {
            return invalid(format!(
                "\"{tag}\" is not a language of this service (en, ko, pl)"
            ));
        }
        if let Some(unknown) = placeholders(text)
            .into_iter()
            .find(|p| !PLACEHOLDERS.contains(p))
        {
            return invalid(format!(
                "the {tag} text has {{{unknown}}}, which is not a placeholder (they are: {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
    }
    Ok(())
}

impl Desk {
    /// Every template, for whoever works complaints.
    pub fn templates(&self, actor: &Actor) -> Result<Vec<Template>, DeskError> {
        actor.require(Permission::Read)?;
        Ok(self.store.templates()?)
    }

    fn checked(&self, template: &NewTemplate) -> Result<(), DeskError> {
        let settings = self.settings()?;
        let categories: Vec<&str> = settings
            .config
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        check(template, &categories)
    }

    /// Adds a template (admin). Returns it as stored.
    pub fn add_template(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        template: NewTemplate,
    ) -> Result<Template, DeskError> {
        actor.require(Permission::Settings)?;
        self.checked(&template)?;
        let id = self
            .store
            .add_template(&template, staff_id(actor), zone::now())?;
        let detail = json!({ "template": id, "name": template.name });
        self.audit(actor, "template_add", None, detail, address)?;
        self.store.template(id)?.ok_or(DeskError::NoTemplate(id))
    }

    /// Replaces template `id` (admin). Returns it as stored.
    pub fn update_template(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        id: i64,
        template: NewTemplate,
    ) -> Result<Template, DeskError> {
        actor.require(Permission::Settings)?;
        self.checked(&template)?;
        if !self
            .store
            .update_template(id, &template, staff_id(actor), zone::now())?
        {
            return Err(DeskError::NoTemplate(id));
        }
        let detail = json!({ "template": id, "name": template.name });
        self.audit(actor, "template_update", None, detail, address)?;
        self.store.template(id)?.ok_or(DeskError::NoTemplate(id))
    }

    /// Deletes template `id` (admin).
    pub fn delete_template(
        &mut self,
        actor: &Actor,
        address: Option<&str>,
        id: i64,
    ) -> Result<(), DeskError> {
        actor.require(Permission::Settings)?;
        if !self.store.delete_template(id)? {
            return Err(DeskError::NoTemplate(id));
        }
        self.audit(
            actor,
            "template_delete",
            None,
            json!({ "template": id }),
            address,
        )?;
        Ok(())
    }

    /// What `words` say to this complaint's customer: typed words as they are (their language unknown), or
    /// the template's text in the customer's language with its placeholders filled.
    pub(super) fn words_for(
        &self,
        complaint: &Complaint,
        words: &Words,
        kind: TemplateKind,
    ) -> Result<OrgText, DeskError> {
        let id = match words {
            Words::Text(text) => return Ok(OrgText::Plain(text.clone())),
            Words::Template(id) => *id,
        };
        let template = self.store.template(id)?.ok_or(DeskError::NoTemplate(id))?;
        let written = &template.template;
        if written.kind != kind {
            return Err(DeskError::Invalid(format!(
                "template {id} is for \"{}\", not for \"{}\"",
                written.kind.name(),
                kind.name()
            )));
        }
        if written
            .category
            .as_ref()
            .is_some_and(|c| *c != complaint.record.category)
        {
            return Err(DeskError::Invalid(format!(
                "template {id} is for another category than {}'s",
                complaint.record.reference
            )));
        }
        let locale = complaint.locale;
        let text = written
            .texts
            .get(locale.tag())
            .filter(|t| !t.trim().is_empty())
            .ok_or(DeskError::TemplateLanguage {
                template: id,
                language: locale,
            })?;
        let filled = self.filled(complaint, text)?;
        Ok(OrgText::ByLanguage(vec![(locale.tag().to_owned(), filled)]))
    }

    /// `text` with each placeholder replaced by this complaint's value, in its customer's language.
    fn filled(&self, complaint: &Complaint, text: &str) -> Result<String, DeskError> {
        let settings = self.settings()?;
        let locale = complaint.locale;
        let record = &complaint.record;
        let category = settings.config.category(&record.category);
        let mut values = BTreeMap::new();
        values.insert("reference", Some(record.reference.clone()));
        values.insert(
            "organisation",
            Some(settings.config.organisation.name.get(locale).to_owned()),
        );
        values.insert(
            "category",
            Some(category.map_or(record.category.clone(), |c| c.label.get(locale).to_owned())),
        );
        let timeline = Timeline::build(
            record,
            category,
            &settings.zone,
            &settings.holidays,
            zone::now(),
        );
        let decision = timeline.steps.iter().find_map(|step| match step {
            TimelineStep::Upcoming {
                stage: Stage::Responded,
                expected: Some(expected),
            } => Some(expected.due),
            _ => None,
        });
        let due = decision.or_else(|| timeline.next_expected().map(|(_, e)| e.due));
        values.insert(
            "due_date",
            due.map(|due| crate::mail::mail_due_text(due, locale, settings.zone.name())),
        );
        let mut out = text.to_owned();
        for name in placeholders(text) {
            let value = values.get(name).cloned().flatten().ok_or_else(|| {
                DeskError::Invalid(format!(
                    "{{{name}}} has no value for {}: write the text instead",
                    record.reference
                ))
            })?;
            out = out.replace(&format!("{{{name}}}"), &value);
        }
        Ok(out)
    }

    /// The customer's mail a reply or question with `words` would send, word for word, and nothing saved
    /// or sent. The status link is shown without its Reply-Proof, which is the customer's alone.
    pub fn preview(
        &self,
        asked: &Asked<'_>,
        kind: MessageKind,
        words: &Words,
    ) -> Result<Preview, DeskError> {
        let (complaint, _) = self.opened(asked, Permission::Work)?;
        let text = self
            .words_for(&complaint, words, message_template(kind))?
            .first_in(complaint.locale);
        let mut after = complaint.clone();
        after.record = complaint
            .record
            .messaged(kind, text.clone(), zone::now())
            .map_err(|refused| DeskError::Refused {
                reference: complaint.record.reference.clone(),
                refused,
            })?;
        // As the mail will have it, but never the proof: staff read the preview, the customer acts with it.
        let link = self.mail.as_ref().and_then(|mail| {
            let dossier = crate::dossier::Dossier::load(&*self.store, asked.reference).ok()?;
            dossier.submission.contact.email?;
            let link =
                crate::mail::status_link(&mail.public_url, &after.record.reference, Some("..."));
            Some(link)
        });
        let settings = self.settings()?;
        let (subject, body) = crate::mail::customer_words(
            settings,
            &after,
            link.as_deref(),
            zone::now(),
            Some(&text),
        )
        .ok_or_else(|| DeskError::Invalid("the complaint has no stage to tell of".into()))?;
        Ok(Preview {
            locale: complaint.locale,
            subject,
            body,
        })
    }
}

/// The kind of template a message of `kind` is written from.
pub(super) fn message_template(kind: MessageKind) -> TemplateKind {
    match kind {
        MessageKind::Ask => TemplateKind::Ask,
        _ => TemplateKind::Reply,
    }
}

fn staff_id(actor: &Actor) -> Option<i64> {
    match actor {
        Actor::Staff(member) => Some(member.id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_whole_and_only_known_ones_pass() {
        assert_eq!(
            placeholders("{reference}: by {due_date}. {"),
            vec!["reference", "due_date"]
        );
        assert_eq!(placeholders("{ {reference}"), vec!["reference"]);
        let template = |text: &str| NewTemplate {
            name: "n".into(),
            category: None,
            kind: TemplateKind::Reply,
            texts: BTreeMap::from([("ko".to_owned(), text.to_owned())]),
        };
        assert!(check(&template("{reference} 감사합니다"), &[]).is_ok());
        assert!(check(&template("{name}님"), &[]).is_err());
        let mut other = template("x");
        other.texts = BTreeMap::from([("de".to_owned(), "x".to_owned())]);
        assert!(check(&other, &[]).is_err());
        let mut category = template("x");
        category.category = Some("billing".into());
        assert!(check(&category, &["delivery"]).is_err());
        assert!(check(&category, &["billing"]).is_ok());
    }
}
