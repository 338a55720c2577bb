//! Tracking numbers a person can read over the phone: `{prefix}-{year}-{sequence}`, e.g. "SM-2026-000123",
//! and the records that carry them in the log. Intake writes these records (casetrack-handlers, tracking.rs)
//! and the projector reads them: both take the format from here, so writer and reader cannot drift apart.
//!
//! Layout in the log (all written in the same atomic append that creates the case):
//! - `trackingcounter-{prefix}-{year}`: one `TrackingNumberAssigned` event per number; the event's revision + 1
//!   is the sequence.
//! - `tracking-{number}`: the number → case index (one event).
//! - `casetracking-{case uuid}`: the case → number index (one event).
//!
//! Every event is a `TrackingNumberAssigned` whose data is an [`Assignment`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::CaseId;

/// Event type of every tracking event; its data is an [`Assignment`].
pub const ASSIGNED_EVENT_TYPE: &str = "TrackingNumberAssigned";
pub const COUNTER_CATEGORY: &str = "trackingcounter";
pub const NUMBER_CATEGORY: &str = "tracking";
pub const CASE_INDEX_CATEGORY: &str = "casetracking";
/// Digits of the sequence part; the largest sequence a (prefix, year) can reach.
pub const SEQUENCE_DIGITS: usize = 6;
pub const MAX_SEQUENCE: u64 = 999_999;
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

/// The data of a `TrackingNumberAssigned` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub number: String,
    pub case_id: CaseId,
    /// The case's stream, e.g. `hotline-<uuid>`.
    pub stream: String,
}

pub fn counter_stream(prefix: &TrackingPrefix, year: i32) -> String {
    format!("{COUNTER_CATEGORY}-{prefix}-{year}")
}

pub fn number_stream(number: &str) -> String {
    format!("{NUMBER_CATEGORY}-{number}")
}

pub fn case_index_stream(case_id: CaseId) -> String {
    format!("{CASE_INDEX_CATEGORY}-{}", case_id.0)
}

pub fn format_number(prefix: &TrackingPrefix, year: i32, sequence: u64) -> String {
    format!(
        "{prefix}-{year}-{sequence:0width$}",
        width = SEQUENCE_DIGITS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_the_example() {
        let prefix: TrackingPrefix = "SM".parse().expect("valid prefix");
        assert_eq!(format_number(&prefix, 2026, 123), "SM-2026-000123");
        for bad in ["", "sm", "S-M", "ABCDEFGHI"] {
            assert!(bad.parse::<TrackingPrefix>().is_err(), "{bad:?}");
        }
    }
}
