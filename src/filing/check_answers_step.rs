use crate::task::spawn_while_mounted;
use complaint_domain::draft::Channel;
use complaint_domain::i18n::Msg;
use complaint_domain::residence::{country_name, Residence};
use complaint_domain::steps::Step;
use complaint_domain::submission::Submission;
use leptos::prelude::*;

use super::courier::use_courier;
use super::flow::{use_flow, Flow};
use super::step_form::{BackLink, StepHeading, StepSubheading};
use crate::i18n::{msg, tr, use_i18n};
use crate::services::submit::{SendError, Upload};
use crate::services::{clock, device};

/// The last step: every answer with a Change link, then Send.
#[component]
pub fn CheckAnswersStep() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let courier = use_courier();
    let session = flow.session;
    let sending = RwSignal::new(false);
    let active = super::active_time::use_active();
    let send = move |_| {
        // A second tap while the first is on its way does nothing; the Idempotency-Key covers retries.
        if sending.get_untracked() {
            return;
        }
        // The stretch up to this tap counts: the spam signal is the time the form was in front of them.
        if let Some(active) = active {
            active.flush();
        }
        let built = flow.config.with_value(|config| {
            flow.draft.with_untracked(|d| {
                Submission::from_draft(d, config, i18n.locale(), clock::today(), device::now_ms())
                    .map(|body| {
                        let to = (
                            config.submission.endpoint.clone(),
                            config.submission.uploads.clone(),
                        );
                        (body, to)
                    })
            })
        });
        let (body, (endpoint, uploads_base)) = match built {
            Ok(ready) => ready,
            Err(incomplete) => return flow.show_incomplete(incomplete.step, incomplete.errors),
        };
        let uploads = uploads(flow, &body);
        sending.set(true);
        // Tied to the session, not this step: the confirmation replaces the step when the send succeeds.
        spawn_while_mounted(session.draft, async move {
            // The flow starts the root's courier before any step (`FilingFlow`): there is no other way to send.
            if let Some(courier) = courier {
                courier.send(endpoint, uploads_base, body, uploads).await;
            }
            sending.set(false);
        });
    };
    let try_now = move |_| {
        if let Some(courier) = courier {
            courier.flush(true);
        }
    };
    let queued = move || session.queued.get();
    // While bytes are moving, the customer sees them move; "waiting" is only for when nothing is sent.
    let moving = move || session.progress.with(|p| p.is_some_and(|p| p.total > 0.0));
    view! {
        <Show when=move || !queued()>
            <BackLink />
        </Show>
        <section class="step">
            <StepHeading />
            <AnswerList />
            {move || session.problem.get().map(|e| view! { <SendFailure error=e /> })}
            <Show
                when=queued
                fallback=move || {
                    view! {
                        <StepSubheading class="send__title">{tr(Msg::SendTitle)}</StepSubheading>
                        <p>{tr(Msg::SendBody)}</p>
                        <button
                            type="button"
                            class="button"
                            on:click=send
                            disabled=move || sending.get()
                            aria-disabled=move || sending.get().then_some("true")
                        >
                            {move || i18n.t(if sending.get() { Msg::Sending } else { Msg::Send })}
                        </button>
                        <SendProgress />
                    }
                }
            >
                <Show when=moving fallback=|| view! {
                    <div class="notice notice--warning" role="status">
                        <StepSubheading class="send__title">{tr(Msg::QueuedTitle)}</StepSubheading>
                        <p>{tr(Msg::QueuedBody)}</p>
                    </div>
                }>
                    <SendProgress />
                </Show>
                <button type="button" class="button" on:click=try_now>{tr(Msg::TryNow)}</button>
            </Show>
        </section>
    }
}

fn uploads(flow: Flow, body: &Submission) -> Vec<Upload> {
    flow.files.with_value(|files| {
        body.attachments
            .iter()
            .filter_map(|a| {
                let blob = files.iter().find(|(id, _)| *id == a.id)?.1.clone();
                Some(Upload {
                    name: a.name.clone(),
                    blob,
                })
            })
            .collect()
    })
}

