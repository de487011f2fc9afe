//! A file the customer picks, made ready to send: judged by its first bytes, held to the organisation's
//! limits, a photo shrunk on the phone. Shared by the filing flow's evidence step and the tracker's "Add
//! information", so both take files by the same rules.

use complaint_domain::evidence::{AttachmentLimits, AttachmentMeta, AttachmentProblem, FileKind};
use web_sys::{Blob, File};

use super::{device, images};

/// Why a file was not taken, kept as data so the page can word it in any language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    /// Not a type the organisation takes (by content, whatever its name says).
    NotAccepted,
    TooLarge,
    Unreadable,
    /// Already as many files as the organisation takes.
    TooMany,
}

/// The file's bytes to keep and send (a shrunk copy for a large photo), and its description with a new id.
pub async fn prepare(
    limits: &AttachmentLimits,
    file: File,
    already: usize,
) -> Result<(Blob, AttachmentMeta), FileRefusal> {
    let name = file.name();
    let head = images::read_head(&file, 16)
        .await
        .map_err(|_| FileRefusal::Unreadable)?;
    let kind =
        limits
            .admit(&head, file.size() as u64, already)
            .map_err(|problem| match problem {
                AttachmentProblem::TooMany => FileRefusal::TooMany,
                AttachmentProblem::UnsupportedType => FileRefusal::NotAccepted,
                AttachmentProblem::TooLarge => FileRefusal::TooLarge,
            })?;
    let original: Blob = file.into();
    let (blob, kind) = if kind.is_downscalable_image() {
        match images::shrink(&original, limits.downscale_to_px, limits.max_bytes).await {
            Ok(Some(smaller)) => (smaller, FileKind::Jpeg),
            Ok(None) => (original, kind),
            // Not decodable as an image after all: refuse rather than send a file we cannot vouch for.
            Err(_) => return Err(FileRefusal::NotAccepted),
        }
    } else {
        (original, kind)
    };
    let bytes = blob.size() as u64;
    if bytes > limits.max_bytes {
        return Err(FileRefusal::TooLarge);
    }
    let meta = AttachmentMeta {
        id: device::new_uuid(),
        name,
        kind,
        bytes,
        sha256: None,
    };
    Ok((blob, meta))
}
