//! Static files: the status files the service publishes, and (with `--site`) the built app with its demo
//! data, so the demo is one origin. Never a directory listing; nothing outside the folders, not even through
//! a symlink; unknown app routes get `index.html` so client-side routes (`/track`) survive a reload.
//!
//! Files are streamed by tower-http's `ServeFile` (a chunk at a time, with `Range` and `HEAD`), so a client
//! that stops reading holds a buffer, not the whole file. Pages are the exception: they are small, and read
//! whole so their inline scripts can be named in the Content-Security-Policy ([`super::policy`]).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use tower_http::services::ServeFile;

use super::policy::InlineSources;
use super::{message, AppState};
use crate::publish::is_status_file_name;

const NOT_FOUND: &str = "We could not find a complaint with those details.";

/// A page larger than this is not ours; it is streamed like any file, and its inline scripts stay blocked.
const PAGE_MAX_BYTES: u64 = 1024 * 1024;

/// `GET {status_base}{key}.json`: what this service published first, then the site's own (demo) files.
pub(super) async fn status(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
    method: Method,
    headers: HeaderMap,
) -> Response<Body> {
    if !is_status_file_name(&file) {
        return message(StatusCode::NOT_FOUND, NOT_FOUND);
    }
    let mut places = vec![(state.publish_dir.to_path_buf(), PathBuf::from(&file))];
    if let Some(site) = &state.site {
        let folder = state.status_prefix.trim_start_matches('/');
        places.push((site.to_path_buf(), Path::new(folder).join(&file)));
    }
    for (root, relative) in places {
        let Some(real) = inside(&root, &relative).await else {
            continue;
        };
        // Only Range is honoured: a status file can be replaced twice within the second that
        // Last-Modified counts in, so a date-based "not modified" could hide the newer stage.
        let request = forwarded(&method, &headers, &[header::RANGE]);
        if let Some(mut response) = stream(&real, "application/json; charset=utf-8", request).await
        {
            response.headers_mut().remove(header::LAST_MODIFIED);
            return response;
        }
    }
    message(StatusCode::NOT_FOUND, NOT_FOUND)
}

/// Everything else: a file of the site, or its `index.html` for an app route.
pub(super) async fn site(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
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
        if let Some(real) = inside(site, &relative).await {
            if let Some(response) = site_file(&real, &method, &headers).await {
                return response;
            }
        }
    }
    // The API and anything that looks like a file answer 404; only app routes fall back to the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/api/") || last.contains('.') {
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    }
    if let Some(index) = inside(site, Path::new("index.html")).await {
        if let Some(response) = site_file(&index, &method, &headers).await {
            return response;
        }
    }
    message(StatusCode::NOT_FOUND, "Nothing is served here.")
}

/// A file of the app: pages read whole (for their script hashes), the rest streamed with conditional
/// requests (the browser revalidates with `no-cache`, and a `304` saves sending the Wasm again).
async fn site_file(real: &Path, method: &Method, headers: &HeaderMap) -> Option<Response<Body>> {
    let kind = content_type(real);
    if kind.starts_with("text/html") {
        let small = tokio::fs::metadata(real)
            .await
            .is_ok_and(|m| m.len() <= PAGE_MAX_BYTES);
        if small {
            let bytes = tokio::fs::read(real).await.ok()?;
            return Some(page_response(bytes));
        }
    }
    let request = forwarded(
        method,
        headers,
        &[
            header::RANGE,
            header::IF_RANGE,
            header::IF_MODIFIED_SINCE,
            header::IF_UNMODIFIED_SINCE,
        ],
    );
    stream(real, kind, request).await
}

/// `real` with symlinks resolved, if it is a regular file inside `root` (itself resolved, so a site folder
/// that is a symlink still works); `None` for anything missing, a folder, or a link out of the folder.
async fn inside(root: &Path, relative: &Path) -> Option<PathBuf> {
    let root = tokio::fs::canonicalize(root).await.ok()?;
    let real = tokio::fs::canonicalize(root.join(relative)).await.ok()?;
    if !real.starts_with(&root) {
        return None;
    }
    let metadata = tokio::fs::metadata(&real).await.ok()?;
    metadata.is_file().then_some(real)
}

/// The request `ServeFile` sees: the method and only the listed headers.
fn forwarded(method: &Method, headers: &HeaderMap, names: &[header::HeaderName]) -> Request<()> {
    let mut request = Request::new(());
    *request.method_mut() = method.clone();
    for name in names {
        if let Some(value) = headers.get(name) {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }
    request
}

/// Streams an already checked file. Precompressed variants are never looked for: `ServeFile` would open
/// `x.br` beside `x` without our guard.
async fn stream(
    real: &Path,
    content_type: &'static str,
    request: Request<()>,
) -> Option<Response<Body>> {
    let response = ServeFile::new(real).try_call(request).await.ok()?;
    // Gone between the check and the open: as if it had never been there.
    if response.status() == StatusCode::NOT_FOUND {
        return None;
    }
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    if headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(response)
}

/// `no-cache`: the browser revalidates every time, so customers see a new release at once; the service
/// worker keeps the app usable offline. The page's inline scripts go with it, for its policy.
fn page_response(bytes: Vec<u8>) -> Response<Body> {
    let scripts = InlineSources::of(&bytes);
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.extensions_mut().insert(scripts);
    response
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
