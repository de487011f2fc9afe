//! The staff's side of the store on both engines: each body runs on SQLite and on PostgreSQL with the same
//! assertions (accounts and sessions, the audit log, service tokens, enrolment and passkeys). The races,
//! PostgreSQL only, are in `once_tests`.

use complaint_domain::instant::Instant;

use super::tests::database;
use super::PgStore;
use crate::desk::Role;
use crate::store::tests::{complaint, temp_db};
use crate::store::{
    AuditEntry, AuditStore, ComplaintStore, EnrolRefused, Enrolment, NewInvitation, NewPasskey,
    NewStaff, OidcEnrolled, PasskeyStore, StaffStore, Store, TokenStore,
};

pub(super) const T0: i64 = 1_795_000_000;

pub(super) fn at(seconds: i64) -> Instant {
    Instant::from_unix_seconds(T0 + seconds)
}

pub(super) fn person<'a>(name: &'a str, email: &'a str, role: Role) -> NewStaff<'a> {
    NewStaff {
        name,
        email,
        role,
        locale: "pl",
        categories: &[],
    }
}

/// Accounts: one per address whatever its case, listed by name; the last admin kept; a turned-off account
/// keeps the time it was first turned off.
fn accounts(store: &mut impl StaffStore) {
    let billing = ["billing".to_owned()];
    let zofia = NewStaff {
        categories: &billing,
        ..person("Zofia", "zofia@example.com", Role::Admin)
    };
    let zofia_id = store.add_staff(&zofia, at(0)).unwrap().unwrap();
    let again = person("Zofia Again", "ZOFIA@example.com", Role::Agent);
    assert_eq!(store.add_staff(&again, at(1)).unwrap(), None);
    store
        .add_staff(&person("adam", "adam@example.com", Role::Agent), at(2))
        .unwrap()
        .unwrap();
    let bartek = store
        .add_staff(&person("Bartek", "bartek@example.com", Role::Lead), at(3))
        .unwrap()
        .unwrap();
    let found = store.staff_member(zofia_id).unwrap().unwrap();
    assert_eq!(
        (found.name.as_str(), found.email.as_str(), found.role),
        ("Zofia", "zofia@example.com", Role::Admin)
    );
    assert_eq!(
        (found.locale.as_str(), found.categories.as_slice()),
        ("pl", &billing[..])
    );
    assert_eq!((found.created_at, found.disabled_at), (at(0), None));
    assert_eq!(store.staff_member(9_999).unwrap(), None);
    // By name as stored (code points: capitals first), then id.
    let names: Vec<String> = store
        .all_staff()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Bartek", "Zofia", "adam"]);

    // The only admin can be neither demoted nor turned off; nothing changes when refused.
    assert!(!store
        .update_staff(zofia_id, Role::Agent, &[], None)
        .unwrap());
    assert!(!store
        .update_staff(zofia_id, Role::Admin, &[], Some(at(70)))
        .unwrap());
    assert_eq!(store.staff_member(zofia_id).unwrap().unwrap(), found);
    // With a second admin, the first may go.
    assert!(store.update_staff(bartek, Role::Admin, &[], None).unwrap());
    assert!(store
        .update_staff(zofia_id, Role::Agent, &billing, Some(at(80)))
        .unwrap());
    assert!(store
        .update_staff(zofia_id, Role::Agent, &billing, Some(at(90)))
        .unwrap());
    let off = store.staff_member(zofia_id).unwrap().unwrap();
    assert_eq!((off.role, off.disabled_at), (Role::Agent, Some(at(80))));
    assert!(store
        .update_staff(zofia_id, Role::Agent, &[], None)
        .unwrap());
    let on = store.staff_member(zofia_id).unwrap().unwrap();
    assert_eq!((on.disabled_at, on.categories.len()), (None, 0));
}

#[test]
fn accounts_on_sqlite() {
    accounts(&mut Store::open(&temp_db("pg-staff")).unwrap());
}

