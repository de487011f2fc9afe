//! The desk's pure pieces in the browser (wasm-bindgen-test): base64url and ArrayBuffers, the keyboard
//! map, the deadline clock's words in the three languages, the catalogue's placeholders, addresses and a
//! provider sign-in's failure codes.

use complaint_staff_web::api::Next;
use complaint_staff_web::base64url::{decode, encode, from_buffer, to_buffer};
use complaint_staff_web::clock::clock;
use complaint_staff_web::i18n::{placeholders, text, Locale, T};
use complaint_staff_web::keys::{is_typing_target, shortcut, Shortcut};
use complaint_staff_web::mentions::{self, Colleague};
use complaint_staff_web::route::Route;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn base64url_is_unpadded_url_safe_and_reads_padding_too() {
    let bytes = [0xfb_u8, 0xff, 0xbf, 0x00, 0x01];
    assert_eq!(encode(&bytes), "-_-_AAE");
    assert_eq!(decode("-_-_AAE").unwrap(), bytes);
    assert_eq!(decode("-_-_AAE=").unwrap(), bytes);
    assert_eq!(
        decode("+/+/AAE"),
        None,
        "the standard alphabet is not base64url"
    );
    assert_eq!(decode("not base64!"), None);
}

#[wasm_bindgen_test]
fn array_buffers_carry_the_same_bytes_both_ways() {
    let buffer = to_buffer("AQID_w").unwrap();
    assert_eq!(buffer.byte_length(), 4);
    assert_eq!(
        js_sys::Uint8Array::new(&buffer).to_vec(),
        vec![1, 2, 3, 255]
    );
    assert_eq!(
        from_buffer(&buffer.clone().into()).as_deref(),
        Some("AQID_w")
    );
    let view = js_sys::Uint8Array::new(&buffer);
    assert_eq!(from_buffer(&view.into()).as_deref(), Some("AQID_w"));
    assert_eq!(from_buffer(&JsValue::NULL), None);
    assert_eq!(from_buffer(&JsValue::from_str("AQID")), None);
}

#[wasm_bindgen_test]
fn passkey_options_get_buffers_where_webauthn_wants_them() {
    let start = serde_json::json!({
        "publicKey": {
            "challenge": "AQID",
            "rp": {"name": "desk", "id": "localhost"},
            "user": {"id": "BAUG", "name": "ana", "displayName": "Ana"},
            "excludeCredentials": [{"type": "public-key", "id": "Bwg"}],
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}]
        }
    });
    let options = complaint_staff_web::passkey::creation_options(&start).unwrap();
    let key = js_sys::Reflect::get(&options, &"publicKey".into()).unwrap();
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    assert!(get(&key, "challenge").is_instance_of::<js_sys::ArrayBuffer>());
    assert!(get(&get(&key, "user"), "id").is_instance_of::<js_sys::ArrayBuffer>());
    let excluded = js_sys::Array::from(&get(&key, "excludeCredentials")).get(0);
    assert!(get(&excluded, "id").is_instance_of::<js_sys::ArrayBuffer>());
    assert_eq!(
        get(&get(&key, "rp"), "name").as_string().as_deref(),
        Some("desk")
    );
    // A challenge that is not base64url is refused, not sent to the authenticator.
    let broken = serde_json::json!({"publicKey": {"challenge": "%%%"}});
    assert!(complaint_staff_web::passkey::request_options(&broken).is_none());
}

