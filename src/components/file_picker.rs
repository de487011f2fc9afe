//! "Add files": the file picker of the filing flow's evidence step and of the tracker's "Add information".
//! Each picked file is made ready by the same rules (`services::evidence`: judged by its first bytes, held
//! to the organisation's limits, a photo shrunk), one at a time, then handed to the page that keeps it; a
//! file that is not taken says why, and "Preparing …" says which one is being made ready.

use std::future::Future;

use complaint_domain::evidence::{AttachmentLimits, AttachmentMeta};
use complaint_domain::i18n::{Counted, Msg};
use leptos::prelude::*;
use web_sys::{Blob, File, HtmlInputElement};

use crate::i18n::{tr, use_i18n};
use crate::services::evidence::{self, FileRefusal};
use crate::task::spawn_while_mounted;

/// A file that could not be added, and why, kept as data so it reads in any language.
#[derive(Clone, PartialEq)]
enum Notice {
    NotAccepted(String),
    TooLarge(String),
    Unreadable(String),
    TooMany(usize),
}

impl Notice {
    fn of(refusal: FileRefusal, name: String, max_count: usize) -> Notice {
        match refusal {
            FileRefusal::NotAccepted => Notice::NotAccepted(name),
            FileRefusal::TooLarge => Notice::TooLarge(name),
            FileRefusal::Unreadable => Notice::Unreadable(name),
            FileRefusal::TooMany => Notice::TooMany(max_count),
        }
    }
}

/// The picker's notices, its "Add files" button (and "Take a photo" when `camera` names that input), and
/// what is being prepared.
#[component]
pub fn FilePicker<C, T, F, A>(
    /// The file input's id (its label and the error summary lead to it).
    id: &'static str,
    limits: AttachmentLimits,
    /// How many files the draft has already.
    count: C,
    /// Keeps a file made ready; awaited before the next one is prepared, so the count is right.
    take: T,
    /// What the preparing belongs to: a file still being made ready when the picker goes keeps going
    /// for as long as this lives.
    lives_with: A,
    /// The id of a second input that opens the camera.
    #[prop(optional)]
    camera: Option<&'static str>,
    /// The id of the hint that describes the picker.
    #[prop(optional)]
    described_by: Option<&'static str>,
    /// Further notices, shown with the picker's own.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    C: Fn() -> usize + Copy + 'static,
    T: Fn(Blob, AttachmentMeta) -> F + Clone + 'static,
    F: Future<Output = ()> + 'static,
    A: IsDisposed + Copy + 'static,
{
    let i18n = use_i18n();
    let notices = RwSignal::new(Vec::<Notice>::new());
    let busy = RwSignal::new(None::<String>);
    let size_mb = (limits.max_bytes / (1024 * 1024)).max(1).to_string();
    let accept = limits
        .types
        .iter()
        .map(|k| k.mime())
        .collect::<Vec<_>>()
        .join(",");
    let limits = StoredValue::new(limits);
    let on_files = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let files: Vec<File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        // Clearing lets the same file be chosen again after removing it.
        input.set_value("");
        notices.set(Vec::new());
        let limits = limits.get_value();
        let take = take.clone();
        spawn_while_mounted(lives_with, async move {
            for file in files {
                let name = file.name();
                busy.set(Some(name.clone()));
                match evidence::prepare(&limits, file, count()).await {
                    Ok((blob, meta)) => take(blob, meta).await,
                    Err(refusal) => {
                        notices.update(|n| n.push(Notice::of(refusal, name, limits.max_count)))
                    }
                }
            }
            busy.set(None);
        });
    };
    let notice_text = move |notice: &Notice| match notice {
        Notice::NotAccepted(name) => i18n.format(Msg::FileNotAccepted, &[("name", name)]),
        Notice::TooLarge(name) => {
            i18n.format(Msg::FileTooLarge, &[("name", name), ("size", &size_mb)])
        }
        Notice::Unreadable(name) => i18n.format(Msg::FileUnreadable, &[("name", name)]),
        Notice::TooMany(max) => i18n.count(Counted::FilesAtMost, *max as u64),
    };
    let camera = camera.map(|camera| {
        view! {
            <label class="button button--secondary file-picker" for=camera>{tr(Msg::TakePhoto)}</label>
            <input
                class="file-picker__input"
                type="file"
                id=camera
                accept="image/*"
                capture="environment"
                on:change=on_files.clone()
            />
        }
    });
    view! {
        <div class="file-notices" role="alert">
            {move || notices.get().iter().map(|n| view! { <p class="field-error">{notice_text(n)}</p> }).collect_view()}
            {children.map(|more| more())}
        </div>
        <div class="file-pickers">
            <label class="button button--secondary file-picker" for=id>{tr(Msg::AddFiles)}</label>
            <input
                class="file-picker__input"
                type="file"
                id=id
                multiple
                accept=accept
                aria-describedby=described_by
                on:change=on_files
            />
            {camera}
        </div>
        <p class="hint" role="status">
            {move || busy.get().map(|name| i18n.format(Msg::PreparingFile, &[("name", &name)]))}
        </p>
    }
}