#[test]
fn accounts_on_postgres() {
    if let Some(url) = database("staff") {
        accounts(&mut PgStore::open(&url).unwrap());
    }
}

/// Sessions: found by their token's hash, touched while open, ended once, all of one person's at once.
fn sessions(store: &mut impl StaffStore) {
    let adam = store
        .add_staff(&person("adam", "adam@example.com", Role::Agent), at(2))
        .unwrap()
        .unwrap();
    store
        .start_session(adam, "sha-1", "csrf-1", "192.0.2.1", at(10))
        .unwrap();
    store
        .start_session(adam, "sha-2", "csrf-2", "192.0.2.2", at(11))
        .unwrap();
    store.touch_session("sha-1", at(20)).unwrap();
    let session = store.session("sha-1").unwrap().unwrap();
    assert_eq!(
        (
            session.staff_id,
            session.csrf.as_str(),
            session.address.as_str()
        ),
        (adam, "csrf-1", "192.0.2.1")
    );
    assert_eq!((session.created_at, session.seen_at), (at(10), at(20)));
    store.end_session("sha-1", at(30)).unwrap();
    store.end_session("sha-1", at(40)).unwrap();
    store.touch_session("sha-1", at(50)).unwrap();
    let ended = store.session("sha-1").unwrap().unwrap();
    assert_eq!((ended.seen_at, ended.ended_at), (at(20), Some(at(30))));
    assert_eq!(store.session("sha-unknown").unwrap(), None);
    assert_eq!(store.end_sessions_of(adam, at(60)).unwrap(), 1);
    assert_eq!(store.end_sessions_of(adam, at(61)).unwrap(), 0);
    assert_eq!(
        store.session("sha-2").unwrap().unwrap().ended_at,
        Some(at(60))
    );
}

#[test]
fn sessions_on_sqlite() {
    sessions(&mut Store::open(&temp_db("pg-sessions")).unwrap());
}

#[test]
fn sessions_on_postgres() {
    if let Some(url) = database("sessions") {
        sessions(&mut PgStore::open(&url).unwrap());
    }
}

fn line(seconds: i64, actor: &str, action: &str, complaint_id: Option<i64>) -> AuditEntry {
    AuditEntry {
        at: at(seconds),
        actor: actor.into(),
        actor_name: "Adam".into(),
        action: action.into(),
        complaint_id,
        detail: serde_json::json!({ "note": seconds }),
        address: Some("192.0.2.1".into()),
    }
}

/// The audit log: a complaint's trail oldest first, the newest lines page by page, sign-in failures by time.
fn audit_appended(store: &mut (impl ComplaintStore + AuditStore + PasskeyStore)) {
    store.record(&complaint("k1", "CMP-AAAA-BBBB")).unwrap();
    let id = store.complaint("CMP-AAAA-BBBB").unwrap().unwrap().id;
    let lines = [
        line(1, "staff:1", "sign_in_failed", None),
        line(2, "staff:1", "acknowledge", Some(id)),
        line(3, "cli", "note", Some(id)),
        line(4, "staff:1", "sign_in_failed", None),
    ];
    for entry in &lines {
        store.append_audit(entry).unwrap();
    }
    assert_eq!(store.audit_for(id).unwrap(), &lines[1..3]);
    assert!(store.audit_for(id + 1).unwrap().is_empty());
    let newest = store.audit_latest(2, None).unwrap();
    let entries: Vec<&AuditEntry> = newest.iter().map(|(_, e)| e).collect();
    assert_eq!(entries, [&lines[3], &lines[2]]);
    let older = store.audit_latest(10, Some(newest[1].0)).unwrap();
    let entries: Vec<&AuditEntry> = older.iter().map(|(_, e)| e).collect();
    assert_eq!(entries, [&lines[1], &lines[0]]);
    assert_eq!(
        store
            .audit_times("staff:1", "sign_in_failed", at(2))
            .unwrap(),
        [at(4)]
    );
    assert_eq!(
        store
            .audit_times("staff:1", "sign_in_failed", at(0))
            .unwrap(),
        [at(1), at(4)]
    );
}

