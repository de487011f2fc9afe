use leptos::prelude::*;

#[component]
pub fn WebhooksScreen() -> impl IntoView {
    view! { <p></p> }
}
