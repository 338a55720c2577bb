//! Numbering a new case: the tracking writes that go into the same atomic append that creates it, and the
//! reads that find a number again. The number is never chosen here: the counter record is appended at any
//! revision, and the log's single writer, which already orders every commit, gives it the counter stream's
//! next revision — so concurrent intakes never conflict over a number, numbers stay unique and dense per
//! prefix and year, and it works across restarts and any number of intake processes, because the log is the
//! only counter. The existence of `casetracking-{case uuid}` marks a submission as already taken, which is what
//! makes intake idempotent. The record format itself is the domain's (`casetrack_domain::tracking`), shared with
//! the projector that reads it.

use casetrack_domain::CaseId;
pub use casetrack_domain::tracking::{
    ASSIGNED_EVENT_TYPE, Assignment, COUNTER_CATEGORY, TrackingPrefix, case_index_stream,
    counter_stream, locate_number, number_at,
};
use casetrack_eventlog::{
    AppendResult, Direction, ExpectedRevision, Log, Metadata, NewEvent, RecordedEvent, StreamWrite,
    category_of,
};

use crate::error::HandlerError;
use crate::ids::derived_command_id;

/// The tracking writes of a new case, to follow the write creating its stream in one append: the record in
/// `counter` (the counter stream of its prefix and year; `None` for a record, which takes no number), then
/// the case index. Also used by `casetrack import`, so imported cases are numbered exactly like intake's.
pub fn assignment_writes(
    counter: Option<String>,
    case_id: CaseId,
    stream: &str,
    metadata: &Metadata,
) -> Vec<StreamWrite> {
    let assignment = Assignment {
        case_id,
        stream: stream.to_owned(),
        number: None,
    };
    // Serialising a struct of strings and a UUID cannot fail.
    let data = serde_json::to_value(&assignment).expect("an assignment serialises");
    let event = |purpose: &str| NewEvent {
        event_id: derived_command_id(case_id, purpose),
        event_type: ASSIGNED_EVENT_TYPE.to_owned(),
        data: data.clone(),
        metadata: metadata.clone(),
    };
    let counter = counter.map(|counter| StreamWrite {
        stream: counter,
        expected: ExpectedRevision::Any,
        events: vec![event("tracking/counter")],
    });
    let index = StreamWrite {
        stream: case_index_stream(case_id),
        expected: ExpectedRevision::NoStream,
        events: vec![event("tracking/case")],
    };
    counter.into_iter().chain([index]).collect()
}

/// The number the writer gave a case, from the results of the append of its `assignment_writes` (or of its
/// idempotent repetition, which returns the original revisions); `None` when it took no number.
pub fn assigned_number(results: &[AppendResult]) -> Option<String> {
    results
        .iter()
        .find(|result| category_of(&result.stream) == COUNTER_CATEGORY)
        .and_then(|result| number_at(&result.stream, result.first_revision))
}

/// The case a tracking record names.
fn assignment_in(event: &RecordedEvent) -> Result<Assignment, HandlerError> {
    serde_json::from_value(event.data.clone()).map_err(|e| HandlerError::corrupt(&event.stream, e))
}

/// The case a tracking number names, and its number.
pub async fn lookup_number(
    log: &dyn Log,
    number: &str,
) -> Result<Option<(Assignment, String)>, HandlerError> {
    let Some((counter, revision)) = locate_number(number) else {
        return Ok(None);
    };
    let found = log
        .read_stream(&counter, revision, Direction::Forward, 1)
        .await?;
    match found.first() {
        Some(record) if record.revision == revision => {
            Ok(Some((assignment_in(record)?, number.to_owned())))
        }
        _ => Ok(None),
    }
}

/// A case's entry in the tracking index: the case's stream, its number (`None` for a record), and the
/// position of the index record, the last event of the append that created the case.
pub struct Indexed {
    pub stream: String,
    pub number: Option<String>,
    pub position: u64,
}

/// The index entry of a case, if the case exists.
pub async fn number_of(log: &dyn Log, case_id: CaseId) -> Result<Option<Indexed>, HandlerError> {
    let Some(index) = log.read_last(&case_index_stream(case_id)).await? else {
        return Ok(None);
    };
    let assignment = assignment_in(&index)?;
    let number = match assignment.number {
        Some(number) => Some(number),
        None => counter_record_before(log, &index, case_id).await?,
    };
    Ok(Some(Indexed {
        stream: assignment.stream,
        number,
        position: index.position,
    }))
}

/// The number in the counter record written just before a case's index record, if that record numbers this
/// case (a record's index follows no counter record of its own).
async fn counter_record_before(
    log: &dyn Log,
    index: &RecordedEvent,
    case_id: CaseId,
) -> Result<Option<String>, HandlerError> {
    let Some(before) = index.position.checked_sub(1) else {
        return Ok(None);
    };
    let Some(record) = log.read_all(before, 1).await?.pop() else {
        return Ok(None);
    };
    if category_of(&record.stream) != COUNTER_CATEGORY
        || record.event_type != ASSIGNED_EVENT_TYPE
        || assignment_in(&record)?.case_id != case_id
    {
        return Ok(None);
    }
    Ok(number_at(&record.stream, record.revision))
}
