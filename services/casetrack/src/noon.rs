//! The instant at which a back-dated fact (an imported ledger row, a demonstration year) is recorded: noon in
//! China (04:00 UTC) of its date, safely inside the statutory date however the instant is turned into one.

use casetrack_api::instant::to_timestamp;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

/// 04:00 UTC is 12:00 in China Standard Time (UTC+8).
const NOON_IN_CHINA_UTC_HOUR: u32 = 4;

/// Noon in China on `date`, as a UTC instant.
pub fn noon_in_china(date: NaiveDate) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(NOON_IN_CHINA_UTC_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    Utc.from_utc_datetime(&date.and_time(time))
}

/// [`noon_in_china`] on `date` as the `occurred_at` of a gRPC request.
pub fn occurred_at_noon(date: NaiveDate) -> Option<prost_types::Timestamp> {
    Some(to_timestamp(noon_in_china(date)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use casetrack_domain::time::local_date;

    #[test]
    fn noon_in_china_falls_on_its_own_date() {
        let day = NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
        assert_eq!(local_date(noon_in_china(day)), day);
        assert_eq!(noon_in_china(day).to_rfc3339(), "2025-12-31T04:00:00+00:00");
    }
}
