//! The HTTP side: one accept loop over hyper, with header and body timeouts (slowloris), bounds on open
//! connections overall and per client ([`conn`]), the client's address behind trusted proxies ([`proxy`]),
//! and the router inside its [`layers`]: the log line per request, the security headers ([`policy`]), CORS
//! and the bound on request bodies arriving per client. Routes hand over to [`complaints`], [`uploads`],
//! [`replies`] and [`files`].

mod complaints;
mod conn;
mod data_requests;
mod files;
mod guard;
mod layers;
mod negotiate;
pub mod pace;
mod policy;
mod proxy;
mod replies;
mod shells;
mod spool;
mod staff;
mod uploads;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::routing::{get, head, post};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::intake::Intake;
pub use guard::{Cors, RateLimiter};
pub use proxy::{Network, TrustedProxies};
pub use spool::Spool;

pub struct ServeOptions {
    pub listen: String,
    pub site: Option<PathBuf>,
    pub publish_dir: PathBuf,
    /// Where `insights` writes the published figures (`docs/insights.md`).
    pub insights_file: PathBuf,
    pub cors: Cors,
    pub rate_limit_per_minute: u32,
    /// Status lookups that find nothing, per client per minute; past it every status lookup from the client
    /// is `429` until the minute is over, so guessing names is slow and a found file tells nothing meanwhile.
    pub status_misses_per_minute: u32,
    /// From a connection's first byte to the end of a request's headers.
    pub header_timeout: Duration,
    /// How slow a request body may be: silence and a floor on its rate, never a total.
    pub pace: pace::Pace,
    pub max_connections: usize,
    /// Evidence sent ahead of its complaint; `None` when the config names no uploads address.
    pub uploads: Option<Arc<crate::uploads::Uploads>>,
    /// Where a complaint's file parts wait while its body arrives (beside the database), and the most it
    /// may hold at once.
    pub spool: PathBuf,
    pub spool_max_bytes: u64,
    /// Open at once from one client address (IPv6: one /64); a trusted proxy is not held to it.
    pub max_connections_per_address: usize,
    /// Request bodies arriving at once from one client (behind a trusted proxy, the forwarded one): a
    /// few addresses sending slowly cannot fill `max_connections` with bodies.
    pub max_bodies_per_address: usize,
    /// The bytes of files one client address may have kept in a day (`--address-daily-mb`).
    pub address_daily_bytes: u64,
    /// A response that cannot write a byte for this long is dropped with its connection.
    pub idle_timeout: Duration,
    /// After this, a connection takes no new request and is closed once the current answer is out.
    pub connection_lifetime: Duration,
    pub trusted_proxies: TrustedProxies,
    /// The relay the mail outbox is sent through; `None` sends nothing.
    pub mail: Option<crate::mail::MailSettings>,
    /// The desk the staff API works through (`/staff/api/v1/`).
    pub desk: Arc<std::sync::Mutex<crate::desk::Desk>>,
    /// How webhooks are delivered, and which addresses they may reach.
    pub webhooks: crate::webhooks::WebhookSettings,
    /// Sign-in to the desk: its origin, the sessions' timeouts, attempts per address.
    pub staff: StaffOptions,
}

/// `serve`'s settings for signing in to the staff desk (docs/staff-api.md, "Who is asking").
pub struct StaffOptions {
    /// Where people open the desk (the passkeys' relying party); `None`: `http://localhost:PORT`.
    pub origin: Option<webauthn_rs::prelude::Url>,
    pub idle: Duration,
    pub lifetime: Duration,
    /// Sign-in and enrolment requests per client per minute.
    pub attempts_per_minute: u32,
    /// The organisation's OpenID Connect provider, when staff may sign in with it.
    pub oidc: Option<crate::oidc::OidcOptions>,
}

/// Whole complaint bodies filed at once. Each may hold every file at its size limit in memory, so this,
/// not the connection bound, caps the memory uploads can take. A body is read (its files to disk) before
/// its permit is asked for, so a slow one never holds one; more wait a few seconds, then get `503`.
const CONCURRENT_UPLOADS: usize = 8;

/// Complaint bodies one address may have arriving at once.
const UPLOADS_PER_ADDRESS: usize = 2;

/// Upload requests (HEAD, PATCH) per address per minute: a phone resuming over a bad link needs a few
/// dozen; the complaint limit itself stays as configured.
const UPLOAD_REQUESTS_PER_MINUTE: u32 = 120;

