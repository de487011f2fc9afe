use complaint_domain::checks::field;
use complaint_domain::evidence::{AttachmentLimits, AttachmentMeta, FileKind};
use complaint_domain::i18n::{Counted, Msg};
use leptos::prelude::*;
use web_sys::{File, HtmlInputElement};

use super::autosave::{use_saver, DraftSaver};
use super::flow::{use_flow, Flow};
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
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

/// Step 5: photos from the camera or files, checked by content and size, shrunk before upload.
#[component]
pub fn EvidenceStep() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let saver = use_saver();
    let limits = flow.config.with_value(|c| c.limits.attachments.clone());
    let prompt = flow
        .category()
        .and_then(|c| c.evidence_prompt)
        .filter(|p| !p.is_blank());
    let notices = RwSignal::new(Vec::<Notice>::new());
    let busy = RwSignal::new(None::<String>);
    let size_mb = (limits.max_bytes / (1024 * 1024)).max(1).to_string();
    let limits_text = {
        let size_mb = size_mb.clone();
        move || i18n.format(Msg::EvidenceLimits, &[("size", &size_mb)])
    };
    let on_files = {
        let limits = limits.clone();
        move |ev: leptos::ev::Event| {
            let input: HtmlInputElement = event_target(&ev);
            let files: Vec<File> = input
                .files()
                .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
                .unwrap_or_default();
            // Clearing lets the same file be chosen again after removing it.
            input.set_value("");
            notices.set(Vec::new());
            let limits = limits.clone();
            spawn_while_mounted(flow.session.draft, async move {
                for file in files {
                    busy.set(Some(file.name()));
                    if let Err(notice) = add_file(flow, saver, &limits, file).await {
                        notices.update(|n| n.push(notice));
                    }
                }
                busy.set(None);
            });
        }
    };
    let notice_text = move |notice: &Notice| match notice {
        Notice::NotAccepted(name) => i18n.format(Msg::FileNotAccepted, &[("name", name)]),
        Notice::TooLarge(name) => {
            i18n.format(Msg::FileTooLarge, &[("name", name), ("size", &size_mb)])
        }
        Notice::Unreadable(name) => i18n.format(Msg::FileUnreadable, &[("name", name)]),
        Notice::TooMany(max) => i18n.count(Counted::FilesAtMost, *max as u64),
    };
    let accept = limits
        .types
        .iter()
        .map(|k| k.mime())
        .collect::<Vec<_>>()
        .join(",");
    view! {
        <StepForm>
            <StepHeading />
            {prompt.map(|p| view! { <p>{move || i18n.pick(&p)}</p> })}
            <p class="hint" id="evidence-hint">{limits_text}</p>
            <FieldErrorMessage id="evidence-error" error=flow.error_for(field::EVIDENCE) />
            <div class="file-notices" role="alert">
                {move || notices.get().iter().map(|n| view! { <p class="field-error">{notice_text(n)}</p> }).collect_view()}
                <UnsavedFiles />
            </div>
            <div class="file-pickers">
                <label class="button button--secondary file-picker" for=field::EVIDENCE>
                    {tr(Msg::AddFiles)}
                </label>
                <input
                    class="file-picker__input"
                    type="file"
                    id=field::EVIDENCE
                    multiple
                    accept=accept.clone()
                    aria-describedby="evidence-hint"
                    on:change=on_files.clone()
                />
                <label class="button button--secondary file-picker" for="evidence-camera">{tr(Msg::TakePhoto)}</label>
                <input
                    class="file-picker__input"
                    type="file"
                    id="evidence-camera"
                    accept="image/*"
                    capture="environment"
                    on:change=on_files
                />
            </div>
            <p class="hint" role="status">
                {move || busy.get().map(|name| i18n.format(Msg::PreparingFile, &[("name", &name)]))}
            </p>
            <AttachedFiles />
        </StepForm>
    }
}

