//! What one client may hold: a few connections at once (`--max-connections-per-address`, so one address
//! cannot fill `--max-connections` and stall the accept loop for everyone), none of them stuck without a
//! byte written for `--idle-timeout` (a client that sends requests and never reads the answers), and none
//! older than `--connection-lifetime` (one that reads just fast enough to dodge the idle timeout). The
//! same [`Slots`] count the request bodies each client has arriving (`--max-bodies-per-address`, taken in
//! [`super::handle`]), so a few addresses sending slowly cannot hold every connection with bodies.
//! Waiting for request headers is hyper's `header_read_timeout`; waiting for a body is [`super::pace`].

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Open connections per client key ([`super::proxy::client_key`]).
pub(super) struct Slots {
    per_address: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place; given back when the connection ends.
pub(super) struct Slot {
    slots: Arc<Slots>,
    key: IpAddr,
}

impl Slots {
    pub(super) fn new(per_address: usize) -> Arc<Slots> {
        Arc::new(Slots {
            per_address: per_address.max(1),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more connection from `key`, or `None` when it already has its share.
    pub(super) fn take(self: &Arc<Self>, key: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(key).or_insert(0);
        if *count >= self.per_address {
            return None;
        }
        *count += 1;
        Some(Slot {
            slots: Arc::clone(self),
            key,
        })
    }

    #[cfg(test)]
    fn open(&self, key: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&key).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .slots
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            // Addresses with nothing open are forgotten, so the map stays as small as what is open.
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// A connection's stream that fails a write which has made no progress for `idle`: a full send buffer
/// means the client stopped reading, and hyper alone would wait for it for ever.
pub(super) struct IdleWrites<T> {
    inner: T,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    armed: bool,
    stalled: Arc<AtomicBool>,
}

impl<T> IdleWrites<T> {
    /// `stalled` is set when the timeout closes the connection, for the log.
    pub(super) fn new(inner: T, idle: Duration, stalled: Arc<AtomicBool>) -> IdleWrites<T> {
        IdleWrites {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            armed: false,
            stalled,
        }
    }

    fn watch<R>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.armed = false;
            return poll;
        }
        if !self.armed {
            self.timer.as_mut().reset(Instant::now() + self.idle);
            self.armed = true;
        }
        if self.timer.as_mut().poll(cx).is_ready() {
            self.stalled.store(true, Ordering::Relaxed);
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client read nothing for the idle timeout",
            )));
        }
        Poll::Pending
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleWrites<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleWrites<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_share_and_a_closed_connection_gives_its_place_back() {
        let slots = Slots::new(2);
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        let a = slots.take(one).unwrap();
        let _b = slots.take(one).unwrap();
        assert!(slots.take(one).is_none());
        assert!(slots.take(two).is_some(), "another address is unaffected");
        drop(a);
        assert_eq!(slots.open(one), 1);
        assert!(slots.take(one).is_some());
    }

    #[test]
    fn ipv6_connections_share_the_place_of_their_slash_64() {
        use super::super::proxy::client_key;
        let slots = Slots::new(1);
        let first: IpAddr = "2001:db8:5:6::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:5:6:ffff::2".parse().unwrap();
        let other_64: IpAddr = "2001:db8:5:7::1".parse().unwrap();
        let _held = slots.take(client_key(first)).unwrap();
        assert!(slots.take(client_key(same_64)).is_none());
        assert!(slots.take(client_key(other_64)).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_that_makes_no_progress_fails_after_the_idle_time() {
        use tokio::io::AsyncWriteExt;
        // A pipe nobody reads: its buffer fills, then every write waits.
        let (writer, _reader) = tokio::io::duplex(1024);
        let stalled = Arc::new(AtomicBool::new(false));
        let mut stream = IdleWrites::new(writer, Duration::from_secs(5), Arc::clone(&stalled));
        let started = Instant::now();
        let result = stream.write_all(&[0u8; 64 * 1024]).await;
        assert_eq!(result.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert!(stalled.load(Ordering::Relaxed));
    }
}
