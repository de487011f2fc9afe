//! Mail through a real SMTP listener on loopback (`support/smtp_recorder.py`, aiosmtpd from PyPI, installed by
//! scripts/setup): the organisation's inbox hears of new complaints and replies, with their files attached
//! byte for byte up to the size cap and listed beyond it, the customer of stage changes in their language
//! with a link that holds no personal data (the reference and the Reply-Proof, in the fragment), and a relay that is down never holds up the back office:
//! the mail goes, files and all, when the relay is back.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::smtp::Recorder;
use support::*;

fn mail_flags(port: u16) -> Vec<String> {
    [
        "--smtp-relay",
        &format!("127.0.0.1:{port}"),
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

fn cli(dir: &TempDir, args: &[&str], port: u16) -> std::process::Output {
    let flags = mail_flags(port);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(flags.iter().map(String::as_str));
    dir.cli(&all)
}

fn file(server: &Server, sent: &Value, key: &str) -> String {
    file_with(server, sent, key, &[])
}

fn file_with(server: &Server, sent: &Value, key: &str, files: &[(&str, &[u8])]) -> String {
    let reply = server.post(Some(key), &body_of(sent, files));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

/// What the recorder decoded of one attachment: its name, type and the SHA-256 and length of its bytes.
fn attachments(mail: &Value) -> Vec<(String, String, String, u64)> {
    mail["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["filename"].as_str().unwrap_or_default().to_owned(),
                a["content_type"].as_str().unwrap().to_owned(),
                a["sha256"].as_str().unwrap().to_owned(),
                a["bytes"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Every header name in the mail and its parts, lower-cased.
fn all_headers(mail: &Value) -> Vec<String> {
    mail["part_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_ascii_lowercase())
        .collect()
}

/// `Msg::StageAssessing` in Polish.
const ASSESSING_PL: &str = "Wstępna ocena";

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn the_organisation_hears_of_complaints_and_replies_and_the_customer_of_each_change() {
    let dir = TempDir::new("mail");
    let recorder = Recorder::start(&dir, None);
    let flags = mail_flags(recorder.port);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start(&dir, &flags, &[]);

    let mut sent = complaint("mail-1");
    sent["contact"]["name"] = json!("Anna\r\nBcc: eve@example.com");
    sent["description"] = json!("<script>alert(1)</script> The parcel never came.");
    let reference = file(&server, &sent, "mail-1");
    let mails = recorder.wait_for(1, LIMIT);
    let inbox = &mails[0];
    assert_eq!(inbox["rcpt_tos"], json!(["complaints@northwind.example"]));
    assert_eq!(
        inbox["subject"],
        json!(format!("New complaint: {reference}"))
    );
    assert_eq!(inbox["content_type"], json!("text/plain"), "never HTML");
    let body = inbox["body"].as_str().unwrap();
    assert!(
        body.contains("<script>alert(1)</script> The parcel never came."),
        "{body}"
    );
    assert!(body.contains("Order number"), "{body}");
    let headers: Vec<String> = inbox["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_ascii_lowercase())
        .collect();
    assert!(!headers.contains(&"bcc".to_owned()), "{headers:?}");

    // The back office returns at once; the customer's mail follows, in English, with the link.
    let out = cli(
        &dir,
        &[
            "acknowledge",
            &reference,
            "--message",
            "Thank you. We have your complaint.",
        ],
        recorder.port,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mails = recorder.wait_for(2, LIMIT);
    let customer = &mails[1];
    assert_eq!(customer["rcpt_tos"], json!(["Anna@Example.PL"]));
    assert_eq!(
        customer["subject"],
        json!(format!("Your complaint {reference}: Acknowledgement"))
    );
    let body = customer["body"].as_str().unwrap();
    assert!(
        body.contains("Thank you. We have your complaint."),
        "{body}"
    );
    // The next step as what we will do, and the zone in words, never its id.
    assert!(
        body.contains("We will send you our decision by ")
            && body.contains(" 20")
            && body.contains("(UK time).")
            && !body.contains("Europe/London"),
        "{body}"
    );
    // The link carries the Reply-Proof and no personal data: it finds the status file in place of the
    // email address, and lets the customer reply from whatever device opens the mail.
    let linked = format!("https://desk.example/track#reference={reference}&proof=");
    let link = body
        .split_whitespace()
        .find(|word| word.starts_with(linked.as_str()))
        .unwrap_or_else(|| panic!("no link with a proof in {body}"));
    assert!(!link.contains('@') && !link.contains("%40"), "{link}");
    assert!(!link.to_ascii_lowercase().contains("anna"), "{link}");
    let proof = link[linked.len()..].to_owned();
    assert_eq!(proof, issued_proof(&dir, &reference, "anna@example.pl"));
    let by_link = server.get(&format!(
        "/api/v1/status/{}.json",
        status_key(&reference, &proof)
    ));
    assert_eq!(by_link.status, 200, "{}", by_link.text());
    let by_address = server.get(&format!(
        "/api/v1/status/{}.json",
        status_key(&reference, "anna@example.pl")
    ));
    assert_eq!(by_link.body, by_address.body);

    // A reply (made with the link's proof) reaches the organisation's inbox with its words.
    let text = json!({ "text": "The courier left a card." }).to_string();
    let path = format!("/api/v1/complaints/{reference}/information");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: mail-reply\r\nReply-Proof: {proof}\r\n\r\n{text}",
        server.addr,
        text.len()
    );
    assert_eq!(send(&server.addr, request.as_bytes()).status, 201);
    let mails = recorder.wait_for(3, LIMIT);
    assert_eq!(
        mails[2]["subject"],
        json!(format!("The customer added information: {reference}"))
    );
    assert!(mails[2]["body"]
        .as_str()
        .unwrap()
        .contains("The courier left a card."));

    // A Polish customer hears in Polish.
    let mut polish = complaint("mail-2");
    polish["locale"] = json!("pl");
    let other = file(&server, &polish, "mail-2");
    recorder.wait_for(4, LIMIT);
    assert!(cli(
        &dir,
        &["assess", &other, "--message", "Sprawdzamy."],
        recorder.port
    )
    .status
    .success());
    let mails = recorder.wait_for(5, LIMIT);
    let subject = mails[4]["subject"].as_str().unwrap();
    assert_eq!(subject, format!("Twoje zgłoszenie {other}: {ASSESSING_PL}"));
    assert!(mails[4]["body"].as_str().unwrap().contains("Sprawdzamy."));

    // A new date is news too: the customer hears it as what comes next.
    assert!(cli(
        &dir,
        &[
            "extend",
            &reference,
            "--step",
            "decide",
            "--due",
            "2099-03-02"
        ],
        recorder.port
    )
    .status
    .success());
    let mails = recorder.wait_for(6, LIMIT);
    assert_eq!(mails[5]["rcpt_tos"], json!(["Anna@Example.PL"]));
    let body = mails[5]["body"].as_str().unwrap();
    assert!(body.contains("We will send you our decision by "), "{body}");
    assert!(body.contains("2099"), "{body}");

    // A held complaint reaches the inbox only once it is released.
    let mut flagged = complaint("mail-3");
    flagged["spam_signals"]["honeypot_filled"] = json!(true);
    let held = file(&server, &flagged, "mail-3");
    assert!(cli(&dir, &["release", &held], recorder.port)
        .status
        .success());
    let mails = recorder.wait_for(7, LIMIT);
    assert_eq!(
        mails[6]["rcpt_tos"],
        json!(["complaints@northwind.example"])
    );
    assert_eq!(mails[6]["subject"], json!(format!("New complaint: {held}")));
    assert_eq!(
        recorder.mails().len(),
        7,
        "the held one was not mailed on arrival"
    );
}

#[test]
fn without_a_relay_nothing_is_queued() {
    let dir = TempDir::new("mail-off");
    let server = Server::start(&dir, &[], &[]);
    let reference = file(&server, &complaint("off-1"), "off-1");
    assert!(dir
        .cli(&["acknowledge", &reference, "--message", "Hi."])
        .status
        .success());
    assert_eq!(dir.count("mail_outbox"), 0);
}

#[test]
fn a_relay_that_hangs_never_holds_up_the_back_office_and_the_mail_goes_when_one_answers() {
    let dir = TempDir::new("mail-down");
    // A relay that accepts connections and never says a word, until told to go away.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        silent.set_nonblocking(true).unwrap();
        let mut held = Vec::new();
        while stopped.try_recv().is_err() {
            if let Ok((stream, _)) = silent.accept() {
                held.push(stream);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let mut flags = mail_flags(port);
    flags.extend(["--smtp-timeout".to_owned(), "1".to_owned()]);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start(&dir, &flags, &[]);
    let photo = jpeg(3000);
    let receipt = pdf(2000);
    let mut sent = complaint("down-1");
    attach(&mut sent, "photo.jpg", "image/jpeg", &photo);
    attach(&mut sent, "receipt.pdf", "application/pdf", &receipt);
    let reference = file_with(
        &server,
        &sent,
        "down-1",
        &[("photo.jpg", &photo), ("receipt.pdf", &receipt)],
    );
    // One held back on arrival, with a file: `release` queues its mail.
    let mut flagged = complaint("down-2");
    flagged["spam_signals"]["honeypot_filled"] = json!(true);
    // Another photo: one the inbox was sent already would be noted, not attached again.
    let other_photo = jpeg(3001);
    attach(&mut flagged, "held.jpg", "image/jpeg", &other_photo);
    let held = file_with(&server, &flagged, "down-2", &[("held.jpg", &other_photo)]);
    for command in [
        vec!["acknowledge", reference.as_str(), "--message", "Got it."],
        vec!["release", held.as_str()],
    ] {
        let started = Instant::now();
        let out = cli(&dir, &command, port);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The command has the default 10 s timeout (only `serve` was given 1 s): had it waited on the relay,
        // it would have taken that long.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{command:?} waited on the relay: {:?}",
            started.elapsed()
        );
    }
    // The service tried, gave up on the silence, and keeps the mails for later; it answers meanwhile.
    server.wait_for_log(LIMIT, |log| log.contains("not sent yet (attempt 1)"));
    assert_eq!(dir.count("mail_outbox"), 3);
    assert_eq!(dir.count("mail_files"), 3);
    assert_eq!(
        server.get("/api/v1/status/none.json").status,
        404,
        "still up"
    );

    let _ = stop.send(());
    holder.join().unwrap();
    let recorder = Recorder::start(&dir, Some(port));
    let mails = recorder.wait_for(3, Duration::from_secs(30));
    let by_subject = |subject: String| {
        mails
            .iter()
            .find(|m| m["subject"] == json!(subject))
            .unwrap_or_else(|| panic!("no mail \"{subject}\" in {mails:?}"))
    };
    let new = by_subject(format!("New complaint: {reference}"));
    assert_eq!(
        attachments(new),
        [
            (
                "1-photo.jpg".to_owned(),
                "image/jpeg".to_owned(),
                sha256_hex(&photo),
                3000
            ),
            (
                "2-receipt.pdf".to_owned(),
                "application/pdf".to_owned(),
                sha256_hex(&receipt),
                2000
            )
        ],
        "the files went later with their mail"
    );
    assert!(attachments(by_subject(format!(
        "Your complaint {reference}: Acknowledgement"
    )))
    .is_empty());
    assert_eq!(
        attachments(by_subject(format!("New complaint: {held}")))[0].2,
        sha256_hex(&other_photo)
    );
}

/// A service mailing through `recorder` with files up to 700 KB (two of them pass a 1 MB mail) and `extra`.
fn with_large_files(dir: &TempDir, recorder: &Recorder, extra: &[&str]) -> Server {
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.config()).unwrap()).unwrap();
    config["limits"]["attachments"]["max_bytes"] = json!(700_000);
    std::fs::write(dir.config(), config.to_string()).unwrap();
    let mut flags = mail_flags(recorder.port);
    flags.extend(extra.iter().map(|s| s.to_string()));
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    Server::start(dir, &flags, &[])
}

#[test]
fn the_organisations_copy_carries_the_files_byte_for_byte_and_lists_those_over_the_cap() {
    let dir = TempDir::new("mail-files");
    let recorder = Recorder::start(&dir, None);
    let server = with_large_files(&dir, &recorder, &["--mail-max-mb", "1"]);

    // Two files; the photo's name tries to end its header and start another.
    let photo = jpeg(40_000);
    let receipt = pdf(30_000);
    let mut sent = complaint("files-1");
    attach(&mut sent, "photo.jpg", "image/jpeg", &photo);
    attach(&mut sent, "paragon ż.pdf", "application/pdf", &receipt);
    sent["attachments"][0]["name"] = json!("photo \"1\"\r\nBcc: eve@example.com\r\n\r\nhi.jpg");
    let reference = file_with(
        &server,
        &sent,
        "files-1",
        &[("photo.jpg", &photo), ("paragon.pdf", &receipt)],
    );
    let mails = recorder.wait_for(1, LIMIT);
    let inbox = &mails[0];
    assert_eq!(
        inbox["subject"],
        json!(format!("New complaint: {reference}"))
    );
    let files = attachments(inbox);
    assert_eq!(files.len(), 2, "{files:?}");
    let (name, kind, sha, bytes) = &files[0];
    assert_eq!(
        (kind.as_str(), sha.as_str(), *bytes),
        (
            "image/jpeg",
            sha256_hex(&photo).as_str(),
            photo.len() as u64
        )
    );
    assert!(
        name.starts_with("1-photo") && name.ends_with(".jpg") && !name.contains(['\r', '\n']),
        "{name:?}"
    );
    assert_eq!(
        files[1],
        (
            "2-paragon ż.pdf".to_owned(),
            "application/pdf".to_owned(),
            sha256_hex(&receipt),
            receipt.len() as u64
        )
    );
    assert!(
        !all_headers(inbox).contains(&"bcc".to_owned()),
        "{:?}",
        all_headers(inbox)
    );
    assert_eq!(
        inbox["part_types"],
        json!([
            "multipart/mixed",
            "text/plain",
            "image/jpeg",
            "application/pdf"
        ]),
        "the text, then the files; never HTML"
    );
    let body = inbox["body"].as_str().unwrap();
    assert!(body.contains("Files (2)"), "{body}");
    assert!(!body.contains("not attached"), "{body}");
    // The outbox named the files; it never held their bytes.
    assert_eq!(dir.count("mail_files"), 2);
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let largest: i64 = conn
        .query_row("SELECT MAX(length(body)) FROM mail_outbox", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(largest < 16 * 1024, "{largest} bytes in the outbox");

    // A reply's photo goes with the mail that tells of the reply, and the complaint's files do not go again.
    let card = jpeg(20_000);
    let hash = sha256_hex(&card);
    let mut upload = patch_head(&server.addr, &hash, 0, card.len() as u64, card.len());
    upload.extend_from_slice(&card);
    assert_eq!(send(&server.addr, &upload).status, 204);
    let proof = issued_proof(&dir, &reference, "anna@example.pl");
    let text = json!({
        "text": "The courier left this card.",
        "attachments": [{ "name": "card.jpg", "kind": "image/jpeg", "bytes": card.len(), "sha256": hash }]
    })
    .to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: files-reply\r\nReply-Proof: {proof}\r\n\r\n{text}",
        server.addr,
        text.len()
    );
    let answer = send(&server.addr, request.as_bytes());
    assert_eq!(answer.status, 201, "{}", answer.text());
    let mails = recorder.wait_for(2, LIMIT);
    assert_eq!(
        mails[1]["subject"],
        json!(format!("The customer added information: {reference}"))
    );
    assert_eq!(
        attachments(&mails[1]),
        [(
            "3-card.jpg".to_owned(),
            "image/jpeg".to_owned(),
            hash.clone(),
            card.len() as u64
        )]
    );

    // Two files of 600 KB pass 1 MB once encoded: the first goes, the second is listed with how to save it.
    let big_photo = jpeg(600_000);
    let big_pdf = pdf(600_000);
    let mut large = complaint("files-2");
    attach(&mut large, "big.jpg", "image/jpeg", &big_photo);
    attach(&mut large, "big.pdf", "application/pdf", &big_pdf);
    let other = file_with(
        &server,
        &large,
        "files-2",
        &[("big.jpg", &big_photo), ("big.pdf", &big_pdf)],
    );
    let mails = recorder.wait_for(3, LIMIT);
    let capped = &mails[2];
    assert_eq!(capped["subject"], json!(format!("New complaint: {other}")));
    assert_eq!(
        attachments(capped),
        [(
            "1-big.jpg".to_owned(),
            "image/jpeg".to_owned(),
            sha256_hex(&big_photo),
            600_000
        )]
    );
    assert!(
        capped["raw"].as_str().unwrap().len() < 1024 * 1024,
        "the mail stays within the cap"
    );
    // Line breaks as they travel (CRLF) or as written (LF): the same text.
    let body = capped["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.contains("These files are not attached, so that this mail stays within 1 MB:\n   2  big.pdf  0.6 MB\n"),
        "{body}"
    );
    assert!(
        body.contains(&format!("complaint-intake attachment {other} N --out FILE")),
        "{body}"
    );
    // And the command it names saves it.
    let out = dir.0.join("big.pdf");
    let saved = dir.cli(&["attachment", &other, "2", "--out", out.to_str().unwrap()]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    assert_eq!(std::fs::read(&out).unwrap(), big_pdf);
}

#[test]
fn the_organisations_copy_is_in_the_organisations_language() {
    let dir = TempDir::new("mail-org-lang");
    let recorder = Recorder::start(&dir, None);
    let server = with_large_files(&dir, &recorder, &["--mail-max-mb", "1", "--org-lang", "pl"]);
    let photo = jpeg(600_000);
    let receipt = pdf(600_000);
    // The customer writes in English; the organisation reads its mail in Polish.
    let mut sent = complaint("pl-1");
    attach(&mut sent, "photo.jpg", "image/jpeg", &photo);
    attach(&mut sent, "receipt.pdf", "application/pdf", &receipt);
    let reference = file_with(
        &server,
        &sent,
        "pl-1",
        &[("photo.jpg", &photo), ("receipt.pdf", &receipt)],
    );
    let mails = recorder.wait_for(1, LIMIT);
    assert_eq!(
        mails[0]["subject"],
        json!(format!("Nowe zgłoszenie: {reference}"))
    );
    assert_eq!(attachments(&mails[0]).len(), 1);
    let body = mails[0]["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.contains("Poniższych plików nie załączono, aby wiadomość nie przekroczyła 1\u{a0}MB:\n   2  receipt.pdf  0,6 MB\n"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "poleceniem: complaint-intake attachment {reference} N --out FILE"
        )),
        "{body}"
    );
    // The complaint itself is labelled in Polish too, not only the subject and the list of files.
    assert!(
        body.contains(&format!("Numer zgłoszenia{}{reference}", " ".repeat(7))),
        "{body}"
    );
    assert!(body.contains("\nPrzebieg sprawy\n"), "{body}");
    assert!(
        !body.contains("Reference ") && !body.contains("\nStages\n"),
        "{body}"
    );
}

#[test]
fn a_mail_the_relay_refuses_with_its_files_goes_without_them_listing_them() {
    let dir = TempDir::new("mail-refused");
    // A relay that takes mails up to 100 KB; two files of 60 KB pass that once encoded, not the 10 MB cap.
    let recorder = Recorder::start_with(&dir, None, Some(100_000));
    let server = with_large_files(&dir, &recorder, &[]);
    let photo = jpeg(60_000);
    let receipt = pdf(60_000);
    let mut sent = complaint("refused-1");
    attach(&mut sent, "photo.jpg", "image/jpeg", &photo);
    attach(&mut sent, "receipt.pdf", "application/pdf", &receipt);
    let reference = file_with(
        &server,
        &sent,
        "refused-1",
        &[("photo.jpg", &photo), ("receipt.pdf", &receipt)],
    );
    let mails = recorder.wait_for(1, LIMIT);
    assert_eq!(
        mails[0]["subject"],
        json!(format!("New complaint: {reference}"))
    );
    assert!(attachments(&mails[0]).is_empty());
    let body = mails[0]["body"].as_str().unwrap().replace("\r\n", "\n");
    assert!(
        body.contains("The mail server did not accept this mail with its files, so they are not attached:\n   1  photo.jpg  0.1 MB\n   2  receipt.pdf  0.1 MB\n"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "complaint-intake attachment {reference} N --out FILE"
        )),
        "{body}"
    );
    server.wait_for_log(LIMIT, |log| log.contains("refused with its files"));
    assert_eq!(
        dir.count("mail_files"),
        0,
        "the copy without files names none"
    );
}

fn information(dir: &TempDir, server: &Server, reference: &str, key: &str, body: &Value) -> Reply {
    let text = body.to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\nReply-Proof: {}\r\n\r\n{text}",
        server.addr,
        text.len(),
        issued_proof(dir, reference, "anna@example.pl")
    );
    send(&server.addr, request.as_bytes())
}

#[test]
fn a_storm_of_replies_is_capped_gathered_and_mailed_as_what_is_new() {
    let dir = TempDir::new("mail-storm");
    let recorder = Recorder::start(&dir, None);
    let mut flags = mail_flags(recorder.port);
    flags.extend(
        [
            "--rate-limit",
            "1000",
            "--replies-per-day",
            "20",
            "--mail-gather-seconds",
            "15",
        ]
        .map(str::to_owned),
    );
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = Server::start(&dir, &flags, &[]);
    let reference = file(&server, &complaint("storm-1"), "storm-1");
    recorder.wait_for(1, LIMIT);

    // Sixty replies at once: twenty are taken, the rest wait for tomorrow (the app's outbox keeps them).
    let mut statuses = Vec::new();
    for i in 0..60 {
        let body = json!({ "text": format!("Reply number {i:02}. {}", "More words. ".repeat(40)) });
        let answer = information(&dir, &server, &reference, &format!("storm-r{i}"), &body);
        if answer.status == 429 {
            assert_eq!(answer.code(), "too_many_replies", "{}", answer.text());
            let wait: u64 = answer.header("retry-after").unwrap().parse().unwrap();
            assert!(wait > 3600, "{wait}");
        }
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        20,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        40,
        "{statuses:?}"
    );

    // Every taken reply reaches the inbox, gathered into a few mails that tell only what is new.
    let started = Instant::now();
    let replies = loop {
        let mails = recorder.mails();
        let replies: Vec<Value> = mails.into_iter().skip(1).collect();
        let told = (0..20)
            .filter(|i| {
                replies.iter().any(|m| {
                    m["body"]
                        .as_str()
                        .unwrap()
                        .contains(&format!("Reply number {i:02}."))
                })
            })
            .count();
        if told == 20 {
            break replies;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{told} of 20 replies mailed"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let bytes: usize = replies
        .iter()
        .map(|m| m["raw"].as_str().unwrap().len())
        .sum();
    eprintln!(
        "60 replies to one complaint: {} mail(s) to the organisation, {} KiB in all",
        replies.len(),
        bytes / 1024
    );
    assert!(replies.len() <= 3, "{} mails for 20 replies", replies.len());
    for mail in &replies {
        assert_eq!(mail["rcpt_tos"], json!(["complaints@northwind.example"]));
        let body = mail["body"].as_str().unwrap();
        assert!(
            !body.contains("Secret-Description-Words"),
            "a reply's mail repeats the whole complaint: {body}"
        );
        assert!(
            body.contains(&format!("complaint-intake show {reference}")),
            "{body}"
        );
    }
    assert!(
        bytes < 64 * 1024,
        "{bytes} bytes of mail for 20 short replies"
    );
}

#[test]
fn one_upload_named_by_ten_complaints_is_mailed_once_and_noted_after() {
    let dir = TempDir::new("mail-once");
    let recorder = Recorder::start(&dir, None);
    let server = with_large_files(&dir, &recorder, &["--rate-limit", "100"]);
    let photo = jpeg(600_000);
    let hash = sha256_hex(&photo);
    let mut upload = patch_head(&server.addr, &hash, 0, photo.len() as u64, photo.len());
    upload.extend_from_slice(&photo);
    assert_eq!(send(&server.addr, &upload).status, 204);
    let mut sent_bytes = photo.len();
    let mut references = Vec::new();
    for i in 0..10 {
        let key = format!("once-{i}");
        let mut sent = complaint(&key);
        sent["attachments"] = json!([{ "id": "p", "name": "photo.jpg", "kind": "image/jpeg",
                                       "bytes": photo.len(), "sha256": hash }]);
        let body = body_of(&sent, &[]);
        sent_bytes += body.body.len();
        references.push(file_with(&server, &sent, &key, &[]));
    }
    let mails = recorder.wait_for(10, Duration::from_secs(60));
    let bytes: usize = mails.iter().map(|m| m["raw"].as_str().unwrap().len()).sum();
    eprintln!(
        "ten complaints naming one 600 KB upload: {} KiB of mail for {} KiB sent (x{:.2})",
        bytes / 1024,
        sent_bytes / 1024,
        bytes as f64 / sent_bytes as f64
    );
    let first = mails
        .iter()
        .find(|m| m["subject"] == json!(format!("New complaint: {}", references[0])))
        .unwrap();
    assert_eq!(attachments(first)[0].2, hash, "the first carries the file");
    let carried = mails.iter().filter(|m| !attachments(m).is_empty()).count();
    assert_eq!(carried, 1, "the bytes went once");
    for mail in mails.iter().filter(|m| attachments(m).is_empty()) {
        let body = mail["body"].as_str().unwrap().replace("\r\n", "\n");
        assert!(
            body.contains("These files were attached to an earlier mail already")
                && body.contains(&format!("photo.jpg  0.6 MB  = {} 1", references[0])),
            "{body}"
        );
    }
    assert!(bytes < 2 * photo.len(), "{bytes} bytes of mail");
}