/// The client's key ([`proxy::client_key`] of its address, behind a trusted proxy the forwarded one), for
/// the rate limit only; never logged.
#[derive(Clone, Copy)]
struct Peer(IpAddr);

/// The client's whole address (behind a trusted proxy, the forwarded one): for the staff audit log.
#[derive(Clone, Copy)]
struct ClientAddress(IpAddr);

/// What the request's log line says besides method, path, status and time.
#[derive(Clone)]
struct LogNote {
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
    insights_file: Arc<PathBuf>,
    status_prefix: Arc<str>,
    body_limit: u64,
    pace: pace::Pace,
    permits: Arc<Semaphore>,
    per_address: Arc<conn::Slots>,
    spool: Arc<spool::Spool>,
    uploads_store: Option<Arc<crate::uploads::Uploads>>,
    upload_limiter: Arc<RateLimiter>,
    /// Replies per client per minute (`--rate-limit`, counted apart from complaints): every reply, a wrong
    /// proof too, so guessing proofs costs the same minute as sending.
    reply_limiter: Arc<RateLimiter>,
    /// The bytes of files each client may have kept today, complaints and replies together.
    files_budget: Arc<crate::budget::DailyBytes>,
    /// Status lookups that found nothing, per client (`--status-misses`).
    status_misses: Arc<RateLimiter>,
    /// The back office's desk, for the staff API (`staff`): its own connection to the database.
    desk: Arc<std::sync::Mutex<crate::desk::Desk>>,
    /// Whether a webhook may name a private address (`--webhooks-allow-private`).
    webhooks: crate::webhooks::WebhookSettings,
    /// Sign-in and enrolment attempts per client (`--staff-sign-in-limit`).
    sign_in_limiter: Arc<RateLimiter>,
    /// The organisation's OpenID Connect provider (`--oidc-issuer`), when configured.
    oidc: Option<Arc<crate::oidc::Provider>>,
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
    let uploads_route = config
        .submission
        .uploads
        .as_deref()
        .map(|u| local_path(u, "/api/v1/uploads/"))
        .map(|u| format!("{}/{{hash}}", u.trim_end_matches('/')));
    // Multipart reads stop here; the handler also refuses an announced Content-Length above it up front.
    let limit = usize::try_from(state.body_limit).unwrap_or(usize::MAX);
    let mut router = Router::new()
        .route(
            &endpoint,
            post(complaints::receive).options(complaints::preflight),
        )
        .route(&status_route, get(files::status))
        .route("/api/v1/insights.json", get(files::insights))
        .route(
            &format!(
                "{}/{{reference}}/{{action}}",
                endpoint.trim_end_matches('/')
            ),
            post(replies::receive)
                .get(data_requests::export)
                .options(replies::preflight),
        );
    if let (Some(route), Some(_)) = (uploads_route, &state.uploads_store) {
        router = router.route(
            &route,
            head(uploads::head)
                .patch(uploads::patch)
                .options(uploads::preflight),
        );
    }
    router
        .merge(staff::routes())
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
#[derive(Debug, thiserror::Error)]
#[error("cannot {doing}: {source}")]
pub struct ServeError {
    /// What it was trying to do ("listen on 127.0.0.1:8080").
    pub doing: String,
    pub source: std::io::Error,
}

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
    let spool =
        spool::Spool::open(options.spool.clone(), options.spool_max_bytes).map_err(|source| {
            ServeError {
                doing: format!("open the spool folder {}", options.spool.display()),
                source,
            }
        })?;
    // Deadlines passed while the service was stopped are told of before it serves.
    scan_breaches_once(Arc::clone(&options.desk)).await;
    let origin = configure_sign_in(&options, address)?;
    let oidc = oidc_provider(&options, &origin)?;
    spawn_background(&options, &intake);
    let status_base = local_path(
        &intake.settings().config.tracking.status_base,
        "/api/v1/status/",
    );
    let state = AppState {
        limiter: Arc::new(RateLimiter::new(options.rate_limit_per_minute)),
        cors: Arc::new(options.cors.clone()),
        site: options.site.clone().map(Arc::new),
        publish_dir: Arc::new(options.publish_dir.clone()),
        insights_file: Arc::new(options.insights_file.clone()),
        status_prefix: format!("{}/", status_base.trim_end_matches('/')).into(),
        body_limit: intake.settings().body_limit(),
        pace: options.pace,
        permits: Arc::new(Semaphore::new(CONCURRENT_UPLOADS)),
        per_address: conn::Slots::new(UPLOADS_PER_ADDRESS),
        spool: Arc::new(spool),
        uploads_store: options.uploads.clone(),
        upload_limiter: Arc::new(RateLimiter::new(UPLOAD_REQUESTS_PER_MINUTE)),
        reply_limiter: Arc::new(RateLimiter::new(options.rate_limit_per_minute)),
        files_budget: Arc::new(crate::budget::DailyBytes::new(options.address_daily_bytes)),
        status_misses: Arc::new(RateLimiter::new(options.status_misses_per_minute)),
        desk: Arc::clone(&options.desk),
        webhooks: options.webhooks,
        sign_in_limiter: Arc::new(RateLimiter::new(options.staff.attempts_per_minute)),
        oidc,
        intake,
    };
    let layers = layers::Around {
        policy: Arc::new(policy::Policy::new(
            &state.intake.settings().config,
            state.cors.origins(),
        )),
        cors: Arc::clone(&state.cors),
        status_prefix: Arc::clone(&state.status_prefix),
        bodies: conn::Slots::new(options.max_bodies_per_address),
    };
    let front = Arc::new(Front {
        layered: layers::around(router(state), layers),
        proxies: options.trusted_proxies.clone(),
    });
    println!("http://{address}");
    crate::log!("listening on http://{address}");
    accept(listener, front, &options).await;
    crate::log!("stopping");
    Ok(())
}

