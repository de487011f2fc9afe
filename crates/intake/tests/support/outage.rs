//! A TCP forwarder a test can cut, for an outage of a server that must keep its state: what the nodes see
//! of a stopped server (connections refused, open ones dropped), while the server behind it (moto, which
//! keeps its buckets in memory and would come back empty) keeps running. Threads, blocking sockets.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Forwards `127.0.0.1:port` to `target` while up.
pub struct Cuttable {
    pub port: u16,
    target: String,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    /// Set while the listener should run; the accept loop ends once it is cleared.
    up: AtomicBool,
    /// The connections open now, both sides, by a number of their own, to drop at a cut.
    open: Mutex<HashMap<u64, [TcpStream; 2]>>,
    next: AtomicU64,
}

impl Cuttable {
    /// Listens on a free port and forwards to `target` (`host:port`).
    pub fn start(target: &str) -> Cuttable {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cuttable = Cuttable {
            port,
            target: target.to_owned(),
            state: Arc::new(State::default()),
        };
        cuttable.serve(listener);
        cuttable
    }

    /// Stops listening (a connection is refused) and drops every open connection.
    pub fn cut(&self) {
        self.state.up.store(false, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag and closes the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for (_, pair) in self.state.open.lock().unwrap().drain() {
            for stream in pair {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        // The port is free once the loop has dropped the listener: wait until a connection is refused.
        let started = std::time::Instant::now();
        while TcpStream::connect_timeout(
            &format!("127.0.0.1:{}", self.port).parse().unwrap(),
            Duration::from_millis(200),
        )
        .is_ok()
        {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "still listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Listens again on the same port.
    pub fn mend(&self) {
        let listener = loop {
            // Another process may take the port meanwhile; a test sees that as a failure to bind.
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(listener) => break listener,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(e) => panic!("listen again on {}: {e}", self.port),
            }
        };
        self.serve(listener);
    }

    fn serve(&self, listener: TcpListener) {
        self.state.up.store(true, Ordering::SeqCst);
        let state = Arc::clone(&self.state);
        let target = self.target.clone();
        std::thread::spawn(move || {
            for incoming in listener.incoming() {
                if !state.up.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = incoming else { continue };
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let id = state.next.fetch_add(1, Ordering::Relaxed);
                let pair = [client.try_clone().unwrap(), server.try_clone().unwrap()];
                state.open.lock().unwrap().insert(id, pair);
                pipe(
                    &state,
                    id,
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                );
                pipe(&state, id, server, client);
            }
        });
    }
}

/// Copies `from` to `to` until either ends, then closes both directions and forgets connection `id`.
fn pipe(state: &Arc<State>, id: u64, mut from: TcpStream, mut to: TcpStream) {
    let state = Arc::clone(state);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
        state.open.lock().unwrap().remove(&id);
    });
}

impl Drop for Cuttable {
    fn drop(&mut self) {
        self.cut();
    }
}
