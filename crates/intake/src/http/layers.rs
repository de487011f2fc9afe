//! The layers around the router: what every answer gets, whichever route (or refusal before a route) made
//! it. Outermost first:
//!
//! - [`log_line`]: one log line per request (method, a path with no status key in it, status, time, and the
//!   note a handler left: a [`LogNote`], or the code of the [`IntakeError`] that refused it). A refusal the
//!   service caused (a 5xx) also gets its cause on a line of its own; `IntoResponse` only builds responses.
//! - tower-http's `SetResponseHeaderLayer`: `Permissions-Policy` and `Referrer-Policy` where a handler set
//!   none, and `X-Content-Type-Options: nosniff` on everything.
//! - [`page_policy`]: the Content-Security-Policy and, under `/embed/`, the Cross-Origin-Resource-Policy
//!   ([`super::policy`]): per path, and per page by the inline scripts the file route found in it.
//! - [`cors`]: `Access-Control-Allow-Origin` for a listed origin, `Vary: Origin` when there is a list, and
//!   nothing on the app's own pages ([`super::files::OwnPagesOnly`]). Not tower-http's `CorsLayer`: that
//!   one adds `Vary` to every answer (the app's own Wasm too, which its service worker then fetches again
//!   past the HTTP cache) and answers preflights itself, `200` to any origin; ours are per route (`204` with
//!   that route's methods and headers, `403 origin_not_allowed` to an unlisted origin).
//! - [`bodies`]: how many request bodies one client may have arriving at once; over its share, refused
//!   before a byte of the body is read.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Response};
use axum::middleware::{self, Next};
use axum::Router;
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

use super::files::OwnPagesOnly;
use super::policy::{InlineSources, Policy, PERMISSIONS};
use super::{complaints, conn, has_body, log_path, Cors, LogNote, Peer};
use crate::error::IntakeError;

/// The router with its layers, as one service the connection handler calls.
pub(super) type Layered = BoxCloneSyncService<Request, Response<Body>, Infallible>;

/// What the layers need, built once at start.
pub(super) struct Around {
    pub cors: Arc<Cors>,
    pub policy: Arc<Policy>,
    /// The status folder's path, which the log line never shows past.
    pub status_prefix: Arc<str>,
    /// Bodies arriving per client, held while the request is handled.
    pub bodies: Arc<conn::Slots>,
}

/// `router` inside the layers, in the order the module header gives.
pub(super) fn around(router: Router, around: Around) -> Layered {
    let layered = ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(
            around.status_prefix,
            log_line,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(middleware::from_fn_with_state(around.policy, page_policy))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(middleware::from_fn_with_state(around.cors, cors))
        .layer(middleware::from_fn_with_state(around.bodies, bodies))
        .service(router);
    BoxCloneSyncService::new(layered)
}

/// The request's log line, written when its answer's head is ready (a download's body is still to come).
async fn log_line(
    State(status_prefix): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let refusal = response.extensions().get::<Arc<IntakeError>>();
    // The customer is told only that it may be retried; the operator needs the cause.
    if let Some(error) = refusal.filter(|e| e.status().is_server_error()) {
        crate::log!("cannot record a complaint: {error}");
    }
    // Every refusal's log line names its code, whichever guard refused it.
    let note = response.extensions().get::<LogNote>().cloned().or_else(|| {
        refusal.map(|error| LogNote {
            note: error.code(),
            reference: None,
        })
    });
    crate::log!(
        "{method} {} {} {}ms{}{}",
        log_path(&path, &status_prefix),
        response.status().as_u16(),
        started.elapsed().as_millis(),
        note.as_ref()
            .map_or(String::new(), |n| format!(" {}", n.note)),
        note.and_then(|n| n.reference)
            .map_or(String::new(), |r| format!(" {r}")),
    );
    response
}

/// The Content-Security-Policy for the path (and a page's inline scripts), and the embed's CORP.
async fn page_policy(
    State(policy): State<Arc<Policy>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let scripts = response.extensions().get::<InlineSources>().cloned();
    policy.apply(&path, scripts.as_ref(), response.headers_mut());
    response
}

/// Lets a listed origin read the answer ([`Cors::decorate`]), except on the app's own pages.
async fn cors(State(cors): State<Arc<Cors>>, request: Request, next: Next) -> Response<Body> {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = next.run(request).await;
    if response.extensions().get::<OwnPagesOnly>().is_none() {
        cors.decorate(origin.as_ref(), &mut response);
    }
    response
}

/// A body that arrives slowly holds its connection for as long as it takes: a client may have only a few
/// arriving at once, so a few addresses cannot hold every connection with them. Over its share, refused
/// before a byte of the body is read, and the connection closed (the body is unread).
async fn bodies(
    State(slots): State<Arc<conn::Slots>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let place = match request.extensions().get::<Peer>() {
        Some(&Peer(key)) if has_body(request.headers()) => match slots.take(key) {
            Some(place) => Some(place),
            None => return complaints::close(IntakeError::UploadsBusy),
        },
        _ => None,
    };
    let response = next.run(request).await;
    drop(place);
    response
}
