//! The desk's words in English, Korean and Polish: one `match` per language (`en.rs`, `ko.rs`, `pl.rs`), so
//! the compiler refuses a language that misses a key, and a test (`tests/pure.rs`) that a key's
//! `{placeholders}` differ between languages. Staff words live here, not in the customer's catalogue
//! (crates/domain), so the customer's modules carry none of them; the stage names are the customer's own
//! (the domain's), so both sides say the same.

mod en;
mod ko;
mod pl;

pub use complaint_domain::i18n::Locale;
use complaint_domain::i18n::PluralCategory;

macro_rules! keys {
    ($($key:ident),* $(,)?) => {
        /// One message of the desk.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }
        impl T {
            /// Every key, for the catalogue's own tests.
            pub const ALL: &'static [T] = &[$(T::$key),*];
        }
    };
}

keys! {
    DeskTitle, SkipToContent, Language, Loading, CannotStart, TryAgain, SignOut, SignOutEverywhere, SignedInAs,
    MainNav, NavQueues, NavStaff, NavTemplates, NavTokens, NavWebhooks, Save, Cancel, Close, Saved, Copy, Copied,
    Working, Nothing, Any, Delete, Name, Role, Categories, Status, Created, When, Result,
    ErrOffline, ErrForbidden, ErrNotFound, ErrRefused, ErrInvalid, ErrRateLimited, ErrQuarantined, ErrServer,
    ErrCsrf, ChangedBy, ReloadKeepText, SessionEnded,
    SignInTitle, SignInPasskey, UseRecoveryCode, UsePasskeyInstead, Email, RecoveryCode, SignIn, PasskeyCancelled,
    PasskeyUnsupported, SignInWithProvider, SigninExpired, SigninCancelled, SigninFailed, SigninNoAccount,
    SigninRateLimited, SigninUnavailable, SigninInternal,
    EnrolTitle, EnrolFor, EnrolCreate, EnrolBadLink, RecoveryTitle, RecoveryIntro, RecoverySaved, EnrolDone, OpenDesk,
    RoleAgent, RoleLead, RoleAdmin,
    QueuesLabel, QueueNew, QueueMine, QueueUnassigned, QueueDueSoon, QueueOverdue, QueueWaiting, QueueReplied,
    QueueQuarantined,
    Search, SearchHint, Filters, FilterCategory, FilterCause, FilterStage, FilterAssignee, FilterFrom, FilterTo, SortBy, SortDeadline,
    SortFiled, SortReference, Order, SortAsc, SortDesc,
    ColReference, ColCategory, ColWords, ColStage, ColDeadline, ColAssignee, SelectRow, SelectAll, NoRows, Nobody,
    Shown, Refreshing,
    BulkSelected, BulkAction, BulkAssign, BulkAcknowledge, BulkStage, Apply, ClearSelection, BulkResult,
    DueToday, DueOn, OverdueSince,
    NoDeadline,
    ShortcutsTitle, ShortcutDown, ShortcutUp, ShortcutOpen, ShortcutAssign, ShortcutReply, ShortcutNote,
    ShortcutHelp, ShortcutSearch, ShortcutKey, ShortcutAction,
    BackToQueue, ComplaintTitle, SecAnswers, SecDescription, SecContact, SecPrivacyNotice, NoticeVersion,
    NoticeNotRecorded, SecFiles, SecReplies,
    SecTimeline, SecNotes, SecAudit, SecActions, Download, CustomerLanguage, Filed, Assignee,
    Acknowledge, Assign, AssignTo, AssignMe, Unassign, Note, NoteHint, AddNote, Reply, Template, NoTemplate,
    Preview, PreviewTitle, SendReply, Ask, AskSend, Extend, NewDate, Reason, ExtendSend, Decide, Outcome,
    OutcomeUpheld, OutcomePartly, OutcomeNot, Summary, Causes, DecideSend, CloseComplaint, Reopen, Message, Merge,
    MergeInto, MergeSend, Text, Step, StepAcknowledge, StepDecide, ReplySent,
    LegalHold, LegalHoldHint, LegalHoldSend, LegalHoldRelease, Retention, KeptUntil, NotClosedYet,
    ErasedOn, OnHoldSince,
    StaffTitle, Active, TurnedOff, TurnOff, TurnOn, Invite, InviteTitle, InviteLink, CategoriesHint,
    TemplatesTitle, TemplateSaved,
    TokensTitle, TokenCreate, TokenShownOnce, Revoke, TokenExpires, TokenExpiresDays, TokenExpiresHint,
    TokenUntilRevoked,
    WebhooksTitle, WebhookUrl, WebhookEvents, WebhookCreate, SecretShownOnce, SendTest, TestSent, Deliveries,
    Event, Attempts, EventFiled, EventReplied, EventStage, EventBreached,
    QueueBreaching, QueueMentions, NavOperations,
    OpsTitle, OpsExport, OpsExportIntro, OpsSince, OpsFormat, OpsLabels, OpsDownload, OpsReport, OpsReportIntro,
    OpsFrom, OpsTo, OpsRepublish, OpsRepublishIntro, OpsRepublishAll, OpsRepublishSend, OpsRepublished, OpsFigures,
    OpsFiguresIntro, OpsFiguresSend, OpsFiguresDone,
    AddPasskeyTitle, AddPasskeyIntro, AddPasskeyCreate, AddPasskeyLater, AddPasskeyDone,
    MentionList, MentionNone, MentionsYou,
    NavDataRequests, DataRequestsTitle, DataRequestsIntro, ColRequest, KindErasure, KindExport, StateOpen, StateDone,
    StateRefused, MarkDone, Refuse, RefuseReason,
    MoveOn, MoveOnTo, MoveOnSend, ShortcutStage, MentionedOnly,
}

