//! Years whose holiday notice is not published yet: computed from the law, marked provisional, replaced when the
//! notice is loaded.

mod common;

use casetrack_domain::CalendarError;
use casetrack_domain::calendar::{PROVISIONAL_YEARS_AHEAD, provisional};
use chrono::{Datelike, NaiveDate, Weekday};
use common::{calendar, d};

/// 2027 under the 2024 rules, checked by hand: 除夕 is 2027-02-05 (正月初一 2027-02-06), 清明 2027-04-05,
/// 端午 (五月初五) 2027-06-09, 中秋 (八月十五) 2027-09-15.
const DAYS_OFF_2027: [(i32, u32, u32); 13] = [
    (2027, 1, 1),  // 元旦, Fri
    (2027, 2, 5),  // 除夕, Fri
    (2027, 2, 6),  // 初一, Sat
    (2027, 2, 7),  // 初二, Sun
    (2027, 2, 8),  // 初三, Mon
    (2027, 4, 5),  // 清明, Mon
    (2027, 5, 1),  // 劳动节, Sat
    (2027, 5, 2),  // 劳动节, Sun
    (2027, 6, 9),  // 端午, Wed
    (2027, 9, 15), // 中秋, Wed
    (2027, 10, 1), // 国庆, Fri
    (2027, 10, 2), // 国庆, Sat
    (2027, 10, 3), // 国庆, Sun
];

fn days_of(year: i32) -> impl Iterator<Item = NaiveDate> {
    d(year, 1, 1)
        .iter_days()
        .take_while(move |date| date.year() == year)
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[test]
fn every_receipt_late_in_2026_gets_a_20_day_deadline_marked_when_it_needs_2027() {
    let cal = calendar();
    for receipt in d(2026, 11, 20)
        .iter_days()
        .take_while(|day| *day <= d(2026, 12, 31))
    {
        let due = cal.add_working_days(receipt, 20).expect("has a deadline");
        // From 25 December on, a date needs the next year's notice too.
        let expected: &[i32] = if due >= d(2026, 12, 25) { &[2027] } else { &[] };
        assert_eq!(
            cal.provisional_years_in(receipt, due),
            expected,
            "{receipt}"
        );
    }
    // Hand-counted: 11-27 → 30 Nov–4 Dec, 7–11, 14–18, 21–25 Dec. 12-15 → 16–18, 21–25, 28–31 Dec (12),
    // 1 Jan off, 4–8 (17), 11–13 Jan. 12-31 → 1 Jan off, 4–29 Jan is 20 working days.
    let table = [
        (d(2026, 11, 20), d(2026, 12, 18)),
        (d(2026, 11, 26), d(2026, 12, 24)),
        (d(2026, 11, 27), d(2026, 12, 25)),
        (d(2026, 12, 15), d(2027, 1, 13)),
        (d(2026, 12, 31), d(2027, 1, 29)),
    ];
    for (receipt, due) in table {
        assert_eq!(cal.add_working_days(receipt, 20), Ok(due), "{receipt}");
    }
}

#[test]
fn provisional_2027_is_exactly_weekends_and_the_statutory_days_off() {
    let cal = calendar();
    let off: Vec<NaiveDate> = DAYS_OFF_2027
        .iter()
        .map(|&(y, m, day)| d(y, m, day))
        .collect();
    let computed: Vec<NaiveDate> = provisional::statutory_days_off(2027)
        .expect("2027 is computable")
        .into_iter()
        .map(|(date, _)| date)
        .collect();
    assert_eq!(computed, off);
    for date in days_of(2027) {
        let working = is_weekday(date) && !off.contains(&date);
        assert_eq!(cal.is_working_day(date), Ok(working), "{date}");
    }
}

/// The published years read exactly as their files say, provisional years or not.
#[test]
fn published_2025_and_2026_are_unchanged() {
    let cal = calendar();
    let files = [
        include_str!("../data/holiday-cn/2025.json"),
        include_str!("../data/holiday-cn/2026.json"),
    ];
    let mut listed = std::collections::BTreeMap::new();
    for text in files {
        let file: serde_json::Value = serde_json::from_str(text).expect("parses");
        for day in file["days"].as_array().expect("days") {
            let date = day["date"].as_str().expect("date").parse::<NaiveDate>();
            let off = day["isOffDay"].as_bool().expect("isOffDay");
            listed.insert(date.expect("ISO date"), off);
        }
    }
    for date in days_of(2025).chain(days_of(2026)) {
        let working = listed.get(&date).map_or(is_weekday(date), |off| !off);
        assert_eq!(cal.is_working_day(date), Ok(working), "{date}");
    }
}

#[test]
fn years_beyond_the_provisional_bound_stay_uncovered() {
    let cal = calendar();
    assert_eq!(PROVISIONAL_YEARS_AHEAD, 2);
    assert!(cal.is_working_day(d(2028, 12, 22)).is_ok());
    // 2028-12-25 already needs 2029, whose notice may arrange the end of December 2028.
    for (date, uncovered) in [
        (d(2028, 12, 25), 2029),
        (d(2029, 1, 2), 2029),
        (d(2031, 6, 2), 2031),
    ] {
        assert!(
            matches!(
                cal.is_working_day(date),
                Err(CalendarError::YearNotCovered { year, .. }) if year == uncovered
            ),
            "{date}"
        );
    }
    assert!(matches!(
        cal.add_working_days(d(2028, 12, 10), 20),
        Err(CalendarError::YearNotCovered { year: 2029, .. })
    ));
}

#[test]
fn provisional_years_a_span_depends_on() {
    let cal = calendar();
    let table: [(NaiveDate, NaiveDate, &[i32]); 6] = [
        (d(2025, 1, 1), d(2026, 6, 1), &[]),
        (d(2026, 12, 1), d(2026, 12, 24), &[]),
        (d(2026, 12, 1), d(2026, 12, 25), &[2027]),
        (d(2027, 3, 1), d(2026, 12, 1), &[2027]),
        (d(2026, 12, 1), d(2028, 1, 5), &[2027, 2028]),
        (d(2027, 12, 24), d(2027, 12, 27), &[2027, 2028]),
    ];
    for (from, to, expected) in table {
        assert_eq!(cal.provisional_years_in(from, to), expected, "{from}–{to}");
    }
}

/// A made-up 2027 notice: 春节 5–11 Feb off, Sat 13 Feb worked.
const NOTICE_2027: &str = r#"{"year": 2027, "papers": ["test"], "days": [
    {"name": "春节", "date": "2027-02-05", "isOffDay": true},
    {"name": "春节", "date": "2027-02-06", "isOffDay": true},
    {"name": "春节", "date": "2027-02-07", "isOffDay": true},
    {"name": "春节", "date": "2027-02-08", "isOffDay": true},
    {"name": "春节", "date": "2027-02-09", "isOffDay": true},
    {"name": "春节", "date": "2027-02-10", "isOffDay": true},
    {"name": "春节", "date": "2027-02-11", "isOffDay": true},
    {"name": "春节", "date": "2027-02-13", "isOffDay": false}
]}"#;