#[test]
fn audit_appended_on_sqlite() {
    audit_appended(&mut Store::open(&temp_db("pg-audit")).unwrap());
}

#[test]
fn audit_appended_on_postgres() {
    if let Some(url) = database("audit") {
        audit_appended(&mut PgStore::open(&url).unwrap());
    }
}

/// Service tokens: found by their secret's hash, listed newest first, revoked once, expiry kept.
fn tokens_kept(store: &mut impl TokenStore) {
    let first = store
        .add_token("crm", Role::Agent, "sha-a", "cli", at(0), None)
        .unwrap();
    let second = store
        .add_token(
            "bi",
            Role::Lead,
            "sha-b",
            "staff:1",
            at(1),
            Some(at(86_400)),
        )
        .unwrap();
    let listed: Vec<i64> = store.tokens().unwrap().iter().map(|t| t.id).collect();
    assert_eq!(listed, [second, first]);
    let found = store.token_by_secret("sha-b").unwrap().unwrap();
    assert_eq!(
        (
            found.id,
            found.name.as_str(),
            found.role,
            found.created_by.as_str()
        ),
        (second, "bi", Role::Lead, "staff:1")
    );
    assert_eq!(
        (found.created_at, found.expires_at, found.last_used_at),
        (at(1), Some(at(86_400)), None)
    );
    assert_eq!(store.token_by_secret("sha-unknown").unwrap(), None);
    store.token_used(first, at(5)).unwrap();
    assert!(store.revoke_token(first, at(6)).unwrap());
    assert!(!store.revoke_token(first, at(7)).unwrap(), "revoked once");
    assert!(!store.revoke_token(9_999, at(7)).unwrap());
    let revoked = store.token_by_secret("sha-a").unwrap().unwrap();
    assert_eq!(
        (revoked.last_used_at, revoked.revoked_at, revoked.expires_at),
        (Some(at(5)), Some(at(6)), None)
    );
}

#[test]
fn tokens_kept_on_sqlite() {
    tokens_kept(&mut Store::open(&temp_db("pg-tokens")).unwrap());
}

#[test]
fn tokens_kept_on_postgres() {
    if let Some(url) = database("tokens") {
        tokens_kept(&mut PgStore::open(&url).unwrap());
    }
}

pub(super) fn invitation<'a>(token_sha256: &'a str, email: &'a str) -> NewInvitation<'a> {
    NewInvitation {
        token_sha256,
        name: "Ewa",
        email,
        role: Role::Lead,
        categories: &[],
        invited_by: "cli",
        expires_at: at(3_600),
    }
}

pub(super) fn enrolment<'a>(
    invitation_id: i64,
    email: &'a str,
    credential_id: &'a str,
    codes: &'a [String],
) -> Enrolment<'a> {
    Enrolment {
        invitation_id,
        staff: person("Ewa", email, Role::Lead),
        user_handle: email,
        passkey: NewPasskey {
            credential_id,
            passkey: "{\"counter\":0}",
        },
        recovery_sha256: codes,
    }
}

