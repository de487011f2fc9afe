//! The currencies an organisation bills in (`organisation.currencies`, ISO 4217 codes): the example a money
//! question shows ("For example, £24.99", "24,99 zł", "24,990원"), and the check that the organisation's own
//! words about money (a question's label or hint) name no other currency.
//!
//! A short table rather than a crate of every ISO 4217 currency (`iso_currency`, `rusty-money`): the Wasm
//! needs a symbol and a way of writing an amount per language, which those do not give for Korean or
//! Polish, and only for the few currencies a complaint form is likely to bill in. A code outside the table
//! is still a valid currency: it is written as its code ("CHF 24.99").

use crate::i18n::Locale;

/// One currency the table knows: its code, the marks that name it in running text and how many minor
/// units it has (KRW and JPY none).
struct Known {
    code: &'static str,
    /// Marks that name it. Letters (`zł`, `원`) only count beside a number, so "회원" is not a currency.
    marks: &'static [&'static str],
    decimals: u8,
}

const KNOWN: &[Known] = &[
    Known {
        code: "GBP",
        marks: &["£"],
        decimals: 2,
    },
    Known {
        code: "EUR",
        marks: &["€"],
        decimals: 2,
    },
    Known {
        code: "USD",
        marks: &["US$", "$", "달러"],
        decimals: 2,
    },
    Known {
        code: "CAD",
        marks: &["C$", "CA$", "$"],
        decimals: 2,
    },
    Known {
        code: "AUD",
        marks: &["A$", "AU$", "$"],
        decimals: 2,
    },
    Known {
        code: "PLN",
        marks: &["zł"],
        decimals: 2,
    },
    Known {
        code: "KRW",
        marks: &["₩", "원"],
        decimals: 0,
    },
    Known {
        code: "JPY",
        marks: &["¥", "円", "엔"],
        decimals: 0,
    },
    Known {
        code: "CNY",
        marks: &["元", "위안"],
        decimals: 2,
    },
    Known {
        code: "CZK",
        marks: &["Kč"],
        decimals: 2,
    },
    Known {
        code: "SEK",
        marks: &["kr"],
        decimals: 2,
    },
    Known {
        code: "NOK",
        marks: &["kr"],
        decimals: 2,
    },
    Known {
        code: "DKK",
        marks: &["kr"],
        decimals: 2,
    },
    Known {
        code: "CHF",
        marks: &[],
        decimals: 2,
    },
];

fn known(code: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.code == code)
}

/// An ISO 4217 code's shape: three capital letters.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// An example amount in `code`, as a customer in `locale` would type it: the hint of a money question the
/// organisation gave no hint for.
pub fn example_amount(code: &str, locale: Locale) -> String {
    let whole = known(code).is_some_and(|k| k.decimals == 0);
    let (en, pl) = if whole {
        ("24,990", "24\u{a0}990")
    } else {
        ("24.99", "24,99")
    };
    match (locale, code) {
        (Locale::En, "GBP") => format!("£{en}"),
        (Locale::En, "EUR") => format!("€{en}"),
        (Locale::En, "USD") => format!("${en}"),
        (Locale::En, "KRW") => format!("₩{en}"),
        (Locale::En, "JPY") => format!("¥{en}"),
        (Locale::En, _) => format!("{code}\u{a0}{en}"),
        (Locale::Ko, "KRW") => format!("{en}원"),
        (Locale::Ko, "USD") => format!("{en}달러"),
        (Locale::Ko, "EUR") => format!("{en}유로"),
        (Locale::Ko, "GBP") => format!("{en}파운드"),
        (Locale::Ko, "JPY") => format!("{en}엔"),
        (Locale::Ko, _) => format!("{code}\u{a0}{en}"),
        (Locale::Pl, "PLN") => format!("{pl}\u{a0}zł"),
        (Locale::Pl, "EUR") => format!("{pl}\u{a0}€"),
        (Locale::Pl, "GBP") => format!("{pl}\u{a0}£"),
        (Locale::Pl, _) => format!("{pl}\u{a0}{code}"),
    }
}