/// The message in `locale`.
pub fn text(locale: Locale, key: T) -> &'static str {
    match locale {
        Locale::En => en::text(key),
        Locale::Ko => ko::text(key),
        Locale::Pl => pl::text(key),
    }
}

/// The message with its `{name}` placeholders filled; a placeholder without an argument stays visible.
pub fn fill(locale: Locale, key: T, args: &[(&str, &str)]) -> String {
    let mut out = text(locale, key).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{placeholders}` of a message, in order: the same set in every language.
pub fn placeholders(message: &str) -> Vec<&str> {
    let mut found: Vec<&str> = message
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found
}

/// The plural form of `n` in `locale` among four keys (English uses one/other, Polish one/few/many,
/// Korean other).
pub fn plural(locale: Locale, n: u64, forms: [T; 4]) -> T {
    let [one, few, many, other] = forms;
    match PluralCategory::of(locale, n) {
        PluralCategory::One => one,
        PluralCategory::Few => few,
        PluralCategory::Many => many,
        PluralCategory::Other => other,
    }
}

/// The name of a stage as the customer reads it (the domain's catalogue), or the raw id of one we do not know.
pub fn stage(locale: Locale, id: &str) -> String {
    match complaint_domain::status::Stage::parse(id) {
        Some(stage) => complaint_domain::i18n::format(locale, stage.label(), &[]),
        None => id.to_owned(),
    }
}

/// Where a person's language choice is kept (the loader, boot.js, reads it too).
pub const REMEMBERED: &str = "staff-desk.locale";

/// The remembered choice, else the browser's languages, else English.
pub fn initial_locale() -> Locale {
    let window = web_sys::window();
    let remembered = window
        .as_ref()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(REMEMBERED).ok().flatten());
    let mut tags: Vec<String> = remembered.into_iter().collect();
    if let Some(navigator) = window.as_ref().map(|w| w.navigator()) {
        tags.extend(navigator.languages().iter().filter_map(|v| v.as_string()));
        tags.extend(navigator.language());
    }
    Locale::negotiate(tags.iter().map(String::as_str))
}

/// Keeps the person's choice for the next visit; storage refused is not worth a word.
pub fn remember(locale: Locale) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(REMEMBERED, locale.tag());
    }
}

/// A provider sign-in's failure code (docs/staff-api.md) as the desk's words.
pub fn signin_error(code: &str) -> T {
    match code {
        "ceremony_expired" => T::SigninExpired,
        "cancelled" => T::SigninCancelled,
        "no_account" => T::SigninNoAccount,
        "rate_limited" => T::SigninRateLimited,
        "oidc_unavailable" => T::SigninUnavailable,
        "internal" => T::SigninInternal,
        _ => T::SigninFailed,
    }
}
