//! Evidence files: what they really are (by their first bytes, never their name) and the limits they meet.

use serde::{Deserialize, Serialize};

/// File types the desk can accept. Serialised as the MIME type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileKind {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "image/heic")]
    Heic,
    #[serde(rename = "application/pdf")]
    Pdf,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Heic => "image/heic",
            FileKind::Pdf => "application/pdf",
        }
    }

    /// Photos the browser can decode and shrink before upload (HEIC it mostly cannot).
    pub fn is_downscalable_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp)
    }

    /// Identifies a file from its first bytes (16 are enough). A renamed `.exe` is `None`, whatever its name.
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        match head {
            [0xFF, 0xD8, 0xFF, ..] => Some(FileKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(FileKind::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => {
                Some(FileKind::Webp)
            }
            [b'%', b'P', b'D', b'F', b'-', ..] => Some(FileKind::Pdf),
            [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..] if is_heic_brand(brand) => {
                Some(FileKind::Heic)
            }
            _ => None,
        }
    }
}

fn is_heic_brand(brand: &[u8]) -> bool {
    let brand = brand.get(..4).unwrap_or_default();
    [b"heic", b"heix", b"mif1", b"msf1", b"hevc"]
        .iter()
        .any(|b| brand == *b)
}

/// The organisation's limits on evidence (config `limits.attachments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLimits {
    #[serde(default = "default_max_count")]
    pub max_count: usize,
    /// After any downscaling.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    #[serde(default = "default_types")]
    pub types: Vec<FileKind>,
    /// Photos larger than this on their long side are shrunk in the browser before upload.
    #[serde(default = "default_downscale_px")]
    pub downscale_to_px: u32,
}

fn default_max_count() -> usize {
    5
}
fn default_max_bytes() -> u64 {
    10 * 1024 * 1024
}
fn default_types() -> Vec<FileKind> {
    vec![FileKind::Jpeg, FileKind::Png, FileKind::Webp, FileKind::Pdf]
}
/// 1600 px on the long side: ten phone photos fit the benchmark's 4 MB (about 300 KB each at the app's JPEG
/// quality), and a page of A4 photographed whole keeps about 5 pixels a millimetre, enough for 10-point print.
fn default_downscale_px() -> u32 {
    1600
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        AttachmentLimits {
            max_count: default_max_count(),
            max_bytes: default_max_bytes(),
            types: default_types(),
            downscale_to_px: default_downscale_px(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentProblem {
    /// Not a type the organisation accepts, judged by content.
    UnsupportedType,
    /// Larger than `max_bytes` (after downscaling, for photos).
    TooLarge,
    /// Already `max_count` files.
    TooMany,
}

impl AttachmentLimits {
    /// Whether another file may be added; `head` is the file's first bytes, `bytes` its size.
    pub fn admit(
        &self,
        head: &[u8],
        bytes: u64,
        already: usize,
    ) -> Result<FileKind, AttachmentProblem> {
        if already >= self.max_count {
            return Err(AttachmentProblem::TooMany);
        }
        let kind = FileKind::sniff(head)
            .filter(|k| self.types.contains(k))
            .ok_or(AttachmentProblem::UnsupportedType)?;
        // A photo over the limit may still fit once shrunk; the app re-checks the shrunk size.
        if bytes > self.max_bytes && !kind.is_downscalable_image() {
            return Err(AttachmentProblem::TooLarge);
        }
        Ok(kind)
    }
}

/// An attached file as the draft and the submission describe it (the bytes live beside the draft).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub id: String,
    pub name: String,
    pub kind: FileKind,
    pub bytes: u64,
    /// The content's SHA-256 in lower-case hex, set when the file is uploaded ahead of the complaint: the
    /// server finds the upload by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(FileKind::Webp)
        );
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Some(FileKind::Heic)
        );
        // A Windows program renamed photo.jpg, a zip, an empty file, a truncated header.
        assert_eq!(FileKind::sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(FileKind::sniff(b"PK\x03\x04"), None);
        assert_eq!(FileKind::sniff(b""), None);
        assert_eq!(FileKind::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(FileKind::sniff(b"\0\0\0\x18ftyp"), None);
    }

    #[test]
    fn limits_apply_in_order_count_type_size() {
        let limits = AttachmentLimits {
            max_count: 2,
            max_bytes: 1000,
            ..AttachmentLimits::default()
        };
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0];
        assert_eq!(limits.admit(&jpeg, 10, 0), Ok(FileKind::Jpeg));
        assert_eq!(limits.admit(&jpeg, 10, 2), Err(AttachmentProblem::TooMany));
        assert_eq!(
            limits.admit(b"MZ\x90\0", 10, 0),
            Err(AttachmentProblem::UnsupportedType)
        );
        assert_eq!(
            limits.admit(b"%PDF-1.4", 30 * 1024 * 1024, 0),
            Err(AttachmentProblem::TooLarge)
        );
        // A 30 MB photo is admitted for shrinking; a HEIC cannot be shrunk here and is not accepted by default.
        assert_eq!(limits.admit(&jpeg, 30 * 1024 * 1024, 0), Ok(FileKind::Jpeg));
        assert_eq!(
            limits.admit(b"\0\0\0\x18ftypheic", 10, 0),
            Err(AttachmentProblem::UnsupportedType)
        );
    }
}