/// The currency marks in `text` that name none of `billed` ("$" when only GBP is billed; "USD"; "25 zł"):
/// empty when every amount it mentions is in a currency the organisation bills in.
pub fn foreign_marks(text: &str, billed: &[String]) -> Vec<String> {
    let billed = |code: &str| billed.iter().any(|b| b == code);
    // Each foreign mark where it first appears, so the problem names them in the text's order.
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut note = |at: usize, mark: &str| match found.iter_mut().find(|(_, f)| f == mark) {
        Some(first) => first.0 = first.0.min(at),
        None => found.push((at, mark.to_owned())),
    };
    // Codes: a known three-letter code standing as a word ("USD 20", "20 EUR").
    let mut at = 0;
    for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
        if known(word).is_some() && !billed(word) {
            note(at, word);
        }
        at += word.len() + 1;
    }
    // Marks: each that no billed currency shares. "$" is billed when any dollar is.
    let mut marks: Vec<&'static str> = KNOWN.iter().flat_map(|k| k.marks.iter().copied()).collect();
    // Longer marks first, so "US$" is one mark and not also a "$".
    crate::sorting::sort_by_number(&mut marks, |m| -(m.len() as f64));
    marks.dedup();
    let mut rest = text.to_owned();
    for mark in marks {
        let is_billed = KNOWN
            .iter()
            .any(|k| k.marks.contains(&mark) && billed(k.code));
        let mut first = None;
        let mut at = 0;
        while let Some(i) = rest[at..].find(mark).map(|i| at + i) {
            let end = i + mark.len();
            if !mark.chars().any(char::is_alphabetic)
                || (beside_a_number(&rest, i, end) && !inside_a_word(&rest, mark, i, end))
            {
                first = first.or(Some(i));
                // Blanked, so a shorter mark inside it ("$" in "US$") is not found again.
                rest.replace_range(i..end, &" ".repeat(mark.len()));
            }
            at = end;
        }
        if let Some(i) = first.filter(|_| !is_billed) {
            note(i, mark);
        }
    }
    crate::sorting::sort_by_number(&mut found, |(at, _)| *at as f64);
    found.into_iter().map(|(_, mark)| mark).collect()
}

/// A Latin mark with a letter beside it is part of a word ("5 kroków"); Korean and Japanese marks take
/// their particles right after them ("25,000원을").
fn inside_a_word(text: &str, mark: &str, start: usize, end: usize) -> bool {
    let latin = mark
        .chars()
        .all(|c| c.is_alphabetic() && (c as u32) < 0x1100);
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    latin && (letter(text[..start].chars().next_back()) || letter(text[end..].chars().next()))
}

/// A digit right before `start` or right after `end`, with at most one space between: "25 zł", "₩1,000".
fn beside_a_number(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start]
        .trim_end_matches([' ', '\u{a0}'])
        .chars()
        .next_back();
    let after = text[end..]
        .trim_start_matches([' ', '\u{a0}'])
        .chars()
        .next();
    before.is_some_and(|c| c.is_ascii_digit()) || after.is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn billed(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn an_example_is_written_as_each_language_writes_money() {
        assert_eq!(example_amount("GBP", Locale::En), "£24.99");
        assert_eq!(example_amount("GBP", Locale::Pl), "24,99\u{a0}£");
        assert_eq!(example_amount("GBP", Locale::Ko), "24.99파운드");
        assert_eq!(example_amount("PLN", Locale::Pl), "24,99\u{a0}zł");
        assert_eq!(example_amount("PLN", Locale::En), "PLN\u{a0}24.99");
        assert_eq!(example_amount("KRW", Locale::Ko), "24,990원");
        assert_eq!(example_amount("KRW", Locale::Pl), "24\u{a0}990\u{a0}KRW");
        assert_eq!(example_amount("CHF", Locale::En), "CHF\u{a0}24.99");
    }

    #[test]
    fn text_in_the_billed_currency_passes() {
        assert!(foreign_marks("For example, £24.99", &billed(&["GBP"])).is_empty());
        assert!(foreign_marks("Na przykład 24,99 £", &billed(&["GBP"])).is_empty());
        assert!(foreign_marks("예: 24.99파운드", &billed(&["GBP"])).is_empty());
        assert!(foreign_marks("Kwota, np. 25 zł", &billed(&["PLN"])).is_empty());
        assert!(foreign_marks("예: 25,000원을 청구", &billed(&["KRW"])).is_empty());
        assert!(foreign_marks("$20 or C$25", &billed(&["CAD"])).is_empty());
    }

    #[test]
    fn another_currency_is_named() {
        assert_eq!(
            foreign_marks("For example, $24.99", &billed(&["GBP"])),
            ["$"]
        );
        assert_eq!(foreign_marks("e.g. 20 EUR", &billed(&["GBP"])), ["EUR"]);
        assert_eq!(foreign_marks("예: 25,000원", &billed(&["GBP"])), ["원"]);
        assert_eq!(foreign_marks("np. 25 zł", &billed(&["GBP"])), ["zł"]);
        assert_eq!(foreign_marks("US$5", &billed(&["CAD"])), ["US$"]);
        assert_eq!(foreign_marks("£5 or €5", &billed(&[])), ["£", "€"]);
    }

    #[test]
    fn words_that_only_contain_a_mark_are_not_money() {
        // 회원 (member), 원하는 (wanted), "krótko", "PLNY" are words, not amounts.
        let text = "회원 ID와 원하는 조치를 krótko opisz w 5 krokach; PLNY";
        assert!(foreign_marks(text, &billed(&["GBP"])).is_empty());
    }

    #[test]
    fn a_code_has_three_capitals() {
        assert!(is_currency_code("GBP"));
        assert!(!is_currency_code("gbp"));
        assert!(!is_currency_code("GB"));
        assert!(!is_currency_code("£"));
    }
}
