//! Who is asking: the desk session's cookie (with `X-CSRF-Token` on every request that changes state), or
//! an integration's service token (`Authorization: Bearer`, issue #23). Anything else is `401`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};

use super::{on_desk, StaffError};
use crate::desk::Actor;
use crate::http::AppState;

/// The session cookie's name.
pub(in crate::http) const COOKIE: &str = "desk_session";

/// The header a session's state-changing requests echo its CSRF value in.
pub(in crate::http) const CSRF_HEADER: &str = "x-csrf-token";

/// A request from someone the desk knows, checked on the server.
pub(in crate::http) struct Signed {
    pub actor: Actor,
    /// The session's CSRF value (`None` for a service token).
    pub csrf: Option<String>,
    /// The client's address, for the audit log.
    pub address: String,
    /// The session cookie's token (`None` for a service token): what signing out ends.
    pub session: Option<String>,
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(in crate::http) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn unauthenticated() -> StaffError {
    StaffError::new(
        StatusCode::UNAUTHORIZED,
        "signed_out",
        "sign in to the desk first",
    )
}

/// Whether the method changes state (and so needs the CSRF value).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = StaffError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, StaffError> {
        let address = parts
            .extensions
            .get::<crate::http::ClientAddress>()
            .map(|a| a.0.to_string())
            .unwrap_or_default();
        let now = crate::zone::now();
        if let Some(secret) = bearer(parts) {
            let actor = on_desk(state, move |desk| desk.token_signed_in(&secret, now))
                .await?
                .ok_or_else(unauthenticated)?;
            return Ok(Signed {
                actor,
                csrf: None,
                address,
                session: None,
            });
        }
        let Some(token) = cookie(&parts.headers, COOKIE).map(str::to_owned) else {
            return Err(unauthenticated());
        };
        let (session, from) = (token.clone(), address.clone());
        let signed = on_desk(state, move |desk| desk.signed_in(&session, &from, now))
            .await?
            .ok_or_else(unauthenticated)?;
        if changes_state(&parts.method) {
            let echoed = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if echoed != Some(signed.csrf.as_str()) {
                return Err(StaffError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "this request did not come from the desk's own page; reload the desk",
                ));
            }
        }
        Ok(Signed {
            actor: signed.actor,
            csrf: Some(signed.csrf),
            address,
            session: Some(token),
        })
    }
}

/// The service token in `Authorization: Bearer …`, if the request carries one.
fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}
