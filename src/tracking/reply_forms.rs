//! The reply being written: add information (text and files), the confirmation of "resolves it", the reason
//! and confirmation of "not satisfied", the rating. Each reads and writes its draft through the reply
//! courier, which keeps every change on the device at once; sending puts it in the outbox.

use complaint_domain::config::OrgConfig;
use complaint_domain::evidence::FileKind;
use complaint_domain::i18n::{Counted, Msg};
use complaint_domain::replies::{ReplyDraft, ReplyProblem};
use complaint_domain::validation::{char_count, FieldError, Problem};
use leptos::prelude::*;
use web_sys::{File, HtmlInputElement};

use super::reply_courier::{use_reply_courier, ReplyCourier};
use crate::components::error_summary::ErrorSummary;
use crate::components::radio::Radio;
use crate::components::text_area::TextArea;
use crate::i18n::{msg, tr, use_i18n};
use crate::services::evidence::{self, FileRefusal};
use crate::task::spawn_while_mounted;

const TEXT_FIELD: &str = "reply-text";
const FILES_FIELD: &str = "reply-files";
const STARS_FIELD: &str = "reply-stars-1";

/// What every form shares: its draft's text, its errors, and sending after the checks.
#[derive(Clone, Copy)]
struct ReplyForm {
    courier: ReplyCourier,
    id: StoredValue<String>,
    config: StoredValue<OrgConfig>,
    errors: RwSignal<Vec<FieldError>>,
}

impl ReplyForm {
    fn new(id: String, config: OrgConfig) -> Option<ReplyForm> {
        Some(ReplyForm {
            courier: use_reply_courier()?,
            id: StoredValue::new(id),
            config: StoredValue::new(config),
            errors: RwSignal::new(Vec::new()),
        })
    }

    fn read<T>(self, f: impl Fn(&ReplyDraft) -> T) -> Option<T> {
        let id = self.id.get_value();
        self.courier
            .replies
            .with(|replies| replies.iter().find(|r| r.id == id).map(f))
    }

    fn text(self) -> Signal<String> {
        Signal::derive(move || self.read(|d| d.text.clone()).unwrap_or_default())
    }

    fn set_text(self) -> Callback<String> {
        Callback::new(move |text: String| {
            self.courier
                .edit(&self.id.get_value(), move |d| d.text = text)
        })
    }

    fn error_for(self, field: &'static str) -> Signal<Option<FieldError>> {
        Signal::derive(move || {
            self.errors
                .with(|all| all.iter().find(|e| e.field == field).cloned())
        })
    }

    fn max_chars(self) -> usize {
        self.config.with_value(|c| c.limits.description_max_chars)
    }

    /// Checks the draft; sends it when it passes, or says what it lacks (nothing is lost either way).
    fn send(self) {
        let max = self.max_chars();
        let Some(checked) = self.read(|d| (d.check(max), char_count(d.text.trim()))) else {
            return;
        };
        let problem = match checked {
            (Ok(()), _) => None,
            (Err(ReplyProblem::Empty), _) => Some(FieldError::says(TEXT_FIELD, Msg::ReplyEmpty)),
            (Err(ReplyProblem::NoReason), _) => {
                Some(FieldError::says(TEXT_FIELD, Msg::ReplyNoReason))
            }
            (Err(ReplyProblem::NoStars), _) => {
                Some(FieldError::says(STARS_FIELD, Msg::ReplyNoStars))
            }
            (Err(ReplyProblem::TooLong { max }), used) => Some(FieldError {
                field: TEXT_FIELD.into(),
                problem: Problem::Counts(
                    Counted::CharactersTooMany,
                    used.saturating_sub(max) as u64,
                ),
            }),
        };
        match problem {
            Some(problem) => self.errors.set(vec![problem]),
            None => {
                self.errors.set(Vec::new());
                let (endpoint, uploads) = self
                    .config
                    .with_value(|c| (c.submission.endpoint.clone(), c.submission.uploads.clone()));
                self.courier.send(&self.id.get_value(), endpoint, uploads);
            }
        }
    }

