//! Tracking numbers a person can read over the phone: `{prefix}-{year}-{sequence}`, e.g. "SM-2026-000123".
//!
//! Layout in the log (all written in the same atomic append that creates the case, so a number is never
//! allocated without its case and never reused):
//! - `trackingcounter-{prefix}-{year}`: one `TrackingNumberAssigned` event per number; the event's revision + 1
//!   is the sequence, and appending with the exact expected revision makes two concurrent intakes conflict
//!   instead of sharing a number (the loser retries with the next one). It survives restarts and works with
//!   any number of intake processes, because the log is the only counter.
//! - `tracking-{number}`: the number → case index (one event).
//! - `casetracking-{case uuid}`: the case → number index (one event); its existence also marks a submission
//!   as already taken, which is what makes intake idempotent.

use std::fmt;
use std::str::FromStr;

use casetrack_domain::CaseId;
use casetrack_eventlog::{ExpectedRevision, Metadata, NewEvent, StreamWrite};
use serde::{Deserialize, Serialize};

use crate::error::HandlerError;
use crate::ids::derived_command_id;
use crate::log::CaseLog;

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

/// The three tracking writes of a new case, given the revision of the counter stream's last event (None: first
/// of the year); also used by `casetrack import`, so imported cases are numbered exactly like intake's.
/// Errors when the year's sequence is exhausted.
pub fn assignment_writes(
    prefix: &TrackingPrefix,
    year: i32,
    counter_revision: Option<u64>,
    case_id: CaseId,
    stream: &str,
    metadata: &Metadata,
) -> Result<(String, Vec<StreamWrite>), HandlerError> {
    let (expected, sequence) = match counter_revision {
        None => (ExpectedRevision::NoStream, 1),
        Some(revision) => (ExpectedRevision::Exact(revision), revision + 2),
    };
    if sequence > MAX_SEQUENCE {
        return Err(HandlerError::TrackingNumbersExhausted {
            counter: counter_stream(prefix, year),
        });
    }
    let number = format_number(prefix, year, sequence);
    let assignment = Assignment {
        number: number.clone(),
        case_id,
        stream: stream.to_owned(),
    };
    // Serialising a struct of strings and a UUID cannot fail.
    let data = serde_json::to_value(&assignment).expect("an assignment serialises");
    let event = |purpose: &str| NewEvent {
        event_id: derived_command_id(case_id, purpose),
        event_type: ASSIGNED_EVENT_TYPE.to_owned(),
        data: data.clone(),
        metadata: metadata.clone(),
    };
    let writes = vec![
        StreamWrite {
            stream: counter_stream(prefix, year),
            expected,
            events: vec![event("tracking/counter")],
        },
        StreamWrite {
            stream: number_stream(&number),
            expected: ExpectedRevision::NoStream,
            events: vec![event("tracking/number")],
        },
        StreamWrite {
            stream: case_index_stream(case_id),
            expected: ExpectedRevision::NoStream,
            events: vec![event("tracking/case")],
        },
    ];
    Ok((number, writes))
}

/// The assignment recorded in an index stream, with the position of its event.
async fn read_index(
    log: &CaseLog,
    stream: &str,
) -> Result<Option<(Assignment, u64)>, HandlerError> {
    let Some(event) = log.read_last(stream).await? else {
        return Ok(None);
    };
    let assignment =
        serde_json::from_value(event.data).map_err(|e| HandlerError::corrupt(stream, e))?;
    Ok(Some((assignment, event.position)))
}

/// The case a tracking number names.
pub async fn lookup_number(
    log: &CaseLog,
    number: &str,
) -> Result<Option<(Assignment, u64)>, HandlerError> {
    read_index(log, &number_stream(number)).await
}

/// The tracking number of a case, and the position of the event that assigned it.
pub async fn number_of(
    log: &CaseLog,
    case_id: CaseId,
) -> Result<Option<(Assignment, u64)>, HandlerError> {
    read_index(log, &case_index_stream(case_id)).await
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
