use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use crate::i18n::tr;
use crate::services::api::FetchError;

/// A full-page explanation when the organisation's data cannot be loaded, with a way to try again.
#[component]
pub fn LoadError(
    error: FetchError,
    #[prop(into)] on_retry: Callback<()>,
    /// The title is the page's `h1` (a page with no heading of its own without the data), else an `h2`.
    #[prop(optional)]
    page_heading: bool,
) -> impl IntoView {
    let reason = match &error {
        FetchError::NotFound => Msg::LoadFailedMissing,
        FetchError::Malformed(_) => Msg::LoadFailedMalformed,
        FetchError::Network(_) => Msg::LoadFailedNetwork,
        FetchError::Status(_) => Msg::LoadFailedServer,
    };
    // The cause is for whoever publishes the settings (the console), never raw text on the customer's screen.
    web_sys::console::warn_1(
        &format!(
            "the organisation's settings could not be loaded: {}",
            error.detail()
        )
        .into(),
    );
    view! {
        <section class="load-error" role="alert" aria-labelledby="load-error-title">
            {if page_heading {
                view! { <h1 class="load-error__title" id="load-error-title">{tr(Msg::LoadFailedTitle)}</h1> }.into_any()
            } else {
                view! { <h2 class="load-error__title" id="load-error-title">{tr(Msg::LoadFailedTitle)}</h2> }.into_any()
            }}
            <p>{tr(reason)}</p>
            <p>{tr(Msg::LoadFailedAdvice)}</p>
            <button type="button" class="button" on:click=move |_| on_retry.run(())>{tr(Msg::TryAgain)}</button>
        </section>
    }
}
