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

/// Replaces the old debounce's trickle test: the figures no longer follow a change seconds later (the
/// review read one rating from two such files); `serve` publishes them at a fixed time of the organisation's
/// day, whatever came in meanwhile.
#[test]
fn serve_publishes_the_figures_at_the_scheduled_time_not_after_a_change() {
    let dir = TempDir::new("schedule");
    // A few seconds from now on the organisation's clocks (the demo config's zone).
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let scheduled = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(10);
    let at = scheduled.to_zoned(zone).strftime("%H:%M:%S").to_string();
    let server = Server::start(&dir, &["--insights-at", &at], &[]);
    let reply = server.post(Some("sched-1"), &body_of(&complaint("sched-1"), &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert!(
        !dir.insights().exists(),
        "published on the change, not the schedule"
    );

    let started = Instant::now();
    while !dir.insights().exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never published at {at}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let published: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.insights()).unwrap()).unwrap();
    let generated: jiff::Timestamp = published["generated_at"].as_str().unwrap().parse().unwrap();
    assert!(
        generated.as_second() >= scheduled.as_second(),
        "published at {generated}, before the time set ({scheduled})"
    );
    let all = published["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w.get("category").is_none())
        .unwrap();
    assert_eq!(all["received"], serde_json::json!("fewer_than_5"), "{all}");
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

/// `POST {reference}/information` with `proof` in `Reply-Proof`, from `source`.
fn reply_from(server: &Server, source: &str, reference: &str, proof: &str, key: &str) -> Reply {
    use std::io::{Read, Write};
    let text = serde_json::json!({ "text": "Please cancel my refund." }).to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\n\
         Reply-Proof: {proof}\r\n\r\n{text}",
        server.addr,
        text.len()
    );
    let mut stream = connect_from(source, &server.addr, None);
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_reply(&raw).unwrap_or_else(|| panic!("no answer: {:?}", String::from_utf8_lossy(&raw)))
}

/// The proof a device makes from the reference and the email address alone: what anyone who found the status
/// file (by guessing its name) can make too.
fn derived_proof(reference: &str) -> String {
    sha256_hex(
        complaint_domain::tracking::reply_proof_input(reference, "anna@example.pl").as_bytes(),
    )
}

#[test]
fn the_reference_and_email_behind_a_status_file_are_not_enough_to_reply() {
    let dir = TempDir::new("keyed-proof");
    let server = Server::start(&dir, &["--rate-limit", "1000"], &[]);
    let filed = server.post(Some("keyed"), &body_of(&complaint("keyed"), &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let answer = filed.json();
    let reference = answer["reference"].as_str().unwrap().to_owned();
    // The guesser holds the reference and the email address: the status file's name, and the proof made
    // from the same two.
    let status = server.get(&format!(
        "/api/v1/status/{}.json",
        status_key(&reference, "anna@example.pl")
    ));
    assert_eq!(status.status, 200, "{}", status.text());
    let guessed = reply_from(
        &server,
        "127.0.0.2",
        &reference,
        &derived_proof(&reference),
        "guessed",
    );
    assert_eq!(
        (guessed.status, guessed.code()),
        (404, "not_found".to_owned()),
        "a proof made from public inputs was taken: {}",
        guessed.text()
    );
    assert_eq!(dir.count("replies"), 0);

    // The device that filed it was given the proof in its answer, and replies with it.
    let issued = answer["reply_proof"]
        .as_str()
        .unwrap_or_else(|| panic!("no reply_proof in the filing answer: {answer}"));
    assert_ne!(issued, derived_proof(&reference));
    let owner = reply_from(&server, "127.0.0.3", &reference, issued, "owner");
    assert_eq!(owner.status, 201, "{}", owner.text());
    // The same answer on a replay of the filing: the proof is part of the first answer, kept with its key.
    let again = server.post(Some("keyed"), &body_of(&complaint("keyed"), &[]));
    assert_eq!(again.json()["reply_proof"].as_str(), Some(issued));
}

#[test]
fn a_complaint_filed_before_the_key_still_takes_its_devices_own_proof() {
    let dir = TempDir::new("older-proof");
    let server = Server::start(&dir, &["--rate-limit", "1000"], &[]);
    let filed = server.post(Some("older"), &body_of(&complaint("older"), &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let reference = filed.json()["reference"].as_str().unwrap().to_owned();
    drop(server);
    // As if the key had been made by an upgrade after this complaint came in (the desk's id stays: it is
    // what its publish folder is marked with).
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute("DELETE FROM secrets WHERE name <> 'desk-id'", [])
        .unwrap();
    conn.execute("UPDATE complaints SET received_at = received_at - 10", [])
        .unwrap();
    drop(conn);
    let server = Server::start(&dir, &["--rate-limit", "1000"], &[]);
    let reply = reply_from(
        &server,
        "127.0.0.3",
        &reference,
        &derived_proof(&reference),
        "older-device",
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    // A complaint filed after the key takes only the keyed proof.
    let newer = server.post(Some("newer"), &body_of(&complaint("newer"), &[]));
    let newer = newer.json()["reference"].as_str().unwrap().to_owned();
    let refused = reply_from(
        &server,
        "127.0.0.3",
        &newer,
        &derived_proof(&newer),
        "newer-guess",
    );
    assert_eq!(refused.status, 404, "{}", refused.text());
}

#[test]
fn guessing_status_file_names_is_slowed_per_address_and_learns_nothing_meanwhile() {
    let dir = TempDir::new("status-misses");
    let server = Server::start(&dir, &[], &[]);
    let filed = server.post(Some("tracked"), &body_of(&complaint("tracked"), &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let reference = filed.json()["reference"].as_str().unwrap().to_owned();
    let real = format!(
        "/api/v1/status/{}.json",
        status_key(&reference, "anna@example.pl")
    );
    let limit = Duration::from_secs(10);

    // The guesser tries names from one address until refused (at most 200 tries).
    let mut misses = 0;
    let mut refused = None;
    for n in 0..200u32 {
        let guess = format!("/api/v1/status/{}.json", sha256_hex(&n.to_le_bytes()));
        let reply = server
            .get_from("127.0.0.2", &guess, limit)
            .expect("an answer");
        match reply.status {
            404 => misses += 1,
            429 => {
                refused = Some(reply);
                break;
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    let refused = refused.unwrap_or_else(|| {
        panic!("{misses} status lookups that found nothing, from one address, and none was refused")
    });
    assert!(misses <= 30, "{misses} misses before the first refusal");
    assert!(refused.header("retry-after").is_some());
    // Meanwhile a right guess tells the guesser nothing either…
    let right = server
        .get_from("127.0.0.2", &real, limit)
        .expect("an answer");
    assert_eq!(
        right.status,
        429,
        "a found file was told apart: {}",
        right.text()
    );
    // …and the customer, elsewhere, reads their status as always.
    let customer = server
        .get_from("127.0.0.3", &real, limit)
        .expect("an answer");
    assert_eq!(customer.status, 200, "{}", customer.text());
    eprintln!(
        "{misses} misses a minute per address: 32,768 guesses take {} hours from one address",
        32_768 / misses.max(1) / 60
    );
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[test]
fn a_wrong_proof_costs_the_same_whether_the_complaint_exists_or_not() {
    let dir = TempDir::new("proof-timing");
    let server = Server::start(&dir, &["--rate-limit", "100000"], &[]);
    // A complaint as long as the config allows: reading and parsing it is what told it apart.
    let mut long = complaint("timed");
    long["description"] = "My parcel never arrived. ".repeat(190).into();
    let filed = server.post(Some("timed"), &body_of(&long, &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let reference = filed.json()["reference"].as_str().unwrap().to_owned();
    let unknown = "CMP-0000-0000";
    let wrong = "0".repeat(64);

    // Interleaved, so a change in the machine's load falls on both alike.
    let (mut known, mut missing) = (Vec::new(), Vec::new());
    for n in 0..300 {
        for (target, samples) in [
            (&reference, &mut known),
            (&unknown.to_owned(), &mut missing),
        ] {
            let started = Instant::now();
            let reply = reply_from(&server, "127.0.0.2", target, &wrong, &format!("t-{n}"));
            samples.push(started.elapsed());
            assert_eq!(reply.status, 404, "{}", reply.text());
        }
    }
    let (known, missing) = (median(known), median(missing));
    eprintln!("median answer to a wrong proof: {known:?} for a complaint that exists, {missing:?} for none");
    assert!(
        known.as_secs_f64() < missing.as_secs_f64() * 1.25,
        "a wrong proof for a complaint that exists takes {known:?}, for none {missing:?}"
    );
}

/// A back-office command on the folder's database; its output on failure.
fn cli_ok(dir: &TempDir, args: &[&str]) {
    let out = dir.cli(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn not_satisfied_two_years_after_closure_no_longer_reopens_and_the_status_says_until_when() {
    let dir = TempDir::new("reopen-window");
    let server = Server::start(&dir, &["--rate-limit", "1000"], &[]);
    let filed = server.post(Some("old"), &body_of(&complaint("old"), &[]));
    assert_eq!(filed.status, 201, "{}", filed.text());
    let answer = filed.json();
    let reference = answer["reference"].as_str().unwrap().to_owned();
    let proof = answer["reply_proof"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    cli_ok(
        &dir,
        &[
            "respond",
            &reference,
            "--decision",
            "not_upheld",
            "--message",
            "Delivered.",
        ],
    );
    cli_ok(&dir, &["close", &reference, "--message", "Closed."]);
    // Two years pass (the config's window is 183 days).
    let two_years = 2 * 365 * 86_400;
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.execute("UPDATE stages SET at = at - ?1", [two_years])
        .unwrap();
    conn.execute(
        "UPDATE complaints SET received_at = received_at - ?1, updated_at = updated_at - ?1",
        [two_years],
    )
    .unwrap();
    drop(conn);
    cli_ok(&dir, &["republish", "--all"]);
    let key = status_key(&reference, "anna@example.pl");
    let published: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(dir.publish().join(format!("{key}.json"))).unwrap(),
    )
    .unwrap();
    let until = published["reopen_until"]
        .as_str()
        .unwrap_or_else(|| panic!("the status file says nothing of the window: {published}"))
        .to_owned();
    assert!(until.as_str() < "2026", "{until}");

    let text =
        serde_json::json!({ "resolved": false, "reason": "Still not delivered." }).to_string();
    let reopen = send(
        &server.addr,
        format!(
            "POST /api/v1/complaints/{reference}/resolution HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: late\r\n\
             Reply-Proof: {proof}\r\n\r\n{text}",
            server.addr,
            text.len()
        )
        .as_bytes(),
    );
    assert_eq!(
        (reopen.status, reopen.code()),
        (422, "reopen_passed".to_owned()),
        "{}",
        reopen.text()
    );
    let record = read_status(&dir.publish(), &key);
    assert_eq!(
        record.current().map(|e| e.stage),
        Some(complaint_domain::status::Stage::Closed)
    );
    assert!(record.outcome.is_some(), "the decision was cleared");
}
