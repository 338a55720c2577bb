//! Memberships with the log range in which they held, so that a report as of any log position is a count over
//! ranges in the store (`as_of_view.rs`) instead of a fold of the log into memory.
//!
//! Positions here are *as-of positions*: "as of `n`" means after folding events `0..n`. An event at position
//! `p` that adds a membership makes it hold from `p + 1` (`since`); the event at `q` that removes it ends its
//! range at `q + 1` (`until`). A membership holds as of `n` when `since <= n < until`.
//!
//! | key | value |
//! |---|---|
//! | `annual\0m\0{agency}\0{year}\0{cell}\0{case}` (and `o`) | weight · since (u64 BE each): the membership now |
//! | `annual\0hm\0{agency}\0{year}\0{cell}\0{case}\0{since:020}` (and `ho`) | weight · until ([`OPEN`] while it holds) |
//! | `annual\0d\0{case}\0{since:020}` | the case's [`CaseCard`] from `since` on (a new one when it changes) |
//! | `annual\0a\0{agency}` | since (u64 BE): the first position at which the agency had a membership |

use casetrack_domain::{ApplicantType, CaseId, CaseKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ProjectorError;
use crate::keys::{decode_u64, key, prefix};
use crate::summary::CaseSummary;

/// The end of the range of a membership that still holds.
pub const OPEN: u64 = u64::MAX;

/// Version of this layout, part of the annual model's version: a store without ranges is rebuilt on open.
pub const RANGES_LAYOUT: &str = "annual-ranges/1 (memberships with the log range they held)";

/// The tag of the history beside a membership tag (`m` → `hm`, `o` → `ho`).
pub fn history_tag(tag: &str) -> String {
    format!("h{tag}")
}

/// The history record of the membership `annual\0{tag}\0{parts…}` that holds from `since`.
pub fn range_key(tag: &str, parts: &[&str], since: u64) -> Vec<u8> {
    let tag = history_tag(tag);
    let since = format!("{since:020}");
    let mut all = vec!["annual", tag.as_str()];
    all.extend_from_slice(parts);
    all.push(&since);
    key(&all)
}

/// Two u64 BE: a membership's weight and since, or a range's weight and until.
pub fn encode_pair(first: u64, second: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    out.extend_from_slice(&first.to_be_bytes());
    out.extend_from_slice(&second.to_be_bytes());
    out
}

pub fn decode_pair(key: &[u8], value: &[u8]) -> Result<(u64, u64), ProjectorError> {
    if value.len() != 16 {
        return Err(ProjectorError::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            reason: format!("expected 16 bytes, found {}", value.len()),
        });
    }
    let (first, second) = value.split_at(8);
    Ok((decode_u64(key, first)?, decode_u64(key, second)?))
}

/// The `since` part (the last) of a history or card key.
pub fn since_of(key: &[u8]) -> Result<u64, ProjectorError> {
    let start = key
        .iter()
        .rposition(|b| *b == crate::keys::SEP)
        .map_or(0, |i| i + 1);
    std::str::from_utf8(&key[start..])
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| ProjectorError::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            reason: "expected a log position as the last part".into(),
        })
}

/// What a drill-down shows of a case besides its cell and weight; versioned by position so that a drill-down
/// as of a position shows the case as it was then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCard {
    pub tracking_number: String,
    pub kind: CaseKind,
    pub applicant_type: Option<ApplicantType>,
    pub received_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub outcome: Option<String>,
}

impl CaseCard {
    pub fn of(summary: &CaseSummary) -> CaseCard {
        CaseCard {
            tracking_number: summary.tracking_number.clone(),
            kind: summary.kind,
            applicant_type: summary.applicant_type,
            received_on: summary.received_on,
            decided_on: summary.decided_on,
            outcome: summary.outcome.clone(),
        }
    }
}

pub fn card_key(case: CaseId, since: u64) -> Vec<u8> {
    key(&["annual", "d", &case.to_string(), &format!("{since:020}")])
}

/// The prefix of every version of a case's card; the last one in key order is the latest.
pub fn cards_of(case: CaseId) -> Vec<u8> {
    prefix(&["annual", "d", &case.to_string()])
}
