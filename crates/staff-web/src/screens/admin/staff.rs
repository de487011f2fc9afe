use leptos::prelude::*;

#[component]
pub fn StaffScreen() -> impl IntoView {
    view! { <p></p> }
}