#[test]
fn loading_the_notice_replaces_the_provisional_year_and_moves_the_window() {
    let estimate = calendar();
    let published = estimate.amended("with-2027", NOTICE_2027).expect("amend");
    assert!(published.published_years().any(|year| year == 2027));
    assert_eq!(
        published.provisional_years().collect::<Vec<_>>(),
        [2028, 2029]
    );
    assert_eq!(
        published.version(),
        "with-2027+provisional:2028-2029@fangjia-2024/lunar-t1"
    );
    assert_ne!(published.version(), estimate.version());
    for (date, estimated, notified) in [
        (d(2027, 2, 9), true, false),
        (d(2027, 2, 13), false, true),
        (d(2027, 4, 5), false, true), // 清明 is missing from the made-up notice
    ] {
        assert_eq!(estimate.is_working_day(date), Ok(estimated), "{date}");
        assert_eq!(published.is_working_day(date), Ok(notified), "{date}");
    }
    // Received Mon 2027-02-01: estimate 2–4 Feb, 9–12, 15–19, 22–26, 1–3 Mar → 3 Mar; notice 2–4 Feb, 12, 13,
    // 15–19, 22–26, 1–5 Mar → 5 Mar.
    assert_eq!(
        estimate.add_working_days(d(2027, 2, 1), 20),
        Ok(d(2027, 3, 3))
    );
    assert_eq!(
        published.add_working_days(d(2027, 2, 1), 20),
        Ok(d(2027, 3, 5))
    );
    assert!(
        published
            .provisional_years_in(d(2027, 2, 1), d(2027, 3, 5))
            .is_empty()
    );
    // Amending an older year leaves the provisional years where they were.
    let older = estimate
        .amended("2026-again", include_str!("../data/holiday-cn/2026.json"))
        .expect("amend");
    assert_eq!(older.provisional_years().collect::<Vec<_>>(), [2027, 2028]);
}
