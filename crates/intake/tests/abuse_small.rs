//! The smaller findings of the second adversarial review (issue #21, items 7–12), each replayed over real HTTP
//! on loopback against a real intake and SQLite file: bounded in count and time, stopping by itself.

mod support;

use std::fs;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use support::*;

#[test]
fn a_link_inside_the_site_to_a_hidden_file_is_not_served() {
    let dir = TempDir::new("hidden-link");
    let site = dir.0.join("dist");
    fs::create_dir_all(site.join(".git")).unwrap();
    fs::create_dir_all(site.join("docs")).unwrap();
    fs::write(site.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    fs::write(site.join(".env"), "SMTP_PASSWORD=hunter2").unwrap();
    fs::write(site.join(".git/config"), "[remote] url = secret").unwrap();
    fs::write(site.join("docs/readme.txt"), "inside the site").unwrap();
    symlink(site.join(".env"), site.join("env.txt")).unwrap();
    symlink(site.join(".git"), site.join("repo")).unwrap();
    symlink(site.join("docs/readme.txt"), site.join("readme.txt")).unwrap();
    let server = Server::start(&dir, &["--site", site.to_str().unwrap()], &[]);

    for path in ["/env.txt", "/repo/config"] {
        let reply = server.get(path);
        assert!(
            !reply.text().contains("hunter2") && !reply.text().contains("secret"),
            "{path} served a hidden file: {} {}",
            reply.status,
            reply.text()
        );
    }
    // A link to a plain file of the site is still just another name for it.
    let plain = server.get("/readme.txt");
    assert_eq!(
        (plain.status, plain.text().as_str()),
        (200, "inside the site")
    );
}

#[test]
fn a_steady_trickle_of_complaints_still_lets_the_figures_update() {
    let dir = TempDir::new("trickle");
    let server = Server::start(
        &dir,
        &["--rate-limit", "1000", "--insights-max-wait", "3"],
        &[],
    );
    // One complaint every 0.4 s: never 2 s without a change, so a debounce alone never fires.
    let started = Instant::now();
    let mut sent = 0;
    while !dir.insights().exists() {
        assert!(
            started.elapsed() < Duration::from_secs(25),
            "after {sent} complaints in {:?} the figures were never published",
            started.elapsed()
        );
        let key = format!("trickle-{sent}");
        let reply = server.post(Some(&key), &body_of(&complaint(&key), &[]));
        assert_eq!(reply.status, 201, "{}", reply.text());
        sent += 1;
        std::thread::sleep(Duration::from_millis(400));
    }
    eprintln!(
        "figures published {:?} into a trickle, after {sent} complaints",
        started.elapsed()
    );
}