#[wasm_bindgen_test]
fn keys_map_to_shortcuts_only_when_not_typing_and_unmodified() {
    assert_eq!(shortcut("j", false, false, true), Some(Shortcut::Down));
    assert_eq!(shortcut("k", false, false, true), Some(Shortcut::Up));
    assert_eq!(shortcut("Enter", false, false, true), Some(Shortcut::Open));
    assert_eq!(
        shortcut("Enter", false, false, false),
        None,
        "Enter on a button is the button's"
    );
    assert_eq!(shortcut("a", false, false, true), Some(Shortcut::Assign));
    assert_eq!(shortcut("r", false, false, true), Some(Shortcut::Reply));
    assert_eq!(shortcut("n", false, false, true), Some(Shortcut::Note));
    assert_eq!(shortcut("s", false, false, true), Some(Shortcut::Stage));
    assert_eq!(shortcut("?", false, false, true), Some(Shortcut::Help));
    assert_eq!(shortcut("/", false, false, true), Some(Shortcut::Search));
    assert_eq!(
        shortcut("j", false, true, true),
        None,
        "typing a j in a field"
    );
    assert_eq!(
        shortcut("r", true, false, true),
        None,
        "Ctrl+R stays the browser's"
    );
    assert_eq!(shortcut("x", false, false, true), None);
    assert!(is_typing_target("textarea", false));
    assert!(is_typing_target("INPUT", false));
    assert!(is_typing_target("DIV", true));
    assert!(!is_typing_target("A", false));
}

#[wasm_bindgen_test]
fn the_clock_reads_naturally_in_each_language() {
    let next = |due: &str, timeliness: &str| Next {
        step: "acknowledged".into(),
        due: Some(due.into()),
        timeliness: Some(timeliness.into()),
    };
    let cases = [
        (
            Locale::En,
            Some(next("2026-12-09", "ahead")),
            "due 2026-12-09",
        ),
        (
            Locale::En,
            Some(next("2026-12-07T14:00:00+01:00", "ahead")),
            "due 2026-12-07 14:00",
        ),
        (
            Locale::En,
            Some(next("2026-12-07", "due-today")),
            "due today",
        ),
        (
            Locale::En,
            Some(next("2026-12-04", "overdue")),
            "overdue since 2026-12-04",
        ),
        (Locale::En, None, "no deadline"),
        (
            Locale::Ko,
            Some(next("2026-12-04", "overdue")),
            "기한 초과 (2026-12-04부터)",
        ),
        (
            Locale::Ko,
            Some(next("2026-12-07", "due-today")),
            "오늘 기한",
        ),
        (
            Locale::Pl,
            Some(next("2026-12-09", "ahead")),
            "termin: 2026-12-09",
        ),
        (
            Locale::Pl,
            Some(next("2026-12-04", "overdue")),
            "po terminie od: 2026-12-04",
        ),
    ];
    for (locale, next, expected) in cases {
        assert_eq!(
            clock(locale, next.as_ref()),
            expected,
            "{locale:?} {next:?}"
        );
    }
}

#[wasm_bindgen_test]
fn every_message_has_the_same_placeholders_in_every_language_and_no_empty_text() {
    for &key in T::ALL {
        let english = placeholders(text(Locale::En, key));
        for locale in Locale::ALL {
            let message = text(locale, key);
            assert!(!message.trim().is_empty(), "{key:?} is empty in {locale:?}");
            assert_eq!(placeholders(message), english, "{key:?} in {locale:?}");
        }
    }
}

#[wasm_bindgen_test]
fn addresses_name_their_screens_and_back() {
    assert_eq!(Route::parse("/staff/", ""), Route::Home);
    assert_eq!(
        Route::landing(true),
        "breaching",
        "a lead lands on what breaches soon"
    );
    assert_eq!(Route::landing(false), "mine", "an agent on their own");
    assert_eq!(Route::parse("/staff/operations", ""), Route::Operations);
    assert_eq!(
        Route::parse(&Route::Operations.path(), ""),
        Route::Operations
    );
    assert_eq!(
        Route::parse("/staff/queues/overdue", ""),
        Route::Queue("overdue".into())
    );
    assert_eq!(
        Route::parse("/staff/complaints/CMP-AB12-CD34", ""),
        Route::Complaint("CMP-AB12-CD34".into())
    );
    assert_eq!(
        Route::parse("/staff/enrol", "#tok_en"),
        Route::Enrol("tok_en".into())
    );
    assert_eq!(Route::parse("/staff/admin/webhooks", ""), Route::Webhooks);
    let route = Route::Complaint("a b/c".into());
    assert_eq!(Route::parse(&route.path(), ""), route);
}

