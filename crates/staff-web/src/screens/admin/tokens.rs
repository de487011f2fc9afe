use leptos::prelude::*;

#[component]
pub fn TokensScreen() -> impl IntoView {
    view! { <p></p> }
}
