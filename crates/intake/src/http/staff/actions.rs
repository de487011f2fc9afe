//! What staff do to complaints (docs/staff-api.md, Actions): one route per action under
//! `/complaints/{reference}/`, merge, bulk changes, and the templates ([`templates`]). Each handler reads its
//! body, asks the desk (which checks the permission, whether this person may work the complaint and the
//! revision they opened, and writes the audit line) and answers the complaint as it now stands.

mod bulk;
mod templates;

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::routing::{delete, post};
use axum::{Json, Router};
use complaint_domain::calendar::Date;
use complaint_domain::localized::OrgText;
use complaint_domain::status::{DeadlineStep, MessageKind, Stage};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::super::AppState;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::templates::Words;
use crate::desk::work::{Decided, Done};
use crate::desk::{Asked, DeskError};

pub(super) fn routes() -> Router<AppState> {
    let on = |action: &str| format!("{API}/complaints/{{reference}}/{action}");
    Router::new()
        .route(&on("acknowledge"), post(acknowledge))
        .route(&on("stage"), post(move_on))
        .route(&on("assign"), post(assign))
        .route(&on("notes"), post(note))
        .route(&on("reply"), post(reply))
        .route(&on("ask"), post(ask))
        .route(&on("extend"), post(extend))
        .route(&on("decide"), post(decide))
        .route(&on("close"), post(close))
        .route(&on("reopen"), post(reopen))
        .route(&on("release"), post(release))
        .route(&on("merge"), post(merge))
        .route(&format!("{API}/complaints/{{reference}}"), delete(remove))
        .merge(bulk::routes())
        .merge(templates::routes())
}

/// A JSON body, refused as `422 {"code":"invalid"}` (not axum's plain text) when it does not parse; an
/// empty body reads as `{}`, so an action with nothing to say needs no body.
pub(super) struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Body<T> {
    type Rejection = StaffError;

    async fn from_request(request: Request, state: &AppState) -> Result<Body<T>, StaffError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| {
                StaffError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string())
            })?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text).map(Body).map_err(|e| {
            StaffError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("the body is not what this route takes: {e}"),
            )
        })
    }
}

/// The complaint after an action.
#[derive(Serialize)]
struct Acted {
    reference: String,
    /// Send this as `revision` with the next action.
    revision: i64,
    stage: &'static str,
    /// What did not follow the change (a mail not queued, say); the change stands.
    notices: Vec<String>,
}

