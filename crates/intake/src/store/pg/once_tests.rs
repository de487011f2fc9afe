//! What may happen once happens once, with two nodes on one PostgreSQL database trying it at the same
//! moment: an enrolment link, a first sign-in through the provider, a recovery code, a ceremony, and the
//! last admin. Each race is run many times, so it is actually run, not just one order.

use std::sync::{Arc, Barrier};

use super::staff_tests::{at, enrolment, invitation, person};
use super::tests::database;
use super::PgStore;
use crate::desk::Role;
use crate::store::{EnrolRefused, OidcEnrolled, PasskeyStore, StaffStore};

const ROUNDS: usize = 50;

/// Runs `each(store, node, round)` on two nodes (each its own pool) at the same moment, [`ROUNDS`] times;
/// each round's two answers, node 0's first.
fn race<T: Send + 'static>(
    url: &str,
    each: impl Fn(&mut PgStore, usize, usize) -> T + Send + Sync + 'static,
) -> Vec<(T, T)> {
    let each = Arc::new(each);
    let start = Arc::new(Barrier::new(2));
    let nodes: Vec<_> = (0..2)
        .map(|node| {
            let (url, each, start) = (url.to_owned(), each.clone(), start.clone());
            std::thread::spawn(move || {
                let mut store = PgStore::open(&url).unwrap();
                (0..ROUNDS)
                    .map(|round| {
                        start.wait();
                        each(&mut store, node, round)
                    })
                    .collect::<Vec<T>>()
            })
        })
        .collect();
    let mut answers = nodes.into_iter().map(|n| n.join().unwrap());
    let (first, second) = (answers.next().unwrap(), answers.next().unwrap());
    first.into_iter().zip(second).collect()
}

#[test]
fn an_enrolment_link_is_used_by_one_of_two_nodes() {
    let Some(url) = database("once_link") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let links: Vec<i64> = (0..ROUNDS)
        .map(|round| {
            let token = format!("link-{round}");
            let email = format!("ewa{round}@example.com");
            store
                .add_invitation(&invitation(&token, &email), at(0))
                .unwrap()
        })
        .collect();
    let answers = race(&url, move |store, node, round| {
        // Different addresses and keys: the link is all the two have in common.
        let email = format!("ewa{round}.{node}@example.com");
        let key = format!("cred-{round}-{node}");
        store
            .enrol(&enrolment(links[round], &email, &key, &[]), at(10))
            .unwrap()
    });
    for (round, (one, two)) in answers.iter().enumerate() {
        let refused = [one, two]
            .into_iter()
            .filter(|a| **a == Err(EnrolRefused::LinkUsed))
            .count();
        assert_eq!(
            (one.is_ok() || two.is_ok(), refused),
            (true, 1),
            "round {round}"
        );
    }
    assert_eq!(store.all_staff().unwrap().len(), ROUNDS);
}

/// One account, and the other node told there is no invitation (not an error). The address's unique index
/// guards this too, behind the invitation's row lock.
#[test]
fn a_first_sign_in_through_the_provider_makes_one_account_on_two_nodes() {
    let Some(url) = database("once_oidc") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    for round in 0..ROUNDS {
        let (token, email) = (format!("link-{round}"), format!("jan{round}@example.com"));
        store
            .add_invitation(&invitation(&token, &email), at(0))
            .unwrap();
    }
    let answers = race(&url, |store, _, round| {
        store
            .enrol_by_email(&format!("jan{round}@example.com"), at(10))
            .unwrap()
    });
    for (round, (one, two)) in answers.iter().enumerate() {
        let created = [one, two]
            .into_iter()
            .filter(|a| matches!(a, OidcEnrolled::Created { .. }))
            .count();
        assert_eq!(created, 1, "round {round}: {one:?}, {two:?}");
    }
    assert_eq!(store.all_staff().unwrap().len(), ROUNDS);
}

#[test]
fn a_recovery_code_is_used_by_one_of_two_nodes() {
    let Some(url) = database("once_code") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let link = store
        .add_invitation(&invitation("link", "ewa@example.com"), at(0))
        .unwrap();
    let codes: Vec<String> = (0..ROUNDS).map(|n| format!("code-{n}")).collect();
    let ewa = store
        .enrol(&enrolment(link, "ewa@example.com", "cred", &codes), at(1))
        .unwrap()
        .unwrap();
    let answers = race(&url, move |store, _, round| {
        store
            .use_recovery_code(ewa, &format!("code-{round}"), at(10))
            .unwrap()
    });
    for (round, (one, two)) in answers.into_iter().enumerate() {
        assert!(one != two, "round {round}: both {one}");
    }
}

#[test]
fn a_ceremony_is_finished_by_one_of_two_nodes() {
    let Some(url) = database("once_ceremony") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    for round in 0..ROUNDS {
        store
            .put_ceremony(&format!("c{round}"), "state", at(60), at(0))
            .unwrap();
    }
    let answers = race(&url, |store, _, round| {
        store.take_ceremony(&format!("c{round}"), at(1)).unwrap()
    });
    for (round, (one, two)) in answers.into_iter().enumerate() {
        assert!(one.is_some() != two.is_some(), "round {round}");
    }
}

/// Two admins; each node turns a different one off at the same moment. One is refused, so one admin is
/// left; then both are turned on again for the next round.
#[test]
fn two_nodes_cannot_turn_off_the_last_two_admins_at_once() {
    let Some(url) = database("once_admin") else {
        return;
    };
    let mut store = PgStore::open(&url).unwrap();
    let admins: Vec<i64> = ["ala", "ola"]
        .iter()
        .map(|name| {
            let email = format!("{name}@example.com");
            store
                .add_staff(&person(name, &email, Role::Admin), at(0))
                .unwrap()
                .unwrap()
        })
        .collect();
    let turned_on = Arc::new(Barrier::new(2));
    let answers = race(&url, move |store, node, _| {
        let off = store
            .update_staff(admins[node], Role::Admin, &[], Some(at(10)))
            .unwrap();
        turned_on.wait();
        // Both answers are in; one node puts things back for the next round.
        if node == 0 {
            for id in &admins {
                assert!(store.update_staff(*id, Role::Admin, &[], None).unwrap());
            }
        }
        off
    });
    for (round, (one, two)) in answers.into_iter().enumerate() {
        assert!(one != two, "round {round}: both {one}");
    }
}