    fn cancel(self) {
        self.courier.discard(&self.id.get_value());
    }
}

#[component]
fn SendOrCancel(form: ReplyForm, label: Msg) -> impl IntoView {
    view! {
        <div class="button-row">
            <button type="button" class="button" on:click=move |_| form.send()>{tr(label)}</button>
            <button type="button" class="button button--secondary" on:click=move |_| form.cancel()>{tr(Msg::ReplyCancel)}</button>
        </div>
    }
}

/// "Add information": a text and/or files, taken by the same rules as the complaint's evidence.
#[component]
pub fn InformationForm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let takes_files = config.submission.uploads.is_some();
    let limits = config.limits.attachments.clone();
    let Some(form) = ReplyForm::new(id, config) else {
        return ().into_any();
    };
    let notices = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(None::<String>);
    let size_mb = (limits.max_bytes / (1024 * 1024)).max(1).to_string();
    let accept = limits
        .types
        .iter()
        .map(|k| k.mime())
        .collect::<Vec<_>>()
        .join(",");
    let on_files = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let files: Vec<File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        notices.set(Vec::new());
        let limits = limits.clone();
        let size_mb = size_mb.clone();
        spawn_while_mounted(notices, async move {
            for file in files {
                let name = file.name();
                busy.set(Some(name.clone()));
                let already = form.read(|d| d.attachments.len()).unwrap_or_default();
                match evidence::prepare(&limits, file, already).await {
                    Ok((blob, meta)) => {
                        form.courier
                            .add_file(&form.id.get_value(), meta, blob)
                            .await
                    }
                    Err(refusal) => {
                        let text = match refusal {
                            FileRefusal::NotAccepted => {
                                i18n.format(Msg::FileNotAccepted, &[("name", &name)])
                            }
                            FileRefusal::TooLarge => i18n
                                .format(Msg::FileTooLarge, &[("name", &name), ("size", &size_mb)]),
                            FileRefusal::Unreadable => {
                                i18n.format(Msg::FileUnreadable, &[("name", &name)])
                            }
                            FileRefusal::TooMany => {
                                i18n.count(Counted::FilesAtMost, limits.max_count as u64)
                            }
                        };
                        notices.update(|n| n.push(text));
                    }
                }
            }
            busy.set(None);
        });
    };
    let attachments = move || form.read(|d| d.attachments.clone()).unwrap_or_default();
    let files = takes_files.then(|| {
        view! {
            <div class="file-notices" role="alert">
                {move || notices.get().into_iter().map(|n| view! { <p class="field-error">{n}</p> }).collect_view()}
            </div>
            <div class="file-pickers">
                <label class="button button--secondary file-picker" for=FILES_FIELD>{tr(Msg::AddFiles)}</label>
                <input class="file-picker__input" type="file" id=FILES_FIELD multiple accept=accept on:change=on_files />
            </div>
            <p class="hint" role="status">
                {move || busy.get().map(|name| i18n.format(Msg::PreparingFile, &[("name", &name)]))}
            </p>
            <ul class="attachments">
                <For each=attachments key=|a| a.id.clone() let:attachment>
                    {
                        let file_id = attachment.id.clone();
                        let kb = attachment.bytes.div_ceil(1024);
                        let doc = attachment.kind == FileKind::Pdf;
                        let name = attachment.name.clone();
                        view! {
                            <li class="attachment">
                                <span class="attachment__thumb attachment__thumb--doc" aria-hidden="true">{if doc { "PDF" } else { "IMG" }}</span>
                                <span class="attachment__name">
                                    {attachment.name.clone()} " "
                                    {move || i18n.format(Msg::FileSize, &[("size", &kb.to_string())])}
                                </span>
                                // One phrase for screen readers, as in the filing form ("Remove kettle.png").
                                <button type="button" class="link-button" on:click=move |_| form.courier.remove_file(&form.id.get_value(), &file_id)
                                    aria-label=move || i18n.format(Msg::RemoveNamed, &[("name", &name)])>
                                    {tr(Msg::RemoveFile)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        }
    });
    view! {
        <div class="reply-form">
            <h4 class="status__subtitle">{tr(Msg::AddInformation)}</h4>
            <ErrorSummary errors=form.errors />
            <TextArea
                id=TEXT_FIELD
                label=msg(Msg::InformationLabel)
                hint=Some(msg(Msg::InformationHint))
                value=form.text()
                on_input=form.set_text()
                error=form.error_for(TEXT_FIELD)
                max_chars=form.max_chars()
            />
            {files}
            <SendOrCancel form=form label=Msg::SendInformation />
        </div>
    }
    .into_any()
}

/// "Yes, this resolves my complaint", confirmed before it goes.
#[component]
pub fn ResolvedConfirm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = config.organisation.name.clone();
    let Some(form) = ReplyForm::new(id, config) else {
        return ().into_any();
    };
    view! {
        <div class="reply-form reply-form--confirm">
            <h4 class="status__subtitle">{tr(Msg::ConfirmResolvedTitle)}</h4>
            <p>{move || i18n.format(Msg::ConfirmResolvedBody, &[("organisation", &i18n.pick(&organisation))])}</p>
            <SendOrCancel form=form label=Msg::ConfirmResolved />
        </div>
    }
    .into_any()
}

/// "No, I am not satisfied": the reason, and a confirmation that the complaint will be reopened.
#[component]
pub fn NotSatisfiedForm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = config.organisation.name.clone();
    let Some(form) = ReplyForm::new(id, config) else {
        return ().into_any();
    };
    view! {
        <div class="reply-form reply-form--confirm">
            <h4 class="status__subtitle">{tr(Msg::ConfirmNotSatisfiedTitle)}</h4>
            <ErrorSummary errors=form.errors />
            <TextArea
                id=TEXT_FIELD
                label=msg(Msg::ReasonLabel)
                hint=Some(msg(Msg::ReasonHint))
                value=form.text()
                on_input=form.set_text()
                error=form.error_for(TEXT_FIELD)
                max_chars=form.max_chars()
            />
            <p>{move || i18n.format(Msg::ConfirmNotSatisfiedBody, &[("organisation", &i18n.pick(&organisation))])}</p>
            <SendOrCancel form=form label=Msg::ConfirmNotSatisfied />
        </div>
    }
    .into_any()
}