/// Enrolment: a link used once, and left unused when the enrolment is refused; accounts found by address
/// and user handle, a handle made once.
fn enrolled_once(store: &mut (impl StaffStore + PasskeyStore)) {
    let link = store
        .add_invitation(&invitation("link-1", "ewa@example.com"), at(0))
        .unwrap();
    let shown = store.invitation("link-1").unwrap().unwrap();
    assert_eq!(
        (shown.id, shown.email.as_str(), shown.role, shown.used_at),
        (link, "ewa@example.com", Role::Lead, None)
    );
    assert_eq!(shown.expires_at, at(3_600));
    assert_eq!(store.invitation("link-unknown").unwrap(), None);
    let codes = ["code-1".to_owned(), "code-2".to_owned()];
    let ewa = store
        .enrol(
            &enrolment(link, "ewa@example.com", "cred-1", &codes),
            at(10),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        store.invitation("link-1").unwrap().unwrap().used_at,
        Some(at(10))
    );
    let twice = enrolment(link, "ewa2@example.com", "cred-2", &[]);
    assert_eq!(
        store.enrol(&twice, at(11)).unwrap(),
        Err(EnrolRefused::LinkUsed)
    );

    // Refused enrolments leave their link unused and add nobody.
    let taken = store
        .add_invitation(&invitation("link-2", "EWA@example.com"), at(0))
        .unwrap();
    let same_address = enrolment(taken, "EWA@example.com", "cred-3", &[]);
    assert_eq!(
        store.enrol(&same_address, at(12)).unwrap(),
        Err(EnrolRefused::EmailTaken)
    );
    assert_eq!(store.invitation("link-2").unwrap().unwrap().used_at, None);
    let other = store
        .add_invitation(&invitation("link-3", "olga@example.com"), at(0))
        .unwrap();
    let same_key = enrolment(other, "olga@example.com", "cred-1", &[]);
    assert_eq!(
        store.enrol(&same_key, at(13)).unwrap(),
        Err(EnrolRefused::PasskeyTaken)
    );
    assert_eq!(store.invitation("link-3").unwrap().unwrap().used_at, None);
    assert_eq!(store.staff_by_email("olga@example.com").unwrap(), None);

    assert_eq!(store.staff_by_email("Ewa@Example.com").unwrap(), Some(ewa));
    assert_eq!(
        store.staff_by_user_handle("ewa@example.com").unwrap(),
        Some(ewa)
    );
    assert_eq!(store.user_handle(ewa, "fresh").unwrap(), "ewa@example.com");
    let piotr = store
        .add_staff(&person("Piotr", "piotr@example.com", Role::Agent), at(0))
        .unwrap()
        .unwrap();
    assert_eq!(store.user_handle(piotr, "first").unwrap(), "first");
    assert_eq!(store.user_handle(piotr, "second").unwrap(), "first");
}

#[test]
fn enrolled_once_on_sqlite() {
    enrolled_once(&mut Store::open(&temp_db("pg-enrol")).unwrap());
}

#[test]
fn enrolled_once_on_postgres() {
    if let Some(url) = database("enrol") {
        enrolled_once(&mut PgStore::open(&url).unwrap());
    }
}

/// A first sign-in with the organisation's provider: the newest usable invitation for the address, in any
/// case, becomes the account, once; an expired one does nothing.
fn enrolled_by_email(store: &mut (impl StaffStore + PasskeyStore)) {
    let late = NewInvitation {
        expires_at: at(5),
        ..invitation("link-0", "jan@example.com")
    };
    store.add_invitation(&late, at(0)).unwrap();
    assert_eq!(
        store.enrol_by_email("jan@example.com", at(6)).unwrap(),
        OidcEnrolled::NoInvitation
    );
    store
        .add_invitation(&invitation("link-1", "jan@example.com"), at(1))
        .unwrap();
    let newest = store
        .add_invitation(&invitation("link-2", "Jan@Example.com"), at(2))
        .unwrap();
    let OidcEnrolled::Created {
        staff_id,
        invitation_id,
    } = store.enrol_by_email("JAN@example.com", at(10)).unwrap()
    else {
        panic!("the invitation was not used");
    };
    assert_eq!(invitation_id, newest);
    let made = store.staff_member(staff_id).unwrap().unwrap();
    assert_eq!(
        (made.name.as_str(), made.email.as_str(), made.role),
        ("Ewa", "Jan@Example.com", Role::Lead)
    );
    assert_eq!(
        store.invitation("link-2").unwrap().unwrap().used_at,
        Some(at(10))
    );
    // The account exists now: the older link makes no second one, and stays unused.
    assert_eq!(
        store.enrol_by_email("jan@example.com", at(11)).unwrap(),
        OidcEnrolled::NoInvitation
    );
    assert_eq!(store.invitation("link-1").unwrap().unwrap().used_at, None);
    assert_eq!(
        store.enrol_by_email("nobody@example.com", at(11)).unwrap(),
        OidcEnrolled::NoInvitation
    );
}

