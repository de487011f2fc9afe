//! A published figure as the page writes it: a number in the customer's language, "fewer than 5", "hidden"
//! (so that a smaller figure cannot be worked out from it), or a dash.

use complaint_domain::i18n::{Locale, Msg};
use complaint_domain::insights::{Figure, Suppressed};

use crate::i18n::I18n;

/// `12`, `87.5%`, `fewer than 5`, `hidden`, or `–` when there is nothing to show.
pub fn text(i18n: I18n, figure: Option<Figure>, percent: bool) -> String {
    match figure {
        None => "–".to_owned(),
        Some(Figure::Suppressed(Suppressed::FewerThan5)) => {
            i18n.t(Msg::InsightsFewerThan5).to_owned()
        }
        Some(Figure::Suppressed(Suppressed::Hidden)) => i18n.t(Msg::InsightsHidden).to_owned(),
        Some(Figure::Value(v)) => {
            let number = number(v, i18n.locale());
            if percent {
                format!("{number}%")
            } else {
                number
            }
        }
    }
}

/// Whole numbers without decimals; one decimal otherwise, with the language's decimal mark.
fn number(v: f64, locale: Locale) -> String {
    let text = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    match locale {
        Locale::Pl => text.replace('.', ","),
        _ => text,
    }
}

/// `2026-W48` as a short axis label: `W48`.
pub fn short_week(week: &str) -> String {
    week.get(5..).unwrap_or(week).to_owned()
}