/// Stars 1 to 5 and an optional comment.
#[component]
pub fn RatingForm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let Some(form) = ReplyForm::new(id, config) else {
        return ().into_any();
    };
    let stars = (1..=5u8)
        .map(|n| {
            let label = Signal::derive(move || {
                i18n.format(Msg::StarsOutOfFive, &[("stars", &n.to_string())])
            });
            view! {
                <Radio
                    name="reply-stars"
                    id=format!("reply-stars-{n}")
                    value=n.to_string()
                    checked=Signal::derive(move || form.read(|d| d.stars == Some(n)).unwrap_or(false))
                    label=label
                    on_select=move |_| form.courier.edit(&form.id.get_value(), move |d| d.stars = Some(n))
                />
            }
        })
        .collect_view();
    let stars_error = form.error_for(STARS_FIELD);
    view! {
        <div class="reply-form">
            <ErrorSummary errors=form.errors />
            <fieldset class="radios" aria-describedby="reply-stars-hint">
                <legend class="question">{tr(Msg::RateTitle)}</legend>
                <p class="hint" id="reply-stars-hint">{tr(Msg::RateHint)}</p>
                {move || stars_error.get().map(|e| view! { <p class="field-error">{i18n.problem(&e.problem)}</p> })}
                {stars}
            </fieldset>
            <TextArea
                id=TEXT_FIELD
                label=msg(Msg::RatingCommentLabel)
                value=form.text()
                on_input=form.set_text()
                error=form.error_for(TEXT_FIELD)
                max_chars=form.max_chars()
            />
            <SendOrCancel form=form label=Msg::SendRating />
        </div>
    }
    .into_any()
}
