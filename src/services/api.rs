//! The static JSON API client: typed results for every way a fetch can go wrong.

use complaint_domain::config::{ConfigError, OrgConfig};
use complaint_domain::knowledge::KnowledgeBase;
use gloo_net::http::Request;

use super::json::BrowserJson;

/// Where the organisation's static API lives, relative to the app's origin.
pub const API_BASE: &str = "/api/v1";

/// The folder of the organisation's static API, as an absolute URL ending in `/`: the standalone app's own
/// `/api/v1/`, or the widget's `api` attribute. The addresses in its config (where complaints go, status
/// files, the privacy page) are read relative to it, so a widget on another site still reaches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase(String);

impl ApiBase {
    /// `url` (relative to the page, as a host writes it) as a folder; `None` when it is no URL at all.
    pub fn parse(url: &str) -> Option<ApiBase> {
        let page = web_sys::window()?.location().href().ok()?;
        let mut absolute = web_sys::Url::new_with_base(url.trim(), &page).ok()?.href();
        if !absolute.starts_with("http") {
            return None;
        }
        if !absolute.ends_with('/') {
            absolute.push('/');
        }
        Some(ApiBase(absolute))
    }

    /// A file in the folder, or an address the config gives (absolute, or relative to the folder).
    pub fn resolve(&self, url: &str) -> String {
        web_sys::Url::new_with_base(url, &self.0)
            .map(|u| u.href())
            .unwrap_or_else(|_| url.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ApiBase {
    /// The standalone app's: `/api/v1/` on the page's own origin.
    fn default() -> Self {
        ApiBase::parse(&format!("{API_BASE}/")).unwrap_or_else(|| ApiBase(format!("{API_BASE}/")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// No answer: offline, DNS, CORS or a dropped connection.
    Network(String),
    /// 404 or 410: the file is not published.
    NotFound,
    /// Any other non-2xx answer.
    Status(u16),
    /// An answer that is not what the contract promises.
    Malformed(String),
}

impl FetchError {
    pub fn detail(&self) -> String {
        match self {
            FetchError::Network(detail) | FetchError::Malformed(detail) => detail.clone(),
            FetchError::NotFound => "404 Not Found".to_owned(),
            FetchError::Status(code) => format!("HTTP {code}"),
        }
    }
}

/// How long a file of the API may take before the page says it cannot open: long enough for a few KB on a
/// weak signal (the config is ~3 KB, and the page asked for it before the Wasm arrived), short enough that a
/// customer never watches "Loading…" with no end. Offline with a copy, the service worker answers first.
const TIMEOUT_MS: i32 = 6_000;

/// GETs `url` as text; no answer (body included) within [`TIMEOUT_MS`] is a network failure. A failure
/// that came sooner is tried once more at once: a browser that refused the page's preload of the same
/// address (the config is preloaded in `index.html`) hands that failure to the first fetch that asks.
pub async fn get_text(url: &str) -> Result<String, FetchError> {
    match get_text_once(url).await {
        (Err(FetchError::Network(_)), false) => get_text_once(url).await.0,
        (result, _) => result,
    }
}

/// One GET, and whether it ran out of time.
async fn get_text_once(url: &str) -> (Result<String, FetchError>, bool) {
    let network = |e: &dyn std::fmt::Display| FetchError::Network(e.to_string());
    let abort = match web_sys::AbortController::new() {
        Ok(abort) => abort,
        Err(e) => return (Err(network(&format!("{e:?}"))), false),
    };
    let timer = super::device::abort_after(&abort, TIMEOUT_MS);
    let result = async {
        let response = Request::get(url)
            .abort_signal(Some(&abort.signal()))
            .send()
            .await
            .map_err(|e| network(&e))?;
        match response.status() {
            200..=299 => response.text().await.map_err(|e| network(&e)),
            404 | 410 => Err(FetchError::NotFound),
            code => Err(FetchError::Status(code)),
        }
    }
    .await;
    if let (Some(window), Some(timer)) = (web_sys::window(), timer) {
        window.clear_timeout_with_handle(timer);
    }
    (result, abort.signal().aborted())
}

/// The organisation's configuration, read and checked against the rules the form depends on; the
/// addresses in it made absolute against `base`.
pub async fn load_config(base: ApiBase) -> Result<OrgConfig, FetchError> {
    let text = get_text(&base.resolve("config.json")).await?;
    let mut config = OrgConfig::from_json_with(&text, &BrowserJson)
        .map_err(|e: ConfigError| FetchError::Malformed(e.to_string()))?;
    config.submission.endpoint = base.resolve(&config.submission.endpoint);
    config.submission.uploads = config.submission.uploads.map(|u| base.resolve(&u));
    config.tracking.status_base = base.resolve(&config.tracking.status_base);
    config.organisation.privacy_url = config.organisation.privacy_url.map(|u| base.resolve(&u));
    Ok(config)
}

/// The common answers. Optional: a failure here only means the step offers none.
pub async fn load_knowledge_base(base: ApiBase) -> Result<KnowledgeBase, FetchError> {
    let text = get_text(&base.resolve("knowledge-base.json")).await?;
    KnowledgeBase::from_json_with(&text, &BrowserJson).map_err(FetchError::Malformed)
}
