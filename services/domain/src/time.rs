//! Turning the caller's "now" into the local calendar date the statutory clocks count in.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time, UTC+8, no daylight saving: the zone every statutory date is in.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The date in China at the instant `now`.
pub fn local_date(now: DateTime<Utc>) -> NaiveDate {
    // A constant, valid offset (|8 h| < 24 h): FixedOffset::east_opt cannot fail here.
    let zone = FixedOffset::east_opt(CHINA_OFFSET_SECONDS).expect("UTC+8 is a valid offset");
    now.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_is_utc_plus_eight() {
        let late_utc = DateTime::parse_from_rfc3339("2018-09-27T17:00:00Z")
            .expect("date")
            .to_utc();
        assert_eq!(
            local_date(late_utc),
            NaiveDate::from_ymd_opt(2018, 9, 28).expect("date")
        );
        let early_utc = DateTime::parse_from_rfc3339("2018-09-27T15:59:59Z")
            .expect("date")
            .to_utc();
        assert_eq!(
            local_date(early_utc),
            NaiveDate::from_ymd_opt(2018, 9, 27).expect("date")
        );
    }
}
