//! Tests that pin how sentences are built, so a new message cannot quietly break them: stage names are
//! nouns (they fill "Where it stands: {stage}", "Obecny etap: {stage}"), a number that counts something has
//! plural forms, and Polish keeps one-letter words, "2026 r.", "{size} MB" and "art. 7a" on one line.

use std::collections::BTreeSet;

use super::{Counted, IntakeMsg, Msg, NoticeMsg};
use crate::i18n::{Locale, PluralCategory};
use crate::status::Stage;

/// Every text of the catalogues in one language, named: plain messages, the privacy notice's page and
/// every counted form.
fn every_text(locale: Locale) -> Vec<(String, &'static str)> {
    let app = Msg::ALL.iter().map(|m| (format!("{m:?}"), m.text(locale)));
    let intake = IntakeMsg::ALL
        .iter()
        .map(|m| (format!("IntakeMsg::{m:?}"), m.text(locale)));
    let notice = NoticeMsg::ALL
        .iter()
        .map(|m| (format!("NoticeMsg::{m:?}"), m.text(locale)));
    let counted = Counted::ALL.iter().flat_map(|m| {
        [
            PluralCategory::One,
            PluralCategory::Few,
            PluralCategory::Many,
            PluralCategory::Other,
        ]
        .map(|c| (format!("Counted::{m:?}"), m.form(locale, c)))
    });
    app.chain(intake).chain(notice).chain(counted).collect()
}

#[test]
fn stage_names_are_nouns_in_every_language() {
    let names =
        |locale| -> Vec<&str> { Stage::ALL.iter().map(|s| s.label().text(locale)).collect() };
    assert_eq!(
        names(Locale::Pl),
        [
            "Przyjęcie",
            "Potwierdzenie przyjęcia",
            "Wstępna ocena",
            "Wyjaśnianie",
            "Odpowiedź",
            "Zamknięcie",
            "Ponowne rozpatrzenie"
        ]
    );
    for name in names(Locale::En) {
        // Not a participle ("Decision sent", "Received") nor a progressive ("Being assessed").
        assert!(
            !name.ends_with("ed") && !name.ends_with(" sent") && !name.starts_with("Being"),
            "{name}"
        );
    }
    for name in names(Locale::Ko) {
        assert!(!name.ends_with(" 중") && !name.ends_with("완료"), "{name}");
    }
    for name in names(Locale::Pl) {
        // Feminine past participles ("Otrzymana", "Decyzja wysłana") or "W ocenie" do not fit "Obecny etap:".
        let last = name.rsplit(' ').next().unwrap_or(name);
        let participle = ["ana", "ona", "ęta", "yta", "ita"]
            .iter()
            .any(|end| last.ends_with(end));
        assert!(!participle && !name.starts_with("W "), "{name}");
    }
}

/// Placeholders that hold a number. Where one counts something ("{n} weeks") the message must be a
/// [`Counted`] with plural forms; these plain messages use theirs as a figure (a size in MB, "3 of 7",
/// "4 out of 5", a count in brackets after a noun), which needs no plural.
const NUMBER_PLACEHOLDERS: [&str; 7] = ["n", "count", "size", "total", "current", "sent", "stars"];
const FIGURES: [&str; 11] = [
    "StepProgress",
    "EvidenceLimits",
    "FileTooLarge",
    "SendingProgress",
    "StarsOutOfFive",
    "ReplyRating",
    "FileSize",
    "IntakeMsg::MailNewReplies",
    "IntakeMsg::DossierConversation",
    "IntakeMsg::DossierRated",
    "IntakeMsg::DossierRating",
];

#[test]
fn every_counted_placeholder_has_plural_forms() {
    let figures: BTreeSet<&str> = FIGURES.into_iter().collect();
    for locale in Locale::ALL {
        for (name, text) in every_text(locale) {
            if name.starts_with("Counted::") || figures.contains(name.as_str()) {
                continue;
            }
            for placeholder in NUMBER_PLACEHOLDERS {
                assert!(
                    !text.contains(&format!("{{{placeholder}}}")),
                    "{name} ({locale:?}) counts with {{{placeholder}}} but has no plural forms: {text}"
                );
            }
        }
    }
}

/// Where Polish typography wants a non-breaking space: after a one-letter word (a, i, o, u, w, z), in
/// "2026 r.", before "MB" and "KB", and after "art.".
fn polish_breaks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, pair) in chars.windows(2).enumerate() {
        let before_ok = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '-');
        if pair[1] == ' ' && before_ok && "aiouwzAIOUWZ".contains(pair[0]) {
            found.push(format!("“{} ” at {i}", pair[0]));
        }
    }
    for bad in [" r.", " MB", " KB", "art. ", "ust. "] {
        for (at, _) in text.match_indices(bad) {
            let prev = text[..at].chars().last();
            let needs = match bad {
                " r." => prev.is_some_and(|c| c.is_ascii_digit()),
                " MB" | " KB" => prev.is_some_and(|c| c.is_ascii_digit() || c == '}'),
                _ => text[at + bad.len()..].starts_with(|c: char| c.is_ascii_digit()),
            };
            if needs {
                found.push(format!("“{bad}” at {at}"));
            }
        }
    }
    found
}

