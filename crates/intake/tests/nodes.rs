//! Two intake nodes on one PostgreSQL database and one publish place (`support/nodes.rs`): the same
//! Idempotency-Key sent to both at once files one complaint and gives both senders the same answer;
//! references stay unique across nodes; each mail goes to the relay once, whichever node took it; status
//! files from both nodes land in the one folder or bucket. Skipped, saying so, until PostgreSQL storage is
//! merged (the binary refuses `--db postgres://…` before then).

mod support;

use std::collections::HashSet;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use support::nodes::{Nodes, Publish};
use support::s3::Moto;
use support::smtp::Recorder;
use support::*;

/// Sends `body` with `key` to both nodes at the same moment; their two answers.
fn to_both_at_once(nodes: &Nodes, key: &str, body: &Multipart) -> [Reply; 2] {
    let barrier = Barrier::new(2);
    std::thread::scope(|scope| {
        let sent = nodes.both().map(|node| {
            let barrier = &barrier;
            scope.spawn(move || {
                barrier.wait();
                node.post(Some(key), body)
            })
        });
        sent.map(|s| s.join().unwrap())
    })
}

fn key(n: usize) -> String {
    format!("8d2f4a6c-1b3e-4d5f-9a7b-{n:012}")
}

#[test]
fn one_key_sent_to_both_nodes_at_once_files_one_complaint_and_both_get_its_answer() {
    let dir = TempDir::new("nodes-one-key");
    let Some(nodes) = Nodes::start(&dir, "nodes_one_key", Publish::Folder, &[]) else {
        return;
    };
    for n in 0..10 {
        let key = key(n);
        let photo = jpeg(4096 + n);
        let mut sent = complaint(&key);
        let part = attach(&mut sent, "parcel.jpg", "image/jpeg", &photo);
        let [a, b] = to_both_at_once(&nodes, &key, &body_of(&sent, &[part]));
        assert_eq!(a.status, 201, "{}", a.text());
        assert_eq!(b.status, 201, "{}", b.text());
        assert_eq!(a.text(), b.text(), "the same answer, byte for byte");
    }
    assert_eq!(nodes.number("SELECT count(*) FROM complaints"), 10);
    assert_eq!(nodes.number("SELECT count(*) FROM attachments"), 10);
    assert_eq!(
        dir.published().len(),
        20,
        "every status file, from either node, under both its names (the email's and the mail link's)"
    );
}

#[test]
fn references_are_unique_across_nodes_filing_at_once() {
    let dir = TempDir::new("nodes-references");
    // Forty customers share this test's one address: each node's complaints-per-minute limit for one address
    // is raised to let them all in (what is tested here is the references, not the limit).
    let flags = ["--rate-limit", "1000"];
    let Some(nodes) = Nodes::start(&dir, "nodes_references", Publish::Folder, &flags) else {
        return;
    };
    let references: Vec<String> = std::thread::scope(|scope| {
        let filed: Vec<_> = (0..40)
            .map(|n| {
                let node = nodes.both()[n % 2];
                scope.spawn(move || {
                    let key = key(100 + n);
                    // Forty customers from this test's one address: a node takes two bodies from one
                    // address at a time and asks the rest to come again (429), so each sends again with
                    // its key, as the app's outbox does, until its complaint is in.
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
                    loop {
                        let reply = node.post(Some(&key), &body_of(&complaint(&key), &[]));
                        if reply.status == 201 || std::time::Instant::now() > deadline {
                            assert_eq!(reply.status, 201, "{}", reply.text());
                            break reply.json()["reference"].as_str().unwrap().to_owned();
                        }
                        assert!([429, 503].contains(&reply.status), "{}", reply.text());
                        std::thread::sleep(std::time::Duration::from_millis(
                            20 + (n as u64 * 7) % 50,
                        ));
                    }
                })
            })
            .collect();
        filed.into_iter().map(|f| f.join().unwrap()).collect()
    });
    let distinct: HashSet<&String> = references.iter().collect();
    assert_eq!(distinct.len(), 40, "{references:?}");
    assert_eq!(nodes.number("SELECT count(*) FROM complaints"), 40);
}

#[test]
fn each_mail_goes_to_the_relay_once_whichever_node_takes_it() {
    let dir = TempDir::new("nodes-mail");
    let recorder = Recorder::start(&dir, None);
    let flags = recorder.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let Some(nodes) = Nodes::start(&dir, "nodes_mail", Publish::Folder, &flags) else {
        return;
    };
    let mut references = HashSet::new();
    for n in 0..20 {
        let key = key(200 + n);
        let body = body_of(&complaint(&key), &[]);
        // Half of them sent to both nodes at once: still one complaint, so one mail.
        let replies = if n % 2 == 0 {
            Vec::from(to_both_at_once(&nodes, &key, &body))
        } else {
            vec![nodes.both()[n % 2].post(Some(&key), &body)]
        };
        for reply in &replies {
            assert_eq!(reply.status, 201, "{}", reply.text());
            references.insert(reply.json()["reference"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(references.len(), 20);
    // Every mail recorded as sent in the shared outbox, then nothing more may arrive at the relay.
    let started = Instant::now();
    while nodes.number("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL") > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "mail still unsent"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(nodes.number("SELECT count(*) FROM mail_outbox"), 20);
    let mails = recorder.wait_for(20, Duration::from_secs(30));
    assert_eq!(mails.len(), 20, "no mail twice");
    let mailed: HashSet<String> = mails
        .iter()
        .filter_map(|m| {
            references
                .iter()
                .find(|r| {
                    m["subject"]
                        .as_str()
                        .is_some_and(|s| s.contains(r.as_str()))
                })
                .cloned()
        })
        .collect();
    assert_eq!(mailed, references, "one mail about each complaint");
}

#[test]
fn both_nodes_publish_into_one_bucket() {
    let Some(moto) = Moto::start() else { return };
    let dir = TempDir::new("nodes-bucket");
    let publish = Publish::Bucket {
        moto: &moto,
        bucket: "desk",
    };
    let Some(nodes) = Nodes::start(&dir, "nodes_bucket", publish, &[]) else {
        return;
    };
    for (n, node) in nodes.both().into_iter().enumerate() {
        let key = key(300 + n);
        let reply = node.post(Some(&key), &body_of(&complaint(&key), &[]));
        assert_eq!(reply.status, 201, "{}", reply.text());
        let reference = reply.json()["reference"].as_str().unwrap().to_owned();
        let name = format!(
            "api/v1/status/{}.json",
            status_key(&reference, "anna@example.pl")
        );
        moto.wait_for("desk", &name, Duration::from_secs(30));
    }
    assert!(dir.published().is_empty(), "nothing in a folder instead");
}
