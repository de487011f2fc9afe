use complaint_domain::i18n::Msg;
use complaint_domain::validation::FieldError;
use leptos::html;
use leptos::prelude::*;

use crate::i18n::{tr, use_i18n};
use crate::mount_scope::{use_mount_scope, MountScope};

/// The list of problems at the top of a form, focused when it appears so screen readers announce it.
///
/// Links move focus to the field by script rather than by `#fragment`, because an embedded form must not
/// change its host page's address.
#[component]
pub fn ErrorSummary(#[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    let scope = use_mount_scope();
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !errors.with(Vec::is_empty) {
            if let Some(el) = summary.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <Show when=move || !errors.with(Vec::is_empty)>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary aria-labelledby="error-summary-title">
                <h2 class="error-summary__title" id="error-summary-title">{tr(Msg::ErrorSummaryTitle)}</h2>
                <ul class="error-summary__list">
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|e| {
                                let field = e.field.clone();
                                view! {
                                    <li>
                                        <a href=format!("#{}", e.field) on:click=move |ev| focus_field(ev, scope, &field)>
                                            {i18n.problem(&e.problem)}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

fn focus_field(ev: leptos::ev::MouseEvent, scope: MountScope, field: &str) {
    ev.prevent_default();
    if let Some(el) = scope.element(field) {
        let _ = el.focus();
    }
}

/// The message beside a field, with a visually hidden "Error:" so it is not conveyed by colour alone.
#[component]
pub fn FieldErrorMessage(
    #[prop(into)] id: String,
    #[prop(into)] error: Signal<Option<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            error
                .get()
                .map(|e| {
                    view! {
                        <p class="field-error" id=id.clone()>
                            <span class="visually-hidden">{i18n.t(Msg::ErrorPrefix)} " "</span>
                            {i18n.problem(&e.problem)}
                        </p>
                    }
                })
        }}
    }
}

/// The `aria-describedby` list for the field `id` as [`LabelledField`] lays it out: its hint (if it has one)
/// and its error (while there is one).
pub fn described_by(
    id: &str,
    has_hint: bool,
    error: Signal<Option<FieldError>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let hint_id = has_hint.then(|| format!("{id}-hint"));
    let error_id = format!("{id}-error");
    move || {
        let ids: Vec<String> = hint_id
            .iter()
            .cloned()
            .chain(error.get().map(|_| error_id.clone()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The frame every labelled control shares: the label, an optional hint, the error, then the control(s).
/// Ids follow one scheme (`{id}-hint`, `{id}-error`) so [`described_by`] can link them.
#[component]
pub fn LabelledField(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    hint: Option<Signal<String>>,
    #[prop(into)] error: Signal<Option<FieldError>>,
    children: Children,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field--error=move || error.get().is_some()>
            <label class="field__label" for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldErrorMessage id=error_id error=error />
            {children()}
        </div>
    }
}
