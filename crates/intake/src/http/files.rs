//! Static files: the status files the service publishes, and (with `--site`) the built app with its demo
//! data, so the demo is one origin. Never a directory listing; nothing outside the folders, not even through
//! a symlink; unknown app routes get their page's static shell (`index.html`, `track.pl.html`: [`super::shells`])
//! so client-side routes (`/track`) survive a reload.
//!
//! Served as a CDN would ([`super::negotiate`]): the brotli or gzip copy the build wrote beside a file
//! (`app.wasm.br`) when the client takes it, with `Vary: Accept-Encoding`; content-hashed names kept for a
//! year, the widget's loader (`/embed/v1/embed.js`) for minutes, everything else revalidated with its `ETag`
//! (a `304` costs a few hundred bytes instead of the file). A precompressed copy passes the same guard as the file itself, and one older than its original
//! (left over from an earlier build) is never sent.
//!
//! Files are streamed by tower-http's `ServeFile` (a chunk at a time, with `Range`, `HEAD`, `ETag` from
//! size and time, and the conditional requests), so a client that stops reading holds a buffer, not the
//! whole file. Pages are also read whole so their inline scripts can be named in the
//! Content-Security-Policy ([`super::policy`]); status files are read whole for a tag from their content.
//!
//! Why not tower-http's `ServeDir` with `precompressed_br()` / `precompressed_gzip()`: it opens `x.br`
//! beside `x` itself, past our guard ([`inside`]: a copy that is a symlink out of the folder or to a
//! dot-file would be sent), and sends a copy older than its original (an earlier build's, with another
//! page's inline scripts). Given the resolved path instead, it would look beside the link's target, not
//! beside the name we checked. Nor does it know the rest of what is decided per file here: the immutable
//! hashed names and the widget loader's short cache ([`super::negotiate`]), status files tagged by content
//! with no date, app routes answered by their page's shell, no directory ever served. So the choice of copy
//! stays ours, and `ServeFile` streams the one chosen, without precompression of its own.

use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use axum::Extension;
use tower_http::services::ServeFile;

use super::negotiate::{self, Coding};
use super::policy::InlineSources;
use super::shells;
use super::{message, AppState, Peer};
use crate::publish::is_status_file_name;

const NOT_FOUND: &str = "We could not find a complaint with those details.";

/// The staff API's prefix: an unknown route under it is a 404, never the desk's page.
const STAFF_API: &str = "/staff/api/";

/// A page larger than this is not ours; it is streamed like any file, and its inline scripts stay blocked.
const PAGE_MAX_BYTES: u64 = 1024 * 1024;

/// Status files are a few kilobytes; one larger than this is streamed, without a tag.
const STATUS_MAX_BYTES: u64 = 256 * 1024;

/// `GET {status_base}{key}.json`: what this service published first, then the site's own (demo) files.
/// A client whose lookups found nothing `--status-misses` times this minute gets `429` for every lookup until
/// the minute is over, found or not: a name is a guess of the reference and verifier, and a guesser must
/// learn nothing from the answers meanwhile.
pub(super) async fn status(
    State(state): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    UrlPath(file): UrlPath<String>,
    method: Method,
    headers: HeaderMap,
) -> Response<Body> {
    if let Some(wait) = state.status_misses.exhausted(peer) {
        return too_many_lookups(wait);
    }
    let response = if is_status_file_name(&file) {
        let mut places = vec![(state.publish_dir.to_path_buf(), PathBuf::from(&file))];
        if let Some(site) = &state.site {
            let folder = state.status_prefix.trim_start_matches('/');
            places.push((site.to_path_buf(), Path::new(folder).join(&file)));
        }
        first_status_file(places, &method, &headers).await
    } else {
        message(StatusCode::NOT_FOUND, NOT_FOUND)
    };
    if response.status() == StatusCode::NOT_FOUND {
        // Counted, not refused: this answer is the same 404 either way.
        let _ = state.status_misses.allow(peer);
    }
    response
}

