//! A customer's file as the staff desk fetches it (issue #23): the bytes, and headers that never let a
//! browser render them as a page. An image the desk shows inline is one by its first bytes (PNG, JPEG, WebP,
//! GIF), never by the type the customer's browser claimed or the file's name; everything else is a download
//! of `application/octet-stream` under a name with no path, controls or bidi marks in it. Always `nosniff`
//! and a sandboxing Content-Security-Policy, so even a file opened by hand runs nothing.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::store::StoredFile;

/// What RFC 8187 lets stand unencoded in `filename*`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The image type the bytes start with, for the four a browser shows safely inline.
pub(super) fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The name a download is saved under: the last part of the customer's name (no folders), numbered, with
/// controls and bidi marks replaced (`crate::dossier::safe_file_name`, as `attachment` writes it).
pub(super) fn download_name(name: &str, number: i64) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    crate::dossier::safe_file_name(last, number)
}

fn set(response: &mut Response<Body>, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// The answer for file `number`.
pub(super) fn answer(file: StoredFile, number: i64) -> Response<Body> {
    let image = image_type(&file.content);
    let name = download_name(&file.name, number);
    let mut response = Response::new(Body::from(file.content));
    let disposition = match image {
        Some(_) => "inline".to_owned(),
        None => format!(
            "attachment; filename*=UTF-8''{}",
            utf8_percent_encode(&name, ATTR_CHAR)
        ),
    };
    set(
        &mut response,
        header::CONTENT_TYPE,
        image.unwrap_or("application/octet-stream"),
    );
    set(&mut response, header::CONTENT_DISPOSITION, &disposition);
    set(&mut response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        &mut response,
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'",
    );
    set(&mut response, header::CACHE_CONTROL, "private, no-store");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_bytes_make_an_image() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<html><script>alert(1)</script>"), None);
        assert_eq!(image_type(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(image_type(b""), None);
    }

    #[test]
    fn a_download_name_has_no_folders_controls_or_bidi_marks() {
        assert_eq!(download_name("../../x.html", 3), "3-x.html");
        assert_eq!(download_name("C:\\Users\\a\\b.pdf", 1), "1-b.pdf");
        assert_eq!(
            download_name("invoice\u{202e}fdp.exe", 2),
            "2-invoice_fdp.exe"
        );
        assert_eq!(download_name("a\r\nb", 1), "1-a__b");
        assert_eq!(download_name("..", 4), "4-file");
        assert_eq!(download_name("", 5), "5-file");
    }
}
