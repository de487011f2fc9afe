//! The operations room (issue #23, docs/staff-api.md "Operations"): what the command line does for the whole
//! service — the export, the regulator's report, republishing the status files, publishing the figures —
//! for leads and above in the desk. Thin handlers over `crate::desk::operations`, which checks the permission
//! and writes the audit line.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Response};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use complaint_domain::calendar::Date;
use complaint_domain::i18n::Locale;
use serde::Deserialize;

use super::auth::JsonBody;
use super::queues::{bad_request, params, Params};
use super::{on_desk, Signed, StaffError, API};
use crate::dossier::ExportFormat;
use crate::http::AppState;
use crate::insights::ReportFormat;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/operations/export"), get(export))
        .route(&format!("{API}/operations/report"), get(report))
        .route(&format!("{API}/operations/republish"), post(republish))
        .route(&format!("{API}/operations/figures"), post(figures))
}

fn date(name: &str, value: &str) -> Result<Date, StaffError> {
    Date::parse_iso(value).ok_or_else(|| bad_request(name, "a date, YYYY-MM-DD"))
}

/// `json` or `csv`, as the command line names them.
fn csv_or_json(name: &str, value: &str) -> Result<bool, StaffError> {
    match value {
        "csv" => Ok(true),
        "json" => Ok(false),
        _ => Err(bad_request(name, "csv or json")),
    }
}

/// A file to save: its type, `attachment` with its name, never cached.
fn download(text: String, csv: bool, name: String) -> Response<Body> {
    let kind = if csv {
        "text/csv; charset=utf-8"
    } else {
        "application/json"
    };
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /operations/export?since=&format=&lang=` (lead): the command line's `export`, as a file.
async fn export(
    State(state): State<AppState>,
    signed: Signed,
    query: Params,
) -> Result<Response<Body>, StaffError> {
    let (mut since, mut csv, mut lang) = (None, false, Locale::En);
    for (name, value) in params(query, &["since", "format", "lang"])? {
        match name.as_str() {
            "since" => since = Some(date(&name, &value)?),
            "format" => csv = csv_or_json(&name, &value)?,
            _ => {
                lang = Locale::from_tag(&value).ok_or_else(|| bad_request(&name, "en, ko or pl"))?
            }
        }
    }
    let since = since.ok_or_else(|| bad_request("since", "a date, YYYY-MM-DD"))?;
    let format = if csv {
        ExportFormat::Csv
    } else {
        ExportFormat::Json
    };
    let text = on_desk(&state, move |desk| {
        desk.export(&signed.actor, since, format, lang, Some(&signed.address))
    })
    .await?;
    let extension = if csv { "csv" } else { "json" };
    Ok(download(
        text,
        csv,
        format!("complaints-since-{since}.{extension}"),
    ))
}

/// `GET /operations/report?from=&to=&format=` (lead): the command line's `report`; JSON as data, CSV as a
/// file.
async fn report(
    State(state): State<AppState>,
    signed: Signed,
    query: Params,
) -> Result<Response<Body>, StaffError> {
    let (mut from, mut to, mut csv) = (None, None, false);
    for (name, value) in params(query, &["from", "to", "format"])? {
        match name.as_str() {
            "from" => from = Some(date(&name, &value)?),
            "to" => to = Some(date(&name, &value)?),
            _ => csv = csv_or_json(&name, &value)?,
        }
    }
    let from = from.ok_or_else(|| bad_request("from", "a date, YYYY-MM-DD"))?;
    let to = to.ok_or_else(|| bad_request("to", "a date, YYYY-MM-DD"))?;
    if to < from {
        return Err(bad_request("to", "on or after from"));
    }
    let format = if csv {
        ReportFormat::Csv
    } else {
        ReportFormat::Json
    };
    let report = on_desk(&state, move |desk| {
        desk.report(&signed.actor, from, to, format, Some(&signed.address))
    })
    .await?;
    if csv {
        let name = format!("report-{from}-{to}.csv");
        return Ok(download(report.render(format), true, name));
    }
    let mut response = Json(report).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Republish {
    #[serde(default)]
    all: bool,
}

/// `POST /operations/republish` (lead) `{all?}`: the status files that lag behind, or every one.
async fn republish(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(body): JsonBody<Republish>,
) -> Result<Json<serde_json::Value>, StaffError> {
    let written = on_desk(&state, move |desk| {
        desk.republish(&signed.actor, body.all, Some(&signed.address))
    })
    .await?;
    Ok(Json(serde_json::json!({ "written": written })))
}

/// `POST /operations/figures` (lead): computes and publishes the figures now (`/api/v1/insights.json`).
async fn figures(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let path = std::sync::Arc::clone(&state.insights_file);
    let bytes = on_desk(&state, move |desk| {
        desk.publish_figures(&signed.actor, &path, Some(&signed.address))
    })
    .await?;
    Ok(Json(serde_json::json!({ "bytes": bytes })))
}
