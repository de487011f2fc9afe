//! What an adversarial review of the intake found, each attack replayed over real HTTP on loopback: bounded
//! in count and time, and stopping by itself. Other customers are other loopback addresses (127.0.0.3)
//! than the attacker's (127.0.0.2).

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::*;

/// What Trunk 0.21 writes into `dist/index.html` to boot the Wasm: one inline module script.
const BOOT_SCRIPT: &str = "\nimport init, * as bindings from '/complaint-desk-905e0077a27c1ab6.js';\nconst wasm = await init({ module_or_path: '/complaint-desk-905e0077a27c1ab6_bg.wasm' });\n\nwindow.wasmBindings = bindings;\ndispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));\n";

/// A site folder shaped like Trunk's `dist/`: the page with its boot script, the config, and a large file
/// (`big.bin`, `big_bytes` long) for downloads that are never read.
fn site(dir: &TempDir, big_bytes: usize) -> PathBuf {
    let site = dir.0.join("dist");
    fs::create_dir_all(site.join("api/v1")).unwrap();
    fs::write(
        site.join("index.html"),
        format!("<!doctype html><html><head><title>app</title><script type=\"module\">{BOOT_SCRIPT}</script></head><body></body></html>"),
    )
    .unwrap();
    fs::copy(dir.config(), site.join("api/v1/config.json")).unwrap();
    fs::write(site.join("big.bin"), vec![b'x'; big_bytes]).unwrap();
    site
}

const MIB: usize = 1024 * 1024;

