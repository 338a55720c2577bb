//! An instant as the API carries it (`google.protobuf.Timestamp`) and as the services compute with it
//! (`chrono::DateTime<Utc>`). Every service converts through here, so every one refuses the same malformed
//! Timestamps: negative nanos (prost would silently normalise them) and seconds outside chrono's range.

use chrono::{DateTime, Utc};
use prost_types::Timestamp;

/// `at` as a Timestamp.
pub fn to_timestamp(at: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: at.timestamp(),
        // At most 1,999,999,999 (a leap second), within i32.
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

/// The instant `at` names; `None` when its nanos are negative or it lies outside the representable range.
pub fn from_timestamp(at: &Timestamp) -> Option<DateTime<Utc>> {
    let nanos = u32::try_from(at.nanos).ok()?;
    DateTime::from_timestamp(at.seconds, nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_survives_the_round_trip() {
        let at = DateTime::parse_from_rfc3339("2025-12-31T23:59:59.123456789+08:00")
            .expect("instant")
            .with_timezone(&Utc);
        assert_eq!(from_timestamp(&to_timestamp(at)), Some(at));
    }

    #[test]
    fn malformed_timestamps_name_no_instant() {
        let negative = Timestamp {
            seconds: 0,
            nanos: -1,
        };
        let out_of_range = Timestamp {
            seconds: i64::MAX,
            nanos: 0,
        };
        assert_eq!(from_timestamp(&negative), None);
        assert_eq!(from_timestamp(&out_of_range), None);
    }
}