impl From<Done> for Acted {
    fn from(done: Done) -> Acted {
        let record = &done.complaint.record;
        Acted {
            reference: record.reference.clone(),
            revision: done.complaint.revision,
            stage: record.current().map_or("received", |e| e.stage.as_str()),
            notices: done.notices.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Runs `work` with the [`Asked`] of this request and answers what it did.
async fn act<B: Send + 'static>(
    state: &AppState,
    signed: Signed,
    reference: String,
    revision: Option<i64>,
    body: B,
    work: impl FnOnce(&mut crate::desk::Desk, &Asked<'_>, B) -> Result<Done, DeskError> + Send + 'static,
) -> Result<Json<Acted>, StaffError> {
    on_desk_as(state, signed, reference, revision, move |desk, asked| {
        work(desk, asked, body).map(Acted::from)
    })
    .await
    .map(Json)
}

/// [`on_desk`] with the request's [`Asked`].
pub(super) async fn on_desk_as<T: Send + 'static>(
    state: &AppState,
    signed: Signed,
    reference: String,
    revision: Option<i64>,
    work: impl FnOnce(&mut crate::desk::Desk, &Asked<'_>) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, StaffError> {
    on_desk(state, move |desk| {
        let asked = Asked {
            actor: &signed.actor,
            address: Some(&signed.address),
            reference: &reference,
            revision,
        };
        work(desk, &asked)
    })
    .await
}

/// Words the customer reads, as typed (`None` when blank).
fn typed(text: Option<String>) -> Option<OrgText> {
    text.map(OrgText::Plain).and_then(OrgText::cleaned)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StageBody {
    revision: i64,
    #[serde(default)]
    message: Option<String>,
}

async fn acknowledge(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<StageBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        body.message,
        |desk, asked, message| desk.acknowledge(asked, typed(message)),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveOnBody {
    revision: i64,
    stage: Stage,
    #[serde(default)]
    message: Option<String>,
}

/// `assessing` or `investigating`, with a message the customer reads under the stage.
async fn move_on(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<MoveOnBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        (body.stage, body.message),
        |desk, asked, (stage, message)| desk.move_on(asked, stage, typed(message)),
    )
    .await
}

async fn close(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<StageBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        body.message,
        |desk, asked, message| desk.close(asked, typed(message)),
    )
    .await
}

async fn reopen(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<StageBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        body.message,
        |desk, asked, message| desk.reopen(asked, typed(message)),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    revision: i64,
    /// A staff id, or `null`: back to the category's queue.
    assignee: Option<i64>,
}

async fn assign(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<AssignBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        body.assignee,
        |desk, asked, assignee| desk.assign(asked, assignee),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
    #[serde(default)]
    mentions: Vec<i64>,
}

#[derive(Serialize)]
struct Noted {
    note: i64,
}

async fn note(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<NoteBody>,
) -> Result<(StatusCode, Json<Noted>), StaffError> {
    let note = on_desk_as(&state, signed, reference, None, move |desk, asked| {
        desk.note(asked, &body.text, &body.mentions)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(Noted { note })))
}

/// The words of a reply, a question or a decision: `text` or `template`, one of them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageBody {
    revision: i64,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    template: Option<i64>,
}

/// `text` or `template`, exactly one.
pub(super) fn words(text: Option<String>, template: Option<i64>) -> Result<Words, StaffError> {
    match (text, template) {
        (Some(text), None) => Ok(Words::Text(text)),
        (None, Some(id)) => Ok(Words::Template(id)),
        _ => Err(StaffError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "give either \"text\" or \"template\"",
        )),
    }
}

async fn message(
    state: &AppState,
    signed: Signed,
    reference: String,
    kind: MessageKind,
    body: MessageBody,
) -> Result<Json<Acted>, StaffError> {
    let words = words(body.text, body.template)?;
    act(
        state,
        signed,
        reference,
        Some(body.revision),
        words,
        move |desk, asked, words| desk.message(asked, kind, &words),
    )
    .await
}

async fn reply(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<MessageBody>,
) -> Result<Json<Acted>, StaffError> {
    message(&state, signed, reference, MessageKind::Reply, body).await
}

async fn ask(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<MessageBody>,
) -> Result<Json<Acted>, StaffError> {
    message(&state, signed, reference, MessageKind::Ask, body).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendBody {
    revision: i64,
    step: DeadlineStep,
    until: Date,
    reason: String,
}

async fn extend(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<ExtendBody>,
) -> Result<Json<Acted>, StaffError> {
    let reason = typed(Some(body.reason)).ok_or_else(|| {
        StaffError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "an extension needs a reason the customer reads",
        )
    })?;
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        reason,
        move |desk, asked, reason| desk.extend_as(asked, body.step, body.until, Some(reason)),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    revision: i64,
    outcome: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    template: Option<i64>,
    #[serde(default)]
    causes: Vec<String>,
}

async fn decide(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<DecideBody>,
) -> Result<Json<Acted>, StaffError> {
    let outcome = crate::store::parse_decision(&body.outcome).ok_or_else(|| {
        StaffError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "outcome is upheld, partly_upheld or not_upheld",
        )
    })?;
    let summary = match (body.summary, body.template) {
        (None, None) => None,
        (text, template) => Some(words(text, template)?),
    };
    let decided = Decided {
        outcome,
        summary,
        causes: body.causes,
    };
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        decided,
        |desk, asked, decided| desk.decide(asked, decided),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    revision: i64,
    into: String,
}

async fn merge(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(body): Body<MergeBody>,
) -> Result<Json<Acted>, StaffError> {
    act(
        &state,
        signed,
        reference,
        Some(body.revision),
        body.into,
        |desk, asked, into| desk.merge(asked, &into),
    )
    .await
}

/// Quarantine's actions need no revision: a held complaint is not being worked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeldBody {}

#[derive(Serialize)]
struct Released {
    reference: String,
    notices: Vec<String>,
}

async fn release(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
    Body(HeldBody {}): Body<HeldBody>,
) -> Result<Json<Released>, StaffError> {
    let changed = on_desk_as(&state, signed, reference, None, |desk, asked| {
        desk.release_as(asked)
    })
    .await?;
    Ok(Json(Released {
        reference: changed.record.reference,
        notices: changed.notices.iter().map(ToString::to_string).collect(),
    }))
}

async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path(reference): Path<String>,
) -> Result<StatusCode, StaffError> {
    on_desk_as(&state, signed, reference, None, |desk, asked| {
        desk.delete_as(asked)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
