//! Sign-in with the organisation's OpenID Connect provider (issue #23, docs/staff-api.md "Sign-in with the
//! organisation's provider"): which ways in the desk offers, the redirect to the provider, and its answer.
//! Both routes are browser navigations, so they answer with redirects, never JSON, except when the
//! provider cannot be reached at the start (`503 oidc_unavailable`). A failure goes back to the desk as
//! `/staff/?signin_error=<code>`: one of our codes, never the provider's words.
//!
//! The `state` is also kept in a short cookie (`SameSite=Lax`, so the provider's redirect back carries it),
//! so an answer started in another browser (someone else's code sent to a victim) signs nobody in.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};

use super::auth::{attempt, secure_cookie, session_cookie};
use super::signed::cookie;
use super::{on_desk, StaffError, API};
use crate::desk::oidc::{OidcIdentity, OidcPending};
use crate::desk::sessions::NewSession;
use crate::desk::sign_in::{AuthRefusal, CEREMONY_SECONDS};
use crate::desk::DeskError;
use crate::http::{AppState, ClientAddress};
use crate::oidc::{OidcError, Provider};

/// The cookie that ties the provider's answer to the browser that went there.
const STATE_COOKIE: &str = "desk_oidc";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{API}/sign-in/methods"), get(methods))
        .route(&format!("{API}/oidc/start"), get(start))
        .route(&format!("{API}/oidc/callback"), get(callback))
}

/// The route the provider sends the browser back to, on the desk's `origin` (registered with the provider).
pub fn callback_url(origin: &str) -> String {
    format!("{}{API}/oidc/callback", origin.trim_end_matches('/'))
}

#[derive(Serialize)]
struct Methods {
    passkey: bool,
    oidc: Option<OidcMethod>,
}

#[derive(Serialize)]
struct OidcMethod {
    label: String,
}

/// `GET /sign-in/methods`: the ways in, so the desk shows the provider's button when there is one.
async fn methods(State(state): State<AppState>) -> Json<Methods> {
    Json(Methods {
        passkey: true,
        oidc: state.oidc.as_ref().map(|p| OidcMethod {
            label: p.label().to_owned(),
        }),
    })
}

fn provider(state: &AppState) -> Result<Arc<Provider>, StaffError> {
    state.oidc.clone().ok_or_else(|| {
        StaffError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "sign-in with the organisation's provider is not set up",
        )
    })
}

/// The provider's failure for the service's log (never for the person signing in).
fn report(provider: &Provider, error: &OidcError) {
    crate::log!("sign-in provider {}: {error}", provider.issuer());
}

fn unavailable(provider: &Provider, error: &OidcError) -> StaffError {
    report(provider, error);
    StaffError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "oidc_unavailable",
        "the organisation's sign-in provider cannot be reached; try again in a minute",
    )
}

/// A `303` to `location`, never cached, with `cookies` set.
fn see_other(location: &str, cookies: &[HeaderValue]) -> Response<Body> {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, location);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for value in cookies {
        headers.append(header::SET_COOKIE, value.clone());
    }
    response
}

