//! A time zone as a customer calls it ("UK time", "영국 시간", "czasu brytyjskiego"), never its IANA id
//! (`Europe/London`): written for the sentence it sits in, `{date} ({zone})` (Polish: "(według {zone})",
//! hence the genitive; Korean puts it first, "영국 시간 기준 {date}", so that "까지" still follows the date).

use super::Locale;

/// The zone's name in the customer's language; for a zone this table does not know, the organisation's
/// local time in general words, so no id ever reaches a customer.
pub fn zone_name(zone: &str, locale: Locale) -> &'static str {
    let [en, ko, pl] = match zone {
        "Europe/London" => ["UK time", "영국 시간", "czasu brytyjskiego"],
        "Europe/Dublin" => ["Irish time", "아일랜드 시간", "czasu irlandzkiego"],
        "Europe/Warsaw" => ["Polish time", "폴란드 시간", "czasu polskiego"],
        "Europe/Berlin" => ["German time", "독일 시간", "czasu niemieckiego"],
        "Asia/Seoul" => ["Korean time", "한국 시간", "czasu koreańskiego"],
        "UTC" | "Etc/UTC" => ["UTC", "협정 세계시(UTC)", "czasu UTC"],
        _ => ["our local time", "현지 시간", "naszego czasu lokalnego"],
    };
    match locale {
        Locale::En => en,
        Locale::Ko => ko,
        Locale::Pl => pl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{format, Msg};

    #[test]
    fn a_date_in_the_organisations_zone_names_the_zone_in_words() {
        let shown = |locale| {
            let zone = zone_name("Europe/London", locale);
            format(locale, Msg::InOrgZone, &[("date", "D"), ("zone", zone)])
        };
        assert_eq!(shown(Locale::En), "D (UK time)");
        assert_eq!(shown(Locale::Ko), "영국 시간 기준 D");
        assert_eq!(shown(Locale::Pl), "D (według czasu brytyjskiego)");
        for locale in Locale::ALL {
            assert!(!zone_name("America/Nowhere", locale).contains('/'));
        }
    }
}
