//! The reply being written: add information (text and files), the confirmation of "resolves it", the reason
//! and confirmation of "not satisfied", the rating. Each is the same frame (`ReplyFrame`: title, error
//! summary, what it asks, Send and Cancel) and reads and writes its draft through the reply courier, which
//! keeps every change on the device at once; sending puts it in the outbox.

use complaint_domain::config::OrgConfig;
use complaint_domain::evidence::FileKind;
use complaint_domain::i18n::{Counted, Msg};
use complaint_domain::replies::{ReplyDraft, ReplyProblem};
use complaint_domain::validation::{char_count, FieldError, Problem};
use leptos::prelude::*;

use super::reply_courier::{use_reply_courier, ReplyCourier};
use crate::components::error_summary::ErrorSummary;
use crate::components::file_picker::FilePicker;
use crate::components::radio::Radio;
use crate::components::text_area::TextArea;
use crate::i18n::{msg, tr, use_i18n};

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

/// What every reply form looks like: an optional title, the error summary, what the form asks (`asks`,
/// given the form), then Send (labelled `send`) and Cancel. Nothing when the root has no reply courier.
#[component]
fn ReplyFrame<F, V>(
    id: String,
    config: OrgConfig,
    #[prop(optional)] title: Option<Msg>,
    /// A confirmation before the reply goes (styled as one).
    #[prop(optional)]
    confirm: bool,
    send: Msg,
    asks: F,
) -> impl IntoView
where
    F: FnOnce(ReplyForm) -> V + 'static,
    V: IntoView + 'static,
{
    let Some(form) = ReplyForm::new(id, config) else {
        return ().into_any();
    };
    let class = if confirm {
        "reply-form reply-form--confirm"
    } else {
        "reply-form"
    };
    view! {
        <div class=class>
            {title.map(|title| view! { <h4 class="status__subtitle">{tr(title)}</h4> })}
            <ErrorSummary errors=form.errors />
            {asks(form)}
            <div class="button-row">
                <button type="button" class="button" on:click=move |_| form.send()>{tr(send)}</button>
                <button type="button" class="button button--secondary" on:click=move |_| form.cancel()>{tr(Msg::ReplyCancel)}</button>
            </div>
        </div>
    }
    .into_any()
}

/// The reply's text, with its label, hint, count and error.
#[component]
fn ReplyText(form: ReplyForm, label: Msg, #[prop(optional)] hint: Option<Msg>) -> impl IntoView {
    view! {
        <TextArea
            id=TEXT_FIELD
            label=msg(label)
            hint=hint.map(msg)
            value=form.text()
            on_input=form.set_text()
            error=form.error_for(TEXT_FIELD)
            max_chars=form.max_chars()
        />
    }
}

/// "Add information": a text and/or files, taken by the same rules (and picker) as the complaint's evidence.
#[component]
pub fn InformationForm(id: String, config: OrgConfig) -> impl IntoView {
    let takes_files = config.submission.uploads.is_some();
    let limits = config.limits.attachments.clone();
    view! {
        <ReplyFrame id=id config=config title=Msg::AddInformation send=Msg::SendInformation asks=move |form: ReplyForm| view! {
            <ReplyText form=form label=Msg::InformationLabel hint=Msg::InformationHint />
            {takes_files.then(|| view! {
                <FilePicker
                    id=FILES_FIELD
                    limits=limits
                    count=move || form.read(|d| d.attachments.len()).unwrap_or_default()
                    take=move |blob, meta| async move {
                        form.courier.add_file(&form.id.get_value(), meta, blob).await
                    }
                    lives_with=form.errors
                />
                <ReplyFiles form=form />
            })}
        } />
    }
}

/// The files added to the reply so far, each with a Remove button.
#[component]
fn ReplyFiles(form: ReplyForm) -> impl IntoView {
    let i18n = use_i18n();
    let attachments = move || form.read(|d| d.attachments.clone()).unwrap_or_default();
    view! {
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
}

/// "Yes, this resolves my complaint", confirmed before it goes.
#[component]
pub fn ResolvedConfirm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = config.organisation.name.clone();
    view! {
        <ReplyFrame id=id config=config title=Msg::ConfirmResolvedTitle confirm=true send=Msg::ConfirmResolved asks=move |_| view! {
            <p>{move || i18n.format(Msg::ConfirmResolvedBody, &[("organisation", &i18n.pick(&organisation))])}</p>
        } />
    }
}

/// "No, I am not satisfied": the reason, and a confirmation that the complaint will be reopened.
#[component]
pub fn NotSatisfiedForm(id: String, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = config.organisation.name.clone();
    view! {
        <ReplyFrame id=id config=config title=Msg::ConfirmNotSatisfiedTitle confirm=true send=Msg::ConfirmNotSatisfied asks=move |form: ReplyForm| view! {
            <ReplyText form=form label=Msg::ReasonLabel hint=Msg::ReasonHint />
            <p>{move || i18n.format(Msg::ConfirmNotSatisfiedBody, &[("organisation", &i18n.pick(&organisation))])}</p>
        } />
    }
}

/// Stars 1 to 5 and an optional comment.
#[component]
pub fn RatingForm(id: String, config: OrgConfig) -> impl IntoView {
    view! {
        <ReplyFrame id=id config=config send=Msg::SendRating asks=move |form: ReplyForm| view! {
            <Stars form=form />
            <ReplyText form=form label=Msg::RatingCommentLabel />
        } />
    }
}

/// "How did we handle your complaint?": one radio a star.
#[component]
fn Stars(form: ReplyForm) -> impl IntoView {
    let i18n = use_i18n();
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
        <fieldset class="radios" aria-describedby="reply-stars-hint">
            <legend class="question">{tr(Msg::RateTitle)}</legend>
            <p class="hint" id="reply-stars-hint">{tr(Msg::RateHint)}</p>
            {move || stars_error.get().map(|e| view! { <p class="field-error">{i18n.problem(&e.problem)}</p> })}
            {stars}
        </fieldset>
    }
}
