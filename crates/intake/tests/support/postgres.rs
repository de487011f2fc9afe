//! A throwaway PostgreSQL cluster for tests: Debian's server binaries (`./scripts/setup` installs the
//! `postgresql` package), `initdb` into a fresh temporary folder, `pg_ctl` on a free port listening on
//! 127.0.0.1 only, trust authentication on loopback. One cluster per test binary, one database per test.
//!
//! The server refuses to run as root, so as root (this machine, CI) it runs as Debian's `postgres` user.
//! It is stopped when the test binary ends, however it ends: a small watcher process holds the read end of
//! a pipe whose write end only this process has; when this process is gone the watcher reads end of file,
//! stops the server and removes the folder. No fixed sleeps: `pg_ctl -w` waits for the server to accept.
//!
//! Without PostgreSQL installed, [`cluster`] answers `None` so a developer's run skips the PostgreSQL half
//! with a note, except under `CI=true`, where it panics: CI must never pass by skipping.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// A running cluster: its folder, port and the server binaries' folder.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    /// The server's own flags (`pg_ctl -o`): its port and socket folder, for starting it again.
    options: String,
    bin: PathBuf,
    as_user: Option<&'static str>,
    /// Kept open for as long as the test binary lives; see the module's doc.
    _watcher: Child,
}

/// The cluster of this test binary, started on first use; `None` (with a note) when PostgreSQL is not
/// installed and CI is not set.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| match server_binaries() {
            Some(bin) => Some(Cluster::start(bin)),
            None if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!(
                    "PostgreSQL is not installed (run ./scripts/setup); CI does not skip its tests"
                )
            }
            None => {
                eprintln!("PostgreSQL is not installed (./scripts/setup installs it): skipping");
                None
            }
        })
        .as_ref()
}

/// A fresh, empty database on the shared cluster, as a `postgres://` address; `None` as [`cluster`].
pub fn database(name: &str) -> Option<String> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster()?;
    let db = format!(
        "t_{}_{}_{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
    .to_lowercase();
    let mut admin = postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls)
        .expect("connect to the test cluster");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create a test database");
    Some(cluster.url(&db))
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `initdb` and `pg_ctl` in it.
fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    fn start(bin: PathBuf) -> Cluster {
        let as_user = is_root().then_some("postgres");
        let dir = std::env::temp_dir().join(format!("intake-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(user) = as_user {
            let owned = Command::new("chown").arg(user).arg(&dir).status().unwrap();
            assert!(owned.success(), "chown {user} {}", dir.display());
        }
        let data = dir.join("data");
        let mut cluster = Cluster {
            port: 0,
            options: String::new(),
            _watcher: watcher(&bin, &dir, as_user),
            dir,
            bin,
            as_user,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                path(&data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        // A free port can be taken between asking and binding; try a few.
        for _ in 0..5 {
            cluster.port = free_port();
            cluster.options = format!(
                "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=200",
                cluster.port,
                path(&cluster.dir)
            );
            let log = cluster.dir.join("server.log");
            let args = [
                "-D",
                path(&data),
                "-l",
                path(&log),
                "-w",
                "-o",
                &cluster.options,
                "start",
            ];
            if cluster.try_run("pg_ctl", &args) {
                return cluster;
            }
        }
        panic!(
            "the test PostgreSQL did not start: {}",
            std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default()
        );
    }

    /// The address of one database on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server at once (a lost database, as tests of failure need); [`Cluster::restart`] undoes it.
    pub fn stop(&self) {
        let data = self.dir.join("data");
        assert!(self.try_run("pg_ctl", &["-D", path(&data), "-m", "fast", "-w", "stop"]));
    }

    /// Starts it again after [`Cluster::stop`], on the same port with the same flags.
    pub fn restart(&self) {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let args = [
            "-D",
            path(&data),
            "-l",
            path(&log),
            "-w",
            "-o",
            &self.options,
            "start",
        ];
        assert!(self.try_run("pg_ctl", &args));
    }

    fn run(&self, tool: &str, args: &[&str]) {
        assert!(self.try_run(tool, args), "{tool} failed");
    }

    fn try_run(&self, tool: &str, args: &[&str]) -> bool {
        command(&self.bin, tool, self.as_user)
            .args(args)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

fn command(bin: &Path, tool: &str, as_user: Option<&str>) -> Command {
    let program = bin.join(tool);
    match as_user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// Waits for end of file on its standard input (this process gone), then stops the server and removes the
/// folder. `pg_ctl` started from this test keeps the postmaster in the folder's `postmaster.pid`.
fn watcher(bin: &Path, dir: &Path, as_user: Option<&str>) -> Child {
    let pg_ctl = command(bin, "pg_ctl", as_user);
    let prefix: Vec<String> = std::iter::once(pg_ctl.get_program())
        .chain(pg_ctl.get_args())
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect();
    let script = format!(
        "cat >/dev/null; {} -D {} -m immediate stop >/dev/null 2>&1; rm -rf {}",
        prefix.join(" "),
        shell_quote(path(&dir.join("data"))),
        shell_quote(path(dir))
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster's watcher")
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
