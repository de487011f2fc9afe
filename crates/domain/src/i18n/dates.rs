//! Dates in words, in the shapes the browser's `Intl.DateTimeFormat` gives (en-GB, ko, pl; checked against
//! Chromium's output), for the intake's mail, where there is no browser to ask, and for the app's civil
//! dates, where asking costs a page its first `Intl` (the browser's locale data loaded): a customer reads
//! one style everywhere. Polish running text takes the long genitive month and
//! "r." ("do 4 grudnia 2026 r."); Korean the year-month-day order with the weekday in brackets, and the
//! time as Korean letters write it ("오후 3시"), not the browser's "오후 3:00".

use super::Locale;
use crate::calendar::{Date, DateTime, Weekday};

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec",
];
/// Genitive: "4 grudnia", never the nominative "grudzień".
const PL_MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

fn weekday(day: Weekday, locale: Locale) -> &'static str {
    let (en, ko) = match day {
        Weekday::Mon => ("Mon", "월"),
        Weekday::Tue => ("Tue", "화"),
        Weekday::Wed => ("Wed", "수"),
        Weekday::Thu => ("Thu", "목"),
        Weekday::Fri => ("Fri", "금"),
        Weekday::Sat => ("Sat", "토"),
        Weekday::Sun => ("Sun", "일"),
    };
    match locale {
        Locale::Ko => ko,
        _ => en,
    }
}

/// "Fri, 4 Dec 2026", "2026년 12월 4일 (금)", "4 grudnia 2026 r.".
pub fn date_text(date: Date, locale: Locale) -> String {
    let month = usize::from(date.month().clamp(1, 12)) - 1;
    match locale {
        Locale::En => format!(
            "{}, {} {} {}",
            weekday(date.weekday(), locale),
            date.day(),
            EN_MONTHS[month],
            date.year()
        ),
        Locale::Ko => format!(
            "{}년 {}월 {}일 ({})",
            date.year(),
            date.month(),
            date.day(),
            weekday(date.weekday(), locale)
        ),
        // "2026 r." on one line: a non-breaking space, as Polish typography wants.
        Locale::Pl => format!(
            "{} {} {}\u{a0}r.",
            date.day(),
            PL_MONTHS[month],
            date.year()
        ),
    }
}

/// The date with its time: "Mon, 23 Nov 2026, 14:00", "23 listopada 2026 r., 14:00" (24-hour), and in
/// Korean as a Korean customer-service letter writes it, with 오전/오후 and the hour in words of the clock:
/// "2026년 11월 23일 (월) 오후 2시", "… 오후 2시 5분".
pub fn date_time_text(at: DateTime, locale: Locale) -> String {
    let date = date_text(at.date, locale);
    let (hour, minute) = (at.hour(), at.minute_of_hour());
    if locale != Locale::Ko {
        return format!("{date}, {hour:02}:{minute:02}");
    }
    let half = if hour < 12 { "오전" } else { "오후" };
    // Midnight and noon are 12 on a Korean clock face: 오전 12시, 오후 12시.
    let clock = match hour % 12 {
        0 => 12,
        h => h,
    };
    match minute {
        0 => format!("{date} {half} {clock}시"),
        m => format!("{date} {half} {clock}시 {m}분"),
    }
}

