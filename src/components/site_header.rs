use complaint_domain::i18n::Msg;
use leptos::prelude::*;

use super::language_picker::LanguagePicker;
use crate::i18n::tr;
use crate::router::NavLink;

/// The masthead. Its markup is mirrored in `index.html`'s static shell: change both together, or the
/// first paint will shift when the app mounts.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{tr(Msg::SkipToContent)}</a>
        <header class="masthead">
            <div class="masthead__inner">
                <p class="masthead__brand">{tr(Msg::SiteName)}</p>
                <LanguagePicker />
            </div>
            <nav class="masthead__nav" aria-label=tr(Msg::MainNavigation)>
                <NavLink href="/">{tr(Msg::NavFile)}</NavLink>
                <NavLink href="/track">{tr(Msg::NavTrack)}</NavLink>
            </nav>
        </header>
    }
}
