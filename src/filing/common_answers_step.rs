use complaint_domain::i18n::Msg;
use complaint_domain::knowledge::Article;
use leptos::prelude::*;

use super::flow::use_flow;
use super::step_form::{BackLink, StepHeading, StepSubheading};
use crate::i18n::{tr, use_i18n};
use crate::services::{api, helped};

/// Step 2: known fixes for the chosen category. "This solved my problem" ends the flow without a complaint
/// (and is counted on this device); otherwise the customer continues.
#[component]
pub fn CommonAnswersStep() -> impl IntoView {
    let flow = use_flow();
    let base = crate::org_config::use_api_base();
    let knowledge = LocalResource::new(move || api::load_knowledge_base(base.clone()));
    let category = flow
        .draft
        .with_untracked(|d| d.category.clone())
        .unwrap_or_default();
    let articles = move || -> Vec<Article> {
        match knowledge.get() {
            Some(Ok(kb)) => kb.for_category(&category).cloned().collect(),
            _ => Vec::new(),
        }
    };
    let solved = move |id: String| {
        helped::count_solved(&id);
        flow.edit(|d| d.solved_by = Some(id));
    };
    view! {
        <BackLink />
        <section class="step">
            <StepHeading />
            {move || {
                if flow.draft.with(|d| d.solved_by.is_some()) {
                    return view! { <Solved /> }.into_any();
                }
                let list = articles();
                let loading = knowledge.get().is_none();
                view! {
                    <p>{tr(if list.is_empty() && !loading { Msg::CommonAnswersNone } else { Msg::CommonAnswersIntro })}</p>
                    <div class="answers">
                        {list.into_iter().map(|a| view! { <Answer article=a on_solved=solved /> }).collect_view()}
                    </div>
                    <button type="button" class="button" on:click=move |_| flow.submit_step()>
                        {tr(Msg::ContinueComplaint)}
                    </button>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Answer(article: Article, #[prop(into)] on_solved: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (question, answer, id) = (article.question, article.answer, article.id);
    view! {
        <details class="answer">
            <summary class="answer__question">{move || i18n.pick(&question)}</summary>
            <p>{move || i18n.pick(&answer)}</p>
            <button type="button" class="button button--secondary" on:click=move |_| on_solved.run(id.clone())>
                {tr(Msg::SolvedIt)}
            </button>
        </details>
    }
}

#[component]
fn Solved() -> impl IntoView {
    let flow = use_flow();
    view! {
        <div class="notice" role="status">
            <StepSubheading>{tr(Msg::GladItHelpedTitle)}</StepSubheading>
            <p>{tr(Msg::GladItHelpedBody)}</p>
        </div>
        <button type="button" class="button button--secondary" on:click=move |_| flow.edit(|d| d.solved_by = None)>
            {tr(Msg::ComplainAnyway)}
        </button>
    }
}
