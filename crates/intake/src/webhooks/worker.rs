//! `serve`'s delivery loop: every second it claims the events that are due (under a lease, so a second node
//! sharing the database never sends the same attempt), POSTs each, signed, with a 10-second timeout, and
//! records the attempt. A 2xx answer delivers the event, which is never sent again; anything else (another
//! status, no answer, a refused address) is tried again after a wait that grows ([`backoff`]) until
//! [`MAX_ATTEMPTS`], then given up. Every attempt is in the endpoint's delivery log.

use std::sync::Arc;
use std::time::Duration;

use complaint_domain::instant::Instant;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use tokio::task::JoinSet;

use super::{address, signature, WebhookSettings, EVENT_HEADER, SIGNATURE_HEADER};
use crate::store::{Attempt, Claimed, Db, Next};

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(1);
/// One attempt's limit, from connecting to the end of the answer's headers.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claim holds: longer than an attempt can take, so a live worker never loses one; a worker
/// that died leaves its events to another after this.
const LEASE_SECONDS: i64 = 60;
/// Events sent at once by one worker.
const BATCH: usize = 16;
/// Attempts before an event is given up: with the default first wait, the waits are 30 s, 2 min, 10 min,
/// 1 h, 4 h, 12 h and 24 h, so the last attempt comes about 42 hours after the event.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long an event delivered or given up stays in the outbox and the delivery log.
const KEEP_SECONDS: i64 = 30 * 86_400;
/// Polls between two prunings of what is kept no longer (an hour).
const PRUNE_EVERY: u32 = 3600;
/// Each wait as a multiple of the first (`--webhooks-first-retry`).
const STEPS: [u32; 7] = [1, 4, 20, 120, 480, 1440, 2880];

/// The wait after failed attempt number `attempt` (1 for the first), or `None` when it was the last.
pub fn backoff(first: Duration, attempt: i64) -> Option<Duration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let index = usize::try_from(attempt.max(1) - 1).unwrap_or(0);
    STEPS.get(index).map(|step| first.saturating_mul(*step))
}

/// What one attempt came to, before it is recorded.
struct Outcome {
    claimed: Claimed,
    at: Instant,
    status: Option<u16>,
    error: Option<String>,
    milliseconds: i64,
}

/// Runs for as long as the service does.
pub async fn run(store: Arc<Db>, settings: WebhookSettings) {
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(address::Resolver {
            allow_private: settings.allow_private,
        }))
        .timeout(TIMEOUT)
        .user_agent(concat!(
            "complaint-desk-webhooks/",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            crate::log!("webhooks are off: the HTTP client could not start: {e}");
            return;
        }
    };
    let lease = match super::new_secret() {
        Ok(secret) => secret.replacen("whsec_", "lease_", 1),
        Err(e) => {
            crate::log!("webhooks are off: {e}");
            return;
        }
    };
    let mut tick = tokio::time::interval(POLL);
    let mut polls: u32 = 0;
    loop {
        tick.tick().await;
        if polls.is_multiple_of(PRUNE_EVERY) {
            prune(&store).await;
        }
        polls = polls.wrapping_add(1);
        let claimed = {
            let store = Arc::clone(&store);
            let lease = lease.clone();
            tokio::task::spawn_blocking(move || {
                let now = crate::zone::now();
                let until = Instant::from_unix_seconds(now.unix_seconds() + LEASE_SECONDS);
                store.handle().claim_due(&lease, now, until, BATCH)
            })
            .await
        };
        let claimed = match claimed {
            Ok(Ok(claimed)) => claimed,
            Ok(Err(e)) => {
                crate::log!("the webhook outbox could not be read: {e}");
                continue;
            }
            Err(_) => continue,
        };
        let mut sending = JoinSet::new();
        for row in claimed {
            sending.spawn(attempt(client.clone(), row, settings.allow_private));
        }
        while let Some(done) = sending.join_next().await {
            if let Ok(outcome) = done {
                record(&store, &lease, outcome, settings.first_retry).await;
            }
        }
    }
}

/// Forgets what was delivered or given up more than [`KEEP_SECONDS`] ago.
async fn prune(store: &Arc<Db>) {
    let store = Arc::clone(store);
    let pruned = tokio::task::spawn_blocking(move || {
        let before = crate::zone::now().plus_seconds(-KEEP_SECONDS);
        store.handle().prune_webhooks(before)
    })
    .await;
    if let Ok(Err(e)) = pruned {
        crate::log!("old webhook events could not be pruned: {e}");
    }
}

/// POSTs one event, signed now.
async fn attempt(client: reqwest::Client, claimed: Claimed, allow_private: bool) -> Outcome {
    let at = crate::zone::now();
    let started = std::time::Instant::now();
    // A literal address never reaches the resolver: checked again here, with today's flag.
    let result = match address::check(&claimed.url, allow_private) {
        Err(refused) => Err(refused.to_string()),
        Ok(url) => {
            let signed = signature(&claimed.secret, at.unix_seconds(), &claimed.payload);
            client
                .post(url)
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header(SIGNATURE_HEADER, signed)
                .header(EVENT_HEADER, claimed.event_id.as_str())
                .body(claimed.payload.clone())
                .send()
                .await
                .map(|answer| answer.status().as_u16())
                .map_err(|e| words(&e))
        }
    };
    let milliseconds = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status, error) = match result {
        Ok(status) => (Some(status), None),
        Err(error) => (None, Some(error)),
    };
    Outcome {
        claimed,
        at,
        status,
        error,
        milliseconds,
    }
}

/// An error with its causes, as one line for the log (`error sending request: … : connection refused`).
fn words(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// Logs the attempt and decides what follows it.
async fn record(store: &Arc<Db>, lease: &str, outcome: Outcome, first_retry: Duration) {
    let delivered = outcome.status.is_some_and(|s| (200..300).contains(&s));
    let made = outcome.claimed.attempts + 1;
    let next = if delivered {
        Next::Delivered
    } else {
        match backoff(first_retry, made) {
            Some(wait) => Next::RetryAt(Instant::from_unix_seconds(
                outcome.at.unix_seconds() + i64::try_from(wait.as_secs()).unwrap_or(i64::MAX / 2),
            )),
            None => Next::GiveUp,
        }
    };
    if next == Next::GiveUp {
        crate::log!(
            "webhook event {} to {} given up after {made} attempts",
            outcome.claimed.event_id,
            outcome.claimed.url
        );
    }
    let store = Arc::clone(store);
    let lease = lease.to_owned();
    let saved = tokio::task::spawn_blocking(move || {
        store.handle().finish_attempt(&Attempt {
            outbox_id: outcome.claimed.outbox_id,
            lease: &lease,
            at: outcome.at,
            status: outcome.status,
            error: outcome.error.as_deref(),
            milliseconds: outcome.milliseconds,
            next,
        })
    })
    .await;
    if let Ok(Err(e)) = saved {
        // The lease runs out and the event is sent again: at least once, never lost.
        crate::log!("a webhook attempt could not be recorded: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_waits_grow_to_a_day_then_the_event_is_given_up() {
        let first = Duration::from_secs(30);
        let waits: Vec<u64> = (1..MAX_ATTEMPTS)
            .map(|n| backoff(first, n).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [30, 120, 600, 3600, 14_400, 43_200, 86_400]);
        assert_eq!(backoff(first, MAX_ATTEMPTS), None);
    }
}
