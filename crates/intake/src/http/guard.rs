//! Who may send: a per-address rate limit on complaints, CORS only for the origins the operator lists, and
//! the [`Gate`] every posting endpoint (complaints, replies) passes before its body is read.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response};

use crate::error::IntakeError;

/// Long enough for a UUID and for other clients' own key formats; a longer header is not a key.
const KEY_MAX_CHARS: usize = 200;

/// The checks a request that records something passes before a byte of its body is read, in this order:
/// the client's rate (counted first, so a request refused for anything else costs the same minute as one
/// accepted, and a wrong reply proof cannot be tried for free), what the path names, the origin, the
/// Idempotency-Key, and the announced length against `body_limit`. The caller closes the connection on a
/// refusal: the body is unread.
pub(super) struct Gate<'a> {
    pub limiter: &'a RateLimiter,
    pub cors: &'a Cors,
    pub body_limit: u64,
}

/// What passed the gate: the request's Idempotency-Key, and what its path named.
pub(super) struct Admitted<T> {
    pub key: String,
    pub named: T,
}

impl Gate<'_> {
    /// For a path that names nothing more than the endpoint.
    pub(super) fn admit(&self, peer: IpAddr, headers: &HeaderMap) -> Result<String, IntakeError> {
        self.admit_named(peer, headers, Some(())).map(|a| a.key)
    }

    /// `named` is what the path named, read by the caller (`None`: nothing here by that name, `404`), so an
    /// unknown one is refused after the rate is counted and before anything else.
    pub(super) fn admit_named<T>(
        &self,
        peer: IpAddr,
        headers: &HeaderMap,
        named: Option<T>,
    ) -> Result<Admitted<T>, IntakeError> {
        self.limiter
            .allow(peer)
            .map_err(|wait| IntakeError::RateLimited {
                retry_after_seconds: wait,
            })?;
        let named = named.ok_or(IntakeError::NotFound)?;
        if !self.cors.admits(headers) {
            return Err(IntakeError::OriginNotAllowed);
        }
        let key = idempotency_key(headers).map_err(IntakeError::KeyInvalid)?;
        let announced = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > self.body_limit) {
            return Err(IntakeError::TooLarge {
                limit_bytes: self.body_limit,
            });
        }
        Ok(Admitted { key, named })
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = headers
        .get("idempotency-key")
        .ok_or("The Idempotency-Key header is missing: every complaint needs one, so a retry is never filed twice.")?;
    let key = value
        .to_str()
        .map(str::trim)
        .map_err(|_| "The Idempotency-Key header must be plain text.")?;
    if key.is_empty() || key.chars().count() > KEY_MAX_CHARS {
        return Err("The Idempotency-Key header must be 1 to 200 characters.");
    }
    Ok(key.to_owned())
}

/// At most `per_minute` complaints per client in any one-minute window; a client is an IPv4 address or
/// an IPv6 /64 ([`super::proxy::client_key`]).
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds)` to wait when the address has used up its window, without counting this request (for
    /// a limit on what some requests turn out to be, such as status lookups that find nothing).
    pub fn exhausted(&self, address: IpAddr) -> Option<u64> {
        let address = super::proxy::client_key(address);
        let now = Instant::now();
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (start, count) = windows.get(&address)?;
        let elapsed = now.duration_since(*start);
        (elapsed < WINDOW && *count >= self.per_minute)
            .then(|| WINDOW.saturating_sub(elapsed).as_secs().max(1))
    }

    /// `Err(seconds)` to wait when the address has used up its window.
    pub fn allow(&self, address: IpAddr) -> Result<(), u64> {
        let address = super::proxy::client_key(address);
        let now = Instant::now();
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget quiet addresses now and then, so a spray of addresses cannot grow the map for ever.
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(address).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            let left = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// Origins (`https://shop.example`) whose pages may send complaints and read status files.
#[derive(Debug, Clone, Default)]
pub struct Cors {
    allowed: Vec<String>,
}

impl Cors {
    pub fn new(allowed: Vec<String>) -> Cors {
        Cors {
            allowed: allowed
                .into_iter()
                .map(|o| o.trim_end_matches('/').to_owned())
                .collect(),
        }
    }

    pub fn origins(&self) -> &[String] {
        &self.allowed
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.allowed.iter().any(|a| a == origin)
    }

    /// Whether a request may act here: no Origin (not a browser), our own origin, or a listed one.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
            return true;
        };
        let own = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| {
                origin
                    .split_once("://")
                    .is_some_and(|(_, authority)| authority == host)
            });
        own || self.allows(origin)
    }

    /// Lets a listed origin read the answer; says nothing to any other.
    pub fn decorate(&self, origin: Option<&HeaderValue>, response: &mut Response<Body>) {
        let headers = response.headers_mut();
        // The answer depends on the Origin only when some origin may be let in. Without a list it is the
        // same for everyone, and `Vary: Origin` would only cost cache hits: Chromium sends an Origin with
        // module scripts and `fetch`es but not with the service worker's own requests for the same files,
        // so the HTTP cache revalidates an immutable Wasm and a cache that honours `Vary` never matches
        // it. (The app's own top-level files are never decorated at all: `files::OwnPagesOnly`.)
        if !self.allowed.is_empty() {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        if let Some(origin) = origin.filter(|o| o.to_str().is_ok_and(|o| self.allows(o))) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_quota_per_minute_and_others_are_unaffected() {
        let limiter = RateLimiter::new(2);
        let one: IpAddr = "127.0.0.1".parse().unwrap();
        let two: IpAddr = "127.0.0.2".parse().unwrap();
        assert_eq!(limiter.allow(one), Ok(()));
        assert_eq!(limiter.allow(one), Ok(()));
        assert!(matches!(limiter.allow(one), Err(s) if (1..=60).contains(&s)));
        assert_eq!(limiter.allow(two), Ok(()));
        let v6 = |text: &str| text.parse::<IpAddr>().unwrap();
        assert_eq!(limiter.allow(v6("2001:db8:0:1::1")), Ok(()));
        assert_eq!(limiter.allow(v6("2001:db8:0:1::2")), Ok(()));
        assert!(
            limiter.allow(v6("2001:db8:0:1:ffff::3")).is_err(),
            "the same /64"
        );
        assert_eq!(limiter.allow(v6("2001:db8:0:2::1")), Ok(()));
    }

    #[test]
    fn only_listed_origins_and_our_own_are_admitted() {
        let cors = Cors::new(vec!["https://shop.example/".into()]);
        let headers = |origin: &str, host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
            h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            h
        };
        assert!(cors.admits(&headers("https://shop.example", "intake.example")));
        assert!(cors.admits(&headers("http://127.0.0.1:8080", "127.0.0.1:8080")));
        assert!(!cors.admits(&headers("https://evil.example", "intake.example")));
        assert!(cors.admits(&HeaderMap::new()));
    }
}