fn state_cookie(value: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{STATE_COOKIE}={value}; HttpOnly; SameSite=Lax; Path={API}/oidc; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// `GET /oidc/start`: a `303` to the provider's sign-in, its `state`, `nonce` and PKCE verifier kept.
async fn start(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
) -> Result<Response<Body>, StaffError> {
    if attempt(&state, address).is_err() {
        return Ok(failed("rate_limited", false));
    }
    let provider = provider(&state)?;
    let (url, csrf_state, pending) = provider
        .start()
        .await
        .map_err(|e| unavailable(&provider, &e))?;
    let now = crate::zone::now();
    let kept = csrf_state.clone();
    on_desk(&state, move |desk| {
        desk.keep_oidc_state(&kept, &pending, now)
    })
    .await?;
    let secure = secure_cookie(&state).await?;
    let cookie =
        state_cookie(&csrf_state, CEREMONY_SECONDS, secure).ok_or_else(StaffError::internal)?;
    Ok(see_other(&url, &[cookie]))
}

/// What the provider sends back in the query.
#[derive(Deserialize)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /oidc/callback`: the provider's answer; a session and `303 /staff/`, or `303
/// /staff/?signin_error=<code>`.
async fn callback(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    query: Result<Query<Answer>, QueryRejection>,
) -> Response<Body> {
    let secure = secure_cookie(&state).await.unwrap_or(true);
    let browser_state = cookie(&headers, STATE_COOKIE).map(str::to_owned);
    let answer = query.ok().map(|Query(a)| a);
    match finish(&state, address, browser_state, answer).await {
        Ok(session) => signed_in(&state, session, secure).await,
        Err(code) => failed(code, secure),
    }
}

/// Back to the desk with the failure's code, the state cookie cleared.
fn failed(code: &str, secure: bool) -> Response<Body> {
    let cleared: Vec<HeaderValue> = state_cookie("", 0, secure).into_iter().collect();
    see_other(&format!("/staff/?signin_error={code}"), &cleared)
}

/// Into the desk with the session's cookie, as a passkey sign-in sets it.
async fn signed_in(state: &AppState, session: NewSession, secure: bool) -> Response<Body> {
    let lifetime = on_desk(state, |desk| Ok(desk.session_lifetime_seconds())).await;
    let cookies = lifetime.ok().and_then(|lifetime| {
        Some(vec![
            session_cookie(&session.token, lifetime, secure)?,
            state_cookie("", 0, secure)?,
        ])
    });
    match cookies {
        Some(cookies) => see_other("/staff/", &cookies),
        None => failed("internal", secure),
    }
}

/// The provider's answer checked, in order: the address's attempts, the kept state (once, from this
/// browser), the provider's own refusal, the code's exchange and the ID token, then the account.
async fn finish(
    state: &AppState,
    address: ClientAddress,
    browser_state: Option<String>,
    answer: Option<Answer>,
) -> Result<NewSession, &'static str> {
    attempt(state, address).map_err(|_| "rate_limited")?;
    let provider = state.oidc.clone().ok_or("oidc_unavailable")?;
    let from = address.0.to_string();
    let answer = answer.unwrap_or(Answer {
        code: None,
        state: None,
        error: None,
    });
    let now = crate::zone::now();
    let Some(answer_state) = answer.state.clone() else {
        audit_failure(state, "the answer has no state", &from).await?;
        return Err("ceremony_expired");
    };
    let taken = {
        let (answer_state, from) = (answer_state.clone(), from.clone());
        on_desk(state, move |desk| {
            desk.take_oidc_state(&answer_state, &from, now)
        })
        .await
    };
    let pending = match taken {
        Ok(pending) => pending,
        Err(e) if e.code == "ceremony_expired" => return Err("ceremony_expired"),
        Err(_) => return Err("internal"),
    };
    if browser_state.as_deref() != Some(answer_state.as_str()) {
        audit_failure(state, "state from another browser", &from).await?;
        return Err("ceremony_expired");
    }
    if let Some(error) = answer.error {
        let why = format!(
            "the provider answered {}",
            error.chars().take(64).collect::<String>()
        );
        audit_failure(state, &why, &from).await?;
        return Err("cancelled");
    }
    let Some(code) = answer.code else {
        audit_failure(state, "the answer has no code", &from).await?;
        return Err("sign_in_failed");
    };
    let identity = exchange(state, &provider, &code, &pending, &from).await?;
    let desk = Arc::clone(&state.desk);
    let signed = tokio::task::spawn_blocking(move || {
        let mut desk = desk
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        desk.finish_oidc_sign_in(&identity, &from, now)
    })
    .await
    .map_err(|_| "internal")?;
    signed.map_err(|e| match e {
        DeskError::Auth(AuthRefusal::NoAccount) => "no_account",
        DeskError::Auth(AuthRefusal::Locked { .. }) => "rate_limited",
        DeskError::Auth(AuthRefusal::Rejected) => "sign_in_failed",
        other => {
            crate::log!("staff API: sign-in with the provider: {other}");
            "internal"
        }
    })
}

/// The code exchanged for a checked identity; a failure recorded, and its code for the desk.
async fn exchange(
    state: &AppState,
    provider: &Provider,
    code: &str,
    pending: &OidcPending,
    from: &str,
) -> Result<OidcIdentity, &'static str> {
    match provider.finish(code, pending).await {
        Ok(identity) => Ok(identity),
        Err(e @ OidcError::Unavailable(_)) => {
            report(provider, &e);
            audit_failure(state, "the provider could not be reached", from).await?;
            Err("oidc_unavailable")
        }
        Err(OidcError::Rejected(why)) => {
            audit_failure(state, &why, from).await?;
            Err("sign_in_failed")
        }
    }
}

/// One `sign_in_failed` line for an answer that named no account (the reason cut short: the provider's
/// words may be in it).
async fn audit_failure(state: &AppState, why: &str, from: &str) -> Result<(), &'static str> {
    let (why, from) = (why.chars().take(300).collect::<String>(), from.to_owned());
    on_desk(state, move |desk| desk.oidc_failed(&why, None, &from))
        .await
        .map_err(|_| "internal")
}
