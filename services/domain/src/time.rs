//! Turning the caller's "now" into the local calendar date the statutory clocks count in.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The day the 政府信息公开条例 took effect (国务院令第492号): no case or record this system holds can have been
/// recorded before it, so an earlier `occurred_at` is a typing error.
pub const REGULATIONS_IN_FORCE: NaiveDate = match NaiveDate::from_ymd_opt(2008, 5, 1) {
    Some(day) => day,
    None => panic!("2008-05-01 is a date"),
};

/// China Standard Time, UTC+8, no daylight saving: the zone every statutory date is in.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The first instant of `day` in China.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    // Midnight exists on every day and UTC+8 has no gaps, so the conversion is exact.
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    midnight.and_utc() - chrono::Duration::seconds(i64::from(CHINA_OFFSET_SECONDS))
}

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
    fn the_day_starts_at_midnight_in_china() {
        let start = start_of_day(REGULATIONS_IN_FORCE);
        assert_eq!(start.to_rfc3339(), "2008-04-30T16:00:00+00:00");
        assert_eq!(local_date(start), REGULATIONS_IN_FORCE);
        assert!(local_date(start - chrono::Duration::seconds(1)) < REGULATIONS_IN_FORCE);
    }

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
