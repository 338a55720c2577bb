//! Tracking numbers a person can read over the phone: `{prefix}-{year}-{sequence}`, e.g. "SM-2026-000123",
//! and the records that carry them in the log. Intake writes these records (casetrack-handlers, tracking.rs)
//! and the projector reads them: both take the format from here, so writer and reader cannot drift apart.
//!
//! Layout in the log, all written in the same atomic append that creates the case, in this order:
//! - the case's own stream (its first events);
//! - `trackingcounter-{prefix}-{year}`: one `TrackingNumberAssigned` event per number, appended at any revision.
//!   The log's single writer gives it the stream's next revision in commit order, so revision + 1 is the
//!   sequence: unique and dense per prefix and year, and concurrent creates never conflict on it.
//! - `casetracking-{case uuid}`: the case → stream index (one event), directly after the counter record, so the
//!   event before it in the log is the record that numbered the case. A record (documents, counts) takes no
//!   number: its index is not preceded by a counter record of its case.
//!
//! A number leads back to its case through the counter: `SM-2026-000123` is revision 122 of
//! `trackingcounter-SM-2026`. Every event is a `TrackingNumberAssigned` whose data is an [`Assignment`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::CaseId;

/// Event type of every tracking event; its data is an [`Assignment`].
pub const ASSIGNED_EVENT_TYPE: &str = "TrackingNumberAssigned";
pub const COUNTER_CATEGORY: &str = "trackingcounter";
pub const CASE_INDEX_CATEGORY: &str = "casetracking";
/// Digits the sequence part is padded to; a year past 999,999 numbers simply grows a digit.
pub const SEQUENCE_DIGITS: usize = 6;
/// Longest agency prefix.
pub const MAX_PREFIX_LEN: usize = 8;

/// The agency prefix of every number this deployment allocates: 1..=8 ASCII capitals or digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingPrefix(String);

impl FromStr for TrackingPrefix {
    type Err = String;

    fn from_str(text: &str) -> Result<TrackingPrefix, String> {
        let valid = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
        if text.is_empty() || text.len() > MAX_PREFIX_LEN || !text.chars().all(valid) {
            return Err(format!(
                "tracking prefix {text:?} must be 1..={MAX_PREFIX_LEN} capitals or digits"
            ));
        }
        Ok(TrackingPrefix(text.to_owned()))
    }
}

impl fmt::Display for TrackingPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The data of a `TrackingNumberAssigned` event: the case it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub case_id: CaseId,
    /// The case's stream, e.g. `hotline-<uuid>`.
    pub stream: String,
    /// The number itself, written only by the earlier layout (number fixed before the append); absent now,
    /// where the counter record's revision is the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

pub fn counter_stream(prefix: &TrackingPrefix, year: i32) -> String {
    format!("{COUNTER_CATEGORY}-{prefix}-{year}")
}

pub fn case_index_stream(case_id: CaseId) -> String {
    format!("{CASE_INDEX_CATEGORY}-{}", case_id.0)
}

/// The number the record at `revision` of a counter stream stands for; `None` for a stream that is no counter.
pub fn number_at(counter_stream: &str, revision: u64) -> Option<String> {
    let counter = counter_stream
        .strip_prefix(COUNTER_CATEGORY)?
        .strip_prefix('-')?;
    Some(format!(
        "{counter}-{:0width$}",
        revision + 1,
        width = SEQUENCE_DIGITS
    ))
}

/// Where a number was recorded: its counter stream and the revision of its record there; `None` for text that
/// is no tracking number.
pub fn locate_number(number: &str) -> Option<(String, u64)> {
    let (counter, sequence) = number.rsplit_once('-')?;
    let sequence: u64 = sequence.parse().ok()?;
    let revision = sequence.checked_sub(1)?;
    let stream = format!("{COUNTER_CATEGORY}-{counter}");
    // Only the canonical spelling names a record, so "SM-2026-123" is not SM-2026-000123.
    (number_at(&stream, revision)? == number).then_some((stream, revision))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_example_and_lead_back_to_their_record() {
        let prefix: TrackingPrefix = "SM".parse().expect("valid prefix");
        let counter = counter_stream(&prefix, 2026);
        assert_eq!(number_at(&counter, 122).as_deref(), Some("SM-2026-000123"));
        assert_eq!(
            locate_number("SM-2026-000123"),
            Some((counter.clone(), 122))
        );
        assert_eq!(
            number_at(&counter, 1_000_000).as_deref(),
            Some("SM-2026-1000001")
        );
        assert_eq!(locate_number("SM-2026-1000001"), Some((counter, 1_000_000)));
        for bad in [
            "",
            "SM-2026-000000",
            "SM-2026-123",
            "SM-2026-x",
            "SM2026000123",
        ] {
            assert_eq!(locate_number(bad), None, "{bad:?}");
        }
        assert_eq!(number_at("casetracking-1", 0), None);
        for bad in ["", "sm", "S-M", "ABCDEFGHI"] {
            assert!(bad.parse::<TrackingPrefix>().is_err(), "{bad:?}");
        }
    }
}
