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

    /// The language organisation-supplied text is shown in when it is not the page's (a category the
    /// organisation has not translated): `None` when it is in the page's language.
    pub fn other_language(&self, text: &LocalizedText) -> Option<Locale> {
        text.fallback_language(self.locale.get())
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

/// Organisation text as shown: in the page's language as it is; in another language (a fallback) with its
/// own `lang`, so a screen reader reads it in that language, and "(shown in English)" after it.
#[component]
pub fn InLanguage(
    #[prop(into)] text: Signal<String>,
    #[prop(optional, into)] other: Signal<Option<Locale>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match other.get() {
        None => text.get().into_any(),
        Some(language) => view! {
            <span lang=language.tag()>{text.get()}</span>
            " "
            <span class="org-words__language">{i18n.t(i18n::shown_in(language))}</span>
        }
        .into_any(),
    }
}
