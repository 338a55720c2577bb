//! Applying parsed rows to the event log, idempotently. For each row the case's stream is read first: events
//! the log already holds with the same id, type and data are skipped; a stream that holds only the start of
//! the row's history (a ledger updated with a decision since the last import) gets the rest appended at the
//! exact next revision; a stream that disagrees with the row is a row error, and nothing of it is written. A
//! case without a tracking number gets one (`numbering.rs`) in the same atomic append as its events.

use chrono::Datelike;

use casetrack_domain::agency::{Registry, RegistryError};
use casetrack_domain::{Calendar, Event, encode, stream_name};
use casetrack_eventlog::{
    Direction, EventLog, ExpectedRevision, LogError, Metadata, NewEvent, RecordedEvent, StreamWrite,
};
use casetrack_handlers::tracking;
use futures::{StreamExt, TryFutureExt, TryStreamExt};

use super::columns::Column;
use super::events::{RowRefused, row_events};
use super::identity::event_id;
use super::numbering::NumberRequest;
use super::row::LedgerRow;

/// The most events one imported row can imply (received, decided, reply delivered, closed); the stream read
/// per row is bounded by it plus the events the running system may have added since.
const MAX_STREAM_READ: usize = 64;

/// Rows being appended at once: enough to fill the writer's commit groups, bounded so a large ledger does not
/// queue all its rows at the writer.
const IMPORT_APPENDS_IN_FLIGHT: usize = 64;

/// The source system named in the metadata of every imported event.
pub const IMPORT_SOURCE_SYSTEM: &str = "ledger-import";

/// What importing one row needs; both `None`: the log already holds all of it.
#[derive(Debug)]
pub struct RowPlan {
    /// Append these (all or the missing tail of the row's events).
    pub events: Option<StreamWrite>,
    /// The case has no tracking number yet (a new case, or one imported before numbers were given).
    pub number: Option<NumberRequest>,
}

impl RowPlan {
    pub fn is_unchanged(&self) -> bool {
        self.events.is_none() && self.number.is_none()
    }
}

/// Decides the row's events and compares them with its case's stream. `Err` carries the rule that refused the
/// row (its agency not registered on its receipt day, as intake would refuse it) or the way it disagrees with
/// the log.
pub fn plan(
    log: &EventLog,
    row: &LedgerRow,
    calendar: &Calendar,
    agencies: &Registry,
) -> Result<RowPlan, PlanError> {
    agencies.require("agency", &row.agency, row.received_on)?;
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
    let index = tracking::case_index_stream(first.case_id);
    let numbered = !log
        .read_stream(&index, 0, Direction::Forward, 1)?
        .is_empty();
    let number = (!numbered).then(|| NumberRequest {
        case_id: first.case_id,
        stream: stream.clone(),
        received_year: row.received_on.year(),
        metadata: metadata(row),
    });
    if stored.len() >= proposed.len() {
        return Ok(RowPlan {
            events: None,
            number,
        });
    }
    let expected = match stored.last() {
        None => ExpectedRevision::NoStream,
        Some(last) => ExpectedRevision::Exact(last.revision),
    };
    let events = proposed.into_iter().skip(stored.len()).collect();
    Ok(RowPlan {
        events: Some(StreamWrite {
            stream,
            expected,
            events,
        }),
        number,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{}", .0.violation)]
    Refused(RowRefused),
    #[error(transparent)]
    Agency(#[from] RegistryError),
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
            PlanError::Agency(_) => Some(Column::Agency),
            PlanError::Disagrees { .. } | PlanError::Log(_) => None,
        }
    }
}

/// Appends the rows' writes, each row (its case's events and its tracking writes) in one atomic append, with up
/// to [`IMPORT_APPENDS_IN_FLIGHT`] appends waiting at once so that the log's group commit shares each fsync
/// among them; returns the events written. A crash leaves whole rows imported and the rest not: importing
/// again completes the job.
pub async fn write(
    log: &EventLog,
    rows: Vec<Vec<StreamWrite>>,
    mut progress: impl FnMut(usize),
) -> Result<usize, LogError> {
    let mut appends = futures::stream::iter(rows)
        .map(|row| {
            let events: usize = row.iter().map(|write| write.events.len()).sum();
            log.append_multi(row).map_ok(move |_| events)
        })
        .buffer_unordered(IMPORT_APPENDS_IN_FLIGHT);
    let mut written = 0;
    while let Some(events) = appends.try_next().await? {
        written += events;
        progress(1);
    }
    Ok(written)
}

fn new_event(row: &LedgerRow, event: &Event, revision: usize) -> NewEvent {
    let encoded = encode(event);
    NewEvent {
        event_id: event_id(event.case_id, revision as u64),
        event_type: encoded.event_type,
        data: encoded.data,
        metadata: metadata(row),
    }
}

fn metadata(row: &LedgerRow) -> Metadata {
    Metadata {
        actor: None,
        source_system: Some(IMPORT_SOURCE_SYSTEM.to_owned()),
        correlation_id: None,
        causation_id: None,
        agency: Some(row.agency.to_string()),
    }
}

fn same(stored: &RecordedEvent, proposed: &NewEvent) -> bool {
    stored.event_id == proposed.event_id
        && stored.event_type == proposed.event_type
        && stored.data == proposed.data
}
