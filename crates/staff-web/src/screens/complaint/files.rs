//! The complaint's files: images shown from `blob:` URLs (fetched with the session, so an `<img>` never
//! carries the API's address, and revoked when the screen goes), everything else a download link (the
//! server sends those as `attachment` with `nosniff`: never rendered here).

use leptos::prelude::*;

use crate::api::{FileRef, API};
use crate::desk::Desk;
use crate::i18n::T;
use crate::route::encode;

#[component]
pub fn Files(reference: String, files: Vec<FileRef>) -> impl IntoView {
    let desk = Desk::get();
    if files.is_empty() {
        return view! { <p class="meta">{move || desk.t(T::Nothing)}</p> }.into_any();
    }
    view! {
        <ul class="files">
            {files.into_iter().map(|file| {
                if file.content_type.starts_with("image/") {
                    view! { <li><Image reference=reference.clone() file=file /></li> }.into_any()
                } else {
                    let href = format!("{API}/complaints/{}/files/{}", encode(&reference), file.n);
                    let name = file.name.clone();
                    view! {
                        <li><a href=href download=file.name.clone() dir="auto">
                            {move || desk.fill(T::Download, &[("name", &name)])}
                        </a></li>
                    }.into_any()
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Image(reference: String, file: FileRef) -> impl IntoView {
    let desk = Desk::get();
    let url = RwSignal::new(None::<String>);
    let n = file.n;
    leptos::task::spawn_local(async move {
        if let Ok(blob) = desk.api.file_url(&reference, n).await {
            url.set(Some(blob));
        }
    });
    on_cleanup(move || {
        if let Some(blob) = url.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&blob);
        }
    });
    let name = file.name.clone();
    view! {
        <figure>
            {move || url.get().map(|src| view! { <img src=src alt=name.clone() /> })}
            <figcaption dir="auto">{file.name.clone()}</figcaption>
        </figure>
    }
}
