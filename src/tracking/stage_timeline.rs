use complaint_domain::i18n::Msg;
use complaint_domain::localized::LocalizedText;
use complaint_domain::service_levels::Timeliness;
use complaint_domain::tracking::{Expected, Rule, Timeline, TimelineStep};
use leptos::prelude::*;

use super::format_instant;
use super::org_words::OrgWords;
use crate::i18n::{tr, use_i18n};
use crate::services::clock::{self, OrgZone};

/// The stages as a vertical list: done (with when), the current one, and those ahead with their dates.
#[component]
pub fn StageTimeline(
    timeline: Timeline,
    zone: OrgZone,
    organisation_name: LocalizedText,
) -> impl IntoView {
    let i18n = use_i18n();
    let steps = timeline
        .steps
        .into_iter()
        .map(|step| match step {
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
                        <span class="visually-hidden">{tr(state)} " "</span>
                        <span class="timeline__stage">{tr(stage.label())}</span>
                        <span class="timeline__when">{move || format_instant(i18n, at)}</span>
                        {message.map(|text| view! { <p class="timeline__message"><OrgWords text=text /></p> })}
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
                let organisation_name = organisation_name.clone();
                view! {
                    <li class=class>
                        <span class="visually-hidden">{tr(Msg::StepUpcoming)} " "</span>
                        <span class="timeline__stage">{tr(stage.label())}</span>
                        {expected.map(|expected| view! { <ExpectedDate expected=expected organisation_name=organisation_name zone=zone.clone() /> })}
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <section class="status__part" aria-labelledby="progress-title">
            <h3 class="status__subtitle" id="progress-title">{tr(Msg::ProgressTitle)}</h3>
            <ol class="timeline">{steps}</ol>
        </section>
    }
}

/// "Expected by Fri 4 Dec 2026 (10 business days for delivery problems)", and whether it is due or past.
#[component]
fn ExpectedDate(
    expected: Expected,
    organisation_name: LocalizedText,
    zone: OrgZone,
) -> impl IntoView {
    let i18n = use_i18n();
    let Expected {
        due,
        rule,
        timeliness,
    } = expected;
    let date = move || clock::format_due(due, i18n.locale(), &zone);
    let rule = match rule {
        Rule::Promise(text) => view! { <span>{move || i18n.pick(&text)}</span> }.into_any(),
        Rule::Set(Some(reason)) => view! { <OrgWords text=reason /> }.into_any(),
        Rule::Set(None) => view! {
            <span>
                {move || i18n.format(Msg::DateSetByUs, &[("organisation", &i18n.pick(&organisation_name))])}
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
            {move || i18n.format(Msg::ExpectedBy, &[("date", &date())])}
            <span class="timeline__rule">" (" {rule} ")"</span>
        </p>
        {flag.map(|flag| view! { <p class="timeline__flag">{tr(flag)}</p> })}
    }
}
