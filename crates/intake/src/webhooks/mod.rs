//! Outgoing webhooks (issue #23, docs/webhooks.md): events about complaints POSTed, signed, to the endpoints
//! an admin added. The events are queued by the store in the transaction of the change they tell of
//! (`crate::store::WebhookStore`); here is how they leave: [`signature`] (HMAC-SHA256 over the time and the
//! body), [`address`] (which URLs may be called: http(s) only, no private or loopback address unless `serve`
//! allows them) and [`worker`] (`serve`'s delivery loop, with its retries and leases).

pub mod address;
pub mod worker;

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "Complaint-Desk-Signature";
/// The header carrying the event's id (the payload's `id`): receivers dedupe by it.
pub const EVENT_HEADER: &str = "Complaint-Desk-Event";

/// How `serve` delivers webhooks (its flags `--webhooks-allow-private`, `--webhooks-first-retry`).
#[derive(Debug, Clone, Copy)]
pub struct WebhookSettings {
    /// Endpoints on loopback and private networks may be called. Off by default: an admin's URL must not
    /// reach the service's own network (server-side request forgery).
    pub allow_private: bool,
    /// The first wait after a failed attempt; each later one is longer (see [`worker::backoff`]).
    pub first_retry: Duration,
}

impl Default for WebhookSettings {
    fn default() -> WebhookSettings {
        WebhookSettings {
            allow_private: false,
            first_retry: Duration::from_secs(30),
        }
    }
}

/// `t=<unix>,v1=<hex>`: HMAC-SHA256 keyed with the endpoint's secret (its text, as shown once) over
/// `"<unix>.<body>"`. The time is inside what is signed, so a captured delivery cannot be replayed later
/// than the receiver's window.
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length; this arm is never taken.
        Err(_) => return format!("t={unix}"),
    };
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!(
        "t={unix},v1={}",
        crate::publish::hex(&mac.finalize().into_bytes())
    )
}

/// A new endpoint's secret: `whsec_` and 32 random bytes in hex. Shown once; the key is this whole text.
pub fn new_secret() -> Result<String, crate::ids::NoRandomness> {
    Ok(format!(
        "whsec_{}",
        crate::publish::hex(&crate::ids::new_secret()?)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_the_time_and_the_body() {
        let one = signature("whsec_k", 1_700_000_000, "{}");
        assert!(one.starts_with("t=1700000000,v1="), "{one}");
        assert_eq!(one.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(one, signature("whsec_k", 1_700_000_001, "{}"));
        assert_ne!(one, signature("whsec_k", 1_700_000_000, "{ }"));
        assert_ne!(one, signature("whsec_j", 1_700_000_000, "{}"));
    }

    #[test]
    fn secrets_are_new_each_time() {
        let a = new_secret().unwrap();
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
        assert_ne!(a, new_secret().unwrap());
    }
}
