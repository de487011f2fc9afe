use complaint_domain::checks::field;
use complaint_domain::evidence::{AttachmentMeta, FileKind};
use complaint_domain::i18n::Msg;
use leptos::prelude::*;
use web_sys::Blob;

use super::autosave::{use_saver, DraftSaver};
use super::flow::{use_flow, Flow};
use super::step_form::{StepForm, StepHeading};
use crate::components::error_summary::FieldErrorMessage;
use crate::components::file_picker::FilePicker;
use crate::i18n::{tr, use_i18n};

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
    let size_mb = (limits.max_bytes / (1024 * 1024)).max(1).to_string();
    let limits_text = move || i18n.format(Msg::EvidenceLimits, &[("size", &size_mb)]);
    view! {
        <StepForm>
            <StepHeading />
            {prompt.map(|p| view! { <p>{move || i18n.pick(&p)}</p> })}
            <p class="hint" id="evidence-hint">{limits_text}</p>
            <FieldErrorMessage id="evidence-error" error=flow.error_for(field::EVIDENCE) />
            <FilePicker
                id=field::EVIDENCE
                limits=limits
                count=move || flow.draft.with_untracked(|d| d.attachments.len())
                take=move |blob, meta| keep_file(flow, saver, blob, meta)
                lives_with=flow.session.draft
                camera="evidence-camera"
                described_by="evidence-hint"
            >
                <UnsavedFiles />
            </FilePicker>
            <AttachedFiles />
        </StepForm>
    }
}

/// Keeps a file made ready: on the device (awaited, so a file the device refuses is shown with its
/// message as it appears), then in the draft.
async fn keep_file(flow: Flow, saver: Option<DraftSaver>, blob: Blob, meta: AttachmentMeta) {
    if let Some(saver) = saver {
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
