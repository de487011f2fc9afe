//! Customer text on a terminal and in a spreadsheet: shown, never obeyed.

use super::hostile::{json_terminal_safe, FILE_NAME_MAX_BYTES};
use super::*;
use serde_json::{json, Value};

#[test]
fn terminal_hazards_are_shown_not_obeyed() {
    assert_eq!(
        terminal_safe("a\u{1b}[2Jb\u{9b}31m\u{202e}gpj.exe\r\nline"),
        "a<U+001B>[2Jb<U+009B>31m<U+202E>gpj.exe<U+000D>\nline"
    );
    assert_eq!(
        one_line("Anna\nStage: closed\t"),
        "Anna<U+000A>Stage: closed<U+0009>"
    );
    assert_eq!(terminal_safe("Zażółć 한국어"), "Zażółć 한국어");
}

#[test]
fn file_names_from_customers_cannot_choose_where_they_go() {
    assert_eq!(safe_file_name("../../etc/passwd", 1), "1-_.._etc_passwd");
    assert_eq!(safe_file_name(".bashrc", 2), "2-bashrc");
    assert_eq!(safe_file_name("..", 3), "3-file");
    assert_eq!(safe_file_name("C:\\x\\y.jpg", 4), "4-C__x_y.jpg");
    assert_eq!(safe_file_name("a\u{202e}gpj.exe", 5), "5-a_gpj.exe");
    assert_eq!(safe_file_name("zdjęcie.jpg", 6), "6-zdjęcie.jpg");
    let long = safe_file_name(&"ł".repeat(300), 7);
    assert!(long.len() <= FILE_NAME_MAX_BYTES + 2, "{}", long.len());
}

#[test]
fn csv_cells_are_quoted_and_never_formulas() {
    assert_eq!(csv_cell("plain"), "\"plain\"");
    assert_eq!(csv_cell("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
    assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    for start in ["+44 20", "-1", "@SUM(A1)", "\tx"] {
        assert!(csv_cell(start).starts_with("\"'"), "{start}");
    }
    assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
}

#[test]
fn json_keeps_its_meaning_without_raw_c1_or_bidi_controls() {
    let text = serde_json::to_string(&json!({ "n": "a\u{9b}b\u{202e}c" })).unwrap();
    let safe = json_terminal_safe(&text);
    assert!(!safe.contains('\u{9b}') && !safe.contains('\u{202e}'));
    let back: Value = serde_json::from_str(&safe).unwrap();
    assert_eq!(back["n"], "a\u{9b}b\u{202e}c");
}

#[test]
fn labels_are_padded_by_how_wide_they_show_so_korean_ones_align() {
    let mut out = String::new();
    super::row(&mut out, "접수 번호", "CMP-1");
    super::row(&mut out, "Reference", "CMP-2");
    super::row(&mut out, "Numer zgłoszenia", "CMP-3");
    let columns: Vec<usize> = out
        .lines()
        .map(|line| unicode_width::UnicodeWidthStr::width(&line[..line.find("CMP").unwrap()]))
        .collect();
    assert_eq!(columns, [23, 23, 23], "{out}");
}
