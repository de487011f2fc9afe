//! `POST /bulk` (docs/staff-api.md, Bulk): one action over a selection, an outcome per complaint.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use complaint_domain::status::Stage;
use serde::{Deserialize, Serialize};

use super::super::super::AppState;
use super::super::{on_desk, Signed, StaffError, API};
use super::Body;
use crate::desk::bulk::BulkAction;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(&format!("{API}/bulk"), post(bulk))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkBody {
    action: String,
    references: Vec<String>,
    #[serde(default)]
    assignee: Option<i64>,
    #[serde(default)]
    stage: Option<Stage>,
}

/// The most complaints one bulk request changes: a page of a queue, not the whole database.
const MAX_BULK: usize = 200;

#[derive(Serialize)]
struct BulkResult {
    reference: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize)]
struct BulkDone {
    results: Vec<BulkResult>,
}

async fn bulk(
    State(state): State<AppState>,
    signed: Signed,
    Body(body): Body<BulkBody>,
) -> Result<Json<BulkDone>, StaffError> {
    let invalid = |why: &str| StaffError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", why);
    let action = match (body.action.as_str(), body.stage) {
        ("assign", None) => BulkAction::Assign(body.assignee),
        ("acknowledge", None) => BulkAction::Acknowledge,
        ("stage", Some(stage)) => BulkAction::Stage(stage),
        ("stage", None) => return Err(invalid("action \"stage\" needs \"stage\"")),
        _ => {
            return Err(invalid(
                "action is assign, acknowledge or stage (with \"stage\")",
            ))
        }
    };
    if body.references.is_empty() || body.references.len() > MAX_BULK {
        return Err(invalid(&format!("references: 1 to {MAX_BULK} of them")));
    }
    let results = on_desk(&state, move |desk| {
        desk.bulk(
            &signed.actor,
            Some(&signed.address),
            action,
            &body.references,
        )
    })
    .await?;
    let results = results
        .into_iter()
        .map(|(reference, done)| match done {
            Ok(()) => BulkResult {
                reference,
                ok: true,
                code: None,
                message: None,
            },
            Err(e) => {
                let error = StaffError::from(e);
                BulkResult {
                    reference,
                    ok: false,
                    code: Some(error.code),
                    message: Some(error.message),
                }
            }
        })
        .collect();
    Ok(Json(BulkDone { results }))
}
