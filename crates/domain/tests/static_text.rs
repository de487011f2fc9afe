//! Words the customer reads before the Wasm runs, kept equal to the catalogue: the static shell's loader
//! (public/boot.js, which says "cannot open right now" when the app cannot start) and the web app manifest
//! (public/manifest.webmanifest, the name under the home-screen icon). The catalogue is where they are
//! written and translated; these files carry copies, and this test fails when a copy drifts.

use complaint_domain::i18n::{Locale, Msg};

const BOOT: &str = include_str!("../../../public/boot.js");
const MANIFEST: &str = include_str!("../../../public/manifest.webmanifest");

/// The text of `key` in `locale`'s block of boot.js's `MESSAGES`.
fn boot_text(locale: Locale, key: &str) -> Option<String> {
    let block_start = BOOT.find(&format!("\n  {}: {{", locale.tag()))?;
    let block = &BOOT[block_start..];
    let block = &block[..block.find("\n  },")?];
    let line = block
        .lines()
        .find_map(|line| line.trim().strip_prefix(&format!("{key}: \"")))?;
    Some(line.strip_suffix("\",")?.to_owned())
}

#[test]
fn the_shells_loader_says_what_the_catalogue_says_in_every_language() {
    let words = [
        ("title", Msg::LoadFailedTitle),
        ("offline", Msg::LoadFailedNetwork),
        ("failed", Msg::LoadFailedServer),
        ("advice", Msg::LoadFailedAdvice),
        ("retry", Msg::TryAgain),
    ];
    for locale in Locale::ALL {
        for (key, msg) in words {
            assert_eq!(
                boot_text(locale, key).as_deref(),
                Some(msg.text(locale)),
                "public/boot.js, {} {key}",
                locale.tag()
            );
        }
    }
}

#[test]
fn the_manifest_names_the_app_as_the_pages_do() {
    let name = Msg::SiteName.text(Locale::En);
    for field in ["name", "short_name"] {
        assert!(
            MANIFEST.contains(&format!("\"{field}\": \"{name}\"")),
            "public/manifest.webmanifest {field}"
        );
    }
}
