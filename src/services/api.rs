//! The static JSON API client: typed results for every way a fetch can go wrong.

use complaint_domain::config::{ConfigError, OrgConfig};
use complaint_domain::knowledge::KnowledgeBase;
use gloo_net::http::Request;

use super::json::BrowserJson;

/// Where the organisation's static API lives, relative to the app's origin.
pub const API_BASE: &str = "/api/v1";

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

pub async fn get_text(url: &str) -> Result<String, FetchError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    match response.status() {
        200..=299 => response
            .text()
            .await
            .map_err(|e| FetchError::Network(e.to_string())),
        404 | 410 => Err(FetchError::NotFound),
        code => Err(FetchError::Status(code)),
    }
}

/// The organisation's configuration, read and checked against the rules the form depends on.
pub async fn load_config() -> Result<OrgConfig, FetchError> {
    let url = format!("{API_BASE}/config.json");
    let text = get_text(&url).await?;
    OrgConfig::from_json_with(&text, &BrowserJson)
        .map_err(|e: ConfigError| FetchError::Malformed(e.to_string()))
}

/// The common answers. Optional: a failure here only means the step offers none.
pub async fn load_knowledge_base() -> Result<KnowledgeBase, FetchError> {
    let text = get_text(&format!("{API_BASE}/knowledge-base.json")).await?;
    KnowledgeBase::from_json_with(&text, &BrowserJson).map_err(FetchError::Malformed)
}