/// Sets the desk's relying party from `--staff-origin`, else `http://localhost:PORT` (WebAuthn refuses an
/// IP address as relying party, so the desk is opened by name), and its sessions' timeouts.
fn configure_sign_in(
    options: &ServeOptions,
    bound: SocketAddr,
) -> Result<webauthn_rs::prelude::Url, ServeError> {
    let origin = match &options.staff.origin {
        Some(origin) => origin.clone(),
        None => webauthn_rs::prelude::Url::parse(&format!("http://localhost:{}", bound.port()))
            .map_err(|e| ServeError {
                doing: "make the staff desk's origin".into(),
                source: std::io::Error::other(e.to_string()),
            })?,
    };
    let mut desk = options
        .desk
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    desk.configure_sign_in(&origin, options.staff.idle, options.staff.lifetime)
        .map_err(|message| ServeError {
            doing: "set up sign-in to the staff desk".into(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, message),
        })?;
    Ok(origin)
}

/// The OpenID Connect provider from `--oidc-issuer`, its discovery document asked for at once in the
/// background: a provider that is down is reported in the log, and tried again at the first sign-in.
fn oidc_provider(
    options: &ServeOptions,
    origin: &webauthn_rs::prelude::Url,
) -> Result<Option<Arc<crate::oidc::Provider>>, ServeError> {
    let Some(settings) = &options.staff.oidc else {
        return Ok(None);
    };
    let origin = crate::desk::sign_in::origin_text(origin);
    let provider = crate::oidc::Provider::new(settings, &staff::oidc_callback_url(&origin))
        .map_err(|message| ServeError {
            doing: "set up sign-in with the OpenID Connect provider".into(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, message),
        })?;
    let provider = Arc::new(provider);
    let discovering = Arc::clone(&provider);
    tokio::spawn(async move {
        match discovering.discover().await {
            Ok(()) => crate::log!("sign-in provider {} discovered", discovering.issuer()),
            Err(e) => crate::log!("sign-in provider {}: {e}", discovering.issuer()),
        }
    });
    Ok(Some(provider))
}

/// The sweep of unfinished uploads and the mail outbox, for as long as the service runs.
fn spawn_background(options: &ServeOptions, intake: &Arc<Intake>) {
    if let Some(uploads) = options.uploads.clone() {
        // Unfinished and unclaimed uploads go after their time; hourly is often enough for hours.
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                let uploads = Arc::clone(&uploads);
                let _ = tokio::task::spawn_blocking(move || {
                    uploads.sweep(std::time::SystemTime::now())
                })
                .await;
            }
        });
    }
    if let Some(mail) = options.mail.clone() {
        tokio::spawn(crate::mail::run_outbox(intake.shared_store(), mail));
    }
    tokio::spawn(crate::webhooks::worker::run(
        intake.shared_store(),
        options.webhooks,
    ));
    tokio::spawn(scan_breaches(Arc::clone(&options.desk)));
}

/// How often open complaints are checked for a deadline just passed (`deadline.breached` is that late
/// at most).
const BREACH_SCAN: Duration = Duration::from_secs(300);

