//! One complaint as the desk opens it, its files, and the audit log.

use rusqlite::params;
use serde_json::{json, Value};

use crate::support::staff::staff_session;
use crate::support::{attach, jpeg, sha256_hex, Server, TempDir};
use crate::*;

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
    // Filed as an older app files (with the retired consent tick): no consent shown, no notice recorded.
    assert!(shown["contact"].get("consent").is_none());
    assert!(shown["privacy_notice"].is_null());
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
        "INSERT INTO blobs (sha256, content, length) VALUES (?1, ?2, ?3)",
        params![hash, page, page.len() as i64],
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