/// `429 rate_limited` with `Retry-After`, in the words of a lookup rather than a complaint.
pub(super) fn too_many_lookups(wait: u64) -> Response<Body> {
    let mut response = super::message_with_code(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Too many complaints were looked up from your connection just now. Please try again in a minute.",
    );
    if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The first of `places` (a root and a path inside it, kept inside by [`inside`]) that is there, served as a
/// status file in the client's encoding; else the neutral 404.
async fn first_status_file(
    places: Vec<(PathBuf, PathBuf)>,
    method: &Method,
    headers: &HeaderMap,
) -> Response<Body> {
    let codings = negotiate::accepted_codings(headers);
    for (root, relative) in places {
        let Some(real) = inside(&root, &relative).await else {
            continue;
        };
        let chosen = representation(&root, &relative, &real, &codings).await;
        if let Some(response) = status_file(&chosen, method, headers).await {
            return response;
        }
    }
    message(StatusCode::NOT_FOUND, NOT_FOUND)
}

/// `GET /api/v1/insights.json` (`docs/insights.md`): the figures this service published, else the site's own
/// (the demo's), served as a status file is (tagged by content, no date: it is replaced in place).
pub(super) async fn insights(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
) -> Response<Body> {
    let mut places = Vec::new();
    if let (Some(dir), Some(name)) = (
        state.insights_file.parent(),
        state.insights_file.file_name(),
    ) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        places.push((dir.to_path_buf(), PathBuf::from(name)));
    }
    if let Some(site) = &state.site {
        places.push((site.to_path_buf(), PathBuf::from("api/v1/insights.json")));
    }
    first_status_file(places, &method, &headers).await
}

/// A status file, tagged by its content. No `Last-Modified`: a status file can be replaced twice within
/// the second that a date counts in, so a date-based "not modified" could hide the newer stage.
async fn status_file(
    chosen: &Representation,
    method: &Method,
    headers: &HeaderMap,
) -> Option<Response<Body>> {
    const JSON: &str = "application/json; charset=utf-8";
    let small = tokio::fs::metadata(&chosen.path)
        .await
        .is_ok_and(|m| m.len() <= STATUS_MAX_BYTES);
    if !small {
        let request = forwarded(method, headers, &[header::RANGE]);
        let mut response = stream(chosen, JSON, request).await?;
        response.headers_mut().remove(header::LAST_MODIFIED);
        response.headers_mut().remove(header::ETAG);
        finish(&mut response, chosen, negotiate::revalidate());
        return Some(response);
    }
    let bytes = tokio::fs::read(&chosen.path).await.ok()?;
    let tag = negotiate::content_tag(&bytes);
    let mut response = if negotiate::none_match_hits(headers, &tag) {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Body::from(bytes));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        response
    };
    response.headers_mut().insert(header::ETAG, tag);
    finish(&mut response, chosen, negotiate::revalidate());
    Some(response)
}

/// Marks an answer that only this site's own pages read: the app's pages and the files at the top of the
/// site (its glue, Wasm, style sheet, worker, manifest, icons). Other sites load the widget's copies under
/// `/embed/` and read the data under `/api/`, so these answer no CORS and, above all, carry no
/// `Vary: Origin`: Chromium sends an `Origin` with the page's module scripts and fetches but not with the
/// service worker's own requests, so a `Vary: Origin` here would make the worker's install fetch the Wasm
/// again past the HTTP cache, and a cache that honours `Vary` miss.
#[derive(Clone, Copy, Debug)]
pub(super) struct OwnPagesOnly;

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
    let codings = negotiate::accepted_codings(&headers);
    if !relative.as_os_str().is_empty() {
        if let Some(real) = inside(site, &relative).await {
            let chosen = representation(site, &relative, &real, &codings).await;
            if let Some(mut response) =
                site_file(&real, &chosen, &relative, &method, &headers).await
            {
                if relative.components().count() == 1 {
                    response.extensions_mut().insert(OwnPagesOnly);
                }
                return response;
            }
        }
    }
    // The APIs and anything that looks like a file answer 404; only app routes fall back to the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("/api/") || path.starts_with(STAFF_API) || last.contains('.') {
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    }
    // The staff desk (crates/staff-web, built into `staff/`): every route of it is its one page.
    if path == "/staff" || path.starts_with("/staff/") {
        let page = Path::new("staff/index.html");
        if let Some(real) = inside(site, page).await {
            let chosen = representation(site, page, &real, &codings).await;
            if let Some(mut response) = site_file(&real, &chosen, page, &method, &headers).await {
                response.extensions_mut().insert(OwnPagesOnly);
                return response;
            }
        }
        return message(StatusCode::NOT_FOUND, "Nothing is served here.");
    }
    // The page's own shell in the customer's language, when the build wrote one (super::shells).
    for shell in shells::candidates(path, uri.query(), &headers) {
        let Some(real) = inside(site, &shell).await else {
            continue;
        };
        let chosen = representation(site, &shell, &real, &codings).await;
        if let Some(mut response) = site_file(&real, &chosen, &shell, &method, &headers).await {
            response
                .headers_mut()
                .append(header::VARY, HeaderValue::from_static(shells::VARY));
            response.extensions_mut().insert(OwnPagesOnly);
            return response;
        }
    }
    message(StatusCode::NOT_FOUND, "Nothing is served here.")
}

