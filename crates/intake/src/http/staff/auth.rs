//! Sign-in (issue #23, docs/staff-api.md "Sign-in, staff, tokens"): enrolment links, passkey sign-in,
//! recovery codes, the signed-in person's passkeys, signing out. The ceremonies' rules are the desk's
//! (`crate::desk::sign_in`, `crate::desk::enrol`); here: the session cookie, the per-address limit on
//! attempts, and the JSON. Staff accounts, invitations and tokens are in [`super::accounts`].

use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

use super::signed::COOKIE;
use super::{on_desk, Signed, StaffError, API};
use crate::desk::sessions::NewSession;
use crate::desk::sign_in::{is_loopback_http, AuthRefusal};
use crate::http::{AppState, ClientAddress};
use crate::store::PasskeyRecord;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/sign-in/start"), post(sign_in_start))
        .route(&format!("{API}/sign-in/finish"), post(sign_in_finish))
        .route(&format!("{API}/sign-in/recovery"), post(recovery))
        .route(&format!("{API}/enrolments/{{token}}"), get(enrolment))
        .route(
            &format!("{API}/enrolments/{{token}}/start"),
            post(enrolment_start),
        )
        .route(
            &format!("{API}/enrolments/{{token}}/finish"),
            post(enrolment_finish),
        )
        .route(&format!("{API}/sign-out"), post(sign_out))
        .route(
            &format!("{API}/sign-out-everywhere"),
            post(sign_out_everywhere),
        )
        .route(&format!("{API}/me/passkeys"), get(passkeys))
        .route(&format!("{API}/me/passkeys/start"), post(passkey_start))
        .route(&format!("{API}/me/passkeys/finish"), post(passkey_finish))
        .merge(super::accounts::routes())
        .merge(super::oidc::routes())
}

/// The status and code of each refusal (docs/staff-api.md, Errors).
pub(super) fn refused(refusal: &AuthRefusal) -> StaffError {
    let (status, code) = match refusal {
        AuthRefusal::LinkInvalid => (StatusCode::NOT_FOUND, "link_invalid"),
        AuthRefusal::CeremonyExpired => (StatusCode::BAD_REQUEST, "ceremony_expired"),
        AuthRefusal::Rejected => (StatusCode::UNAUTHORIZED, "sign_in_failed"),
        AuthRefusal::NoAccount => (StatusCode::UNAUTHORIZED, "no_account"),
        AuthRefusal::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        AuthRefusal::EmailTaken(_) | AuthRefusal::PasskeyTaken => (StatusCode::CONFLICT, "exists"),
        AuthRefusal::LastAdmin => (StatusCode::CONFLICT, "last_admin"),
        AuthRefusal::UnknownStaff(_) | AuthRefusal::UnknownToken(_) => {
            (StatusCode::NOT_FOUND, "not_found")
        }
        AuthRefusal::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        AuthRefusal::NotAPerson => (StatusCode::FORBIDDEN, "forbidden"),
        AuthRefusal::NoRelyingParty => {
            crate::log!("staff API: {refusal}");
            return StaffError::internal();
        }
    };
    let mut error = StaffError::new(status, code, refusal.to_string());
    if let AuthRefusal::Locked { retry_after } = refusal {
        error.retry_after = Some(*retry_after);
    }
    error
}

/// A JSON body; a missing or malformed one is `400 bad_request` in the API's shape.
pub(super) struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = StaffError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, StaffError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(StaffError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                rejection.body_text(),
            )),
        }
    }
}

/// One more sign-in attempt from this address, or `429` with how long to wait.
pub(super) fn attempt(state: &AppState, address: ClientAddress) -> Result<(), StaffError> {
    state.sign_in_limiter.allow(address.0).map_err(|seconds| {
        let mut error = StaffError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many sign-in attempts from this address; try again in {seconds} s"),
        );
        error.retry_after = Some(seconds);
        error
    })
}

/// What a sign-in answers besides the cookie.
#[derive(Serialize)]
struct SignedIn {
    /// Echo it in `X-CSRF-Token` (as `GET /me` gives it too).
    csrf: String,
    /// Recovery codes, shown this once (enrolment only).
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_codes: Option<Vec<String>>,
    /// Signed in with a recovery code: the desk asks the person to add a passkey now.
    add_passkey: bool,
}

/// The cookie for a new session: `Secure` unless the desk is plain HTTP on this machine.
pub(super) fn session_cookie(token: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/staff; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Whether the session cookie is `Secure`: unless the desk is plain HTTP on this machine.
pub(super) async fn secure_cookie(state: &AppState) -> Result<bool, StaffError> {
    on_desk(state, |desk| {
        Ok(!desk.origin().is_some_and(is_loopback_http))
    })
    .await
}

/// The answer that signs a browser in: the cookie and [`SignedIn`].
async fn sign_in_answer(
    state: &AppState,
    session: NewSession,
    recovery_codes: Option<Vec<String>>,
    add_passkey: bool,
) -> Result<Response<Body>, StaffError> {
    let lifetime = on_desk(state, |desk| Ok(desk.session_lifetime_seconds())).await?;
    let secure = secure_cookie(state).await?;
    let cookie =
        session_cookie(&session.token, lifetime, secure).ok_or_else(StaffError::internal)?;
    let body = SignedIn {
        csrf: session.csrf,
        recovery_codes,
        add_passkey,
    };
    let mut response = (StatusCode::OK, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, cookie);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The answer that signs a browser out: the cookie cleared (with the attributes it was set with).
async fn signed_out(
    state: &AppState,
    body: serde_json::Value,
) -> Result<Response<Body>, StaffError> {
    let secure = secure_cookie(state).await?;
    let cookie = session_cookie("", 0, secure).ok_or_else(StaffError::internal)?;
    let mut response = (StatusCode::OK, Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Serialize)]
struct Ceremony {
    ceremony: String,
    options: serde_json::Value,
}

/// `POST /sign-in/start`: options for a usernameless passkey sign-in.
async fn sign_in_start(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
) -> Result<Json<Ceremony>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    let (ceremony, options) = on_desk(&state, move |desk| desk.start_sign_in(now)).await?;
    Ok(Json(Ceremony { ceremony, options }))
}

#[derive(Deserialize)]
struct SignInFinish {
    ceremony: String,
    credential: PublicKeyCredential,
}

/// `POST /sign-in/finish`: the passkey's assertion; a session.
async fn sign_in_finish(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    JsonBody(body): JsonBody<SignInFinish>,
) -> Result<Response<Body>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    let from = address.0.to_string();
    let session = on_desk(&state, move |desk| {
        desk.finish_sign_in(&body.ceremony, &body.credential, &from, now)
    })
    .await?;
    sign_in_answer(&state, session, None, false).await
}

