//! Static files: the status files the service publishes, and (with `--site`) the built app with its demo
//! data, so the demo is one origin. Never a directory listing; nothing outside the folders; unknown app
//! routes get `index.html` so client-side routes (`/track`) survive a reload.

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode, Uri};

use super::{message, AppState};
use crate::publish::is_status_file_name;

const NOT_FOUND: &str = "We could not find a complaint with those details.";

/// `GET {status_base}{key}.json`: what this service published first, then the site's own (demo) files.
pub(super) async fn status(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
) -> Response<Body> {
    if !is_status_file_name(&file) {
        return message(StatusCode::NOT_FOUND, NOT_FOUND);
    }
    let mut places = vec![state.publish_dir.join(&file)];
    if let Some(site) = &state.site {
        let folder = state.status_prefix.trim_start_matches('/');
        places.push(site.join(folder).join(&file));
    }
    for place in places {
        if let Ok(bytes) = tokio::fs::read(&place).await {
            return file_response(bytes, "application/json; charset=utf-8");
        }
    }
    message(StatusCode::NOT_FOUND, NOT_FOUND)
}

/// Everything else: a file of the site, or its `index.html` for an app route.
pub(super) async fn site(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = message(
            StatusCode::METHOD_NOT_ALLOWED,
            "This address only serves files.",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = uri.path();
    let Some(site) = state.site.as_deref() else {
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    };
    let Some(relative) = safe_relative(path) else {
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    };
    if !relative.as_os_str().is_empty() {
        let candidate = site.join(&relative);
        if tokio::fs::metadata(&candidate)
            .await
            .is_ok_and(|m| m.is_file())
        {
            if let Ok(bytes) = tokio::fs::read(&candidate).await {
                return file_response(bytes, content_type(&candidate));
            }
        }
    }
    // The API and anything that looks like a file answer 404; only app routes fall back to the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/api/") || last.contains('.') {
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    }
    match tokio::fs::read(site.join("index.html")).await {
        Ok(bytes) => file_response(bytes, "text/html; charset=utf-8"),
        Err(_) => message(StatusCode::NOT_FOUND, "Nothing is served here."),
    }
}

/// The URL path as a path inside the site, or `None` if it tries to leave it or reach hidden files.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let decoded = percent_decode(segment)?;
        let component = Path::new(&decoded);
        let plain = matches!(
            component.components().collect::<Vec<_>>()[..],
            [Component::Normal(_)]
        );
        if !plain || decoded.starts_with('.') || decoded.contains(['\\', '\0']) {
            return None;
        }
        relative.push(decoded);
    }
    Some(relative)
}

/// `%20` and friends; `None` for broken escapes or bytes that are not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `no-cache`: the browser revalidates every time, so customers see a status change (and a new release)
/// at once; the service worker keeps the app usable offline.
fn file_response(bytes: Vec<u8>, content_type: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_site() {
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative("/api/v1/config.json"),
            Some(PathBuf::from("api/v1/config.json"))
        );
        assert_eq!(
            safe_relative("/my%20file.txt"),
            Some(PathBuf::from("my file.txt"))
        );
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/.git/config",
            "/a%5c..%5cb",
            "/%zz",
            "/%2fetc",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