/// Passkeys, recovery codes and ceremonies, each as the desk relies on them.
fn keys_codes_and_ceremonies(store: &mut (impl StaffStore + PasskeyStore)) {
    let link = store
        .add_invitation(&invitation("link-1", "ewa@example.com"), at(0))
        .unwrap();
    let codes = ["code-1".to_owned(), "code-2".to_owned()];
    let ewa = store
        .enrol(
            &enrolment(link, "ewa@example.com", "cred-1", &codes),
            at(10),
        )
        .unwrap()
        .unwrap();
    let piotr = store
        .add_staff(&person("Piotr", "piotr@example.com", Role::Agent), at(0))
        .unwrap()
        .unwrap();
    let second_key = NewPasskey {
        credential_id: "cred-9",
        passkey: "{}",
    };
    assert!(store.add_passkey(ewa, &second_key, at(20)).unwrap());
    assert!(!store.add_passkey(piotr, &second_key, at(21)).unwrap());
    let keys = store.passkeys_of(ewa).unwrap();
    let ids: Vec<&str> = keys.iter().map(|k| k.credential_id.as_str()).collect();
    assert_eq!(ids, ["cred-1", "cred-9"]);
    store
        .passkey_used(keys[0].id, "{\"counter\":1}", at(30))
        .unwrap();
    let used = store.passkey("cred-1").unwrap().unwrap();
    assert_eq!(
        (
            used.staff_id,
            used.passkey.as_str(),
            used.created_at,
            used.used_at
        ),
        (ewa, "{\"counter\":1}", at(10), Some(at(30)))
    );
    assert_eq!(store.passkey("cred-unknown").unwrap(), None);

    assert!(store.use_recovery_code(ewa, "code-2", at(40)).unwrap());
    assert!(!store.use_recovery_code(ewa, "code-2", at(41)).unwrap());
    assert!(!store.use_recovery_code(piotr, "code-1", at(41)).unwrap());
    assert!(store.use_recovery_code(ewa, "code-1", at(42)).unwrap());

    // A ceremony is taken once, never after it expired; a new one under the same id replaces it.
    store.put_ceremony("c1", "state-1", at(100), at(0)).unwrap();
    store.put_ceremony("c1", "state-2", at(100), at(0)).unwrap();
    store.put_ceremony("c2", "old", at(50), at(0)).unwrap();
    assert_eq!(
        store.take_ceremony("c1", at(100)).unwrap().as_deref(),
        Some("state-2")
    );
    assert_eq!(store.take_ceremony("c1", at(100)).unwrap(), None);
    assert_eq!(store.take_ceremony("c2", at(51)).unwrap(), None);
    store.put_ceremony("c3", "late", at(50), at(0)).unwrap();
    store.put_ceremony("c4", "new", at(200), at(60)).unwrap();
    assert_eq!(store.take_ceremony("c3", at(0)).unwrap(), None, "forgotten");
}

#[test]
fn keys_codes_and_ceremonies_on_sqlite() {
    keys_codes_and_ceremonies(&mut Store::open(&temp_db("pg-keys")).unwrap());
}

#[test]
fn keys_codes_and_ceremonies_on_postgres() {
    if let Some(url) = database("keys") {
        keys_codes_and_ceremonies(&mut PgStore::open(&url).unwrap());
    }
}

#[test]
fn enrolled_by_email_on_sqlite() {
    enrolled_by_email(&mut Store::open(&temp_db("pg-oidc")).unwrap());
}

#[test]
fn enrolled_by_email_on_postgres() {
    if let Some(url) = database("oidc") {
        enrolled_by_email(&mut PgStore::open(&url).unwrap());
    }
}
