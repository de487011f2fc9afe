//! The reactive face of the domain's localisation: the current language as a signal in context.

use complaint_domain::i18n::{self, Counted, Locale, Msg};
use complaint_domain::localized::LocalizedText;
use complaint_domain::validation::Problem;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn provide(initial: Locale) -> I18n {
        let i18n = I18n {
            locale: RwSignal::new(initial),
        };
        provide_context(i18n);
        i18n
    }

    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
    }

    /// The message in the current language; reading it inside a closure makes the view follow language changes.
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.locale.get())
    }

    pub fn format(&self, msg: Msg, args: &[(&str, &str)]) -> String {
        i18n::format(self.locale.get(), msg, args)
    }

    pub fn count(&self, msg: Counted, n: u64) -> String {
        i18n::count(self.locale.get(), msg, n)
    }

    /// Organisation-supplied text in the current language.
    pub fn pick(&self, text: &LocalizedText) -> String {
        text.get(self.locale.get()).to_owned()
    }

    /// The `lang` of organisation-supplied text shown in another language than the page's (a category the
    /// organisation has not translated): `None` when it is in the page's language.
    pub fn pick_lang(&self, text: &LocalizedText) -> Option<&'static str> {
        text.fallback_language(self.locale.get()).map(Locale::tag)
    }

    /// The words for a field error.
    pub fn problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::Says(msg) => self.t(*msg).to_owned(),
            Problem::Counts(msg, n) => self.count(*msg, *n),
            Problem::Unanswered(question) => {
                self.format(Msg::AnswerRequired, &[("question", &self.pick(question))])
            }
        }
    }
}

/// The language context; the app provides it at the root, so a missing one is a wiring bug.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A view-ready closure for a fixed message.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(msg)
}

/// A fixed message as a signal, for components that take any text.
pub fn msg(msg: Msg) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || i18n.t(msg).to_owned())
}
