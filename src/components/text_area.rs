use complaint_domain::i18n::Counted;
use complaint_domain::validation::{char_count, FieldError};
use leptos::prelude::*;

use super::error_summary::{described_by, LabelledField};
use crate::i18n::use_i18n;

/// A multi-line answer with a live character count. Text over the limit is kept, never cut: the count
/// says how much to remove.
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(optional_no_strip)] hint: Option<Signal<String>>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] error: Signal<Option<FieldError>>,
    max_chars: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let count_id = format!("{id}-count");
    let describe = {
        let base = described_by(&id, hint.is_some(), error);
        let count_id = count_id.clone();
        move || Some(base().map_or(count_id.clone(), |ids| format!("{ids} {count_id}")))
    };
    // The box already holds what the customer typed: only a value from elsewhere (a restored draft, another
    // tab's copy) is written into it. Writing the typed text back would copy all of it into the page again on
    // every keystroke, which at 10,000 characters is most of the keystroke's own work.
    let node = NodeRef::<leptos::html::Textarea>::new();
    let typed = StoredValue::new(value.get_untracked());
    Effect::new(move |_| {
        let Some(el) = node.get() else {
            return;
        };
        value.with(|v| {
            if typed.with_value(|t| t != v) {
                typed.set_value(v.clone());
                el.set_value(v);
            }
        });
    });
    let used = Memo::new(move |_| value.with(|v| char_count(v)));
    let over = move || used.get() > max_chars;
    let count_text = move || {
        let used = used.get();
        if used > max_chars {
            i18n.count(Counted::CharactersTooMany, (used - max_chars) as u64)
        } else {
            i18n.count(Counted::CharactersLeft, (max_chars - used) as u64)
        }
    };
    view! {
        <LabelledField id=id.clone() label=label hint=hint error=error>
            <textarea
                class="textarea"
                id=id.clone()
                name=id
                rows="6"
                aria-describedby=describe
                aria-invalid=move || error.get().is_some().then_some("true")
                node_ref=node
                prop:value=value.get_untracked()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    typed.set_value(text.clone());
                    on_input.run(text);
                }
            ></textarea>
            <p class="char-count" class:char-count--over=over id=count_id aria-live="polite">{count_text}</p>
        </LabelledField>
    }
}
