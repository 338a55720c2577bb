//! Applying parsed rows to the event log, idempotently. For each row the case's stream is read first: events
//! the log already holds with the same id, type and data are skipped; a stream that holds only the start of
//! the row's history (a ledger updated with a decision since the last import) gets the rest appended at the
//! exact next revision; a stream that disagrees with the row is a row error, and nothing of it is written.

use casetrack_domain::{Calendar, Event, encode, stream_name};
use casetrack_eventlog::{
    Direction, EventLog, ExpectedRevision, LogError, MAX_EVENTS_PER_APPEND, Metadata, NewEvent,
    RecordedEvent, StreamWrite,
};

use super::columns::Column;
use super::events::{RowRefused, row_events};
use super::identity::event_id;
use super::row::LedgerRow;

/// The most events one imported row can imply (received, decided, reply delivered, closed); the stream read
/// per row is bounded by it plus the events the running system may have added since.
const MAX_STREAM_READ: usize = 64;

/// The source system named in the metadata of every imported event.
pub const IMPORT_SOURCE_SYSTEM: &str = "ledger-import";

/// What importing one row needs.
#[derive(Debug)]
pub enum RowPlan {
    /// The log already holds every event of the row.
    Unchanged,
    /// Append these (all or the missing tail of the row's events).
    Write(StreamWrite),
}

/// Decides the row's events and compares them with its case's stream. `Err` carries the rule that refused the
/// row or the way it disagrees with the log.
pub fn plan(log: &EventLog, row: &LedgerRow, calendar: &Calendar) -> Result<RowPlan, PlanError> {
    let events = row_events(row, calendar).map_err(PlanError::Refused)?;
    let Some(first) = events.first() else {
        unreachable!("every row implies at least its Received event")
    };
    let stream = stream_name(first.kind(), first.case_id);
    let stored = log.read_stream(&stream, 0, Direction::Forward, MAX_STREAM_READ)?;
    let proposed: Vec<NewEvent> = events
        .iter()
        .enumerate()
        .map(|(revision, e)| new_event(row, e, revision))
        .collect();
    for (revision, (stored, proposed)) in stored.iter().zip(&proposed).enumerate() {
        if !same(stored, proposed) {
            return Err(PlanError::Disagrees {
                stream: stream.clone(),
                revision: revision as u64,
                stored_type: stored.event_type.clone(),
                proposed_type: proposed.event_type.clone(),
            });
        }
    }
    if stored.len() >= proposed.len() {
        return Ok(RowPlan::Unchanged);
    }
    let expected = match stored.last() {
        None => ExpectedRevision::NoStream,
        Some(last) => ExpectedRevision::Exact(last.revision),
    };
    let events = proposed.into_iter().skip(stored.len()).collect();
    Ok(RowPlan::Write(StreamWrite {
        stream,
        expected,
        events,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{}", .0.violation)]
    Refused(RowRefused),
    #[error(
        "the log already holds case {stream} with a different history (revision {revision}: {stored_type} in the \
         log, {proposed_type} from this row); correct the case through the review service, not by re-import"
    )]
    Disagrees {
        stream: String,
        revision: u64,
        stored_type: String,
        proposed_type: String,
    },
    #[error(transparent)]
    Log(#[from] LogError),
}

impl PlanError {
    /// The ledger column to point at, when the problem lies in one.
    pub fn column(&self) -> Option<Column> {
        match self {
            PlanError::Refused(refused) => Some(refused.column),
            PlanError::Disagrees { .. } | PlanError::Log(_) => None,
        }
    }
}

/// Appends `writes` in atomic groups of at most [`MAX_EVENTS_PER_APPEND`] events; returns the events written.
/// A crash between groups leaves whole rows imported and the rest not: importing again completes the job.
pub async fn write(
    log: &EventLog,
    writes: Vec<StreamWrite>,
    mut progress: impl FnMut(usize),
) -> Result<usize, LogError> {
    let mut written = 0;
    let mut group: Vec<StreamWrite> = Vec::new();
    let mut group_events = 0;
    for write in writes {
        assert!(
            write.events.len() <= MAX_EVENTS_PER_APPEND,
            "one row implies a handful of events"
        );
        if group_events + write.events.len() > MAX_EVENTS_PER_APPEND {
            written += flush(log, &mut group, &mut group_events, &mut progress).await?;
        }
        group_events += write.events.len();
        group.push(write);
    }
    written += flush(log, &mut group, &mut group_events, &mut progress).await?;
    Ok(written)
}

async fn flush(
    log: &EventLog,
    group: &mut Vec<StreamWrite>,
    group_events: &mut usize,
    progress: &mut impl FnMut(usize),
) -> Result<usize, LogError> {
    if group.is_empty() {
        return Ok(0);
    }
    let rows = group.len();
    let events = *group_events;
    log.append_multi(std::mem::take(group)).await?;
    *group_events = 0;
    progress(rows);
    Ok(events)
}

fn new_event(row: &LedgerRow, event: &Event, revision: usize) -> NewEvent {
    let encoded = encode(event);
    NewEvent {
        event_id: event_id(event.case_id, revision as u64),
        event_type: encoded.event_type,
        data: encoded.data,
        metadata: Metadata {
            actor: None,
            source_system: Some(IMPORT_SOURCE_SYSTEM.to_owned()),
            correlation_id: None,
            causation_id: None,
            agency: Some(row.agency.0.clone()),
        },
    }
}

fn same(stored: &RecordedEvent, proposed: &NewEvent) -> bool {
    stored.event_id == proposed.event_id
        && stored.event_type == proposed.event_type
        && stored.data == proposed.data
}
