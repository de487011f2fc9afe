//! Fetching `insights.json` from the API folder and handing it to the domain's checks.

use complaint_domain::config::OrgConfig;
use complaint_domain::insights::{CheckedInsights, Insights};

use crate::services::api::{get_text, ApiBase, FetchError};
use crate::services::json::BrowserJson;

/// The file, checked against the organisation's categories and causes and capped for drawing.
pub async fn load_insights(
    base: ApiBase,
    config: OrgConfig,
) -> Result<CheckedInsights, FetchError> {
    let text = get_text(&base.resolve("insights.json")).await?;
    let insights = Insights::from_json_with(&text, &BrowserJson)
        .map_err(|e| FetchError::Malformed(e.to_string()))?;
    Ok(insights.checked(&config))
}
