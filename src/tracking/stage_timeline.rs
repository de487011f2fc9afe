use complaint_domain::i18n::{self, Counted, Locale, Msg};
use complaint_domain::localized::LocalizedText;
use complaint_domain::service_levels::Timeliness;
use complaint_domain::tracking::{Expected, Rule, Timeline, TimelineStep};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::org_words::org_words_in;
use crate::i18n::{tr, use_i18n};
use crate::services::clock::{self, OrgZone};

/// How many of the steps done a long timeline shows at first: the newest, the current one among them.
pub const NEWEST_STEPS: usize = 5;
/// A timeline with more steps done than this folds the earlier ones behind "Show the N earlier steps"
/// (so a button never hides only one or two).
const FOLD_PAST: usize = NEWEST_STEPS + 3;

/// The stages as a vertical list: done (with when), the current one, and those ahead with their dates.
/// Past [`FOLD_PAST`] steps done (twelve rounds of answers and reopening), the earlier ones wait behind
/// "Show the N earlier steps", as a helpdesk folds a long conversation: the newest steps and those ahead
/// are what the customer came for, and fifty steps are hundreds of elements to build and lay out on a
/// slow phone. The tap shows them all and moves the focus to the first one it brought.
/// Each step is drawn in one language, and drawn again when the language changes (the key holds it): one
/// reactive list rather than a few reactive texts in each of what may be fifty steps.
#[component]
pub fn StageTimeline(
    timeline: Timeline,
    zone: OrgZone,
    organisation_name: LocalizedText,
) -> impl IntoView {
    let i18n = use_i18n();
    let done = timeline
        .steps
        .iter()
        .filter(|step| matches!(step, TimelineStep::Done { .. }))
        .count();
    let folded = if done > FOLD_PAST {
        done - NEWEST_STEPS
    } else {
        0
    };
    let all_shown = RwSignal::new(false);
    let list = NodeRef::<leptos::html::Ol>::new();
    let steps = StoredValue::new(timeline.steps);
    let zone = StoredValue::new(zone);
    let organisation_name = StoredValue::new(organisation_name);
    let rows = move || {
        let locale = i18n.locale();
        let skip = if all_shown.get() { 0 } else { folded };
        steps.with_value(|steps| {
            steps
                .iter()
                .cloned()
                .enumerate()
                .skip(skip)
                .map(|(i, step)| (locale, i, step))
                .collect::<Vec<_>>()
        })
    };
    let show_earlier = move |_| {
        all_shown.set(true);
        focus_first_step(list);
    };
    let earlier = move || {
        (folded > 0 && !all_shown.get()).then(|| {
            view! {
                <p class="show-all">
                    <button type="button" class="link-button" on:click=show_earlier>
                        {i18n.count(Counted::TimelineShowEarlier, folded as u64)}
                    </button>
                </p>
            }
        })
    };
    view! {
        <section class="status__part" aria-labelledby="progress-title">
            <h3 class="status__subtitle" id="progress-title">{tr(Msg::ProgressTitle)}</h3>
            {earlier}
            <ol class="timeline" node_ref=list>
                <For
                    each=rows
                    key=|(locale, i, _)| (*locale, *i)
                    children=move |(locale, _, step)| {
                        zone.with_value(|zone| {
                            organisation_name.with_value(|name| step_in(step, locale, zone, name))
                        })
                    }
                />
            </ol>
        </section>
    }
}

/// Once drawn, focuses the timeline's first step (read out by a screen reader as it lands there).
fn focus_first_step(list: NodeRef<leptos::html::Ol>) {
    request_animation_frame(move || {
        let step = list
            .get_untracked()
            .and_then(|ol| ol.first_element_child())
            .and_then(|li| li.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(step) = step {
            // Focusable from a script only, so Tab never stops on a list item.
            let _ = step.set_attribute("tabindex", "-1");
            let _ = step.focus();
        }
    });
}

/// One step, in `locale`.
fn step_in(
    step: TimelineStep,
    locale: Locale,
    zone: &OrgZone,
    organisation_name: &LocalizedText,
) -> AnyView {
    match step {
        TimelineStep::Done {
            stage,
            at,
            message,
            current,
        } => {
            let (class, state) = if current {
                ("timeline__step timeline__step--current", Msg::StepCurrent)
            } else {
                ("timeline__step timeline__step--done", Msg::StepDone)
            };
            view! {
                <li class=class aria-current=current.then_some("step")>
                    <span class="visually-hidden">{state.text(locale)} " "</span>
                    <span class="timeline__stage">{stage.label().text(locale)}</span>
                    <span class="timeline__when">{clock::format_instant(at, locale)}</span>
                    {message.map(|text| view! { <p class="timeline__message">{org_words_in(&text, locale)}</p> })}
                </li>
            }
            .into_any()
        }
        TimelineStep::Upcoming { stage, expected } => {
            let overdue = expected
                .as_ref()
                .is_some_and(|e| e.timeliness == Timeliness::Overdue);
            let class = if overdue {
                "timeline__step timeline__step--upcoming timeline__step--overdue"
            } else {
                "timeline__step timeline__step--upcoming"
            };
            view! {
                <li class=class>
                    <span class="visually-hidden">{Msg::StepUpcoming.text(locale)} " "</span>
                    <span class="timeline__stage">{stage.label().text(locale)}</span>
                    {expected.map(|expected| expected_date_in(expected, locale, zone, organisation_name))}
                </li>
            }
            .into_any()
        }
    }
}

/// "Expected by Fri 4 Dec 2026 (We decide within 10 working days)", and whether it is due or past.
fn expected_date_in(
    expected: Expected,
    locale: Locale,
    zone: &OrgZone,
    organisation_name: &LocalizedText,
) -> impl IntoView {
    let Expected {
        due,
        rule,
        timeliness,
    } = expected;
    let date = clock::format_due(due, locale, zone);
    let rule = match rule {
        Rule::Promise(text) => view! { <span>{text.get(locale).to_owned()}</span> }.into_any(),
        Rule::Set(Some(reason)) => org_words_in(&reason, locale).into_any(),
        Rule::Set(None) => view! {
            <span>
                {i18n::format(locale, Msg::DateSetByUs, &[("organisation", organisation_name.get(locale))])}
            </span>
        }
        .into_any(),
    };
    let flag = match timeliness {
        Timeliness::Ahead => None,
        Timeliness::DueToday => Some(Msg::DueToday),
        Timeliness::Overdue => Some(Msg::DatePassed),
    };
    view! {
        <p class="timeline__expected">
            {i18n::format(locale, Msg::ExpectedBy, &[("date", &date)])}
            <span class="timeline__rule">" (" {rule} ")"</span>
        </p>
        {flag.map(|flag| view! { <p class="timeline__flag">{flag.text(locale)}</p> })}
    }
}
