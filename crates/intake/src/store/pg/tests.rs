//! PostgreSQL's store tests, on a throwaway cluster (`tests/support/postgres.rs`, shared with the integration
//! tests): the schema at start, from several nodes at once, a newer database refused; and each written
//! trait's checks run against SQLite and PostgreSQL alike.

use complaint_domain::instant::Instant;

use super::PgStore;
use crate::store::{SecretStore, Store, StoreError};

#[path = "../../../tests/support/postgres.rs"]
mod cluster;

/// A fresh database, or `None` (with a note) where PostgreSQL is not installed outside CI.
fn database(name: &str) -> Option<String> {
    cluster::database(name)
}

#[test]
fn nodes_starting_together_migrate_once() {
    let Some(url) = database("migrate") else {
        return;
    };
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PgStore::open(&url).map(|s| s.schema_version()))
        })
        .collect();
    for node in nodes {
        let version = node.join().unwrap().unwrap().unwrap();
        assert_eq!(version, super::migrations::known());
    }
    // And once more, as a restarted node: nothing to do, nothing refused.
    let again = PgStore::open(&url).unwrap();
    assert_eq!(again.schema_version().unwrap(), super::migrations::known());
}

#[test]
fn a_database_from_a_newer_program_is_refused() {
    let Some(url) = database("newer") else {
        return;
    };
    let store = PgStore::open(&url).unwrap();
    let newer = super::migrations::known() + 1;
    store
        .connection()
        .unwrap()
        .execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&newer],
        )
        .unwrap();
    match PgStore::open(&url) {
        Err(StoreError::NewerSchema { found, known }) => {
            assert_eq!((found, known), (newer, newer - 1));
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://desk:s3cret@127.0.0.1:{port}/intake");
    match PgStore::open(&url) {
        Err(e @ StoreError::Unreachable { .. }) => {
            let message = e.to_string();
            assert!(message.contains("cannot reach the database"), "{message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("nothing listens there"),
    }
}

/// Two nodes start at once with different fresh secrets: both keep the first one made.
fn first_secret_wins(first: &mut impl SecretStore, second: &mut impl SecretStore) {
    let at = Instant::from_unix_seconds(1_795_000_000);
    let (one, made) = first.secret("reply-proof", b"first", at).unwrap();
    let later = Instant::from_unix_seconds(1_795_000_100);
    let (two, made_two) = second.secret("reply-proof", b"second", later).unwrap();
    assert_eq!((one.as_slice(), made), (&b"first"[..], at));
    assert_eq!((two.as_slice(), made_two), (&b"first"[..], at));
    let (other, _) = second.secret("another", b"other", later).unwrap();
    assert_eq!(other, b"other");
    // No complaint by that reference: nothing to check a proof against.
    assert_eq!(first.proof_inputs("CMP-AAAA-BBBB", later).unwrap(), None);
}

#[test]
fn first_secret_wins_on_sqlite() {
    let path = crate::store::tests::temp_db("pg-secrets");
    first_secret_wins(
        &mut Store::open(&path).unwrap(),
        &mut Store::open(&path).unwrap(),
    );
}

#[test]
fn first_secret_wins_on_postgres() {
    let Some(url) = database("secrets") else {
        return;
    };
    first_secret_wins(
        &mut PgStore::open(&url).unwrap(),
        &mut PgStore::open(&url).unwrap(),
    );
}

#[test]
fn a_password_never_reaches_a_message() {
    use super::without_password;
    assert_eq!(
        without_password("postgres://desk:s3cret@db:5432/intake"),
        "postgres://desk:***@db:5432/intake"
    );
    assert_eq!(
        without_password("postgres://desk@db/intake"),
        "postgres://desk@db/intake"
    );
}
