use leptos::prelude::*;

#[component]
pub fn ComplaintScreen(reference: String) -> impl IntoView {
    view! { <p>{reference}</p> }
}
