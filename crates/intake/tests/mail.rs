//! Mail through a real SMTP listener on loopback (`support/smtp_recorder.py`, aiosmtpd from PyPI, installed by
//! scripts/setup): the organisation's inbox hears of new complaints and replies, the customer of stage
//! changes in their language with a link whose pair travels in the fragment, and a relay that is down never
//! holds up the back office: the mail goes when the relay is back.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

/// The recording SMTP listener, stopped when dropped.
struct Recorder {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl Recorder {
    fn start(dir: &TempDir, port: Option<u16>) -> Recorder {
        let folder = dir.0.join("mail");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/smtp_recorder.py"
        );
        let mut command = Command::new("python3");
        command.arg(script).arg(&folder);
        if let Some(port) = port {
            command.arg(port.to_string());
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
    fn wait_for(&self, n: usize, limit: Duration) -> Vec<Value> {
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

fn recorded(folder: &Path) -> Vec<Value> {
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
    let reply = server.post(Some(key), &body_of(sent, &[]));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

/// `Msg::StageAssessing` in Polish.
const ASSESSING_PL: &str = "W ocenie";

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
        json!(format!("Your complaint {reference}: Acknowledged"))
    );
    let body = customer["body"].as_str().unwrap();
    assert!(
        body.contains("Thank you. We have your complaint."),
        "{body}"
    );
    assert!(
        body.contains("What comes next: Decision sent, by ")
            && body.contains(" 20")
            && body.contains("(Europe/London)."),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "https://desk.example/track#reference={reference}&verifier=anna%40example.pl"
        )),
        "{body}"
    );

    // A reply reaches the organisation's inbox with its words.
    let proof = sha256_hex(
        complaint_domain::tracking::reply_proof_input(&reference, "anna@example.pl").as_bytes(),
    );
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
    assert_eq!(subject, format!("Twoja reklamacja {other}: {ASSESSING_PL}"));
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
    assert!(
        body.contains("What comes next: Decision sent, by "),
        "{body}"
    );
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
        recorded(&recorder.folder).len(),
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
    let reference = file(&server, &complaint("down-1"), "down-1");
    let started = Instant::now();
    let out = cli(
        &dir,
        &["acknowledge", &reference, "--message", "Got it."],
        port,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The command has the default 10 s timeout (only `serve` was given 1 s): had it waited on the relay,
    // it would have taken that long.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the back office waited on the relay: {:?}",
        started.elapsed()
    );
    // The service tried, gave up on the silence, and keeps both mails for later; it answers meanwhile.
    server.wait_for_log(LIMIT, |log| log.contains("not sent yet (attempt 1)"));
    assert_eq!(dir.count("mail_outbox"), 2);
    assert_eq!(
        server.get("/api/v1/status/none.json").status,
        404,
        "still up"
    );

    let _ = stop.send(());
    holder.join().unwrap();
    let recorder = Recorder::start(&dir, Some(port));
    let mails = recorder.wait_for(2, Duration::from_secs(30));
    let subjects: Vec<&str> = mails
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&format!("New complaint: {reference}").as_str()),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&format!("Your complaint {reference}: Acknowledged").as_str()),
        "{subjects:?}"
    );
}
