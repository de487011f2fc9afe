//! The desk's keyboard shortcuts: which key does what. Pure, so the mapping is tested without a page; the
//! screens listen and act (`screens::queue`, `screens::complaint`).

use crate::i18n::T;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Down,
    Up,
    Open,
    Assign,
    Reply,
    Note,
    Stage,
    Help,
    Search,
}

impl Shortcut {
    /// In the order the help dialog lists them, with the key a person presses.
    pub const ALL: [(Shortcut, &'static str); 9] = [
        (Shortcut::Down, "j"),
        (Shortcut::Up, "k"),
        (Shortcut::Open, "Enter"),
        (Shortcut::Assign, "a"),
        (Shortcut::Reply, "r"),
        (Shortcut::Note, "n"),
        (Shortcut::Stage, "s"),
        (Shortcut::Search, "/"),
        (Shortcut::Help, "?"),
    ];

    pub fn label(self) -> T {
        match self {
            Shortcut::Down => T::ShortcutDown,
            Shortcut::Up => T::ShortcutUp,
            Shortcut::Open => T::ShortcutOpen,
            Shortcut::Assign => T::ShortcutAssign,
            Shortcut::Reply => T::ShortcutReply,
            Shortcut::Note => T::ShortcutNote,
            Shortcut::Stage => T::ShortcutStage,
            Shortcut::Help => T::ShortcutHelp,
            Shortcut::Search => T::ShortcutSearch,
        }
    }
}

/// What a key press means. `modified`: Ctrl, Alt or Meta held (the browser's and the system's own
/// shortcuts stay theirs); `typing`: the focus is in a field, where every key is text. Enter opens only from
/// a row (`on_row`): elsewhere it belongs to the button or link it is pressed on.
pub fn shortcut(key: &str, modified: bool, typing: bool, on_row: bool) -> Option<Shortcut> {
    if modified || typing {
        return None;
    }
    Some(match key {
        "j" | "ArrowDown" => Shortcut::Down,
        "k" | "ArrowUp" => Shortcut::Up,
        "Enter" if on_row => Shortcut::Open,
        "a" => Shortcut::Assign,
        "r" => Shortcut::Reply,
        "n" => Shortcut::Note,
        "s" => Shortcut::Stage,
        "?" => Shortcut::Help,
        "/" => Shortcut::Search,
        _ => return None,
    })
}

/// Whether an element with this tag name (and `contenteditable`) takes typing.
pub fn is_typing_target(tag: &str, editable: bool) -> bool {
    editable
        || matches!(
            tag.to_ascii_uppercase().as_str(),
            "INPUT" | "TEXTAREA" | "SELECT"
        )
}
