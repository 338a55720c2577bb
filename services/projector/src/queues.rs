//! The staff console's queues: open cases by agency and state, each with its statutory deadline and the
//! working days left. The queue model says which cases are open where; the deadline is computed when asked,
//! by the domain from the case's own events and the calendar in force, so a new calendar version moves every
//! open deadline at once and nothing stored goes stale. "Today" is an argument. The reminder pass reads the
//! same model (`due_cases`): the cases due soon or overdue across every agency.

use std::collections::BTreeMap;

use casetrack_domain::deadline::{Clocks, working_days_left};
use casetrack_domain::{Case, CaseId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agency::validate_agency;
use crate::annual::AgencyScope;
use crate::calendar::clocks_in;
use crate::case::StoredCase;
use crate::error::ProjectorError;
use crate::keys::{key, prefix, suffix_parts};
use crate::kv::{Entry, KvRead};
use crate::model::{ReadModel, parse_json, state_key};
use crate::summary::CaseSummary;

/// Most entries one queue query returns; a longer queue is an error the caller sees.
pub const MAX_QUEUE_ENTRIES: usize = 10_000;

/// Most open cases, of every agency together, one reminder pass ([`due_cases`]) or metrics scrape
/// ([`open_by_agency`]) looks through; more is an error it reports, never a silent cut.
pub const MAX_DUE_SCAN: usize = 1_000_000;

/// One open case in a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub case: CaseSummary,
    /// The statutory deadline; `None` when the clock is stopped or the kind has none.
    pub deadline: Option<NaiveDate>,
    /// Working days from today to the deadline: negative when overdue.
    pub working_days_left: Option<i64>,
    /// The deadline was counted through a year whose holiday arrangement is not yet published.
    pub deadline_provisional: bool,
    /// Why there is no deadline: the clock is stopped or idle (and why), or the deadline cannot be computed
    /// (no calendar for the year, no hotline limit configured, …). One such case never fails the list.
    pub no_deadline_reason: Option<String>,
}

/// Which open cases to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    All,
    /// Deadline within this many working days (today included), not yet passed.
    Within(i64),
    Overdue,
}

/// The open cases of `agency` (with `AgencyScope::Tree`, of every agency below it too: a ticket dispatched to
/// `simao/roads` is in `simao`'s queue), in `state` or every state, with deadlines as of `today`, filtered by
/// `due`, most urgent first.
pub fn queue(
    kv: &dyn KvRead,
    clocks: &Clocks,
    (agency, scope): (&str, AgencyScope),
    state: Option<&str>,
    today: NaiveDate,
    due: Due,
) -> Result<Vec<QueueEntry>, ProjectorError> {
    validate_agency(agency)?;
    // The calendar in force at the point the model has folded to (base amended by the loaded arrangements).
    let clocks = &clocks_in(kv, clocks)?;
    let stored = stored_entries(kv, agency, scope, state)?;
    if stored.len() > MAX_QUEUE_ENTRIES {
        return Err(ProjectorError::TooMany {
            what: "queue",
            limit: MAX_QUEUE_ENTRIES,
            actual: stored.len(),
        });
    }
    let mut out = Vec::new();
    for (k, v) in stored {
        let case: CaseSummary = parse_json(&k, &v)?;
        let (entry, _) = with_deadline(kv, clocks, case, today)?;
        let keep = match (due, entry.working_days_left) {
            (Due::All, _) => true,
            (Due::Within(days), Some(left)) => (0..=days).contains(&left),
            (Due::Overdue, Some(left)) => left < 0,
            (_, None) => false,
        };
        if keep {
            out.push(entry);
        }
    }
    out.sort_by_key(|e| (e.working_days_left.unwrap_or(i64::MAX), e.case.received_on));
    Ok(out)
}

/// The stored queue entries of `agency` in `state` (or every state), and with `AgencyScope::Tree` those of
/// the agencies below it: their keys start `queues\0q\0{agency}/`, since agency ids are paths.
fn stored_entries(
    kv: &dyn KvRead,
    agency: &str,
    scope: AgencyScope,
    state: Option<&str>,
) -> Result<Vec<Entry>, ProjectorError> {
    let own = match state {
        Some(state) => prefix(&["queues", "q", agency, state]),
        None => prefix(&["queues", "q", agency]),
    };
    let mut stored = kv.scan_prefix(&own)?;
    if scope == AgencyScope::Tree {
        let queues = prefix(&["queues", "q"]);
        let below = key(&["queues", "q", &format!("{agency}/")]);
        // Parts after `queues\0q\0`: agency, status, case.
        let in_state = |k: &[u8]| {
            state.is_none_or(|state| {
                suffix_parts(k, queues.len()).get(1).map(String::as_str) == Some(state)
            })
        };
        stored.extend(
            kv.scan_prefix(&below)?
                .into_iter()
                .filter(|(k, _)| in_state(k)),
        );
    }
    Ok(stored)
}

