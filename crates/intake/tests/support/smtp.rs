//! The recording SMTP listener (`smtp_recorder.py`, aiosmtpd from PyPI, installed by scripts/setup): each
//! mail it receives is written as one JSON file (`N.json`) in a folder, decoded, so a test reads what was
//! sent, and how many times.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::TempDir;

/// The recording SMTP listener, stopped when dropped.
pub struct Recorder {
    child: Child,
    pub port: u16,
    folder: PathBuf,
}

impl Recorder {
    pub fn start(dir: &TempDir, port: Option<u16>) -> Recorder {
        Recorder::start_with(dir, port, None)
    }

    /// One that refuses for good (552) a mail larger than `max_bytes`, as a relay with a size limit does.
    pub fn start_with(dir: &TempDir, port: Option<u16>, max_bytes: Option<u64>) -> Recorder {
        let folder = dir.0.join("mail");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/smtp_recorder.py"
        );
        let mut command = Command::new("python3");
        command.arg(script).arg(&folder);
        command.arg(port.unwrap_or(0).to_string());
        if let Some(max_bytes) = max_bytes {
            command.arg(max_bytes.to_string());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the recorder printed no port ({line:?}); is aiosmtpd 1.4.6 installed?")
        });
        Recorder {
            child,
            port,
            folder,
        }
    }

    /// Waits until `n` mails have been recorded, and returns them in order.
    pub fn wait_for(&self, n: usize, limit: Duration) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let mails = recorded(&self.folder);
            if mails.len() >= n {
                return mails;
            }
            assert!(
                started.elapsed() < limit,
                "{} mail(s) within {limit:?}, not {n}",
                mails.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The mails recorded in `folder`, in the order received.
pub fn recorded(folder: &Path) -> Vec<Value> {
    let mut mails: Vec<(u32, Value)> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let n: u32 = name.strip_suffix(".json")?.parse().ok()?;
                    let text = std::fs::read_to_string(e.path()).ok()?;
                    Some((n, serde_json::from_str(&text).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    mails.sort_by_key(|(n, _)| *n);
    mails.into_iter().map(|(_, mail)| mail).collect()
}

impl Recorder {
    /// The mails recorded so far, in order.
    pub fn mails(&self) -> Vec<Value> {
        recorded(&self.folder)
    }

    /// The flags that send a node's mail here, the organisation's inbox included.
    pub fn flags(&self) -> Vec<String> {
        [
            "--smtp-relay",
            &format!("127.0.0.1:{}", self.port),
            "--mail-from",
            "desk@northwind.example",
            "--org-inbox",
            "complaints@northwind.example",
            "--public-url",
            "https://desk.example",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
}
