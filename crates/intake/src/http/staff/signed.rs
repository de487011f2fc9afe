//! Who is asking: the desk session's cookie (with `X-CSRF-Token` on every request that changes state), or
//! an integration's service token (`Authorization: Bearer`, issue #23). Anything else is `401`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};

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
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(in crate::http) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
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
        let Some(token) = cookie(parts, COOKIE).map(str::to_owned) else {
            return Err(unauthenticated());
        };
        let now = crate::zone::now();
        let signed = on_desk(state, move |desk| desk.signed_in(&token, now))
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
        })
    }
}