#[wasm_bindgen_test]
fn a_provider_failure_is_its_own_words_and_an_unknown_one_a_failed_sign_in() {
    use complaint_staff_web::i18n::signin_error;
    assert_eq!(signin_error("no_account"), T::SigninNoAccount);
    assert_eq!(signin_error("ceremony_expired"), T::SigninExpired);
    assert_eq!(signin_error("<script>"), T::SigninFailed);
    assert_ne!(
        text(Locale::Ko, T::SigninNoAccount),
        text(Locale::En, T::SigninNoAccount)
    );
}

fn colleague(id: i64, name: &str) -> Colleague {
    Colleague {
        id,
        name: name.to_owned(),
    }
}

#[wasm_bindgen_test]
fn a_mention_is_typed_after_an_at_that_starts_a_word() {
    assert_eq!(
        mentions::typing_at("Ask @Ad", 7),
        Some((4, "Ad".to_owned()))
    );
    assert_eq!(mentions::typing_at("@", 1), Some((0, String::new())));
    assert_eq!(
        mentions::typing_at("mail ola@example.pl", 19),
        None,
        "an address is no mention"
    );
    assert_eq!(
        mentions::typing_at("@Ada\nnext", 9),
        None,
        "a line break ends it"
    );
    assert_eq!(
        mentions::typing_at("Ask @Ad", 3),
        None,
        "the caret before the @"
    );
    // The browser counts UTF-16 units: "🙂" is two.
    assert_eq!(mentions::typing_at("🙂 @김", 5), Some((5, "김".to_owned())));
    assert_eq!(mentions::byte_index("🙂", 1), None);
}

#[wasm_bindgen_test]
fn colleagues_match_by_any_word_and_the_name_goes_in_with_a_space() {
    let all = [
        colleague(1, "Adam Agent"),
        colleague(2, "Lena Lead"),
        colleague(3, "김 민준"),
    ];
    let names =
        |q: &str| -> Vec<i64> { mentions::matching(&all, q).iter().map(|c| c.id).collect() };
    assert_eq!(names("a"), [1]);
    assert_eq!(names("LE"), [2]);
    assert_eq!(names("민"), [3]);
    assert_eq!(names(""), [1, 2, 3]);
    assert_eq!(names("zz"), Vec::<i64>::new());
    let (text, caret) = mentions::put_in("Ask @Ad about it", 4, 7, "Adam Agent");
    assert_eq!(text, "Ask @Adam Agent  about it");
    assert_eq!(caret, "Ask @Adam Agent ".len());
    let chosen = [
        colleague(1, "Adam Agent"),
        colleague(2, "Lena Lead"),
        colleague(1, "Adam Agent"),
    ];
    assert_eq!(
        mentions::mentioned("@Adam Agent, call @Lena Lead", &chosen),
        [1, 2]
    );
    assert_eq!(
        mentions::mentioned("Lena Lead, no at sign", &chosen),
        Vec::<i64>::new()
    );
}

#[wasm_bindgen_test]
fn a_time_reads_as_the_organisations_clock_with_its_zone_named() {
    use complaint_staff_web::clock::local_time;
    assert_eq!(
        local_time("2026-12-02T09:00:00+01:00", Some("Europe/Warsaw")),
        "2026-12-02 09:00 (Europe/Warsaw)"
    );
    assert_eq!(
        local_time("2026-12-09", Some("Europe/Warsaw")),
        "2026-12-09"
    );
    assert_eq!(
        local_time("2026-12-02T09:00:00+01:00", None),
        "2026-12-02 09:00"
    );
}
