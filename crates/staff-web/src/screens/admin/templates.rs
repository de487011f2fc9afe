use leptos::prelude::*;

#[component]
pub fn TemplatesScreen() -> impl IntoView {
    view! { <p></p> }
}
