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

/// `2026-W48` as a short axis label in the customer's words: "week 48", "48주차", "tydz. 48".
pub fn short_week(i18n: I18n, week: &str) -> String {
    match complaint_domain::i18n::dates::iso_week(week) {
        Some((_, number)) => i18n.format(Msg::WeekLabel, &[("week", &number.to_string())]),
        None => week.to_owned(),
    }
}

/// `2026-W48` in a table's row header: "week 48, 2026", "2026년 48주차", "tydz. 48, 2026 r.".
pub fn week_name(i18n: I18n, week: &str) -> String {
    match complaint_domain::i18n::dates::iso_week(week) {
        Some((year, number)) => i18n.format(
            Msg::WeekLabelWithYear,
            &[("week", &number.to_string()), ("year", &year.to_string())],
        ),
        None => week.to_owned(),
    }
}