async fn add_file(
    flow: Flow,
    saver: Option<DraftSaver>,
    limits: &AttachmentLimits,
    file: File,
) -> Result<(), Notice> {
    let name = file.name();
    let already = flow.draft.with_untracked(|d| d.attachments.len());
    let (blob, meta) = evidence::prepare(limits, file, already)
        .await
        .map_err(|refusal| Notice::of(refusal, name, limits.max_count))?;
    if let Some(saver) = saver {
        // Awaited, so a file the device refuses is shown with its message as it appears.
        saver
            .files
            .save_file(
                meta.id.clone(),
                flow.draft.with_untracked(|d| d.id.clone()),
                blob.clone(),
            )
            .await;
    }
    flow.files
        .update_value(|files| files.push((meta.id.clone(), blob)));
    flow.edit(|d| d.attachments.push(meta));
    Ok(())
}

/// Says which attached files the device would not keep, and why, for as long as that is so.
#[component]
fn UnsavedFiles() -> impl IntoView {
    let i18n = use_i18n();
    let flow = use_flow();
    let saver = use_saver();
    let messages = move || {
        let unsaved = saver.map(|s| s.files.unsaved.get()).unwrap_or_default();
        flow.draft.with(|d| {
            d.attachments
                .iter()
                .filter_map(|a| {
                    let file = unsaved.iter().find(|f| f.id == a.id)?;
                    let msg = if file.no_room {
                        Msg::FileNoRoom
                    } else {
                        Msg::FileNotKept
                    };
                    Some(i18n.format(msg, &[("name", &a.name)]))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        {move || messages().into_iter().map(|text| view! { <p class="field-error">{text}</p> }).collect_view()}
    }
}

/// The files added so far, each with a thumbnail (photos) and a Remove button.
#[component]
fn AttachedFiles() -> impl IntoView {
    let flow = use_flow();
    let attachments = move || flow.draft.with(|d| d.attachments.clone());
    view! {
        <Show when=move || flow.draft.with(|d| !d.attachments.is_empty()) fallback=|| view! { <p>{tr(Msg::NoFilesYet)}</p> }>
            <ul class="attachments">
                <For each=attachments key=|a| a.id.clone() let:attachment>
                    <AttachedFile attachment=attachment />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn AttachedFile(attachment: AttachmentMeta) -> impl IntoView {
    let flow = use_flow();
    let blob = flow.files.with_value(|files| {
        files
            .iter()
            .find(|(id, _)| *id == attachment.id)
            .map(|(_, b)| b.clone())
    });
    let thumbnail = blob
        .filter(|_| attachment.kind != FileKind::Pdf)
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
    if let Some(url) = thumbnail.clone() {
        // The object URL holds the photo in memory until revoked.
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
    }
    let id = attachment.id.clone();
    let saver = use_saver();
    let remove = move |_| {
        flow.files
            .update_value(|files| files.retain(|(file_id, _)| *file_id != id));
        if let Some(saver) = saver {
            saver.files.delete_file(id.clone(), flow.session);
        }
        flow.edit(|d| d.attachments.retain(|a| a.id != id));
    };
    let kb = attachment.bytes.div_ceil(1024);
    let name = attachment.name.clone();
    let i18n = use_i18n();
    view! {
        <li class="attachment">
            {match thumbnail {
                Some(url) => view! { <img class="attachment__thumb" src=url alt="" width="64" height="64" /> }.into_any(),
                None => view! { <span class="attachment__thumb attachment__thumb--doc" aria-hidden="true">"PDF"</span> }.into_any(),
            }}
            <span class="attachment__name">
                {attachment.name.clone()} " "
                {move || i18n.format(Msg::FileSize, &[("size", &kb.to_string())])}
            </span>
            // One phrase for screen readers in every language ("Remove kettle.png", "kettle.png 삭제").
            <button type="button" class="link-button" on:click=remove aria-label=move || i18n.format(Msg::RemoveNamed, &[("name", &name)])>
                {tr(Msg::RemoveFile)}
            </button>
        </li>
    }
}
