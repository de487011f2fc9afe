//! What the complaint holds, read only: the customer's answers, description, contact and the privacy
//! notice they were shown (handling a complaint needs no consent: docs/privacy.md), files,
//! replies, the public timeline, the internal notes and the audit trail. The customer's words are text,
//! never markup (Leptos writes them as text nodes), in their own direction (`dir="auto"`).

use leptos::prelude::*;

use crate::api::{pairs, value_text, Complaint, Entry};
use crate::clock;
use crate::desk::Desk;
use crate::i18n::{self, T};

#[component]
pub fn Sections(complaint: Complaint) -> impl IntoView {
    let desk = Desk::get();
    let next = complaint.next();
    let urgency = clock::urgency(next.as_ref());
    let Complaint {
        reference,
        category,
        stage,
        locale,
        received_at,
        assignee,
        answers,
        privacy_notice,
        ..
    } = complaint.clone();
    let assignee = assignee.map(|w| w.name());
    let notice = move || match &privacy_notice {
        Some(n) => {
            let version = desk.fill(T::NoticeVersion, &[("version", &n.version)]);
            match &n.date {
                Some(date) => format!("{version} ({date})"),
                None => version,
            }
        }
        None => desk.t(T::NoticeNotRecorded).to_owned(),
    };
    view! {
        <dl class="facts">
            <dt>{move || desk.t(T::FilterCategory)}</dt><dd>{move || desk.category(&category)}</dd>
            <dt>{move || desk.t(T::ColStage)}</dt><dd>{move || i18n::stage(desk.locale(), &stage)}</dd>
            <dt>{move || desk.t(T::ColDeadline)}</dt>
            <dd class=urgency>{move || clock::clock(desk.locale(), next.as_ref())}</dd>
            <dt>{move || desk.t(T::Assignee)}</dt>
            <dd>{move || assignee.clone().unwrap_or_else(|| desk.t(T::Nobody).to_owned())}</dd>
            <dt>{move || desk.t(T::CustomerLanguage)}</dt><dd>{locale}</dd>
            <dt>{move || desk.t(T::Filed)}</dt><dd>{received_at}</dd>
            <dt>{move || desk.t(T::SecPrivacyNotice)}</dt><dd>{notice}</dd>
        </dl>
        <h2>{move || desk.t(T::SecDescription)}</h2>
        <p class="text" dir="auto">{complaint.description.clone()}</p>
        {move || {
            let tag = desk.locale().tag();
            let list = answers.iter().map(|a| (a.label_in(tag), a.answer.clone())).collect();
            view! { <Pairs title=T::SecAnswers list=list /> }
        }}
        <Pairs title=T::SecContact list=pairs(&complaint.contact) />
        <h2>{move || desk.t(T::SecFiles)}</h2>
        <super::files::Files reference=reference files=complaint.files.clone() />
        <Entries title=T::SecReplies entries=complaint.replies.clone() />
        <Entries title=T::SecTimeline entries=complaint.timeline.clone() />
        <Entries title=T::SecNotes entries=complaint.notes.clone() />
        <Entries title=T::SecAudit entries=complaint.audit.clone() />
    }
}

#[component]
fn Pairs(title: T, list: Vec<(String, String)>) -> impl IntoView {
    let desk = Desk::get();
    let empty = list.is_empty();
    view! {
        <h2>{move || desk.t(title)}</h2>
        {empty.then(|| view! { <p class="meta">{move || desk.t(T::Nothing)}</p> })}
        <dl>
            {list.into_iter().map(|(label, text)| view! {
                <dt dir="auto">{label}</dt><dd dir="auto">{text}</dd>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn Entries(title: T, entries: Vec<Entry>) -> impl IntoView {
    let desk = Desk::get();
    let empty = entries.is_empty();
    view! {
        <h2>{move || desk.t(title)}</h2>
        {empty.then(|| view! { <p class="meta">{move || desk.t(T::Nothing)}</p> })}
        <ol class="entries">
            {entries.into_iter().map(|entry| {
                let who = entry.by().unwrap_or_default();
                // A step still to come has no time yet: its due date stands in.
                let at = if entry.at.is_empty() { entry.due.clone().unwrap_or_default() } else { entry.at.clone() };
                let what = entry.kind.clone();
                let what = move || {
                    if complaint_domain::status::Stage::parse(&what).is_some() {
                        i18n::stage(desk.locale(), &what)
                    } else {
                        what.clone()
                    }
                };
                let me = desk.me().map(|m| m.id);
                let for_me = me.is_some_and(|me| entry.mentions.contains(&me));
                let shown = desk.local_time(&at);
                view! {
                    <li>
                        <p class="meta"><time datetime=at>{shown}</time>" · "{who}" · "{what}
                            {for_me.then(|| view! { " · "<strong class="mention">{move || desk.t(T::MentionsYou)}</strong> })}
                        </p>
                        <p class="text" dir="auto">{value_text(&entry.text)}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