/// The year and week of an ISO week's name (`2026-W48`), as the published figures name weeks; `None` for
/// anything else.
pub fn iso_week(name: &str) -> Option<(i32, u8)> {
    let (year, week) = name.split_once("-W")?;
    let (year, week) = (year.parse::<i32>().ok()?, week.parse::<u8>().ok()?);
    (year > 0 && (1..=53).contains(&week)).then_some((year, week))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_dates_its_own_way() {
        let date = Date::new(2026, 12, 4).unwrap();
        assert_eq!(date_text(date, Locale::En), "Fri, 4 Dec 2026");
        assert_eq!(date_text(date, Locale::Ko), "2026년 12월 4일 (금)");
        assert_eq!(date_text(date, Locale::Pl), "4 grudnia 2026\u{a0}r.");
        let at = DateTime::new(Date::new(2026, 11, 23).unwrap(), 14, 5).unwrap();
        assert_eq!(date_time_text(at, Locale::En), "Mon, 23 Nov 2026, 14:05");
        assert_eq!(
            date_time_text(at, Locale::Ko),
            "2026년 11월 23일 (월) 오후 2시 5분"
        );
        let on_4th =
            |hour, minute| DateTime::new(Date::new(2026, 12, 4).unwrap(), hour, minute).unwrap();
        assert_eq!(
            date_time_text(on_4th(15, 0), Locale::Ko),
            "2026년 12월 4일 (금) 오후 3시"
        );
        assert_eq!(
            date_time_text(on_4th(0, 30), Locale::Ko),
            "2026년 12월 4일 (금) 오전 12시 30분"
        );
        assert_eq!(
            date_time_text(on_4th(12, 0), Locale::Ko),
            "2026년 12월 4일 (금) 오후 12시"
        );
        assert_eq!(
            date_time_text(on_4th(9, 5), Locale::Ko),
            "2026년 12월 4일 (금) 오전 9시 5분"
        );
        assert_eq!(
            date_time_text(at, Locale::Pl),
            "23 listopada 2026\u{a0}r., 14:05"
        );
    }

    /// Chromium's `Intl.DateTimeFormat` (en-GB and ko with a short weekday, day, short month and year,
    /// UTC; pl with the long month, to which the app adds "r."), the 4th of January to the 15th of
    /// December 2026, one a month: the months' names, and September's "Sept".
    #[test]
    fn the_shapes_are_those_the_browser_gives() {
        let en = [
            "Sun, 4 Jan 2026",
            "Thu, 5 Feb 2026",
            "Fri, 6 Mar 2026",
            "Tue, 7 Apr 2026",
            "Fri, 8 May 2026",
            "Tue, 9 Jun 2026",
            "Fri, 10 Jul 2026",
            "Tue, 11 Aug 2026",
            "Sat, 12 Sept 2026",
            "Tue, 13 Oct 2026",
            "Sat, 14 Nov 2026",
            "Tue, 15 Dec 2026",
        ];
        let ko_weekdays = [
            "일", "목", "금", "화", "금", "화", "금", "화", "토", "화", "토", "화",
        ];
        let pl = [
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ];
        for month in 1..=12_u8 {
            let i = usize::from(month) - 1;
            let date = Date::new(2026, month, month + 3).unwrap();
            assert_eq!(date_text(date, Locale::En), en[i]);
            assert_eq!(
                date_text(date, Locale::Ko),
                format!("2026년 {month}월 {}일 ({})", month + 3, ko_weekdays[i])
            );
            assert_eq!(
                date_text(date, Locale::Pl),
                format!("{} {} 2026\u{a0}r.", month + 3, pl[i])
            );
            let at = DateTime::new(date, 9, 5).unwrap();
            assert_eq!(date_time_text(at, Locale::En), format!("{}, 09:05", en[i]));
            assert_eq!(
                date_time_text(at, Locale::Ko),
                format!(
                    "2026년 {month}월 {}일 ({}) 오전 9시 5분",
                    month + 3,
                    ko_weekdays[i]
                )
            );
        }
    }

    #[test]
    fn an_iso_week_name_reads_back_and_anything_else_does_not() {
        assert_eq!(iso_week("2026-W48"), Some((2026, 48)));
        assert_eq!(iso_week("2026-W54"), None);
        assert_eq!(iso_week("W48"), None);
        let label = |l| crate::i18n::format(l, crate::i18n::Msg::WeekLabel, &[("week", "48")]);
        assert_eq!(label(Locale::En), "week 48");
        assert_eq!(label(Locale::Ko), "48주차");
        assert_eq!(label(Locale::Pl), "tydz.\u{a0}48");
    }
}
