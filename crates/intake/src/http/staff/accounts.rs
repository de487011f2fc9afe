//! Staff accounts, invitations and service tokens (issue #23, docs/staff-api.md "Sign-in, staff, tokens"):
//! thin handlers over the desk (`crate::desk::staff_admin`, `crate::desk::enrol`, `crate::desk::tokens`),
//! which checks every permission.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::auth::JsonBody;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::enrol::{enrol_link, Invite};
use crate::desk::sign_in::{origin_text, AuthRefusal};
use crate::desk::staff_admin::StaffChange;
use crate::desk::Desk;
use crate::http::AppState;
use crate::store::{StaffRecord, TokenRecord};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/staff"), get(list_staff))
        .route(&format!("{API}/staff/{{id}}"), patch(change_staff))
        .route(&format!("{API}/colleagues"), get(colleagues))
        .route(&format!("{API}/staff/invitations"), post(invite))
        .route(
            &format!("{API}/tokens"),
            get(list_tokens).post(create_token),
        )
        .route(&format!("{API}/tokens/{{id}}"), delete(revoke_token))
}

/// An id in a path; anything but a number names nothing (`404 not_found`).
fn number(text: &str) -> Result<i64, StaffError> {
    text.parse().map_err(|_| {
        StaffError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("nothing has the id \"{text}\""),
        )
    })
}

/// A staff account as the API shows it.
#[derive(Serialize)]
struct StaffView {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    categories: Vec<String>,
    created_at: String,
    disabled: bool,
}

impl StaffView {
    /// The account, its time with the organisation's offset.
    fn new(record: StaffRecord, desk: &Desk) -> StaffView {
        StaffView {
            id: record.id,
            name: record.name,
            email: record.email,
            role: record.role.name(),
            categories: record.categories,
            created_at: desk.time_text(record.created_at),
            disabled: record.disabled_at.is_some(),
        }
    }
}

/// `GET /colleagues` (agent): whom a note may mention, `{colleagues: [{id, name}]}`.
async fn colleagues(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let colleagues = on_desk(&state, move |desk| desk.colleagues(&signed.actor)).await?;
    let colleagues: Vec<serde_json::Value> = colleagues
        .into_iter()
        .map(|(id, name)| serde_json::json!({ "id": id, "name": name }))
        .collect();
    Ok(Json(serde_json::json!({ "colleagues": colleagues })))
}

/// `GET /staff` (lead): every account.
async fn list_staff(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let staff: Vec<StaffView> = on_desk(&state, move |desk| {
        let staff = desk.staff(&signed.actor)?;
        Ok(staff.into_iter().map(|r| StaffView::new(r, desk)).collect())
    })
    .await?;
    Ok(Json(serde_json::json!({ "staff": staff })))
}

/// `PATCH /staff/{id}` (admin): `{role?, categories?, disabled?}`.
async fn change_staff(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<StaffChange>,
) -> Result<Json<StaffView>, StaffError> {
    let id = number(&id)?;
    let now = crate::zone::now();
    let changed = on_desk(&state, move |desk| {
        let changed = desk.change_staff(&signed.actor, id, &change, Some(&signed.address), now)?;
        Ok(StaffView::new(changed, desk))
    })
    .await?;
    Ok(Json(changed))
}

#[derive(Serialize)]
struct Invitation {
    /// The one-time enrolment link, shown once.
    link: String,
    expires_at: String,
}

/// `POST /staff/invitations` (admin): `{name, email, role, categories}` → a one-time enrolment link.
async fn invite(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(invite): JsonBody<Invite>,
) -> Result<(StatusCode, Json<Invitation>), StaffError> {
    let now = crate::zone::now();
    let invitation = on_desk(&state, move |desk| {
        let invited = desk.invite(&signed.actor, &invite, Some(&signed.address), now)?;
        let origin = desk
            .origin()
            .map(origin_text)
            .ok_or(AuthRefusal::NoRelyingParty)?;
        Ok(Invitation {
            link: enrol_link(&origin, &invited.token),
            expires_at: desk.time_text(invited.expires_at),
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// A service token as the API lists it: never its secret.
#[derive(Serialize)]
struct TokenView {
    id: i64,
    name: String,
    role: &'static str,
    created_by: String,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    expires_at: Option<String>,
    /// The secret: only in the answer that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl TokenView {
    /// The token, its times with the organisation's offset.
    fn new(record: TokenRecord, desk: &Desk) -> TokenView {
        let time = |at| desk.time_text(at);
        TokenView {
            id: record.id,
            name: record.name,
            role: record.role.name(),
            created_by: record.created_by,
            created_at: time(record.created_at),
            last_used_at: record.last_used_at.map(time),
            revoked_at: record.revoked_at.map(time),
            expires_at: record.expires_at.map(time),
            token: None,
        }
    }
}

/// `GET /tokens` (admin).
async fn list_tokens(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let tokens: Vec<TokenView> = on_desk(&state, move |desk| {
        let tokens = desk.tokens(&signed.actor)?;
        Ok(tokens
            .into_iter()
            .map(|r| TokenView::new(r, desk))
            .collect())
    })
    .await?;
    Ok(Json(serde_json::json!({ "tokens": tokens })))
}

#[derive(Deserialize)]
struct NewTokenBody {
    name: String,
    role: String,
    /// 1 to 730; absent: until revoked.
    #[serde(default)]
    expires_in_days: Option<i64>,
}

/// `POST /tokens` (admin): `{name, role, expires_in_days?}` → the token, its secret shown this once.
async fn create_token(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(body): JsonBody<NewTokenBody>,
) -> Result<(StatusCode, Json<TokenView>), StaffError> {
    let now = crate::zone::now();
    let view = on_desk(&state, move |desk| {
        let created = desk.create_token(
            &signed.actor,
            &body.name,
            &body.role,
            body.expires_in_days,
            Some(&signed.address),
            now,
        )?;
        let mut view = TokenView::new(created.record, desk);
        view.token = Some(created.secret);
        Ok(view)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `DELETE /tokens/{id}` (admin): revoked at once.
async fn revoke_token(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<StatusCode, StaffError> {
    let id = number(&id)?;
    let now = crate::zone::now();
    on_desk(&state, move |desk| {
        desk.revoke_token(&signed.actor, id, Some(&signed.address), now)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