#[test]
fn polish_keeps_one_letter_words_years_sizes_and_articles_on_one_line() {
    for (name, text) in every_text(Locale::Pl) {
        assert_eq!(polish_breaks(text), Vec::<String>::new(), "{name}: {text}");
    }
    let config = include_str!("../../../../../public/api/v1/config.json");
    let config: serde_json::Value = serde_json::from_str(config).unwrap();
    let mut polish = Vec::new();
    collect_polish(&config, &mut polish);
    assert!(
        polish.len() > 20,
        "the demo config's Polish strings are all read"
    );
    for text in polish {
        assert_eq!(
            polish_breaks(&text),
            Vec::<String>::new(),
            "demo config: {text}"
        );
    }
    assert_eq!(
        polish_breaks("do 4 grudnia 2026 r. w sklepie").len(),
        2,
        "the check finds both"
    );
}

fn collect_polish(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("pl", serde_json::Value::String(text)) => into.push(text.clone()),
                    _ => collect_polish(value, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_polish(v, into)),
        _ => {}
    }
}

#[test]
fn polish_dates_keep_the_year_and_r_together() {
    let date = crate::calendar::Date::new(2026, 12, 4).unwrap();
    assert_eq!(
        crate::i18n::dates::date_text(date, Locale::Pl),
        "4 grudnia 2026\u{a0}r."
    );
}

/// The demo complaints the README invites everyone to look up: every word the organisation wrote on them is
/// there in English, Korean and Polish, written natively (no English leaking onto a Korean page, Polish
/// one-letter words kept with the next, no "upheld" or "business days" in the English).
#[test]
fn the_demo_complaints_speak_every_language() {
    use crate::localized::OrgText;
    use crate::status::StatusRecord;
    let files = [
        include_str!("../../../../../public/api/v1/status/94871dade5f2ea0215d70607c12abe53be5ff48f0b4c6e7d7a04d7d822997f27.json"),
        include_str!("../../../../../public/api/v1/status/a6bb6f53279c8af2537efe87c2c236a94b0fa6e6e74e6551cc11e7b29e174575.json"),
    ];
    let mut checked = 0;
    for file in files {
        let record = StatusRecord::from_json(file).unwrap();
        let texts = record
            .history
            .iter()
            .filter_map(|entry| entry.message.as_ref())
            .chain(record.next_step.as_ref())
            .chain(record.outcome.iter().filter_map(|o| o.summary.as_ref()))
            .chain(record.deadlines.iter().filter_map(|d| d.rule.as_ref()))
            .chain(record.messages.iter().map(|m| &m.text));
        for text in texts {
            checked += 1;
            let OrgText::ByLanguage(_) = text else {
                panic!("{}: {text} has no language", record.reference);
            };
            for locale in Locale::ALL {
                let shown = text.show(locale);
                assert_eq!(shown.other_language, None, "{}: {text}", record.reference);
                assert!(
                    !shown.text.trim().is_empty(),
                    "{}: {text}",
                    record.reference
                );
            }
            let polish = text.show(Locale::Pl).text;
            assert_eq!(polish_breaks(polish), Vec::<String>::new(), "{polish}");
            let english = text.show(Locale::En).text.to_lowercase();
            for jargon in ["upheld", "business day", "as it stands", "trace"] {
                assert!(!english.contains(jargon), "{jargon}: {english}");
            }
        }
    }
    assert_eq!(
        checked, 5,
        "every message, next step and summary of the two demo files"
    );
}

/// Korean particles that change with the last sound of the word before them (은/는, 이/가, 을/를, 과/와,
/// 으로/로): a placeholder can end in any sound, so none of them may follow one, and the "(으)로",
/// "(이)" patches a translated text uses are not written either.
fn korean_particle_after_placeholder(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .match_indices('}')
        .filter_map(|(at, _)| {
            let next = text[at + 1..].chars().next()?;
            "은는이가을를과와으로"
                .contains(next)
                .then(|| format!("}}{next} at {at}"))
        })
        .collect();
    for patch in ["(으)", "(이)", "은(는)", "을(를)", "이(가)", "과(와)"] {
        if text.contains(patch) {
            found.push(patch.to_owned());
        }
    }
    found
}

#[test]
fn korean_particles_hold_for_any_placeholder() {
    for (name, text) in every_text(Locale::Ko) {
        assert_eq!(
            korean_particle_after_placeholder(text),
            Vec::<String>::new(),
            "{name}: {text}"
        );
    }
    assert_eq!(
        korean_particle_after_placeholder("{contact}(으)로 또는 {contact}로, {name}은 {date}까지")
            .len(),
        3,
        "the check finds each"
    );
}

/// What a customer filed is a 접수 건 (its number the 접수 번호, the list 접수 내역); 불만 is the matter
/// ("불만 접수", "불만 처리 실적"), never a thing to count, open or send. 수용 is the staff's word for a
/// decision, not the customer's.
#[test]
fn korean_never_counts_complaints_nor_tells_customers_of_suyong() {
    let countable = [
        "이 불만",
        "해당 불만",
        "보낸 불만",
        "다른 불만",
        "불만 {",
        "불만 건수",
        "불만이 접수",
        "불만을 열",
        "전체 불만",
        "대기 중인 불만",
        "작성 중인 불만",
        "민원",
    ];
    for (name, text) in every_text(Locale::Ko) {
        for word in countable {
            assert!(!text.contains(word), "{name} says “{word}”: {text}");
        }
        if !name.starts_with("IntakeMsg::Dossier") {
            assert!(
                !text.contains("수용"),
                "{name} tells a customer “수용”: {text}"
            );
        }
    }
    assert!(Msg::PhoneInvalid.text(Locale::Ko).contains("010-1234-5678"));
}