/// Queues `deadline.breached` for deadlines passed, every [`BREACH_SCAN`], on the desk (the first scan is
/// made before the service serves: `run`).
async fn scan_breaches(desk: Arc<std::sync::Mutex<crate::desk::Desk>>) {
    let mut every =
        tokio::time::interval_at(tokio::time::Instant::now() + BREACH_SCAN, BREACH_SCAN);
    loop {
        every.tick().await;
        scan_breaches_once(Arc::clone(&desk)).await;
    }
}

async fn scan_breaches_once(desk: Arc<std::sync::Mutex<crate::desk::Desk>>) {
    let scanned = tokio::task::spawn_blocking(move || {
        desk.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .scan_breaches(crate::zone::now())
    })
    .await;
    match scanned {
        Ok(Ok(0)) | Err(_) => {}
        Ok(Ok(new)) => crate::log!("deadlines breached: {new} new, queued for webhooks"),
        Ok(Err(e)) => crate::log!("deadlines could not be scanned for webhooks: {e}"),
    }
}

/// Takes connections until SIGINT or SIGTERM, each within the bounds overall and per address, each served
/// on a task of its own.
async fn accept(listener: TcpListener, front: Arc<Front>, options: &ServeOptions) {
    let connections = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let slots = conn::Slots::new(options.max_connections_per_address);
    let limits = ConnectionLimits {
        header_timeout: options.header_timeout,
        idle_timeout: options.idle_timeout,
        lifetime: options.connection_lifetime,
        // A request under way when the lifetime ends may go on while it keeps moving, for twice the silence
        // allowed; an upload cut then loses nothing (it resumes from the byte the service has).
        grace: options
            .idle_timeout
            .max(options.pace.silence.saturating_mul(2)),
    };
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        // The overall bound waits here; no single address can get it to (see `slots`), so this wait is
        // only ever for many clients at once.
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
        // Everyone behind a trusted proxy arrives from its address; the proxy keeps its own limits.
        let slot = if front.proxies.trusts(peer.ip()) {
            None
        } else {
            match slots.take(proxy::client_key(peer.ip())) {
                Some(slot) => Some(slot),
                // Over its share: closed at once, and the loop goes straight back to accepting.
                None => continue,
            }
        };
        let front = Arc::clone(&front);
        tokio::spawn(async move {
            let _held = (permit, slot);
            serve_connection(stream, peer, front, limits).await;
        });
    }
}

