//! The staff API's door (issue #23): who is asking is decided on the server, from the session the cookie
//! names; no cookie, an unknown one, an ended session or a turned-off account is `401`.

mod support;

use support::staff::{staff_request, staff_session};
use support::{Server, TempDir};

#[test]
fn the_staff_api_knows_a_signed_in_person_and_nobody_else() {
    let dir = TempDir::new("staff-me");
    let server = Server::start(&dir, &[], &[]);
    let ana = staff_session(&dir, "Ana Kowalska", "lead", &["billing"]);

    let nobody = staff_request(&server, "GET", "/staff/api/v1/me", None, false, None);
    assert_eq!(nobody.status, 401, "{}", nobody.text());
    assert_eq!(nobody.code(), "signed_out");

    let me = staff_request(&server, "GET", "/staff/api/v1/me", Some(&ana), false, None);
    assert_eq!(me.status, 200, "{}", me.text());
    let me = me.json();
    assert_eq!(me["name"], "Ana Kowalska");
    assert_eq!(me["role"], "lead");
    assert_eq!(me["categories"][0], "billing");
    assert_eq!(me["csrf"], ana.csrf.as_str());

    let forged = support::staff::Session {
        token: "token-guessed".into(),
        ..ana
    };
    let refused = staff_request(
        &server,
        "GET",
        "/staff/api/v1/me",
        Some(&forged),
        false,
        None,
    );
    assert_eq!(refused.status, 401);

    // An account turned off signs in no more, whatever its sessions.
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let bo = staff_session(&dir, "Bo", "agent", &[]);
    conn.execute(
        "UPDATE staff SET disabled_at = unixepoch() WHERE id = ?1",
        [bo.staff_id],
    )
    .unwrap();
    let off = staff_request(&server, "GET", "/staff/api/v1/me", Some(&bo), false, None);
    assert_eq!(off.status, 401);
}
