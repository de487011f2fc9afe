//! Queues and lists as each person may see them: counts and membership, filters, sorting, pages, bad
//! parameters, `ETag`/`304`, full-text search, and hostile text in lists.

use rusqlite::params;
use serde_json::{json, Value};

use crate::support::staff::staff_session;
use crate::support::{Server, TempDir};
use crate::*;

#[test]
fn each_person_counts_and_lists_only_the_complaints_they_may_work() {
    let w = desk("queues-counts");
    assert_eq!(
        counts(&w.server, &w.ola),
        map(&[
            ("breaching", 2),
            ("new", 2),
            ("mine", 1),
            ("unassigned", 1),
            ("due-soon", 1),
            ("overdue", 1),
            ("waiting", 1),
            ("mentions", 0),
            ("replied", 0),
        ])
    );
    assert_eq!(
        counts(&w.server, &w.jan),
        map(&[
            ("breaching", 1),
            ("new", 1),
            ("mine", 1),
            ("unassigned", 1),
            ("due-soon", 1),
            ("overdue", 0),
            ("waiting", 0),
            ("mentions", 0),
            ("replied", 1),
        ])
    );
    assert_eq!(
        counts(&w.server, &w.lea),
        map(&[
            ("breaching", 3),
            ("new", 3),
            ("mine", 0),
            ("unassigned", 2),
            ("due-soon", 2),
            ("overdue", 1),
            ("waiting", 1),
            ("mentions", 0),
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
        ("breaching", 1),
        ("new", 1),
        ("mine", 1),
        ("unassigned", 0),
        ("due-soon", 1),
        ("overdue", 0),
        ("waiting", 0),
        ("mentions", 0),
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
