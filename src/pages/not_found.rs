use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::use_page_title;
use crate::i18n::tr;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    use_page_title(Msg::NotFoundTitle);
    view! {
        <h1 class="page-title">{tr(Msg::NotFoundTitle)}</h1>
        <p>{tr(Msg::NotFoundBody)}</p>
        <p>
            <a href="/">{tr(Msg::NotFoundLink)}</a>
        </p>
    }
}
