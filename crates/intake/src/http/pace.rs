//! How long a request body may take: not a fixed total (10 MB over a phone's 750 Kbps uplink takes two
//! minutes, and that is a customer, not an attack), but silence and a minimum rate. A body that sends
//! nothing for `silence`, or less than `min_bytes_per_second` on average over any `window`, is cut; and
//! whatever the windows, none lasts longer than `silence` (its grace) plus its declared length (or the
//! route's limit, sent in chunks) at `min_bytes_per_second`. Its clocks start when the handler first reads
//! it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// No byte at all for this long ends the body.
    pub silence: Duration,
    /// The floor, averaged over each `window` (the first window starts at the first read).
    pub min_bytes_per_second: u64,
    pub window: Duration,
}

/// Why a paced body stopped early; kept outside the body so a handler can tell it from a malformed one
/// even when a parser (multipart) wraps the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Cut {
    #[error("no data arrived for too long")]
    Silent,
    #[error("the data arrived too slowly")]
    TooSlow,
}

#[derive(Debug, Clone, Default)]
pub struct CutFlag(Arc<AtomicU8>);

impl CutFlag {
    fn set(&self, cut: Cut) {
        let code = match cut {
            Cut::Silent => 1,
            Cut::TooSlow => 2,
        };
        self.0.store(code, Ordering::Relaxed);
    }

    pub fn get(&self) -> Option<Cut> {
        match self.0.load(Ordering::Relaxed) {
            1 => Some(Cut::Silent),
            2 => Some(Cut::TooSlow),
            _ => None,
        }
    }

