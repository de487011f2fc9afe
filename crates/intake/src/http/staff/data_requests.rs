//! The data requests room (issue #25, docs/staff-api.md "Data requests"): customers' requests for a copy of
//! their data or its erasure, with the day each is answered by, and the answer (done, or refused with the
//! reason the customer reads). Leads and admins only; the desk decides (`crate::desk::data_requests`).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use complaint_domain::data_requests::{overdue, DataRequestKind, DataRequestState};
use complaint_domain::instant::Zone;
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::actions::Body;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::clock::clock_text;
use crate::desk::data_requests::RequestAnswer;
use crate::store::DataRequest;
use crate::zone::{self, OrgZone};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/data-requests"), get(list))
        .route(&format!("{API}/data-requests/{{id}}/answer"), post(answer))
}

/// One request as the desk lists it.
#[derive(Serialize)]
struct RequestView {
    id: i64,
    reference: String,
    kind: DataRequestKind,
    requested_at: String,
    due_on: String,
    state: DataRequestState,
    /// Still open after its day.
    overdue: bool,
    answered_at: Option<String>,
    /// An audit key (`staff:ID`, `token:ID`, `cli`).
    answered_by: Option<String>,
    reason: Option<String>,
    /// Only in an answer: the legal hold that refused an erasure answered done (the customer reads
    /// `reason`, in their language; staff read the hold's own words here).
    #[serde(skip_serializing_if = "Option::is_none")]
    hold: Option<HoldView>,
}

/// A legal hold as staff read it.
#[derive(Serialize)]
struct HoldView {
    since: String,
    /// An audit key (`staff:ID`, `token:ID`, `cli`).
    by: String,
    reason: String,
}

fn view(request: DataRequest, zone: &OrgZone) -> RequestView {
    let now = zone::now();
    let today = zone
        .local(now)
        .map_or_else(|| now.utc_wall_clock().date, |local| local.date);
    let entry = request.entry;
    RequestView {
        id: request.id,
        reference: request.reference,
        kind: entry.kind,
        requested_at: clock_text(zone, entry.at),
        due_on: entry.due_on.to_string(),
        state: entry.state,
        overdue: overdue(entry.due_on, entry.state, today),
        answered_at: entry.answered_at.map(|at| clock_text(zone, at)),
        answered_by: request.answered_by,
        reason: entry.reason,
        hold: None,
    }
}

#[derive(Serialize)]
struct Listed {
    requests: Vec<RequestView>,
}

/// `GET /staff/api/v1/data-requests`: the open ones first, by the day they are due.
async fn list(State(state): State<AppState>, signed: Signed) -> Result<Json<Listed>, StaffError> {
    on_desk(&state, move |desk| {
        let requests = desk.data_requests(&signed.actor)?;
        let zone = desk.settings()?.zone.clone();
        Ok(Listed {
            requests: requests.into_iter().map(|r| view(r, &zone)).collect(),
        })
    })
    .await
    .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answered {
    state: DataRequestState,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /staff/api/v1/data-requests/{id}/answer`: `{"state": "done"}` or `{"state": "refused", "reason":
/// …}`. An erasure answered done is erased; on legal hold it comes back refused, with the hold.
async fn answer(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Body(body): Body<Answered>,
) -> Result<Json<RequestView>, StaffError> {
    let answer = match body.state {
        DataRequestState::Done => RequestAnswer::Done,
        DataRequestState::Refused => RequestAnswer::Refused {
            reason: body.reason.unwrap_or_default(),
        },
        DataRequestState::Open => {
            return Err(StaffError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "state: done or refused".to_owned(),
            ))
        }
    };
    on_desk(&state, move |desk| {
        let address = signed.address.clone();
        let answered = desk.answer_data_request(&signed.actor, Some(&address), id, answer)?;
        let zone = desk.settings()?.zone.clone();
        Ok(RequestView {
            hold: answered.hold.map(|hold| HoldView {
                since: clock_text(&zone, hold.since),
                by: hold.by,
                reason: hold.reason,
            }),
            ..view(answered.request, &zone)
        })
    })
    .await
    .map(Json)
}
