//! The HTTP side: one accept loop over hyper, with header and body timeouts (slowloris), a bound on open
//! connections, CORS, and a log line per request. Routes hand over to [`complaints`] and [`files`].

mod complaints;
mod files;
mod guard;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::intake::Intake;
pub use guard::{Cors, RateLimiter};

pub struct ServeOptions {
    pub listen: String,
    pub site: Option<PathBuf>,
    pub publish_dir: PathBuf,
    pub cors: Cors,
    pub rate_limit_per_minute: u32,
    /// From a connection's first byte to the end of a request's headers.
    pub header_timeout: Duration,
    /// For the whole request body; the app gives up after 30 s, so longer is wasted work.
    pub body_timeout: Duration,
    pub max_connections: usize,
}

/// Complaint bodies read at once. Each may hold every file at its size limit in memory, so this, not the
/// connection bound, caps the memory uploads can take; more wait (within their body timeout).
const CONCURRENT_UPLOADS: usize = 8;

/// The client's address, for the rate limit only; never logged.
#[derive(Clone, Copy)]
struct Peer(IpAddr);

/// What the request's log line says besides method, path, status and time.
#[derive(Clone)]
pub(crate) struct LogNote {
    pub note: &'static str,
    pub reference: Option<String>,
}

#[derive(Clone)]
struct AppState {
    intake: Arc<Intake>,
    limiter: Arc<RateLimiter>,
    cors: Arc<Cors>,
    site: Option<Arc<PathBuf>>,
    publish_dir: Arc<PathBuf>,
    status_prefix: Arc<str>,
    body_limit: u64,
    body_timeout: Duration,
    uploads: Arc<Semaphore>,
}

/// Paths on this site taken from a config value that may be a full URL (on another host, nothing to serve).
fn local_path(configured: &str, default: &str) -> String {
    if configured.starts_with('/') && !configured.starts_with("//") {
        configured.to_owned()
    } else {
        default.to_owned()
    }
}

fn router(state: AppState) -> Router {
    let config = &state.intake.settings().config;
    let endpoint = local_path(&config.submission.endpoint, "/api/v1/complaints");
    let status_route = format!("{}{{file}}", state.status_prefix);
    // Multipart reads stop here; the handler also refuses an announced Content-Length above it up front.
    let limit = usize::try_from(state.body_limit).unwrap_or(usize::MAX);
    Router::new()
        .route(
            &endpoint,
            post(complaints::receive).options(complaints::preflight),
        )
        .route(&status_route, get(files::status))
        .fallback(files::site)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// Binds, prints the address (the first line on stdout, for scripts and tests that start the service on
/// port 0), and serves until SIGINT or SIGTERM.
pub fn serve(options: ServeOptions, intake: Arc<Intake>) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServeError {
            doing: "start the runtime".into(),
            source,
        })?;
    runtime.block_on(run(options, intake))
}

/// Why the service could not start serving; once it serves, failures are per request.
#[derive(Debug)]
pub struct ServeError {
    /// What it was trying to do ("listen on 127.0.0.1:8080").
    pub doing: String,
    pub source: std::io::Error,
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot {}: {}", self.doing, self.source)
    }
}

impl std::error::Error for ServeError {}

async fn run(options: ServeOptions, intake: Arc<Intake>) -> Result<(), ServeError> {
    let listener = TcpListener::bind(&options.listen)
        .await
        .map_err(|source| ServeError {
            doing: format!("listen on {}", options.listen),
            source,
        })?;
    let address = listener.local_addr().map_err(|source| ServeError {
        doing: "read the bound address".into(),
        source,
    })?;
    let status_base = local_path(
        &intake.settings().config.tracking.status_base,
        "/api/v1/status/",
    );
    let state = AppState {
        limiter: Arc::new(RateLimiter::new(options.rate_limit_per_minute)),
        cors: Arc::new(options.cors),
        site: options.site.map(Arc::new),
        publish_dir: Arc::new(options.publish_dir),
        status_prefix: format!("{}/", status_base.trim_end_matches('/')).into(),
        body_limit: intake.settings().body_limit(),
        body_timeout: options.body_timeout,
        uploads: Arc::new(Semaphore::new(CONCURRENT_UPLOADS)),
        intake,
    };
    let router = router(state.clone());
    println!("http://{address}");
    crate::log!("listening on http://{address}");
    let connections = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: pause rather than spin, and keep serving.
                Err(e) => {
                    crate::log!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let state = state.clone();
        let header_timeout = options.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |request| {
                handle(router.clone(), Arc::clone(&state.cors), peer, request)
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            // Timeouts and clients that hang up end here; they are the client's business, not an error.
            let _ = connection.await;
        });
    }
    crate::log!("stopping");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {},
            () = terminate => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

async fn handle(
    router: Router,
    cors: Arc<Cors>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut request = request.map(Body::new);
    request.extensions_mut().insert(Peer(peer.ip()));
    let mut response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    cors.decorate(origin.as_ref(), &mut response);
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let note = response.extensions().get::<LogNote>().cloned();
    crate::log!(
        "{method} {} {} {}ms{}{}",
        log_path(&path),
        response.status().as_u16(),
        started.elapsed().as_millis(),
        note.as_ref()
            .map_or(String::new(), |n| format!(" {}", n.note)),
        note.and_then(|n| n.reference)
            .map_or(String::new(), |r| format!(" {r}")),
    );
    Ok(response)
}

/// Status file names are derived from a customer's email address: they stay out of the log.
fn log_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((folder, name)) if crate::publish::is_status_file_name(name) => {
            format!("{folder}/…")
        }
        _ => path.chars().take(200).collect(),
    }
}

/// `{"message": …, "code": …}` for the file routes' refusals, shaped like [`crate::error::IntakeError`]'s.
fn message(status: StatusCode, text: &str) -> Response<Body> {
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        _ => "refused",
    };
    json(status, crate::error::rejected_body(text, code))
}

pub(crate) fn json(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
