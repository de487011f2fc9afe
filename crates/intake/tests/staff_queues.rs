//! The staff desk's queues room (issue #23, docs/staff-api.md "Queues and complaints"): queues and lists as
//! each person may see them, filters, sorting, full-text search, `ETag`/`304`, one complaint, its files served
//! so a browser never renders them, and the audit log. Complaints are filed through the real intake; who works
//! them, waiting, notes and audit lines are written straight into the database, as the actions room would.

mod support;

use std::collections::BTreeMap;

use rusqlite::params;
use serde_json::{json, Value};
use support::staff::{staff_request, staff_session, Session};
use support::{
    attach, body_of, complaint, issued_proof, jpeg, send, sha256_hex, Reply, Server, TempDir,
};

const API: &str = "/staff/api/v1";
const EMAIL: &str = "anna@example.pl";

fn db(dir: &TempDir) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn
}

/// Files `body` through the intake and returns its reference.
fn file(server: &Server, key: &str, body: &Value, files: &[(&str, &[u8])]) -> String {
    let reply = server.post(Some(key), &body_of(body, files));
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["reference"].as_str().unwrap().to_owned()
}

fn complaint_in(key: &str, category: &str, description: &str) -> Value {
    let mut body = complaint(key);
    body["category"] = json!(category);
    body["description"] = json!(description);
    body
}

fn id_of(dir: &TempDir, reference: &str) -> i64 {
    db(dir)
        .query_row(
            "SELECT id FROM complaints WHERE reference = ?1",
            [reference],
            |r| r.get(0),
        )
        .unwrap()
}

fn get(server: &Server, path: &str, who: &Session) -> Reply {
    staff_request(server, "GET", path, Some(who), false, None)
}

fn get_ok(server: &Server, path: &str, who: &Session) -> Value {
    let reply = get(server, path, who);
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    reply.json()
}

/// A GET with the session's cookie and `If-None-Match: tag`.
fn get_if_none_match(server: &Server, path: &str, who: &Session, tag: &str) -> Reply {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: desk_session={}\r\nIf-None-Match: {tag}\r\n\r\n",
        server.addr, who.token
    );
    send(&server.addr, request.as_bytes())
}

