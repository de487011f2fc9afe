//! What an adversarial review of the intake found, each attack replayed over real HTTP on loopback: bounded
//! in count and time, and stopping by itself. Other customers are other loopback addresses (127.0.0.3)
//! than the attacker's (127.0.0.2).

mod support;

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

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
    let boot = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BOOT_SCRIPT.as_bytes()))
    );

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
