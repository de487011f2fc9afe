//! Reply templates (admin): each template's English, Korean and Polish text side by side, saved with
//! `PUT /templates/{id}` (which takes the whole template: name, category, kind and texts).

use leptos::prelude::*;
use serde_json::json;

use crate::api::{ApiError, Template, Templates, Texts};
use crate::desk::Desk;
use crate::i18n::T;
use crate::widgets::Problem;

#[component]
pub fn TemplatesScreen() -> impl IntoView {
    let desk = Desk::get();
    let templates = RwSignal::new(Vec::<Template>::new());
    let problem = RwSignal::new(None::<ApiError>);
    leptos::task::spawn_local(async move {
        match desk.api.get::<Templates>("/templates").await {
            Ok(list) => templates.set(list.templates),
            Err(error) => problem.set(Some(error)),
        }
    });
    view! {
        <h1>{move || desk.t(T::TemplatesTitle)}</h1>
        <Problem error=problem />
        {move || templates.get().into_iter().map(|t| view! { <TemplateEditor template=t /> }).collect_view()}
    }
}

#[component]
fn TemplateEditor(template: Template) -> impl IntoView {
    let desk = Desk::get();
    let id = template.id.0.clone();
    let en = RwSignal::new(template.texts.en.clone());
    let ko = RwSignal::new(template.texts.ko.clone());
    let pl = RwSignal::new(template.texts.pl.clone());
    let (name, kind, category) = (
        template.name.clone(),
        template.kind.clone(),
        template.category.clone(),
    );
    let saved = RwSignal::new(false);
    let problem = RwSignal::new(None::<ApiError>);
    let path = format!("/templates/{}", crate::route::encode(&id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let texts = Texts {
            en: en.get_untracked(),
            ko: ko.get_untracked(),
            pl: pl.get_untracked(),
        };
        let path = path.clone();
        let body = json!({ "name": name, "category": category, "kind": kind, "texts": texts });
        leptos::task::spawn_local(async move {
            match desk.api.put::<_, serde_json::Value>(&path, &body).await {
                Ok(_) => {
                    problem.set(None);
                    saved.set(true);
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let title = if template.name.is_empty() {
        id.clone()
    } else {
        template.name.clone()
    };
    let category = template.category.clone().unwrap_or_default();
    let area = move |lang: &'static str, signal: RwSignal<String>| {
        let field = format!("template-{id}-{lang}");
        view! {
            <div>
                <label for=field.clone()>{complaint_domain::i18n::Locale::from_tag(lang).map(|l| l.endonym())}</label>
                <textarea id=field lang=lang dir="auto" prop:value=move || signal.get()
                    on:input=move |ev| {
                        saved.set(false);
                        signal.set(event_target_value(&ev));
                    } />
            </div>
        }
    };
    view! {
        <form class="action" on:submit=submit>
            <h2>{title}" · "{move || desk.category(&category)}</h2>
            <div class="side-by-side">{area("en", en)}{area("ko", ko)}{area("pl", pl)}</div>
            <button type="submit" class="button button--primary">{move || desk.t(T::Save)}</button>
            <Problem error=problem />
            <span role="status">{move || saved.get().then(|| desk.t(T::TemplateSaved))}</span>
        </form>
    }
}