fn counts(server: &Server, who: &Session) -> BTreeMap<String, i64> {
    get_ok(server, &format!("{API}/queues"), who)["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn references(server: &Server, query: &str, who: &Session) -> Vec<String> {
    get_ok(server, &format!("{API}/complaints?{query}"), who)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The customer adds information (with `text`) to `reference` through the intake.
fn customer_replies(server: &Server, dir: &TempDir, reference: &str, key: &str, text: &str) {
    let body = json!({ "text": text }).to_string();
    let request = format!(
        "POST /api/v1/complaints/{reference}/information HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\nIdempotency-Key: {key}\r\nReply-Proof: {}\r\n\r\n{body}",
        server.addr,
        body.len(),
        issued_proof(dir, reference, EMAIL)
    );
    let reply = send(&server.addr, request.as_bytes());
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// The desk's world for the queue tests: five complaints, two agents and a lead.
struct Desk {
    dir: TempDir,
    server: Server,
    ola: Session,
    jan: Session,
    lea: Session,
    /// Delivery, unassigned, received three days ago (overdue), waiting for the customer.
    a: String,
    /// Delivery, assigned to Jan, the customer replied.
    b: String,
    /// Billing, acknowledged, root cause billing-error.
    c: String,
    /// Delivery, held in quarantine.
    d: String,
    /// Delivery, assigned to Ola.
    e: String,
}

fn desk(name: &str) -> Desk {
    let dir = TempDir::new(name);
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let a = file(
        &server,
        "q-a",
        &complaint_in("q-a", "delivery", "Parcel A lost."),
        &[],
    );
    let b = file(
        &server,
        "q-b",
        &complaint_in("q-b", "delivery", "Parcel B late."),
        &[],
    );
    let c = file(
        &server,
        "q-c",
        &complaint_in("q-c", "service-billing", "Billed twice."),
        &[],
    );
    let mut held = complaint_in("q-d", "delivery", "Bot text.");
    held["spam_signals"]["honeypot_filled"] = json!(true);
    let d = file(&server, "q-d", &held, &[]);
    let e = file(
        &server,
        "q-e",
        &complaint_in("q-e", "delivery", "Parcel E damaged."),
        &[],
    );
    customer_replies(
        &server,
        &dir,
        &b,
        "r-b",
        "The courier left it at depot seven.",
    );
    let ola = staff_session(&dir, "Ola", "agent", &["delivery"]);
    let jan = staff_session(&dir, "Jan", "agent", &["service-billing"]);
    let lea = staff_session(&dir, "Lea", "lead", &[]);
    let conn = db(&dir);
    let (ida, idb, idc, ide) = (
        id_of(&dir, &a),
        id_of(&dir, &b),
        id_of(&dir, &c),
        id_of(&dir, &e),
    );
    // As the actions room writes them.
    conn.execute(
        "UPDATE complaints SET received_at = received_at - 3 * 86400, waiting_since = unixepoch() WHERE id = ?1",
        [ida],
    )
    .unwrap();
    conn.execute(
        "UPDATE stages SET at = at - 3 * 86400 WHERE complaint_id = ?1",
        [ida],
    )
    .unwrap();
    conn.execute(
        "UPDATE complaints SET assignee = ?2 WHERE id = ?1",
        params![idb, jan.staff_id],
    )
    .unwrap();
    conn.execute(
        "UPDATE complaints SET assignee = ?2 WHERE id = ?1",
        params![ide, ola.staff_id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (?1, 1, 'acknowledged', unixepoch())",
        [idc],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO complaint_causes (complaint_id, cause, at) VALUES (?1, 'billing-error', unixepoch())",
        [idc],
    )
    .unwrap();
    Desk {
        dir,
        server,
        ola,
        jan,
        lea,
        a,
        b,
        c,
        d,
        e,
    }
}

fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[test]
fn each_person_counts_and_lists_only_the_complaints_they_may_work() {
    let w = desk("queues-counts");
    assert_eq!(
        counts(&w.server, &w.ola),
        map(&[
            ("new", 2),
            ("mine", 1),
            ("unassigned", 1),
            ("due-soon", 1),
            ("overdue", 1),
            ("waiting", 1),
            ("replied", 0),
        ])
    );
    assert_eq!(
        counts(&w.server, &w.jan),
        map(&[
            ("new", 1),
            ("mine", 1),
            ("unassigned", 1),
            ("due-soon", 1),
            ("overdue", 0),
            ("waiting", 0),
            ("replied", 1),
        ])
    );
    assert_eq!(
        counts(&w.server, &w.lea),
        map(&[
            ("new", 3),
            ("mine", 0),
            ("unassigned", 2),
            ("due-soon", 2),
            ("overdue", 1),
            ("waiting", 1),
            ("replied", 1),
            ("quarantined", 1),
        ])
    );

    // Membership, not only counts.
    assert_eq!(
        references(&w.server, "queue=mine", &w.ola),
        vec![w.e.clone()]
    );
    assert_eq!(
        references(&w.server, "queue=overdue", &w.ola),
        vec![w.a.clone()]
    );
    assert_eq!(
        references(&w.server, "queue=replied", &w.jan),
        vec![w.b.clone()]
    );
    assert_eq!(
        references(&w.server, "queue=waiting", &w.lea),
        vec![w.a.clone()]
    );
    assert_eq!(
        references(&w.server, "queue=quarantined", &w.lea),
        vec![w.d.clone()]
    );
    let mut seen = references(&w.server, "", &w.ola);
    seen.sort();
    let mut expected = vec![w.a.clone(), w.e.clone()];
    expected.sort();
    assert_eq!(
        seen, expected,
        "Ola sees her queue's and her own, no one else's"
    );
    let held = get(
        &w.server,
        &format!("{API}/complaints?queue=quarantined"),
        &w.ola,
    );
    assert_eq!(held.status, 403, "{}", held.text());
    assert_eq!(held.code(), "forbidden");

    // A row: what the list shows of it.
    let rows = get_ok(&w.server, &format!("{API}/complaints?queue=mine"), &w.jan);
    let row = &rows["rows"][0];
    assert_eq!(row["reference"], json!(w.b));
    assert_eq!(row["category"], "delivery");
    assert_eq!(row["first_words"], "Parcel B late.");
    assert_eq!(row["stage"], "received");
    assert_eq!(row["next"]["step"], "acknowledged");
    assert_eq!(row["next"]["timeliness"], "ahead");
    assert_eq!(row["next"]["set_by_hand"], false);
    assert_eq!(
        row["assignee"],
        json!({"id": w.jan.staff_id, "name": "Jan"})
    );
    assert_eq!(row["locale"], "en");
    assert_eq!(row["unread"], 1);
    assert_eq!(row["waiting"], Value::Null);
    assert_eq!(row["revision"], 2, "filed, then the customer's reply");
    assert_eq!(rows["total"], 1);
    let overdue = get_ok(
        &w.server,
        &format!("{API}/complaints?queue=overdue"),
        &w.lea,
    );
    assert_eq!(overdue["rows"][0]["next"]["timeliness"], "overdue");
    assert!(overdue["rows"][0]["waiting"].is_string());

    // Closed: in no queue but "replied" (while a reply is unread), still in the whole list.
    let ida = id_of(&w.dir, &w.a);
    let conn = db(&w.dir);
    conn.execute(
        "INSERT INTO stages (complaint_id, seq, stage, at) VALUES (?1, 1, 'closed', unixepoch())",
        [ida],
    )
    .unwrap();
    let closed = map(&[
        ("new", 1),
        ("mine", 1),
        ("unassigned", 0),
        ("due-soon", 1),
        ("overdue", 0),
        ("waiting", 0),
        ("replied", 0),
    ]);
    assert_eq!(counts(&w.server, &w.ola), closed);
    assert_eq!(
        references(&w.server, "stage=closed", &w.ola),
        vec![w.a.clone()]
    );
    conn.execute(
        "INSERT INTO replies (complaint_id, kind, at, stars) VALUES (?1, 'rating', unixepoch(), 5)",
        [ida],
    )
    .unwrap();
    assert_eq!(counts(&w.server, &w.ola)["replied"], 1);
    assert_eq!(
        references(&w.server, "queue=replied", &w.ola),
        vec![w.a.clone()]
    );
}

#[test]
fn lists_filter_sort_page_and_answer_304_while_nothing_changed() {
    let w = desk("queues-filters");
    let lea = &w.lea;
    assert_eq!(
        references(&w.server, "category=service-billing", lea),
        vec![w.c.clone()]
    );
    assert_eq!(
        references(&w.server, "cause=billing-error", lea),
        vec![w.c.clone()]
    );
    assert_eq!(
        references(&w.server, "stage=acknowledged", lea),
        vec![w.c.clone()]
    );
    assert_eq!(
        references(&w.server, &format!("assignee={}", w.jan.staff_id), lea),
        vec![w.b.clone()]
    );
    let mut nobody = references(&w.server, "assignee=none", lea);
    nobody.sort();
    let mut expected = vec![w.a.clone(), w.c.clone()];
    expected.sort();
    assert_eq!(nobody, expected);
    // Received three days ago: before yesterday, A alone.
    let today = get_ok(&w.server, &format!("{API}/complaints?sort=received"), lea)["rows"][3]
        ["received_at"]
        .as_str()
        .unwrap()[..10]
        .to_owned();
    assert_eq!(
        references(&w.server, &format!("from={today}&sort=received"), lea).len(),
        3
    );
    assert_eq!(
        references(&w.server, &format!("to={today}&sort=received"), lea).len(),
        4
    );
    assert_eq!(references(&w.server, "to=2020-01-01", lea).len(), 0);

    // Sorting: oldest first, newest first, by reference, by the next deadline (the overdue one first).
    let received = references(&w.server, "sort=received&order=asc", lea);
    assert_eq!(received[0], w.a);
    let newest = references(&w.server, "sort=received&order=desc", lea);
    assert_eq!(newest[3], w.a);
    let by_reference = references(&w.server, "sort=reference", lea);
    let mut sorted = by_reference.clone();
    sorted.sort();
    assert_eq!(by_reference, sorted);
    assert_eq!(references(&w.server, "sort=due", lea)[0], w.a);
    let by_stage = references(&w.server, "sort=stage&order=desc", lea);
    assert_eq!(by_stage[0], w.c, "acknowledged comes after received");

    // Pages.
    let page = get_ok(
        &w.server,
        &format!("{API}/complaints?sort=reference&limit=2&offset=1"),
        lea,
    );
    assert_eq!(page["total"], 4);
    let rows: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(rows, vec![sorted[1].as_str(), sorted[2].as_str()]);

    // Bad parameters name themselves.
    for (query, parameter) in [
        ("queue=everything", "queue"),
        ("category=nope", "category"),
        ("cause=nope", "cause"),
        ("stage=lost", "stage"),
        ("assignee=ola", "assignee"),
        ("from=2026-13-01", "from"),
        ("sort=colour", "sort"),
        ("order=up", "order"),
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("colour=red", "colour"),
        ("limit=5&limit=6", "limit"),
    ] {
        let reply = get(&w.server, &format!("{API}/complaints?{query}"), lea);
        assert_eq!(reply.status, 400, "{query}: {}", reply.text());
        assert_eq!(reply.code(), "bad_request", "{query}");
        assert!(
            reply.message().starts_with(parameter),
            "{query}: {}",
            reply.message()
        );
    }

    // ETag: the same answer is a 304 without a body; a change is a new tag.
    for path in [
        format!("{API}/queues"),
        format!("{API}/complaints?queue=unassigned"),
    ] {
        let first = get(&w.server, &path, lea);
        assert_eq!(first.status, 200);
        let tag = first.header("etag").unwrap().to_owned();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
        let again = get_if_none_match(&w.server, &path, lea, &tag);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        let other = get_if_none_match(&w.server, &path, lea, "\"something-else\"");
        assert_eq!(other.status, 200);
    }
    let path = format!("{API}/queues");
    let tag = get(&w.server, &path, lea)
        .header("etag")
        .unwrap()
        .to_owned();
    db(&w.dir)
        .execute(
            "UPDATE complaints SET assignee = ?2 WHERE id = ?1",
            params![id_of(&w.dir, &w.c), w.jan.staff_id],
        )
        .unwrap();
    let changed = get_if_none_match(&w.server, &path, lea, &tag);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
}

#[test]
fn search_finds_words_in_descriptions_and_replies_and_any_query_is_only_a_search() {
    let w = desk("queues-search");
    let lea = &w.lea;
    let search = |q: &str| {
        let query: String = percent_encode(q);
        references(&w.server, &format!("q={query}"), lea)
    };
    assert_eq!(
        search("depot"),
        vec![w.b.clone()],
        "a word of the customer's reply"
    );
    assert_eq!(
        search("DEPOT sev"),
        vec![w.b.clone()],
        "any case, words by their start"
    );
    assert_eq!(
        search("billed"),
        vec![w.c.clone()],
        "a word of the description"
    );
    assert_eq!(search("\"depot"), vec![w.b.clone()]);
    assert_eq!(search("depot*"), vec![w.b.clone()]);
    assert_eq!(search("-depot"), vec![w.b.clone()], "not a NOT");
    assert_eq!(
        search("depot OR billed"),
        Vec::<String>::new(),
        "OR is a word here"
    );
    assert!(search("bot").is_empty(), "held ones are not listed");
    for hostile in [
        "\"",
        "*",
        "NEAR(",
        "-",
        "NEAR(parcel late",
        "\"\"\"",
        "a AND (b",
        "'; DROP TABLE complaints; --",
        "^",
        ":",
    ] {
        let reply = get(
            &w.server,
            &format!("{API}/complaints?q={}", percent_encode(hostile)),
            lea,
        );
        assert_eq!(reply.status, 200, "{hostile}: {}", reply.text());
        assert!(reply.json()["rows"].is_array());
    }
    // The agent's search stays inside what they may see.
    assert!(search_as(&w, "depot", &w.ola).is_empty());
    let long = "x".repeat(201);
    let reply = get(&w.server, &format!("{API}/complaints?q={long}"), lea);
    assert_eq!(reply.status, 400);
}

fn search_as(w: &Desk, q: &str, who: &Session) -> Vec<String> {
    references(&w.server, &format!("q={}", percent_encode(q)), who)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn hostile_text_comes_back_as_plain_json_strings_and_the_largest_description_lists_cut() {
    let dir = TempDir::new("queues-hostile");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let lea = staff_session(&dir, "Lea", "lead", &[]);
    let hostile = "<script>alert(1)</script> \u{202E}gnp.exe <img src=x onerror=alert(2)>";
    let evil = file(
        &server,
        "h-1",
        &complaint_in("h-1", "delivery", hostile),
        &[],
    );
    let words = "zażalenie ".repeat(500);
    let largest = words.trim_end();
    assert_eq!(largest.chars().count(), 5000 - 1);
    let big = file(
        &server,
        "h-2",
        &complaint_in("h-2", "delivery", &format!("{largest}!")),
        &[],
    );

    let list = get(&server, &format!("{API}/complaints"), &lea);
    assert_eq!(list.status, 200);
    assert!(list
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let rows = list.json()["rows"].as_array().unwrap().clone();
    let row = |reference: &str| {
        rows.iter()
            .find(|r| r["reference"] == json!(reference))
            .unwrap()
            .clone()
    };
    assert_eq!(row(&evil)["first_words"], json!(hostile));
    let cut = row(&big)["first_words"].as_str().unwrap().to_owned();
    assert!(cut.ends_with("zażalenie…"), "{cut}");
    assert!(cut.chars().count() <= 141, "{}", cut.chars().count());

    let shown = get_ok(&server, &format!("{API}/complaints/{evil}"), &lea);
    assert_eq!(shown["description"], json!(hostile));
    let whole = get_ok(&server, &format!("{API}/complaints/{big}"), &lea);
    assert_eq!(whole["description"].as_str().unwrap().chars().count(), 5000);
    // Search finds it without diacritics too.
    assert_eq!(references(&server, "q=zazalenie", &lea), vec![big.clone()]);
}

#[test]
fn a_complaint_opens_whole_for_who_may_work_it_and_marks_replies_read_only() {
    let w = desk("queues-open");
    let idb = id_of(&w.dir, &w.b);
    let conn = db(&w.dir);
    conn.execute(
        "INSERT INTO notes (complaint_id, author, at, text, mentions) VALUES (?1, ?2, unixepoch(), 'Call the depot <b>first</b>', ?3)",
        params![idb, w.lea.staff_id, format!("[{}]", w.jan.staff_id)],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO audit_log (at, actor, actor_name, action, complaint_id, detail, address)
         VALUES (unixepoch(), ?1, 'Lea', 'assign', ?2, ?3, '127.0.0.1')",
        params![
            format!("staff:{}", w.lea.staff_id),
            idb,
            json!({"assignee": w.jan.staff_id}).to_string()
        ],
    )
    .unwrap();
    let audit_lines = w.dir.count("audit_log");

    let shown = get_ok(&w.server, &format!("{API}/complaints/{}", w.b), &w.jan);
    assert_eq!(shown["reference"], json!(w.b));
    assert_eq!(shown["description"], "Parcel B late.");
    assert_eq!(shown["answers"][0]["question"], "order_number");
    assert_eq!(shown["answers"][0]["answer"], "NW-1001");
    assert!(shown["answers"][0]["label"]["en"].is_string());
    assert_eq!(shown["contact"]["name"], "Anna Kowalska");
    assert_eq!(shown["contact"]["consent"], true);
    assert_eq!(shown["outcome"], "refund");
    assert_eq!(shown["replies"][0]["kind"], "information");
    assert_eq!(
        shown["replies"][0]["text"],
        "The courier left it at depot seven."
    );
    assert_eq!(shown["replies"][0]["unread"], true);
    assert_eq!(shown["timeline"][0]["state"], "done");
    assert_eq!(shown["timeline"][0]["stage"], "received");
    assert_eq!(shown["timeline"][1]["state"], "upcoming");
    assert!(shown["timeline"][1]["due"].is_string());
    assert_eq!(shown["notes"][0]["text"], "Call the depot <b>first</b>");
    assert_eq!(shown["notes"][0]["author"]["name"], "Lea");
    assert_eq!(shown["notes"][0]["mentions"], json!([w.jan.staff_id]));
    assert_eq!(shown["audit"][0]["action"], "assign");
    assert_eq!(shown["audit"][0]["actor_name"], "Lea");
    assert!(
        shown["audit"][0].get("address").is_none(),
        "addresses are for the whole log"
    );
    assert_eq!(shown["assignee"]["name"], "Jan");
    assert_eq!(shown["revision"], 2);
    assert_eq!(shown["quarantine"], Value::Null);
    assert_eq!(shown["merged_into"], Value::Null);
    assert_eq!(shown["waiting_since"], Value::Null);

    // Opening marked the reply read, and recorded nothing else.
    let again = get_ok(&w.server, &format!("{API}/complaints/{}", w.b), &w.jan);
    assert_eq!(again["replies"][0]["unread"], false);
    assert_eq!(counts(&w.server, &w.jan)["replied"], 0);
    assert_eq!(w.dir.count("audit_log"), audit_lines);
    assert_eq!(again["revision"], 2);

    // Outside one's queue: the same 404 as for nothing at all.
    let theirs = get(&w.server, &format!("{API}/complaints/{}", w.b), &w.ola);
    let nothing = get(
        &w.server,
        &format!("{API}/complaints/CMP-0000-0000"),
        &w.ola,
    );
    let held = get(&w.server, &format!("{API}/complaints/{}", w.d), &w.ola);
    for reply in [&theirs, &nothing, &held] {
        assert_eq!(reply.status, 404, "{}", reply.text());
        assert_eq!(reply.code(), "not_found");
    }
    assert!(!theirs.text().contains("Parcel"));
    let file = get(
        &w.server,
        &format!("{API}/complaints/{}/files/1", w.b),
        &w.ola,
    );
    assert_eq!(file.status, 404);
    // The lead sees the held one, with why it is held.
    let held = get_ok(&w.server, &format!("{API}/complaints/{}", w.d), &w.lea);
    assert!(held["quarantine"].is_string());
    // The reference as people type it.
    let typed = w.e.to_lowercase().replace('-', " ");
    let typed = get_ok(
        &w.server,
        &format!("{API}/complaints/{}", percent_encode(&typed)),
        &w.ola,
    );
    assert_eq!(typed["reference"], json!(w.e));
}

#[test]
fn files_are_images_inline_by_their_bytes_and_everything_else_a_safe_download() {
    let dir = TempDir::new("queues-files");
    let server = Server::start(&dir, &["--rate-limit", "100"], &[]);
    let ola = staff_session(&dir, "Ola", "agent", &["delivery"]);
    let photo = jpeg(2000);
    let mut body = complaint_in("f-1", "delivery", "See the photo.");
    let part = attach(&mut body, "photo.jpg", "image/jpeg", &photo);
    let reference = file(&server, "f-1", &body, &[part]);
    // A page that got in as a file (claimed to be a PNG), named to climb out of any folder.
    let page = b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec();
    let hash = sha256_hex(&page);
    let conn = db(&dir);
    conn.execute(
        "INSERT INTO blobs (sha256, content) VALUES (?1, ?2)",
        params![hash, page],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO attachments (complaint_id, position, name, kind, sha256) VALUES (?1, 1, '../../x.html', 'image/png', ?2)",
        params![id_of(&dir, &reference), hash],
    )
    .unwrap();

    let shown = get_ok(&server, &format!("{API}/complaints/{reference}"), &ola);
    assert_eq!(shown["files"][0]["number"], 1);
    assert_eq!(shown["files"][0]["name"], "photo.jpg");
    assert_eq!(shown["files"][0]["size"], 2000);
    assert_eq!(
        shown["files"][1]["url"],
        json!(format!("{API}/complaints/{reference}/files/2"))
    );

    let image = get(
        &server,
        &format!("{API}/complaints/{reference}/files/1"),
        &ola,
    );
    assert_eq!(image.status, 200);
    assert_eq!(image.body, photo);
    assert_eq!(image.header("content-type"), Some("image/jpeg"));
    assert_eq!(image.header("content-disposition"), Some("inline"));
    let html = get(
        &server,
        &format!("{API}/complaints/{reference}/files/2"),
        &ola,
    );
    assert_eq!(html.status, 200);
    assert_eq!(html.body, page);
    assert_eq!(
        html.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(
        html.header("content-disposition"),
        Some("attachment; filename*=UTF-8''2-x.html")
    );
    for reply in [&image, &html] {
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            reply.header("content-security-policy"),
            Some("sandbox; default-src 'none'")
        );
        assert_eq!(reply.header("cache-control"), Some("private, no-store"));
    }
    let missing = get(
        &server,
        &format!("{API}/complaints/{reference}/files/3"),
        &ola,
    );
    assert_eq!(missing.status, 404);
    assert_eq!(missing.code(), "not_found");
    let bad = get(
        &server,
        &format!("{API}/complaints/{reference}/files/x"),
        &ola,
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn the_audit_log_is_for_leads_newest_first_in_pages() {
    let dir = TempDir::new("queues-audit");
    let server = Server::start(&dir, &[], &[]);
    let ola = staff_session(&dir, "Ola", "agent", &["delivery"]);
    let lea = staff_session(&dir, "Lea", "lead", &[]);
    let conn = db(&dir);
    for action in ["sign_in", "acknowledge", "note"] {
        conn.execute(
            "INSERT INTO audit_log (at, actor, actor_name, action, address) VALUES (unixepoch(), 'staff:1', 'Ola', ?1, '127.0.0.9')",
            [action],
        )
        .unwrap();
    }
    let refused = get(&server, &format!("{API}/audit"), &ola);
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), "forbidden");
    let page = get_ok(&server, &format!("{API}/audit?limit=2"), &lea);
    let lines = page["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["action"], "note");
    assert_eq!(lines[1]["action"], "acknowledge");
    assert_eq!(lines[0]["address"], "127.0.0.9");
    let before = lines[1]["id"].as_i64().unwrap();
    let next = get_ok(
        &server,
        &format!("{API}/audit?limit=2&before={before}"),
        &lea,
    );
    assert_eq!(next["lines"].as_array().unwrap().len(), 1);
    assert_eq!(next["lines"][0]["action"], "sign_in");
    let bad = get(&server, &format!("{API}/audit?limit=lots"), &lea);
    assert_eq!(bad.status, 400);
}