#[derive(Clone, Copy)]
struct ConnectionLimits {
    header_timeout: Duration,
    idle_timeout: Duration,
    lifetime: Duration,
    /// After the lifetime, how long the answer in progress may still take.
    grace: Duration,
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    front: Arc<Front>,
    limits: ConnectionLimits,
) {
    let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let io = conn::IdleWrites::new(stream, limits.idle_timeout, Arc::clone(&stalled));
    let service =
        hyper::service::service_fn(move |request| handle(Arc::clone(&front), peer, request));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    // Timeouts and clients that hang up end here; they are the client's business, not an error.
    let finished = tokio::select! {
        _ = connection.as_mut() => true,
        () = tokio::time::sleep(limits.lifetime) => false,
    };
    if !finished {
        // No new request on this connection; the request in progress may finish, as long as it keeps
        // moving (the idle timeout still holds), within the grace period.
        connection.as_mut().graceful_shutdown();
        if tokio::time::timeout(limits.grace, connection.as_mut())
            .await
            .is_err()
        {
            crate::log!(
                "closed a connection at its lifetime of {}s",
                limits.lifetime.as_secs()
            );
        }
    }
    if stalled.load(std::sync::atomic::Ordering::Relaxed) {
        crate::log!(
            "closed a connection: nothing could be written to it for {}s",
            limits.idle_timeout.as_secs()
        );
    }
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

/// What every request passes through: the client's address, then the router inside its layers.
struct Front {
    layered: layers::Layered,
    proxies: TrustedProxies,
}

/// Whether a request carries a body the service will wait for: announced by length or sent in chunks.
fn has_body(headers: &axum::http::HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

async fn handle(
    front: Arc<Front>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let mut request = request.map(Body::new);
    let client = front.proxies.client(peer.ip(), request.headers());
    request
        .extensions_mut()
        .insert(Peer(proxy::client_key(client)));
    request.extensions_mut().insert(ClientAddress(client));
    front.layered.clone().oneshot(request).await
}

/// Status file names are derived from a customer's email address: no form of one reaches the log. The
/// path is judged as a server or a proxy might read it (escapes decoded again and again, any case, slashes
/// doubled): anything under the status folder is logged as the folder, and elsewhere a segment with a long
/// run of hex digits (a key, or part of one, in the wrong place) is blanked. The query is never logged.
fn log_path(path: &str, status_prefix: &str) -> String {
    let folder = status_prefix.trim_end_matches('/').to_ascii_lowercase();
    let plain = fully_decoded(path).to_ascii_lowercase();
    let mut squeezed = String::with_capacity(plain.len());
    for c in plain.chars() {
        if !(c == '/' && squeezed.ends_with('/')) {
            squeezed.push(c);
        }
    }
    if squeezed
        .strip_prefix(&folder)
        .is_some_and(|rest| rest.starts_with(['/', '?', '#', ';', '.']) && rest.len() > 1)
    {
        return format!("{}/…", status_prefix.trim_end_matches('/'));
    }
    let logged: Vec<String> = path
        .split('/')
        .map(|segment| {
            if longest_hex_run(&fully_decoded(segment)) >= KEY_LIKE_HEX_RUN {
                "…".to_owned()
            } else {
                segment.to_owned()
            }
        })
        .collect();
    logged.join("/").chars().take(200).collect()
}

/// Trunk's file hashes are 16 hex digits; a run this long is more likely a status key.
const KEY_LIKE_HEX_RUN: usize = 20;

/// Escapes decoded until nothing changes (`%2561` is `%61` is `a`), with a bound so a long chain stops.
fn fully_decoded(text: &str) -> String {
    let mut current = text.to_owned();
    for _ in 0..8 {
        let next = percent_encoding::percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn longest_hex_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Runs the blocking part of a request (SQLite, fsync) off the async threads and turns its answer into the
/// response, with the log line's note; a task that panicked is an internal error.
async fn answer_blocking(
    work: impl FnOnce() -> Result<crate::intake::Answer, crate::error::IntakeError> + Send + 'static,
) -> Response<Body> {
    let answer = tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(crate::error::IntakeError::Internal));
    let answer = match answer {
        Ok(answer) => answer,
        Err(refusal) => return axum::response::IntoResponse::into_response(refusal),
    };
    let mut response = json(
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        answer.body,
    );
    response.extensions_mut().insert(LogNote {
        note: answer.note,
        reference: answer.reference,
    });
    response
}

/// The CORS preflight for a listed origin: the methods and the request headers that are not simple.
fn preflight(
    cors: &Cors,
    headers: &axum::http::HeaderMap,
    methods: &'static str,
    allow: &'static str,
) -> Response<Body> {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or_default();
    if !cors.allows(origin) {
        return axum::response::IntoResponse::into_response(
            crate::error::IntakeError::OriginNotAllowed,
        );
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let set = response.headers_mut();
    set.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    set.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(allow),
    );
    set.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// `{"message": …, "code": …}`: a refusal with a machine-readable code the app words in its own language.
fn message_with_code(status: StatusCode, code: &str, text: &str) -> Response<Body> {
    json(status, crate::error::rejected_body(text, code))
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

fn json(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_form_of_a_status_key_is_logged() {
        let key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let encoded: String = key.bytes().map(|b| format!("%{b:02X}")).collect();
        for path in [
            format!("/api/v1/status/{key}.json"),
            format!("/api/v1/status/{key}.json/"),
            format!("/api/v1/status/{}.json", key.to_uppercase()),
            format!("/api/v1/status/{encoded}.json"),
            format!("/api/v1/status%2F{key}.json"),
            format!("//api//v1/status/{key}.json"),
            format!("/API/V1/Status/{key}"),
            format!("/api/v1/status/%25{}", &encoded[1..]),
            format!("/elsewhere/{key}.json"),
        ] {
            let logged = log_path(&path, "/api/v1/status/");
            assert!(
                !fully_decoded(&logged)
                    .to_ascii_lowercase()
                    .contains(&key[..KEY_LIKE_HEX_RUN]),
                "{path} logged as {logged}"
            );
        }
        assert_eq!(
            log_path("/api/v1/status/", "/api/v1/status/"),
            "/api/v1/status/"
        );
        assert_eq!(
            log_path(
                "/complaint-desk-905e0077a27c1ab6_bg.wasm",
                "/api/v1/status/"
            ),
            "/complaint-desk-905e0077a27c1ab6_bg.wasm"
        );
    }
}
