//! The staff console's queues: open cases by agency and state, each with its statutory deadline and the
//! working days left. The queue model says which cases are open where; the deadline is computed when asked,
//! by the domain from the case's own events and the calendar in force, so a new calendar version moves every
//! open deadline at once and nothing stored goes stale. "Today" is an argument.

use casetrack_domain::deadline::{
    Clock, ClockRules, Deadline, DeadlineError, application_clock, hotline_deadline,
    proposal_deadline, working_days_left,
};
use casetrack_domain::{Calendar, CaseKind, Event, application, hotline, proposal, stream_name};
use casetrack_eventlog::{Direction, EventLog, MAX_READ_BATCH};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agency::validate_agency;
use crate::error::ProjectorError;
use crate::fold::{Fact, decode_recorded};
use crate::keys::prefix;
use crate::kv::KvRead;
use crate::model::parse_json;
use crate::summary::CaseSummary;

/// Most entries one queue query returns; a longer queue is an error the caller sees.
pub const MAX_QUEUE_ENTRIES: usize = 10_000;
/// Most events of one case replayed to compute its deadline.
pub const MAX_CASE_EVENTS: usize = MAX_READ_BATCH;

/// One open case in a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub case: CaseSummary,
    /// The statutory deadline; `None` when the clock is stopped or the kind has none.
    pub deadline: Option<NaiveDate>,
    /// Working days from today to the deadline: negative when overdue.
    pub working_days_left: Option<i64>,
    /// Why there is no deadline (clock stopped, no hotline limit configured, …).
    pub no_deadline_reason: Option<String>,
}

/// What deadlines are computed with.
pub struct Clocks {
    pub calendar: Calendar,
    pub rules: ClockRules,
}

/// Which open cases to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    All,
    /// Deadline within this many working days (today included), not yet passed.
    Within(i64),
    Overdue,
}

/// The open cases of `agency` (in `state`, or every state), with deadlines as of `today`, filtered by `due`,
/// most urgent first.
pub fn queue(
    kv: &dyn KvRead,
    log: &EventLog,
    clocks: &Clocks,
    agency: &str,
    state: Option<&str>,
    today: NaiveDate,
    due: Due,
) -> Result<Vec<QueueEntry>, ProjectorError> {
    validate_agency(agency)?;
    let scan = match state {
        Some(state) => prefix(&["queues", "q", agency, state]),
        None => prefix(&["queues", "q", agency]),
    };
    let stored = kv.scan_prefix(&scan)?;
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
        let entry = with_deadline(log, clocks, case, today)?;
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

fn with_deadline(
    log: &EventLog,
    clocks: &Clocks,
    case: CaseSummary,
    today: NaiveDate,
) -> Result<QueueEntry, ProjectorError> {
    let events: Vec<Event> = log
        .read_stream(
            &stream_name(case.kind, case.case_id),
            0,
            Direction::Forward,
            MAX_CASE_EVENTS,
        )?
        .iter()
        .map(decode_recorded)
        .filter_map(|fact| match fact {
            Ok(Some(Fact::Case(event))) => Some(Ok(event)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    let deadline: Result<Option<Deadline>, String> = match case.kind {
        CaseKind::Application => application::replay(&events)
            .map_err(|e| e.to_string())
            .and_then(|state| {
                match application_clock(&state, &clocks.calendar, clocks.rules.application)
                    .map_err(reason)?
                {
                    Clock::Running(deadline) => Ok(Some(deadline)),
                    Clock::Stopped { reason, since } => {
                        Err(format!("clock stopped since {since}: {reason:?}"))
                    }
                }
            }),
        CaseKind::Hotline => hotline::replay(&events)
            .map_err(|e| e.to_string())
            .and_then(|state| {
                hotline_deadline(&state, &clocks.calendar, &clocks.rules.hotline)
                    .map(Some)
                    .map_err(reason)
            }),
        CaseKind::Proposal => proposal::replay(&events)
            .map_err(|e| e.to_string())
            .and_then(|state| proposal_deadline(&state).map(Some).map_err(reason)),
        CaseKind::Challenge | CaseKind::Record => {
            Err("no statutory deadline for this kind".to_string())
        }
    };
    let (deadline, no_deadline_reason) = match deadline {
        Ok(deadline) => (deadline.map(|d| d.due), None),
        Err(why) => (None, Some(why)),
    };
    let working_days_left = match deadline {
        Some(due) => Some(
            working_days_left(due, today, &clocks.calendar)
                .map_err(|e| ProjectorError::Deadline(e.to_string()))?,
        ),
        None => None,
    };
    Ok(QueueEntry {
        case,
        deadline,
        working_days_left,
        no_deadline_reason,
    })
}

fn reason(error: DeadlineError) -> String {
    error.to_string()
}
