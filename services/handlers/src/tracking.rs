//! Allocating tracking numbers: the counter read and the three writes that go into the same atomic append
//! that creates the case, so a number is never allocated without its case and never reused. Appending to the
//! counter stream with the exact expected revision makes two concurrent intakes conflict instead of sharing a
//! number (the loser retries with the next one); it survives restarts and works with any number of intake
//! processes, because the log is the only counter. The existence of `casetracking-{case uuid}` also marks a
//! submission as already taken, which is what makes intake idempotent. The record format itself is the
//! domain's (`casetrack_domain::tracking`), shared with the projector that reads it.

use casetrack_domain::CaseId;
pub use casetrack_domain::tracking::{
    ASSIGNED_EVENT_TYPE, Assignment, MAX_SEQUENCE, TrackingPrefix, case_index_stream,
    counter_stream, format_number, number_stream,
};
use casetrack_eventlog::{ExpectedRevision, Log, Metadata, NewEvent, StreamWrite};

use crate::error::HandlerError;
use crate::ids::derived_command_id;

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
    log: &dyn Log,
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
    log: &dyn Log,
    number: &str,
) -> Result<Option<(Assignment, u64)>, HandlerError> {
    read_index(log, &number_stream(number)).await
}

/// The tracking number of a case, and the position of the event that assigned it.
pub async fn number_of(
    log: &dyn Log,
    case_id: CaseId,
) -> Result<Option<(Assignment, u64)>, HandlerError> {
    read_index(log, &case_index_stream(case_id)).await
}
