//! Which law applies (issue #28): the consumer's country, where the form asked, dates the answer's plan and
//! travels in the status file, so the tracker and the desk date the same rules; a client from before the
//! question is still accepted, and a code of another shape is refused.

mod support;

use complaint_domain::calendar::Date;
use serde_json::json;
use support::*;

fn bill(key: &str, country: Option<&str>) -> serde_json::Value {
    let mut body = complaint(key);
    body["category"] = json!("service-billing");
    body["details"] = json!({ "order_number": "NW-1001" });
    if let Some(country) = country {
        body["consumer_country"] = json!(country);
    }
    body
}

fn decide_by(answer: &serde_json::Value) -> Date {
    Date::parse_iso(answer["plan"]["decide_by"].as_str().unwrap()).unwrap()
}

#[test]
fn a_consumer_in_poland_gets_art_7a_and_one_elsewhere_the_organisations_promise() {
    let dir = TempDir::new("which-law");
    let server = Server::start(&dir, &[], &[]);
    let polish = server.post(Some("pl-1"), &body_of(&bill("pl-1", Some("PL")), &[]));
    assert_eq!(polish.status, 201, "{}", polish.text());
    // A client from before the question sends no country: accepted, with the organisation's own 30 days.
    let anywhere = server.post(Some("old-1"), &body_of(&bill("old-1", None), &[]));
    assert_eq!(anywhere.status, 201, "{}", anywhere.text());
    let (polish, anywhere) = (polish.json(), anywhere.json());
    assert_eq!(
        decide_by(&anywhere).days_since_epoch() - decide_by(&polish).days_since_epoch(),
        16,
        "14 days under art. 7a against the organisation's 30"
    );

    let key = status_key(polish["reference"].as_str().unwrap(), "anna@example.pl");
    let record = read_status(&dir.publish(), &key);
    assert_eq!(record.consumer_country.as_deref(), Some("PL"));
    let key = status_key(anywhere["reference"].as_str().unwrap(), "anna@example.pl");
    let text = std::fs::read_to_string(dir.publish().join(format!("{key}.json"))).unwrap();
    assert!(!text.contains("consumer_country"), "{text}");
}

#[test]
fn a_country_code_of_another_shape_or_not_offered_is_refused() {
    let dir = TempDir::new("which-law-bad");
    let server = Server::start(&dir, &[], &[]);
    for (key, code) in [("bad-1", "pl"), ("bad-2", "POL"), ("bad-3", "DE")] {
        let reply = server.post(Some(key), &body_of(&bill(key, Some(code)), &[]));
        assert_eq!(reply.status, 422, "{code}: {}", reply.text());
    }
    assert_eq!(dir.count("complaints"), 0);
}
