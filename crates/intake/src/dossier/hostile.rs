//! Customer text made harmless where staff read it: on a terminal (control characters and bidi overrides
//! shown as `<U+XXXX>`, never obeyed), as a file name (never choosing the folder), in a CSV cell (never a
//! formula) and in JSON (no raw C1 or bidi controls).

use std::fmt::Write as _;

/// A character a terminal (or a bidi-aware viewer) would obey rather than show: C0 controls but tab and line
/// feed, DEL, C1 controls (U+009B is a one-character CSI to many terminals), and the marks and overrides
/// that reorder text, so `gpj.exe` cannot display as `exe.jpg`.
pub(super) fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(out: &mut String, c: char) {
    let _ = write!(out, "<U+{:04X}>", u32::from(c));
}

/// Customer text as it may be printed: every hazard shown as `<U+XXXX>`; tabs and line feeds kept.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) {
            escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A field that must stay on its own line (a name, a file name): line feeds and tabs are shown too, so a
/// name cannot print a line that looks like another field.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) || c == '\n' || c == '\t' {
            escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest file name written, in bytes; file systems stop at 255.
pub(super) const FILE_NAME_MAX_BYTES: usize = 200;

/// A customer's file name made safe to create in a folder: numbered (two files may share a name), no path
/// separators, no controls, no leading dots (no hidden files, no `..`), and short enough for any file system.
pub fn safe_file_name(name: &str, number: i64) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') || c.is_control() || is_hazard(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches(['.', ' ']);
    let mut base = String::new();
    for c in trimmed.chars() {
        if base.len() + c.len_utf8() > FILE_NAME_MAX_BYTES {
            break;
        }
        base.push(c);
    }
    if base.is_empty() {
        format!("{number}-file")
    } else {
        format!("{number}-{base}")
    }
}

/// One CSV cell (RFC 4180): always quoted, quotes doubled. A cell a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, or a tab or carriage return that hides one) gets a leading `'`, so
/// it stays text. Terminal hazards are shown as `<U+XXXX>`, as on `show`: the file is often printed.
pub fn csv_cell(text: &str) -> String {
    let text = terminal_safe(text);
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    format!(
        "\"{}{}\"",
        if formula { "'" } else { "" },
        text.replace('"', "\"\"")
    )
}

/// JSON escapes C0 controls itself; C1 controls and bidi marks it writes as they are, and a terminal may obey
/// them. Written as `\uXXXX` instead, the JSON means the same.
pub(super) fn json_terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hazard(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}
