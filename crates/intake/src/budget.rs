//! The bytes of evidence one address may have the intake keep in a day (issue 21: a few addresses filling
//! the database with files named again and again). Counted in memory by the client's key (an IPv6 /64 counts
//! as one address, as for the rate limit): a restart forgets, which can only let a customer in, never keep
//! one out. The database's own ceiling is [`crate::intake::Options::db_max_bytes`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one address's count runs before it starts again from zero.
pub const WINDOW: Duration = Duration::from_secs(24 * 3600);

/// Addresses remembered before the ones whose day is over are forgotten.
const PRUNE_ABOVE: usize = 10_000;

pub struct DailyBytes {
    limit: u64,
    /// Per address: when its day began, and the bytes taken since.
    used: Mutex<HashMap<IpAddr, (Instant, u64)>>,
}

/// Bytes taken from an address's day, given back when dropped unless [`Taken::keep`] says they were stored.
pub struct Taken {
    budget: Arc<DailyBytes>,
    peer: IpAddr,
    bytes: u64,
}

impl DailyBytes {
    pub fn new(limit: u64) -> DailyBytes {
        DailyBytes {
            limit,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `bytes` from `peer`'s day, or says in how many seconds its day starts again. No bytes (a
    /// complaint or reply without files) are always let through.
    pub fn take(self: &Arc<Self>, peer: IpAddr, bytes: u64) -> Result<Taken, u64> {
        let now = Instant::now();
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if used.len() > PRUNE_ABOVE {
            used.retain(|_, (since, _)| now.duration_since(*since) < WINDOW);
        }
        let entry = used.entry(peer).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if bytes > 0 && entry.1.saturating_add(bytes) > self.limit {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 = entry.1.saturating_add(bytes);
        Ok(Taken {
            budget: Arc::clone(self),
            peer,
            bytes,
        })
    }
}

impl Taken {
    /// The bytes were stored: they stay counted.
    pub fn keep(mut self) {
        self.bytes = 0;
    }
}

impl Drop for Taken {
    fn drop(&mut self) {
        if self.bytes == 0 {
            return;
        }
        let mut used = self.budget.used.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = used.get_mut(&self.peer) {
            entry.1 = entry.1.saturating_sub(self.bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_has_its_own_day_and_bytes_not_stored_are_given_back() {
        let budget = Arc::new(DailyBytes::new(100));
        let (one, two): (IpAddr, IpAddr) =
            ("127.0.0.2".parse().unwrap(), "127.0.0.3".parse().unwrap());
        budget.take(one, 60).unwrap().keep();
        assert!(budget.take(one, 60).is_err(), "over the day's bytes");
        assert!(
            budget.take(one, 0).is_ok(),
            "nothing to store is always let through"
        );
        budget.take(two, 60).unwrap().keep();
        drop(budget.take(one, 40).unwrap());
        budget.take(one, 40).unwrap().keep();
        let wait = budget.take(one, 1).err().unwrap();
        assert!(wait > 0 && wait <= WINDOW.as_secs());
    }
}