/// A file of the app, from the copy [`representation`] chose. A page's inline scripts are read from the
/// original (the copy may be compressed), and go with the answer for its policy.
async fn site_file(
    real: &Path,
    chosen: &Representation,
    relative: &Path,
    method: &Method,
    headers: &HeaderMap,
) -> Option<Response<Body>> {
    let kind = content_type(real);
    let mut scripts = None;
    if kind.starts_with("text/html") {
        let small = tokio::fs::metadata(real)
            .await
            .is_ok_and(|m| m.len() <= PAGE_MAX_BYTES);
        if small {
            let page = tokio::fs::read(real).await.ok()?;
            scripts = Some(InlineSources::of(&page));
        }
    }
    let request = forwarded(
        method,
        headers,
        &[
            header::RANGE,
            header::IF_RANGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
            header::IF_UNMODIFIED_SINCE,
        ],
    );
    let mut response = stream(chosen, kind, request).await?;
    // By the name asked for: a link `app.js` to a hashed file is not itself hashed.
    finish(&mut response, chosen, negotiate::cache_control(relative));
    if let Some(scripts) = scripts {
        response.extensions_mut().insert(scripts);
    }
    Some(response)
}

/// The file to send: the best precompressed copy the client takes, or the file itself.
struct Representation {
    /// Resolved and inside the folder.
    path: PathBuf,
    /// `None` for the file itself.
    coding: Option<Coding>,
    /// Whether a copy might have been chosen, so caches must key on `Accept-Encoding`.
    varies: bool,
}

/// Looks for `relative` + `.br` / `.gz` (in the client's order), each through the same guard as any file
/// (a copy that is a link out of the folder is not there), and skips a copy older than the original: it
/// was left by an earlier build and would send the old content (for a page, with inline scripts its
/// policy no longer allows).
async fn representation(
    root: &Path,
    relative: &Path,
    real: &Path,
    codings: &[Coding],
) -> Representation {
    let varies = compressible(real);
    let original = Representation {
        path: real.to_path_buf(),
        coding: None,
        varies,
    };
    if !varies {
        return original;
    }
    let Some(written) = modified(real).await else {
        return original;
    };
    for &coding in codings {
        let mut name = relative.as_os_str().to_os_string();
        name.push(coding.suffix());
        let Some(copy) = inside(root, Path::new(&name)).await else {
            continue;
        };
        if modified(&copy).await.is_some_and(|t| t >= written) {
            return Representation {
                path: copy,
                coding: Some(coding),
                varies,
            };
        }
    }
    original
}

async fn modified(path: &Path) -> Option<SystemTime> {
    tokio::fs::metadata(path).await.ok()?.modified().ok()
}

/// Types the build writes compressed copies of (`scripts/compress-dist`); images and fonts are
/// compressed already.
fn compressible(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        extension.as_str(),
        "html" | "js" | "mjs" | "css" | "json" | "wasm" | "svg" | "txt" | "webmanifest"
    )
}

/// The headers every file answer carries, `304`s included: how to cache it, what it varies by, and on a
/// body from a compressed copy its coding.
fn finish(response: &mut Response<Body>, chosen: &Representation, cache: HeaderValue) {
    let success = response.status().is_success();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, cache);
    if chosen.varies {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let (Some(coding), true) = (chosen.coding, success) {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(coding.token()),
        );
    }
}

/// `real` with symlinks resolved, if it is a regular file inside `root` (itself resolved, so a site folder
/// that is a symlink still works); `None` for anything missing, a folder, a link out of the folder, or a link
/// to a hidden file or into a hidden folder (the URL's own path is checked by [`safe_relative`]; a link's
/// target is checked here, on the path it resolves to).
async fn inside(root: &Path, relative: &Path) -> Option<PathBuf> {
    let root = tokio::fs::canonicalize(root).await.ok()?;
    let real = tokio::fs::canonicalize(root.join(relative)).await.ok()?;
    let below = real.strip_prefix(&root).ok()?;
    let hidden = below
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
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

/// Streams an already checked file (`ServeFile` is given the resolved path, and no precompression of its
/// own: it would open `x.br` beside `x` without our guard), typed as the original.
async fn stream(
    chosen: &Representation,
    content_type: &'static str,
    request: Request<()>,
) -> Option<Response<Body>> {
    let response = ServeFile::new(&chosen.path).try_call(request).await.ok()?;
    // Gone between the check and the open: as if it had never been there.
    if response.status() == StatusCode::NOT_FOUND {
        return None;
    }
    let mut response = response.map(Body::new);
    let headers = response.headers_mut();
    if headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    Some(response)
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
