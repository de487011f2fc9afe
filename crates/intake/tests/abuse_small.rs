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

#[test]
fn a_display_name_in_the_email_field_is_refused_with_the_customers_message() {
    let dir = TempDir::new("display-name");
    let server = Server::start(&dir, &[], &[]);
    for (n, email) in [
        "\"Northwind\"<victim@third.example>",
        "Northwind <victim@third.example>",
        "anna@example.pl,victim@third.example",
    ]
    .into_iter()
    .enumerate()
    {
        let key = format!("named-{n}");
        let mut sent = complaint(&key);
        sent["contact"]["email"] = email.into();
        let reply = server.post(Some(&key), &body_of(&sent, &[]));
        assert_eq!(reply.status, 422, "{email}: {}", reply.text());
        assert!(
            reply
                .message()
                .contains("Enter an email address in the correct format"),
            "{email}: {}",
            reply.text()
        );
    }
    assert_eq!(dir.count("complaints"), 0);
    // The bare address still goes through.
    let reply = server.post(Some("bare"), &body_of(&complaint("bare"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// A relay that refuses every recipient for good, repeating the address in its text as real relays do
/// (`550 5.1.1 <anna@example.pl>: Recipient address rejected`). Serves `connections` sessions, then stops.
fn refusing_relay(connections: usize) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 relay.test ESMTP\r\n");
            for _ in 0..20 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let upper = line.to_ascii_uppercase();
                let answer = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    "250 relay.test\r\n".to_owned()
                } else if upper.starts_with("RCPT TO:") {
                    let address = line[8..]
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>');
                    format!("550 5.1.1 <{address}>: Recipient address rejected\r\n")
                } else if upper.starts_with("QUIT") {
                    let _ = stream.write_all(b"221 bye\r\n");
                    break;
                } else {
                    "250 ok\r\n".to_owned()
                };
                if stream.write_all(answer.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    port
}

#[test]
fn a_relays_refusal_is_logged_by_its_code_and_kept_whole_in_the_outbox() {
    let dir = TempDir::new("refusal-log");
    let port = refusing_relay(10);
    let relay = format!("127.0.0.1:{port}");
    let mail = [
        "--smtp-relay",
        relay.as_str(),
        "--mail-from",
        "desk@northwind.example",
        "--public-url",
        "https://desk.example",
    ];
    let server = Server::start(&dir, &mail, &[]);
    let reply = server.post(Some("refused"), &body_of(&complaint("refused"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    let reference = reply.json()["reference"].as_str().unwrap().to_owned();
    let mut args = vec!["acknowledge", reference.as_str()];
    args.extend(mail);
    let out = dir.cli(&args);
    assert!(out.status.success(), "{:?}", out);

    let log = server.wait_for_log(Duration::from_secs(30), |log| {
        log.contains("cannot be sent")
    });
    assert!(log.contains("(550)"), "{log}");
    assert!(
        !log.to_ascii_lowercase().contains("anna@example.pl"),
        "the customer's address reached the log: {log}"
    );
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let kept: String = conn
        .query_row(
            "SELECT last_error FROM mail_outbox WHERE last_error IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        kept.to_ascii_lowercase().contains("anna@example.pl"),
        "{kept}"
    );
}
