use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Msg;
use complaint_domain::instant::Instant;
use complaint_domain::status::ReplyKind;
use complaint_domain::status::Stage;
use complaint_domain::tracking::{Timeline, TimelineStep};
use leptos::prelude::*;

use super::org_words::OrgWords;
use super::overdue_help::OverdueHelp;
use super::reply_panel::{awaiting_new_decision, EscalationRoute, ReopenPassed, ReplyPanel};
use super::stage_timeline::StageTimeline;
use super::your_data::{DataRequestLines, YourData};
use super::{format_instant, Shown};
use crate::i18n::{tr, use_i18n};
use crate::services::clock::{self, OrgZone};
use crate::services::device;

/// One complaint's status: where it stands, what happens next, the decision, and the timeline.
#[component]
pub fn ComplaintStatus(shown: Shown, config: OrgConfig) -> impl IntoView {
    let i18n = use_i18n();
    let zone = OrgZone::new(&config.organisation.time_zone);
    let record = shown.record;
    let category = config.category(&record.category).cloned();
    // Where to escalate is the category's (gaming: the operator's ADR provider), else the organisation's.
    let organisation = config.organisation_for(&record.category);
    let timeline = Timeline::build(
        &record,
        category.as_ref(),
        &zone,
        &config.organisation.holiday_set(),
        Instant::from_epoch_ms(device::now_ms()),
    );
    let overdue = timeline.overdue().is_some();
    // After "not satisfied": the new decision's date (the service levels count again from the reopening).
    let escalation = awaiting_new_decision(&record).then(|| {
        let due = timeline.steps.iter().find_map(|step| match step {
            TimelineStep::Upcoming {
                stage: Stage::Responded,
                expected: Some(expected),
            } => Some(expected.due),
            _ => None,
        });
        view! { <EscalationRoute organisation=organisation.clone() due=due /> }
    });
    // Closed, and too long ago to reopen here: where to turn instead.
    let reopen_passed = record
        .reopen_passed(Instant::from_epoch_ms(device::now_ms()))
        .map(|until| view! { <ReopenPassed organisation=organisation.clone() until=until /> });
    let your_data = view! { <YourData record=record.clone() verifier=shown.verifier.clone() proof=shown.proof.clone() config=config.clone() /> };
    let data_requests = view! { <DataRequestLines record=record.clone() config=config.clone() /> };
    let reply_panel = view! { <ReplyPanel record=record.clone() verifier=shown.verifier.clone() proof=shown.proof.clone() config=config.clone() /> };
    let heading = NodeRef::<leptos::html::H2>::new();
    // A new result moves focus to its heading, so screen reader and keyboard users land on it: after the
    // frame that draws it, since focusing forces the page's style and layout at once (and scrolls to it),
    // which held that frame back (40–100 ms at CPU ×4 in the benchmark's profile).
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        let _ = heading.focus();
                    },
                    std::time::Duration::ZERO,
                );
            });
        }
    });

    let reference = record.reference.clone();
    let title = move || i18n.format(Msg::StatusTitle, &[("reference", &reference)]);
    let category_id = record.category.clone();
    let category_label = move || match &category {
        Some(category) => i18n.pick(&category.label),
        None => category_id.clone(),
    };
    let current = record.current().map(|e| e.stage);
    let now_line = move || {
        current
            .map(|stage| i18n.format(Msg::StatusNow, &[("stage", i18n.t(stage.label()))]))
            .unwrap_or_default()
    };
    let updated = {
        let at = record.updated_at;
        move || i18n.format(Msg::LastUpdated, &[("time", &format_instant(i18n, at))])
    };
    let saved_copy = shown.saved_copy_because.is_some().then(|| {
        let fetched = Instant::from_epoch_ms(shown.fetched_at_ms);
        view! {
            <p class="notice notice--warning" role="status">
                {tr(Msg::StatusUnreachable)} " "
                {move || i18n.format(Msg::ShowingSavedStatus, &[("time", &format_instant(i18n, fetched))])}
            </p>
        }
    });
    // What we will do next, as a sentence ("We will send you our decision by 4 December"): the
    // organisation's own words if it wrote some, else the next dated step's.
    let planned = timeline.next_expected().and_then(|(stage, expected)| {
        let msg = match stage {
            Stage::Acknowledged => Msg::AcknowledgeBy,
            Stage::Responded => Msg::DecideBy,
            _ => return None,
        };
        let zone = zone.clone();
        let due = expected.due;
        Some(move || {
            i18n.format(
                msg,
                &[("date", &clock::format_due(due, i18n.locale(), &zone))],
            )
        })
    });
    let next_text = match record.next_step.clone() {
        Some(text) => Some(view! { <p><OrgWords text=text /></p> }.into_any()),
        None => planned.map(|sentence| view! { <p>{sentence}</p> }.into_any()),
    };
    let next_step = next_text.map(|text| {
        view! {
            <section class="status__part" aria-labelledby="next-step-title">
                <h3 class="status__subtitle" id="next-step-title">{tr(Msg::NextStepTitle)}</h3>
                {text}
            </section>
        }
    });
    let outcome = record.outcome.clone().map(|outcome| {
        let decision = outcome.decision.label();
        view! {
            <section class="status__part" aria-labelledby="decision-title">
                <h3 class="status__subtitle" id="decision-title">{tr(Msg::DecisionTitle)}</h3>
                <p><strong>{tr(decision)}</strong></p>
                {outcome.summary.map(|summary| view! { <p><OrgWords text=summary /></p> })}
            </section>
        }
    });
    let replies = (!record.replies.is_empty()).then(|| {
        let lines: Vec<_> = record
            .replies
            .iter()
            .map(|reply| {
                let time = format_instant(i18n, reply.at);
                let stars = reply.stars.unwrap_or_default().to_string();
                let (msg, args): (Msg, Vec<(&str, String)>) = match reply.kind {
                    ReplyKind::Information => (Msg::ReplyInformation, vec![("time", time)]),
                    ReplyKind::Resolved => (Msg::ReplyResolved, vec![("time", time)]),
                    ReplyKind::NotSatisfied => (Msg::ReplyNotSatisfied, vec![("time", time)]),
                    ReplyKind::Rating => (Msg::ReplyRating, vec![("time", time), ("stars", stars)]),
                };
                move || {
                    let args: Vec<(&str, &str)> =
                        args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    view! { <li>{i18n.format(msg, &args)}</li> }
                }
            })
            .collect();
        view! {
            <section class="status__part" aria-labelledby="replies-title">
                <h3 class="status__subtitle" id="replies-title">{tr(Msg::RepliesTitle)}</h3>
                <ul class="status__replies">{lines}</ul>
            </section>
        }
    });
    // What the organisation wrote between stages (a reply, a question), oldest first.
    let messages = (!record.messages.is_empty()).then(|| {
        let lines: Vec<_> = record
            .messages
            .iter()
            .map(|message| {
                let time = format_instant(i18n, message.at);
                view! { <li>{time} ": " <OrgWords text=message.text.clone() /></li> }
            })
            .collect();
        view! {
            <section class="status__part" aria-labelledby="messages-title">
                <h3 class="status__subtitle" id="messages-title">{tr(Msg::MessagesTitle)}</h3>
                <ul class="status__replies">{lines}</ul>
            </section>
        }
    });
    // A duplicate merged into another complaint: where the customer follows it now.
    let merged = record.merged_into.clone().map(|into| {
        view! {
            <p class="notice" role="status">
                {move || i18n.format(Msg::MergedInto, &[("reference", &into)])}
            </p>
        }
    });

    view! {
        <section class="status" aria-labelledby="status-title">
            <h2 class="status__title" id="status-title" tabindex="-1" node_ref=heading>{title}</h2>
            {saved_copy}
            <p class="status__category">{category_label}</p>
            <p class="status__now">{now_line}</p>
            <p class="status__updated">{updated}</p>
            {merged}
            {overdue.then(|| view! { <OverdueHelp organisation=organisation /> })}
            {next_step}
            {outcome}
            {escalation}
            {reopen_passed}
            {messages}
            {replies}
            {data_requests}
            {reply_panel}
            <StageTimeline timeline=timeline zone=zone organisation_name=config.organisation.name.clone() />
            {your_data}
        </section>
    }
}