#[component]
fn SendFailure(error: SendError) -> impl IntoView {
    // Worded by the catalogue from the refusal's code: never a status code, a browser error or the server's
    // English. Only the checks' own sentences (`invalid`, already in the customer's language) go with it.
    let (title, reason, detail, body) = match error {
        SendError::Refused(refused) => {
            let words = refused.words();
            let detail = refused.message.filter(|_| words.with_server_sentences);
            let body = words.with_server_sentences.then_some(Msg::SendRejectedBody);
            (Msg::SendRejectedTitle, Some(words.msg), detail, body)
        }
        SendError::Unavailable { .. } => {
            (Msg::SendFailedTitle, None, None, Some(Msg::SendFailedBody))
        }
    };
    view! {
        <div class="error-summary" role="alert">
            <StepSubheading class="error-summary__title">{tr(title)}</StepSubheading>
            {reason.map(|m| view! { <p>{tr(m)}</p> })}
            {detail.map(|d| view! { <p class="send__server-message">{d}</p> })}
            {body.map(|m| view! { <p>{tr(m)}</p> })}
        </div>
    }
}

/// "Sending 2.1 of 6.3 MB", a real progress bar, and a polite word to screen readers at each quarter (not at
/// every byte) or when the connection turns slow.
#[component]
fn SendProgress() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_flow().session;
    let progress = move || session.progress.get();
    let megabytes = move |bytes: f64| megabytes(bytes, i18n.locale());
    let label = move || {
        progress().map(|p| {
            i18n.format(
                Msg::SendingProgress,
                &[("sent", &megabytes(p.sent)), ("total", &megabytes(p.total))],
            )
        })
    };
    let quarter = Memo::new(move |_| {
        progress().map(|p| {
            let share = if p.total > 0.0 { p.sent / p.total } else { 1.0 };
            ((share * 4.0).floor() as u8, p.slow)
        })
    });
    // Re-read only when the quarter or slowness changes, so a screen reader hears four updates, not four
    // hundred.
    let announced = Memo::new(move |_| {
        let (_, slow) = quarter.get()?;
        Some(if slow {
            i18n.t(Msg::SendingSlow).to_owned()
        } else {
            untrack(label).unwrap_or_default()
        })
    });
    view! {
        <Show when=move || progress().is_some_and(|p| p.total > 0.0)>
            <div class="send-progress">
                <p class="send-progress__label" id="send-progress-label">
                    {label}
                </p>
                <progress
                    class="send-progress__bar"
                    aria-labelledby="send-progress-label"
                    max=move || progress().map_or(1, |p| p.total as u64)
                    value=move || progress().map_or(0, |p| p.sent as u64)
                ></progress>
                <Show when=move || progress().is_some_and(|p| p.slow)>
                    <p class="notice notice--warning">{tr(Msg::SendingSlow)}</p>
                </Show>
                <p class="visually-hidden" role="status" aria-live="polite">
                    {move || announced.get()}
                </p>
            </div>
        </Show>
    }
}

/// Bytes as megabytes with one decimal, "2.1" ("2,1" in Polish), in whole numbers: a float's `{:.1}` (or
/// an `f64` attribute) links the float formatter into the module (issue #12).
fn megabytes(bytes: f64, locale: complaint_domain::i18n::Locale) -> String {
    const MB: u64 = 1_048_576;
    let tenths = ((bytes.max(0.0) as u64).saturating_mul(10) + MB / 2) / MB;
    let point = match locale {
        complaint_domain::i18n::Locale::Pl => ',',
        _ => '.',
    };
    format!("{}{point}{}", tenths / 10, tenths % 10)
}

/// One row: what was asked, the answer, and Change, whose accessible name is one phrase in the customer's
/// language ("Change type of complaint", "불만 유형 변경") and starts or ends with the visible word.
fn row(
    flow: Flow,
    key: Signal<String>,
    value: Signal<String>,
    change: Signal<String>,
    step: Step,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="summary__row">
            <dt class="summary__key">{key}</dt>
            <dd class="summary__value">{value}</dd>
            // A complaint waiting in the outbox is sent as it was queued, so it can no longer be changed.
            <Show when=move || !flow.session.queued.get()>
                <dd class="summary__action">
                    <button
                        type="button"
                        class="link-button"
                        aria-label=change
                        on:click=move |_| flow.change(step)
                    >
                        {move || i18n.t(Msg::Change)}
                    </button>
                </dd>
            </Show>
        </div>
    }
}