/// A client that asks for the big file and never reads the answer: with a 4 KiB receive buffer the
/// service's writes stall after a few kilobytes.
fn stalled_download(server: &Server, source: &str) -> TcpStream {
    let mut stream = connect_from(source, &server.addr, Some(4096));
    // Over its share the service may close before the request is written: that is a refusal too.
    let _ = stream
        .write_all(format!("GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes());
    stream
}

fn downloads_begun(log: &str) -> usize {
    log.matches("GET /big.bin 200").count()
}

/// Undoes percent-escapes again and again, as a reader of the log could.
fn decoded(text: &str) -> String {
    let mut current = text.to_owned();
    loop {
        let bytes = current.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let escape = (bytes[i] == b'%')
                .then(|| current.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match escape {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        let next = String::from_utf8_lossy(&out).into_owned();
        if next == current {
            return current;
        }
        current = next;
    }
}

#[test]
fn status_keys_stay_out_of_the_log_however_the_path_is_written() {
    let dir = TempDir::new("log-keys");
    let server = Server::start(&dir, &[], &[]);
    let reply = server.post(Some("log-1"), &body_of(&complaint("log-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let key = status_key(
        reply.json()["reference"].as_str().unwrap(),
        "anna@example.pl",
    );
    let encoded: String = key.bytes().map(|b| format!("%{b:02x}")).collect();
    let upper: String = key.bytes().map(|b| format!("%{b:02X}")).collect();
    let paths = [
        format!("/api/v1/status/{key}.json"),
        format!("/api/v1/status/{key}.json/"),
        format!("/api/v1/status/{key}.json?x=1"),
        format!("/api/v1/status/{}.json", key.to_uppercase()),
        format!("/api/v1/status/{encoded}.json"),
        format!("/api/v1/status/{upper}.json"),
        format!("/api/v1/status%2F{key}.json"),
        format!("/api/v1/status/%25{}.json", &upper[1..]),
        format!("//api/v1//status/{key}.json"),
        format!("/API/V1/STATUS/{key}.json"),
        format!("/somewhere/else/{key}.json"),
        format!("/?key={key}"),
    ];
    for path in &paths {
        server.get(path);
    }
    // Every request above has its line before its answer was sent.
    let log = server.log();
    assert!(log.lines().count() > paths.len(), "{log}");
    let plain = decoded(&log).to_ascii_lowercase();
    assert!(
        !plain.contains(&key[..20]),
        "a form of the status key is in the log: {log}"
    );
}

#[test]
fn the_database_and_the_folder_made_for_it_are_private() {
    let dir = TempDir::new("modes");
    let data = dir.0.join("data");
    let db = data.join("intake.sqlite3");
    let server = Server::start(&dir, &["--db", db.to_str().unwrap()], &[]);
    let reply = server.post(Some("modes-1"), &body_of(&complaint("modes-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    // While the service runs in WAL mode, all three files exist.
    for suffix in ["", "-wal", "-shm"] {
        let file = data.join(format!("intake.sqlite3{suffix}"));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(server);
}

#[test]
fn symlinks_never_lead_out_of_the_site_or_the_publish_folder() {
    let dir = TempDir::new("symlinks");
    let site = site(&dir, 10);
    let secret = dir.0.join("secret.txt");
    fs::write(&secret, "outside the site").unwrap();
    fs::write(site.join("real.txt"), "inside the site").unwrap();
    symlink(&secret, site.join("leak.txt")).unwrap();
    symlink("/etc/passwd", site.join("passwd.txt")).unwrap();
    symlink(&dir.0, site.join("up")).unwrap();
    symlink(site.join("real.txt"), site.join("alias.txt")).unwrap();
    let published = "1".repeat(64);
    fs::create_dir_all(dir.publish()).unwrap();
    symlink(&secret, dir.publish().join(format!("{published}.json"))).unwrap();
    let demo = "2".repeat(64);
    fs::create_dir_all(site.join("api/v1/status")).unwrap();
    symlink(&secret, site.join(format!("api/v1/status/{demo}.json"))).unwrap();
    let server = Server::start(&dir, &["--site", site.to_str().unwrap()], &[]);

    for path in [
        "/leak.txt".to_owned(),
        "/passwd.txt".to_owned(),
        "/up/secret.txt".to_owned(),
        format!("/api/v1/status/{published}.json"),
        format!("/api/v1/status/{demo}.json"),
    ] {
        let reply = server.get(&path);
        assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        assert!(
            !reply.text().contains("outside") && !reply.text().contains("root:"),
            "{path}"
        );
    }
    // A link that stays inside the folder is just another name for a file of the site.
    let alias = server.get("/alias.txt");
    assert_eq!(
        (alias.status, alias.text().as_str()),
        (200, "inside the site")
    );
}

#[test]
fn pages_get_a_policy_that_lets_the_app_boot_and_little_else() {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    let dir = TempDir::new("policy");
    let mut config: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.config()).unwrap()).unwrap();
    config["tracking"]["status_base"] = serde_json::json!("https://status.example/v1/status/");
    fs::write(dir.config(), config.to_string()).unwrap();
    let site = site(&dir, 10);
    let style = "\n  body { font-family: system-ui, sans-serif; }\n";
    fs::write(
        site.join("privacy.html"),
        format!("<!doctype html><title>privacy</title><style>{style}</style><p>Notice.</p>"),
    )
    .unwrap();
    fs::create_dir_all(site.join("embed")).unwrap();
    fs::write(site.join("embed/widget.js"), "export {};").unwrap();
    let server = Server::start(
        &dir,
        &[
            "--site",
            site.to_str().unwrap(),
            "--allow-origin",
            "https://shop.example",
        ],
        &[],
    );
    let sha = |text: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        )
    };
    let boot = sha(BOOT_SCRIPT);

    for path in ["/", "/track", "/index.html"] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        let csp = page.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'self'",
            &format!("script-src 'self' 'wasm-unsafe-eval' {boot}"),
            "style-src 'self'",
            "img-src 'self' blob:",
            "connect-src 'self' https://status.example;",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} not in {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        let permissions = page.header("permissions-policy").unwrap_or_default();
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"] {
            assert!(
                permissions.contains(&format!("{feature}=()")),
                "{feature}: {permissions}"
            );
        }
        assert_eq!(page.header("cross-origin-resource-policy"), None);
    }
    // A page's own style block is allowed by its hash, and nothing inline beyond it.
    let privacy = server.get("/privacy.html");
    let csp = privacy
        .header("content-security-policy")
        .unwrap_or_default();
    assert!(
        csp.contains(&format!("style-src 'self' {};", sha(style))),
        "{csp}"
    );
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );

    // The API's answers are never framed either.
    let config = server.get("/api/v1/config.json");
    assert!(config
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("frame-ancestors 'none'")));

    // The future widget: another origin's page may frame it and load its module script.
    let widget = send(
        &server.addr,
        format!(
            "GET /embed/widget.js HTTP/1.1\r\nHost: {}\r\nOrigin: https://shop.example\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(widget.status, 200);
    let csp = widget.header("content-security-policy").unwrap_or_default();
    assert!(!csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("frame-ancestors 'self' https://shop.example"),
        "{csp}"
    );
    assert_eq!(
        widget.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert_eq!(
        widget.header("access-control-allow-origin"),
        Some("https://shop.example")
    );
}

#[test]
fn one_address_that_never_reads_cannot_starve_other_customers() {
    let dir = TempDir::new("starve");
    let site = site(&dir, 8 * MIB);
    // The defaults: 256 connections in all, 32 from one address.
    let server = Server::start(&dir, &["--site", site.to_str().unwrap()], &[]);
    // More connections than the service takes in all, every one stuck writing a download.
    let _attack: Vec<TcpStream> = (0..300)
        .map(|_| stalled_download(&server, "127.0.0.2"))
        .collect();
    server.wait_for_log(Duration::from_secs(10), |log| downloads_begun(log) >= 32);

    let started = Instant::now();
    let reply = server.get_from("127.0.0.3", "/api/v1/config.json", Duration::from_secs(1));
    assert_eq!(
        reply.map(|r| r.status),
        Some(200),
        "another customer waited {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        downloads_begun(&server.log()),
        32,
        "the rest of the attack was turned away"
    );
}

#[test]
fn stalled_downloads_hold_a_buffer_each_not_the_whole_file() {
    let dir = TempDir::new("memory");
    let site = site(&dir, 8 * MIB);
    let server = Server::start(&dir, &["--site", site.to_str().unwrap()], &[]);
    let whole = server.get("/big.bin");
    assert_eq!((whole.status, whole.body.len()), (200, 8 * MIB));
    let before = server.rss_kib();

    let _attack: Vec<TcpStream> = (0..16)
        .map(|_| stalled_download(&server, "127.0.0.2"))
        .collect();
    // Each download has begun (its answer is logged once the file is open) and then stalled.
    server.wait_for_log(Duration::from_secs(10), |log| downloads_begun(log) >= 17);
    let customer = server.get_from("127.0.0.3", "/api/v1/config.json", Duration::from_secs(1));
    assert_eq!(customer.map(|r| r.status), Some(200));
    let grown_mib = server.rss_kib().saturating_sub(before) / 1024;
    // Read whole, the 16 files would be 128 MiB.
    assert!(grown_mib < 40, "memory grew by {grown_mib} MiB");
}

#[test]
fn a_client_that_stops_reading_is_dropped_after_the_idle_timeout() {
    let dir = TempDir::new("idle");
    let site = site(&dir, 8 * MIB);
    let server = Server::start(
        &dir,
        &["--site", site.to_str().unwrap(), "--idle-timeout", "1"],
        &[],
    );
    let mut stalled = stalled_download(&server, "127.0.0.2");
    server.wait_for_log(Duration::from_secs(10), |log| {
        log.contains("closed a connection: nothing could be written to it for 1s")
    });
    let mut received = Vec::new();
    let _ = stalled.read_to_end(&mut received);
    assert!(received.len() < 8 * MIB, "the whole file arrived after all");
}

#[test]
fn a_client_that_reads_just_fast_enough_is_dropped_at_the_connection_lifetime() {
    let dir = TempDir::new("lifetime");
    let site = site(&dir, 64 * MIB);
    let server = Server::start(
        &dir,
        &[
            "--site",
            site.to_str().unwrap(),
            "--idle-timeout",
            "3",
            "--body-timeout",
            "1",
            "--connection-lifetime",
            "1",
        ],
        &[],
    );
    let mut trickle = connect_from("127.0.0.2", &server.addr, Some(64 * 1024));
    trickle
        .write_all(format!("GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes())
        .unwrap();
    // The pace of a slow client, not a wait: 64 KiB every 50 ms keeps the service's writes moving well
    // within the idle timeout, and 64 MiB would take 50 s.
    let reader = std::thread::spawn(move || {
        let mut total = 0;
        let mut chunk = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = trickle.read(&mut chunk) {
            total += n;
            std::thread::sleep(Duration::from_millis(50));
        }
        total
    });
    server.wait_for_log(Duration::from_secs(15), |log| {
        log.contains("closed a connection at its lifetime of 1s")
    });
    let total = reader.join().unwrap();
    assert!(total < 64 * MIB, "read {total} bytes");
    assert!(
        !server.log().contains("nothing could be written"),
        "{}",
        server.log()
    );
}

#[test]
fn the_connection_cap_counts_customers_not_the_trusted_proxy() {
    let dir = TempDir::new("cap");
    let site = site(&dir, 10);
    let server = Server::start(
        &dir,
        &[
            "--site",
            site.to_str().unwrap(),
            "--max-connections-per-address",
            "2",
            "--trusted-proxy",
            "127.0.0.2",
        ],
        &[],
    );
    let limit = Duration::from_secs(5);
    // Idle connections (within the header timeout) hold their place.
    let _customer: Vec<TcpStream> = (0..2)
        .map(|_| connect_from("127.0.0.4", &server.addr, None))
        .collect();
    assert!(
        server
            .get_from("127.0.0.4", "/api/v1/config.json", limit)
            .is_none(),
        "a third connection from one address is closed unanswered"
    );
    let _proxy: Vec<TcpStream> = (0..3)
        .map(|_| connect_from("127.0.0.2", &server.addr, None))
        .collect();
    assert_eq!(
        server
            .get_from("127.0.0.2", "/api/v1/config.json", limit)
            .map(|r| r.status),
        Some(200),
        "the proxy carries many customers"
    );
}

fn post_via(server: &Server, key: &str, forwarded_for: Option<&str>) -> u16 {
    let body = body_of(&complaint(key), &[]);
    let extra: Vec<(&str, &str)> = forwarded_for
        .map(|f| vec![("X-Forwarded-For", f)])
        .unwrap_or_default();
    send(
        &server.addr,
        &post_request(&server.addr, Some(key), &body, &extra),
    )
    .status
}

#[test]
fn behind_a_trusted_proxy_each_customer_has_their_own_rate_limit() {
    let dir = TempDir::new("proxy-rate");
    let server = Server::start(
        &dir,
        &["--rate-limit", "1", "--trusted-proxy", "127.0.0.1"],
        &[],
    );
    assert_eq!(post_via(&server, "p-1", Some("203.0.113.1")), 201);
    assert_eq!(post_via(&server, "p-2", Some("203.0.113.2")), 201);
    assert_eq!(post_via(&server, "p-3", Some("203.0.113.1")), 429);
    // What a client writes itself is left of what the proxy appends, and is not believed.
    assert_eq!(
        post_via(&server, "p-4", Some("198.51.100.9, 203.0.113.2")),
        429
    );
    // IPv6 customers are counted by their /64.
    assert_eq!(post_via(&server, "p-5", Some("2001:db8:1:2::1")), 201);
    assert_eq!(post_via(&server, "p-6", Some("2001:db8:1:2:ffff::9")), 429);
    assert_eq!(post_via(&server, "p-7", Some("2001:db8:1:3::1")), 201);
    // The proxy's own requests (no header) count as the proxy.
    assert_eq!(post_via(&server, "p-8", None), 201);
    assert_eq!(post_via(&server, "p-9", None), 429);
}

#[test]
fn without_a_trusted_proxy_forwarded_for_is_ignored() {
    let dir = TempDir::new("no-proxy");
    let server = Server::start(&dir, &["--rate-limit", "1"], &[]);
    assert_eq!(post_via(&server, "n-1", Some("203.0.113.1")), 201);
    assert_eq!(post_via(&server, "n-2", Some("203.0.113.2")), 429);
}
