//! The review's attacks on the published file, tried again: the week's total minus the published
//! categories, and one customer's rating read from two consecutive publications.

use super::tests::{at, row, Seeded, FEWER, HIDDEN};
use super::*;
use std::fs;

const WEEK: &str = "2026-W48";

impl Seeded {
    /// `n` complaints of `category` received in [`WEEK`], decided `decision` and rated `stars` (facts set
    /// as the store holds them once filled).
    fn decided(&mut self, category: &str, n: usize, decision: &str, stars: Option<u8>) {
        let received = at("2026-11-24T10:00:00Z");
        for _ in 0..n {
            let id = self.add(category, received, &[]);
            refresh_facts(&mut self.store, &self.settings, received).unwrap();
            self.store
                .connection()
                .execute(
                    "UPDATE complaints SET decision = ?1, rating = ?2 WHERE id = ?3",
                    rusqlite::params![decision, stars, id],
                )
                .unwrap();
        }
    }

    fn publish(&mut self, path: &Path, now: Instant) -> Insights {
        publish(&mut self.store, &self.settings, path, now).unwrap();
        let text = fs::read_to_string(path).unwrap();
        Insights::from_json_with(&text, &SerdeJson).unwrap()
    }
}

fn count(figure: Figure) -> Option<u64> {
    figure.value().map(|v| v as u64)
}

#[test]
fn the_reviews_subtraction_no_longer_recovers_the_small_category() {
    let mut db = Seeded::new("review-subtraction");
    db.decided("delivery", 12, "upheld", Some(4));
    db.decided("service-billing", 11, "partly_upheld", Some(5));
    // The one the review recovered: received 1, not upheld 1, rating 1.
    db.decided("something-else", 1, "not_upheld", Some(1));
    let insights = db.compute(at("2026-12-01T12:00:00Z"));
    let small = row(&insights, WEEK, Some("something-else"));
    assert_eq!(
        (small.received, small.not_upheld, small.rating_count),
        (FEWER, Some(FEWER), Some(FEWER))
    );
    let all = row(&insights, WEEK, None);
    let others = ["delivery", "service-billing"].map(|c| row(&insights, WEEK, Some(c)));

    // Received: the total minus the published categories.
    if let Some(total) = count(all.received) {
        let published: u64 = others.iter().filter_map(|r| count(r.received)).sum();
        assert_ne!(total - published, 1, "received 1 recovered: {insights:#?}");
    }
    // Not upheld: the total's count (its share of the decided, here every complaint) minus the published.
    if let (Some(Figure::Value(share)), Some(total)) = (all.not_upheld, count(all.received)) {
        let total_not_upheld = (share * total as f64 / 100.0).round() as u64;
        let published: u64 = others
            .iter()
            .filter_map(|r| match (r.not_upheld, count(r.received)) {
                (Some(Figure::Value(s)), Some(n)) => Some((s * n as f64 / 100.0).round() as u64),
                _ => None,
            })
            .sum();
        let hidden_rows = others
            .iter()
            .filter(|r| !matches!(r.not_upheld, Some(Figure::Value(_))))
            .count();
        assert!(
            hidden_rows > 0 || total_not_upheld - published != 1,
            "not upheld 1 recovered: {insights:#?}"
        );
    }
    // The rating: the total's stars (average × count) minus the published categories' would leave the one
    // star of the small category alone.
    if let Some(Figure::Value(_)) = all.rating_average {
        let published: Vec<(f64, f64)> = others
            .iter()
            .filter_map(|r| Some((r.rating_average?.value()?, r.rating_count?.value()?)))
            .collect();
        assert!(
            published.len() < others.len(),
            "every other category's rating is published beside the total: {insights:#?}"
        );
    }
    // Something more than the small category was hidden to protect it.
    assert!(
        others.iter().any(|r| r.received == HIDDEN) || all.received == HIDDEN,
        "{insights:#?}"
    );
}

#[test]
fn the_two_snapshot_difference_no_longer_reads_one_rating() {
    let mut db = Seeded::new("review-snapshots");
    let path = std::env::temp_dir().join(format!(
        "intake-insights-snapshots-{}-{:?}.json",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    let now = at("2026-12-01T06:00:00Z");
    // The review's case: six ratings of 5, then a seventh of 2 (5.0 × 6 → 4.6 × 7 gave the 2 away).
    db.decided("delivery", 6, "upheld", Some(5));
    let first = db.publish(&path, now);
    db.decided("delivery", 1, "upheld", Some(2));
    let second = db.publish(&path, now.plus_seconds(86_400));
    for snapshot in [&first, &second] {
        let r = row(snapshot, WEEK, Some("delivery"));
        assert!(
            !matches!(r.rating_average, Some(Figure::Value(_))),
            "an average over fewer than 10: {r:?}"
        );
    }
    // A larger group: twelve of 5, published; one more of 2, published again the next day.
    db.decided("delivery", 6, "upheld", Some(5));
    let third = db.publish(&path, now.plus_seconds(2 * 86_400));
    db.decided("delivery", 1, "upheld", Some(2));
    let fourth = db.publish(&path, now.plus_seconds(3 * 86_400));
    let read = |s: &Insights| {
        let r = row(s, WEEK, Some("delivery"));
        (
            r.rating_average.and_then(Figure::value).unwrap(),
            r.rating_count.and_then(Figure::value).unwrap(),
        )
    };
    let ((a1, n1), (a2, n2)) = (read(&third), read(&fourth));
    let attack = a2 * n2 - a1 * n1;
    assert!(
        (attack - 2.0).abs() > 0.5,
        "{a1} × {n1} → {a2} × {n2} reads the new rating: {attack}"
    );
    assert_eq!((a2, n2), (a1, n1), "republished unchanged");
    // Four more, five since the last published figure: it moves, and the difference is the work of five.
    db.decided("delivery", 4, "upheld", Some(3));
    let fifth = db.publish(&path, now.plus_seconds(4 * 86_400));
    assert_eq!(read(&fifth).1, 18.0);
    let _ = fs::remove_file(&path);
}