    /// The refusal for a body that was cut, if it was; any other failure to read it is the caller's to word.
    pub fn refusal(&self) -> Option<crate::error::IntakeError> {
        self.get().map(|cut| crate::error::IntakeError::TooSlow {
            silent: cut == Cut::Silent,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct CutError(pub Cut);

/// Wraps a body so that it obeys `pace`; `flag` records why it was cut. Its length is the one it declares
/// (`Content-Length`); one sent in chunks has no bound on its total time but the windows.
pub fn paced(body: Body, pace: Pace, flag: CutFlag) -> Body {
    Body::new(Paced::new(body, pace, flag, None))
}

/// As [`paced`], for a route that takes at most `limit` bytes: a body sent in chunks is given that length.
pub fn paced_within(body: Body, pace: Pace, flag: CutFlag, limit: u64) -> Body {
    Body::new(Paced::new(body, pace, flag, Some(limit)))
}

struct Paced {
    inner: Body,
    pace: Pace,
    flag: CutFlag,
    /// Armed at the first poll and pushed back by every byte.
    silence: Option<Pin<Box<Sleep>>>,
    window_start: Option<Instant>,
    window_bytes: u64,
    /// The route's limit, for a body that declares no length.
    limit: Option<u64>,
    /// Armed at the first poll: the grace plus the declared length at the floor.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl Paced {
    fn new(inner: Body, pace: Pace, flag: CutFlag, limit: Option<u64>) -> Paced {
        Paced {
            inner,
            pace,
            flag,
            silence: None,
            window_start: None,
            window_bytes: 0,
            limit,
            deadline: None,
        }
    }

    /// When a body of its declared length must be done, from now: `None` without a floor or a length.
    fn deadline(&self) -> Option<Instant> {
        let length = http_body::Body::size_hint(&self.inner)
            .upper()
            .or(self.limit)?;
        let floor = self.pace.min_bytes_per_second;
        if floor == 0 {
            return None;
        }
        let allowed = self
            .pace
            .silence
            .saturating_add(Duration::from_secs(length.div_ceil(floor)));
        Instant::now().checked_add(allowed)
    }

    fn cut(&mut self, cut: Cut) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.flag.set(cut);
        Poll::Ready(Some(Err(axum::Error::new(CutError(cut)))))
    }

    /// Counts bytes; at the end of each window, checks the floor for that window.
    fn account(&mut self, bytes: usize) -> Result<(), Cut> {
        let now = Instant::now();
        let start = *self.window_start.get_or_insert(now);
        self.window_bytes = self.window_bytes.saturating_add(bytes as u64);
        let elapsed = now.duration_since(start);
        if elapsed >= self.pace.window {
            let floor = (self.pace.min_bytes_per_second as f64 * elapsed.as_secs_f64()) as u64;
            if self.window_bytes < floor {
                return Err(Cut::TooSlow);
            }
            self.window_start = Some(now);
            self.window_bytes = 0;
        }
        Ok(())
    }
}

impl http_body::Body for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.window_start.is_none() {
            this.window_start = Some(Instant::now());
            this.deadline = this
                .deadline()
                .map(|at| Box::pin(tokio::time::sleep_until(at)));
        }
        if let Some(deadline) = this.deadline.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() {
                return this.cut(Cut::TooSlow);
            }
        }
        let silence = this.pace.silence;
        let timer = this
            .silence
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(silence)));
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let len = frame.data_ref().map_or(0, Bytes::len);
                if len > 0 {
                    timer.as_mut().reset(Instant::now() + silence);
                }
                if let Err(cut) = this.account(len) {
                    return this.cut(cut);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => {
                if timer.as_mut().poll(cx).is_ready() {
                    return this.cut(Cut::Silent);
                }
                // A trickle that never fills a frame still has to meet the floor once the window is over.
                if let Err(cut) = this.account(0) {
                    return this.cut(cut);
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn pace() -> Pace {
        Pace {
            silence: Duration::from_secs(5),
            min_bytes_per_second: 100,
            window: Duration::from_secs(10),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_steady_body_is_never_cut_for_its_length() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, axum::Error>>(1);
        let stream = futures_util_stream(rx);
        let flag = CutFlag::default();
        let mut body = paced(stream, pace(), flag.clone());
        let feeder = tokio::spawn(async move {
            // 1 KB every 2 s for 10 minutes: far longer than any total limit, well above the floor.
            for _ in 0..300 {
                tokio::time::sleep(Duration::from_secs(2)).await;
                if tx
                    .send(Ok(Frame::data(Bytes::from(vec![0u8; 1024]))))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        let mut total = 0;
        while let Some(frame) = body.frame().await {
            total += frame.unwrap().into_data().map_or(0, |d| d.len());
        }
        feeder.await.unwrap();
        assert_eq!(total, 300 * 1024);
        assert_eq!(flag.get(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn no_body_outlasts_its_length_at_the_floor_whatever_the_windows() {
        // Windows of a minute: alone, they would let a trickle go on for that long before a check.
        let pace = Pace {
            window: Duration::from_secs(60),
            ..pace()
        };
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, axum::Error>>(1);
        let flag = CutFlag::default();
        // Sent in chunks, so the route's limit is its length: 200 bytes at 100 a second, after 5 s of grace.
        let mut body = paced_within(futures_util_stream(rx), pace, flag.clone(), 200);
        tokio::spawn(async move {
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if tx
                    .send(Ok(Frame::data(Bytes::from_static(b"0123456789"))))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        let started = Instant::now();
        let mut failed = false;
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed);
        assert_eq!(flag.get(), Some(Cut::TooSlow));
        assert_eq!(started.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn silence_and_a_trickle_are_cut() {
        for (gap, bytes, expected) in [(6, 1024, Cut::Silent), (4, 10, Cut::TooSlow)] {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, axum::Error>>(1);
            let flag = CutFlag::default();
            let mut body = paced(futures_util_stream(rx), pace(), flag.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(gap)).await;
                    if tx
                        .send(Ok(Frame::data(Bytes::from(vec![0u8; bytes]))))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
            let mut failed = false;
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    failed = true;
                    break;
                }
            }
            assert!(failed);
            assert_eq!(flag.get(), Some(expected));
        }
    }

    /// A body fed from a channel, as hyper feeds one from a socket.
    fn futures_util_stream(
        rx: tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, axum::Error>>,
    ) -> Body {
        struct Channel(tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, axum::Error>>);
        impl http_body::Body for Channel {
            type Data = Bytes;
            type Error = axum::Error;
            fn poll_frame(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
                self.0.poll_recv(cx)
            }
        }
        Body::new(Channel(rx))
    }
}