/// An open case whose deadline is near or passed: what the reminder pass acts on.
#[derive(Debug, Clone)]
pub struct DueCase {
    pub case_id: CaseId,
    /// The case as the queue model folded it: the domain's own state, which says who is reminded.
    pub state: Case,
    pub due: NaiveDate,
    /// Negative when overdue.
    pub working_days_left: i64,
}

/// Every open case of every agency whose deadline is at most `within` working days away on `today`, or has
/// passed; a case whose deadline cannot be computed is logged and left out (one case never fails the pass).
pub fn due_cases(
    kv: &dyn KvRead,
    clocks: &Clocks,
    today: NaiveDate,
    within: i64,
) -> Result<Vec<DueCase>, ProjectorError> {
    let clocks = &clocks_in(kv, clocks)?;
    let mut due = Vec::new();
    for (k, v) in every_open_case(kv, "open cases to remind")? {
        let case: CaseSummary = parse_json(&k, &v)?;
        let (entry, stored) = with_deadline(kv, clocks, case, today)?;
        match (entry.deadline, entry.working_days_left) {
            (Some(deadline), Some(left)) if left <= within => due.push(DueCase {
                case_id: stored.case_id,
                state: stored.state,
                due: deadline,
                working_days_left: left,
            }),
            _ => {
                if let Some(reason) = &entry.no_deadline_reason {
                    tracing::debug!(case_id = %entry.case.case_id, reason, "no deadline to remind of");
                }
            }
        }
    }
    Ok(due)
}

/// The queue entry of one open case, and the case as stored: its deadline computed by the domain from the
/// case's state as the queue model stored it (`queues\0s\0{case}`, written in the same batch as the entry),
/// under today's clocks.
fn with_deadline(
    kv: &dyn KvRead,
    clocks: &Clocks,
    case: CaseSummary,
    today: NaiveDate,
) -> Result<(QueueEntry, StoredCase), ProjectorError> {
    let state_key = state_key(ReadModel::Queues, case.case_id);
    let stored = StoredCase::read(kv, &state_key)?.ok_or_else(|| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(&state_key).into_owned(),
        reason: "a queue entry without its case".to_owned(),
    })?;
    let mut entry = QueueEntry {
        case,
        deadline: None,
        working_days_left: None,
        deadline_provisional: false,
        no_deadline_reason: None,
    };
    let clock = match stored.state.clock(clocks) {
        Ok(clock) => clock,
        Err(error) => {
            entry.no_deadline_reason = Some(error.to_string());
            return Ok((entry, stored));
        }
    };
    let Some(deadline) = clock.deadline() else {
        entry.no_deadline_reason = Some(clock.to_string());
        return Ok((entry, stored));
    };
    entry.deadline = Some(deadline.due);
    entry.deadline_provisional = deadline.is_provisional();
    match working_days_left(deadline.due, today, &clocks.calendar) {
        Ok(left) => entry.working_days_left = Some(left),
        Err(error) => entry.no_deadline_reason = Some(error.to_string()),
    }
    Ok((entry, stored))
}

/// Open cases of one agency on a day, and how many of them are past their deadline.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OpenCount {
    pub open: u64,
    pub overdue: u64,
}

/// The open cases of every agency on `today` and the overdue among them (the metrics' figures), by the same
/// deadlines the queues show; a case without an agency counts under "".
pub fn open_by_agency(
    kv: &dyn KvRead,
    clocks: &Clocks,
    today: NaiveDate,
) -> Result<BTreeMap<String, OpenCount>, ProjectorError> {
    let clocks = &clocks_in(kv, clocks)?;
    let mut counts: BTreeMap<String, OpenCount> = BTreeMap::new();
    for (k, v) in every_open_case(kv, "open cases to count")? {
        let case: CaseSummary = parse_json(&k, &v)?;
        let agency = case
            .agency
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let (entry, _) = with_deadline(kv, clocks, case, today)?;
        let count = counts.entry(agency).or_default();
        count.open += 1;
        count.overdue += u64::from(entry.working_days_left.is_some_and(|left| left < 0));
    }
    Ok(counts)
}

/// The queue entries of every open case, at most [`MAX_DUE_SCAN`] (more is an error naming `what`).
fn every_open_case(kv: &dyn KvRead, what: &'static str) -> Result<Vec<Entry>, ProjectorError> {
    let stored = kv.scan_prefix(&prefix(&["queues", "q"]))?;
    if stored.len() > MAX_DUE_SCAN {
        return Err(ProjectorError::TooMany {
            what,
            limit: MAX_DUE_SCAN,
            actual: stored.len(),
        });
    }
    Ok(stored)
}