#[derive(Deserialize)]
struct Recovery {
    email: String,
    code: String,
}

/// `POST /sign-in/recovery`: a one-time recovery code instead of a passkey.
async fn recovery(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    JsonBody(body): JsonBody<Recovery>,
) -> Result<Response<Body>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    let from = address.0.to_string();
    let session = on_desk(&state, move |desk| {
        desk.recover(&body.email, &body.code, &from, now)
    })
    .await?;
    sign_in_answer(&state, session, None, true).await
}

#[derive(Serialize)]
struct EnrolmentFor {
    name: String,
    email: String,
    role: &'static str,
    categories: Vec<String>,
    expires_at: String,
}

/// `GET /enrolments/{token}`: who the link is for.
async fn enrolment(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    Path(token): Path<String>,
) -> Result<Json<EnrolmentFor>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    let enrolment = on_desk(&state, move |desk| {
        let invitation = desk.enrolment(&token, now)?;
        Ok(EnrolmentFor {
            name: invitation.name,
            email: invitation.email,
            role: invitation.role.name(),
            categories: invitation.categories,
            expires_at: desk.time_text(invitation.expires_at),
        })
    })
    .await?;
    Ok(Json(enrolment))
}

/// `POST /enrolments/{token}/start`: options for `navigator.credentials.create`.
async fn enrolment_start(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    Path(token): Path<String>,
) -> Result<Json<serde_json::Value>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    Ok(Json(
        on_desk(&state, move |desk| desk.start_enrolment(&token, now)).await?,
    ))
}

#[derive(Deserialize)]
struct Created {
    credential: RegisterPublicKeyCredential,
}

/// `POST /enrolments/{token}/finish`: the account, its passkey, its recovery codes (once), a session.
async fn enrolment_finish(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    Path(token): Path<String>,
    JsonBody(body): JsonBody<Created>,
) -> Result<Response<Body>, StaffError> {
    attempt(&state, address)?;
    let now = crate::zone::now();
    let from = address.0.to_string();
    let enrolled = on_desk(&state, move |desk| {
        desk.finish_enrolment(&token, &body.credential, &from, now)
    })
    .await?;
    sign_in_answer(
        &state,
        enrolled.session,
        Some(enrolled.recovery_codes),
        false,
    )
    .await
}

/// `POST /sign-out`: ends this session.
async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response<Body>, StaffError> {
    let Some(token) = signed.session else {
        return Err(refused(&AuthRefusal::NotAPerson));
    };
    on_desk(&state, move |desk| {
        desk.sign_out(&signed.actor, &token, &signed.address)
    })
    .await?;
    signed_out(&state, serde_json::json!({ "ended": 1 })).await
}

/// `POST /sign-out-everywhere`: ends every session of this person.
async fn sign_out_everywhere(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response<Body>, StaffError> {
    let ended = on_desk(&state, move |desk| {
        desk.sign_out_everywhere(&signed.actor, &signed.address)
    })
    .await?;
    signed_out(&state, serde_json::json!({ "ended": ended })).await
}

#[derive(Serialize)]
struct PasskeyView {
    id: i64,
    created_at: String,
    used_at: Option<String>,
}

impl PasskeyView {
    /// The passkey, its times with the organisation's offset.
    fn new(record: PasskeyRecord, desk: &crate::desk::Desk) -> PasskeyView {
        PasskeyView {
            id: record.id,
            created_at: desk.time_text(record.created_at),
            used_at: record.used_at.map(|at| desk.time_text(at)),
        }
    }
}

/// `GET /me/passkeys`: the signed-in person's passkeys.
async fn passkeys(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let list: Vec<PasskeyView> = on_desk(&state, move |desk| {
        let list = desk.my_passkeys(&signed.actor)?;
        Ok(list
            .into_iter()
            .map(|r| PasskeyView::new(r, desk))
            .collect())
    })
    .await?;
    Ok(Json(serde_json::json!({ "passkeys": list })))
}

/// `POST /me/passkeys/start`: options for adding a passkey.
async fn passkey_start(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<serde_json::Value>, StaffError> {
    let now = crate::zone::now();
    Ok(Json(
        on_desk(&state, move |desk| {
            desk.start_add_passkey(&signed.actor, now)
        })
        .await?,
    ))
}

/// `POST /me/passkeys/finish`: the new passkey.
async fn passkey_finish(
    State(state): State<AppState>,
    signed: Signed,
    JsonBody(body): JsonBody<Created>,
) -> Result<Json<PasskeyView>, StaffError> {
    let now = crate::zone::now();
    let view = on_desk(&state, move |desk| {
        let record =
            desk.finish_add_passkey(&signed.actor, &body.credential, &signed.address, now)?;
        Ok(PasskeyView::new(record, desk))
    })
    .await?;
    Ok(Json(view))
}
