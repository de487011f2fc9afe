//! Staff accounts, invitations and service tokens (issue #23, docs/staff-api.md "Sign-in, staff, tokens"):
//! thin handlers over the desk (`crate::desk::staff_admin`, `crate::desk::enrol`, `crate::desk::tokens`),
//! which checks every permission.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use complaint_domain::instant::Instant;
use serde::{Deserialize, Serialize};

use super::auth::JsonBody;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::enrol::{enrol_link, Invite};
use crate::desk::sign_in::{origin_text, AuthRefusal};
use crate::desk::staff_admin::StaffChange;
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
    created_at: Instant,
    disabled: bool,
}

impl From<StaffRecord> for StaffView {
    fn from(record: StaffRecord) -> StaffView {
        StaffView {
            id: record.id,
            name: record.name,
            email: record.email,
            role: record.role.name(),
            categories: record.categories,
            created_at: record.created_at,
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
    let staff = on_desk(&state, move |desk| desk.staff(&signed.actor)).await?;
    let staff: Vec<StaffView> = staff.into_iter().map(StaffView::from).collect();
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
        desk.change_staff(&signed.actor, id, &change, Some(&signed.address), now)
    })
    .await?;
    Ok(Json(changed.into()))
}

#[derive(Serialize)]
struct Invitation {
    /// The one-time enrolment link, shown once.
    link: String,
    expires_at: Instant,
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
            expires_at: invited.expires_at,
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
    created_at: Instant,
    last_used_at: Option<Instant>,
    revoked_at: Option<Instant>,
    expires_at: Option<Instant>,
    /// The secret: only in the answer that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

impl From<TokenRecord> for TokenView {
    fn from(record: TokenRecord) -> TokenView {
        TokenView {
            id: record.id,
            name: record.name,
            role: record.role.name(),
            created_by: record.created_by,
            created_at: record.created_at,
            last_used_at: record.last_used_at,
            revoked_at: record.revoked_at,
            expires_at: record.expires_at,
            token: None,
        }
    }
}

/// `GET /tokens` (admin).
async fn list_tokens(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let tokens = on_desk(&state, move |desk| desk.tokens(&signed.actor)).await?;
    let tokens: Vec<TokenView> = tokens.into_iter().map(TokenView::from).collect();
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
    let created = on_desk(&state, move |desk| {
        desk.create_token(
            &signed.actor,
            &body.name,
            &body.role,
            body.expires_in_days,
            Some(&signed.address),
            now,
        )
    })
    .await?;
    let mut view = TokenView::from(created.record);
    view.token = Some(created.secret);
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