#[component]
fn AnswerList() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let category = flow.category();
    let answer = move |read: fn(&complaint_domain::draft::Draft) -> String| {
        Signal::derive(move || {
            let text = flow.draft.with(read);
            if text.trim().is_empty() {
                i18n.t(Msg::NotGiven).to_owned()
            } else {
                text
            }
        })
    };
    let category_label = {
        let category = category.clone();
        Signal::derive(move || {
            category
                .as_ref()
                .map(|c| i18n.pick(&c.label))
                .unwrap_or_default()
        })
    };
    let questions = category
        .map(|c| c.questions)
        .unwrap_or_default()
        .into_iter()
        .map(move |q| {
            let id = q.id.clone();
            let label = q.label.clone();
            let is_date = q.input == complaint_domain::config::QuestionInput::Date;
            let value = Signal::derive(move || {
                let text = flow
                    .draft
                    .with(|d| d.details.get(&id).cloned().unwrap_or_default());
                if text.trim().is_empty() {
                    i18n.t(Msg::NotGiven).to_owned()
                } else if is_date {
                    // A date answer reads as a date in the customer's language, never as ISO.
                    complaint_domain::calendar::Date::parse_iso(text.trim())
                        .map(|d| clock::format_date(d, i18n.locale()))
                        .unwrap_or(text)
                } else {
                    text
                }
            });
            let question = label.clone();
            let change = Signal::derive(move || {
                i18n.format(Msg::ChangeQuestion, &[("question", &i18n.pick(&question))])
            });
            row(
                flow,
                Signal::derive(move || i18n.pick(&label)),
                value,
                change,
                Step::WhatHappened,
            )
        });
    let questions = questions.collect_view();
    let happened_on = Signal::derive(move || {
        let raw = flow.draft.with(|d| d.happened_on.clone());
        complaint_domain::calendar::Date::parse_iso(&raw)
            .map(|d| clock::format_date(d, i18n.locale()))
            .unwrap_or(raw)
    });
    let outcome = Signal::derive(move || {
        flow.draft.with(|d| match d.outcome {
            Some(complaint_domain::draft::Outcome::Other) => d.outcome_other.clone(),
            Some(o) => i18n.t(o.label()).to_owned(),
            None => i18n.t(Msg::NotGiven).to_owned(),
        })
    });
    let files = Signal::derive(move || {
        flow.draft.with(|d| {
            if d.attachments.is_empty() {
                i18n.t(Msg::NotGiven).to_owned()
            } else {
                d.attachments
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
    });
    // Asked only where the category's deadlines depend on it, and shown only then.
    let residence = Step::Residence
        .asked_for(flow.category().as_ref())
        .then(|| {
            let value = Signal::derive(move || {
                flow.draft.with(|d| match &d.residence {
                    Some(Residence::In(code)) => country_name(code, i18n.locale()).to_owned(),
                    Some(Residence::Elsewhere) => i18n.t(Msg::ResidenceElsewhere).to_owned(),
                    None => i18n.t(Msg::NotGiven).to_owned(),
                })
            });
            row(
                flow,
                msg(Msg::RowResidence),
                value,
                msg(Msg::ChangeResidence),
                Step::Residence,
            )
        });
    let preferred = Signal::derive(move || {
        flow.draft
            .with(|d| match d.contact.preferred {
                Some(Channel::Email) => i18n.t(Msg::ChannelEmail),
                Some(Channel::Phone) => i18n.t(Msg::ChannelPhone),
                None => i18n.t(Msg::NotGiven),
            })
            .to_owned()
    });
    view! {
        <dl class="summary">
            {row(flow, msg(Msg::RowCategory), category_label, msg(Msg::ChangeCategory), Step::Category)}
            {row(flow, msg(Msg::RowDescription), answer(|d| d.description.clone()), msg(Msg::ChangeDescription), Step::WhatHappened)}
            {row(flow, msg(Msg::RowHappenedOn), happened_on, msg(Msg::ChangeHappenedOn), Step::WhatHappened)}
            {questions}
            {row(flow, msg(Msg::RowOutcome), outcome, msg(Msg::ChangeOutcome), Step::Outcome)}
            {row(flow, msg(Msg::RowEvidence), files, msg(Msg::ChangeEvidence), Step::Evidence)}
            {row(flow, msg(Msg::RowName), answer(|d| d.contact.name.clone()), msg(Msg::ChangeName), Step::Contact)}
            {row(flow, msg(Msg::RowEmail), answer(|d| d.contact.email.clone()), msg(Msg::ChangeEmail), Step::Contact)}
            {row(flow, msg(Msg::RowPhone), answer(|d| d.contact.phone.clone()), msg(Msg::ChangePhone), Step::Contact)}
            {row(flow, msg(Msg::RowPreferred), preferred, msg(Msg::ChangePreferred), Step::Contact)}
            {residence}
        </dl>
    }
}
