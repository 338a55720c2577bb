//! Protobuf ↔ Rust for the EventLog service, used by both ends (`grpc` server, `remote` client) so the wire
//! format is defined once. Event data crosses the wire as JSON text. Errors are mapped to gRPC status codes
//! here too, in `status_from_error`, and back in `error_from_status`.

use casetrack_api::instant::{from_timestamp, to_timestamp};
use casetrack_api::v1 as pb;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Code, Status};
use uuid::Uuid;

use crate::chain::BreakKind;
use crate::error::LogError;
use crate::event::{
    AppendResult, ExpectedRevision, Metadata, NewEvent, RecordedEvent, StreamWrite,
};
use crate::read::MAX_READ_BATCH;
use crate::subscribe::SubscriptionMessage;
use crate::verify::{ChainBreak, VerifyReport};

/// Status trailers that carry a WrongExpectedRevision in machine-readable form.
const STREAM_KEY: &str = "casetrack-stream-bin";
const EXPECTED_KEY: &str = "casetrack-expected";
const ACTUAL_KEY: &str = "casetrack-actual";

pub fn status_from_error(error: LogError) -> Status {
    let message = error.to_string();
    match error {
        LogError::WrongExpectedRevision {
            stream,
            expected,
            actual,
        } => {
            let mut metadata = MetadataMap::new();
            metadata.insert_bin(STREAM_KEY, MetadataValue::from_bytes(stream.as_bytes()));
            let expected = match expected {
                ExpectedRevision::Any => "any".to_string(),
                ExpectedRevision::NoStream => "no_stream".to_string(),
                ExpectedRevision::StreamExists => "stream_exists".to_string(),
                ExpectedRevision::Exact(revision) => revision.to_string(),
            };
            let actual = actual.map_or("none".to_string(), |revision| revision.to_string());
            for (key, value) in [(EXPECTED_KEY, expected), (ACTUAL_KEY, actual)] {
                if let Ok(value) = value.parse() {
                    metadata.insert(key, value);
                }
            }
            Status::with_metadata(Code::FailedPrecondition, message, metadata)
        }
        LogError::PartialDuplicate { .. } | LogError::DuplicateMismatch { .. } => {
            Status::already_exists(message)
        }
        LogError::DuplicateEventIdInAppend { .. }
        | LogError::TooLarge { .. }
        | LogError::InvalidStreamName { .. }
        | LogError::InvalidName { .. }
        | LogError::NoEvents { .. }
        | LogError::StreamWrittenTwice { .. }
        | LogError::InvalidArgument { .. }
        | LogError::Refused { .. } => Status::invalid_argument(message),
        LogError::Storage(_)
        | LogError::Corrupt { .. }
        | LogError::Io(_)
        | LogError::Damaged { .. }
        | LogError::BehindWitness { .. }
        | LogError::WitnessMismatch { .. }
        | LogError::WitnessMissing { .. }
        | LogError::WitnessUnreadable { .. }
        | LogError::Backup { .. } => Status::internal(message),
        LogError::RefeedBreak { .. } => Status::failed_precondition(message),
        LogError::Closed | LogError::WriterStopped { .. } => Status::unavailable(message),
        LogError::Remote { code, message } => Status::new(code, message),
    }
}

/// The client side of `status_from_error`: a failed expectation comes back as `WrongExpectedRevision`, so code
/// written against `EventLog` handles conflicts the same way against `RemoteLog`.
pub fn error_from_status(status: Status) -> LogError {
    if status.code() == Code::FailedPrecondition
        && let Some(error) = wrong_expected_revision(status.metadata())
    {
        return error;
    }
    LogError::Remote {
        code: status.code(),
        message: status.message().to_string(),
    }
}

fn wrong_expected_revision(metadata: &MetadataMap) -> Option<LogError> {
    let stream = String::from_utf8(metadata.get_bin(STREAM_KEY)?.to_bytes().ok()?.to_vec()).ok()?;
    let expected = match metadata.get(EXPECTED_KEY)?.to_str().ok()? {
        "any" => ExpectedRevision::Any,
        "no_stream" => ExpectedRevision::NoStream,
        "stream_exists" => ExpectedRevision::StreamExists,
        revision => ExpectedRevision::Exact(revision.parse().ok()?),
    };
    let actual = match metadata.get(ACTUAL_KEY)?.to_str().ok()? {
        "none" => None,
        revision => Some(revision.parse().ok()?),
    };
    Some(LogError::WrongExpectedRevision {
        stream,
        expected,
        actual,
    })
}

fn invalid(field: &'static str, reason: impl ToString) -> LogError {
    LogError::InvalidArgument {
        field,
        reason: reason.to_string(),
    }
}

fn parse_uuid(field: &'static str, text: &str) -> Result<Uuid, LogError> {
    Uuid::parse_str(text).map_err(|e| invalid(field, e))
}

fn parse_optional_uuid(
    field: &'static str,
    text: Option<String>,
) -> Result<Option<Uuid>, LogError> {
    text.map(|text| parse_uuid(field, &text)).transpose()
}

/// A read's `max` from the wire: 0 means "as many as allowed".
pub fn read_max(max: u32) -> usize {
    match max {
        0 => MAX_READ_BATCH,
        max => max as usize,
    }
}

pub fn expected_to_proto(expected: ExpectedRevision) -> pb::ExpectedRevision {
    use pb::expected_revision::Kind;
    let (kind, revision) = match expected {
        ExpectedRevision::Any => (Kind::Any, 0),
        ExpectedRevision::NoStream => (Kind::NoStream, 0),
        ExpectedRevision::StreamExists => (Kind::StreamExists, 0),
        ExpectedRevision::Exact(revision) => (Kind::Exact, revision),
    };
    pb::ExpectedRevision {
        kind: kind as i32,
        revision,
    }
}

pub fn expected_from_proto(
    expected: Option<pb::ExpectedRevision>,
) -> Result<ExpectedRevision, LogError> {
    use pb::expected_revision::Kind;
    let expected = expected.ok_or_else(|| invalid("expected", "is required"))?;
    match Kind::try_from(expected.kind) {
        Ok(Kind::Any) => Ok(ExpectedRevision::Any),
        Ok(Kind::NoStream) => Ok(ExpectedRevision::NoStream),
        Ok(Kind::StreamExists) => Ok(ExpectedRevision::StreamExists),
        Ok(Kind::Exact) => Ok(ExpectedRevision::Exact(expected.revision)),
        Ok(Kind::Unspecified) | Err(_) => Err(invalid(
            "expected.kind",
            "must be ANY, NO_STREAM, STREAM_EXISTS or EXACT",
        )),
    }
}

pub fn metadata_to_proto(metadata: &Metadata) -> pb::EventMetadata {
    pb::EventMetadata {
        actor: metadata.actor.clone(),
        source_system: metadata.source_system.clone(),
        correlation_id: metadata.correlation_id.map(|id| id.to_string()),
        causation_id: metadata.causation_id.map(|id| id.to_string()),
        agency: metadata.agency.clone(),
    }
}

pub fn metadata_from_proto(metadata: Option<pb::EventMetadata>) -> Result<Metadata, LogError> {
    let metadata = metadata.unwrap_or_default();
    Ok(Metadata {
        actor: metadata.actor,
        source_system: metadata.source_system,
        correlation_id: parse_optional_uuid("metadata.correlation_id", metadata.correlation_id)?,
        causation_id: parse_optional_uuid("metadata.causation_id", metadata.causation_id)?,
        agency: metadata.agency,
    })
}

fn data_to_json(data: &serde_json::Value) -> String {
    // A serde_json::Value always serialises (its map keys are strings).
    data.to_string()
}

fn data_from_json(json: &str) -> Result<serde_json::Value, LogError> {
    serde_json::from_str(json).map_err(|e| invalid("data_json", e))
}

pub fn new_event_to_proto(event: &NewEvent) -> pb::NewEvent {
    pb::NewEvent {
        event_id: event.event_id.to_string(),
        event_type: event.event_type.clone(),
        data_json: data_to_json(&event.data),
        metadata: Some(metadata_to_proto(&event.metadata)),
    }
}

pub fn new_event_from_proto(event: pb::NewEvent) -> Result<NewEvent, LogError> {
    Ok(NewEvent {
        event_id: parse_uuid("event_id", &event.event_id)?,
        event_type: event.event_type,
        data: data_from_json(&event.data_json)?,
        metadata: metadata_from_proto(event.metadata)?,
    })
}

pub fn write_to_proto(write: &StreamWrite) -> pb::StreamWrite {
    pb::StreamWrite {
        stream: write.stream.clone(),
        expected: Some(expected_to_proto(write.expected)),
        events: write.events.iter().map(new_event_to_proto).collect(),
    }
}

pub fn write_from_proto(write: pb::StreamWrite) -> Result<StreamWrite, LogError> {
    Ok(StreamWrite {
        stream: write.stream,
        expected: expected_from_proto(write.expected)?,
        events: write
            .events
            .into_iter()
            .map(new_event_from_proto)
            .collect::<Result<_, _>>()?,
    })
}

pub fn recorded_to_proto(event: &RecordedEvent) -> pb::RecordedEvent {
    pb::RecordedEvent {
        event_id: event.event_id.to_string(),
        event_type: event.event_type.clone(),
        stream: event.stream.clone(),
        revision: event.revision,
        position: event.position,
        recorded_at: Some(to_timestamp(event.recorded_at)),
        data_json: data_to_json(&event.data),
        metadata: Some(metadata_to_proto(&event.metadata)),
        hash: event.hash.to_vec(),
    }
}

pub fn recorded_from_proto(event: pb::RecordedEvent) -> Result<RecordedEvent, LogError> {
    let timestamp = event
        .recorded_at
        .ok_or_else(|| invalid("recorded_at", "is required"))?;
    let recorded_at =
        from_timestamp(&timestamp).ok_or_else(|| invalid("recorded_at", "is out of range"))?;
    Ok(RecordedEvent {
        event_id: parse_uuid("event_id", &event.event_id)?,
        event_type: event.event_type,
        stream: event.stream,
        revision: event.revision,
        position: event.position,
        recorded_at,
        data: data_from_json(&event.data_json)?,
        metadata: metadata_from_proto(event.metadata)?,
        hash: event
            .hash
            .as_slice()
            .try_into()
            .map_err(|_| invalid("hash", "must be 32 bytes"))?,
    })
}

pub fn recorded_list_from_proto(
    events: Vec<pb::RecordedEvent>,
) -> Result<Vec<RecordedEvent>, LogError> {
    events.into_iter().map(recorded_from_proto).collect()
}

pub fn result_to_proto(result: &AppendResult) -> pb::AppendResult {
    pb::AppendResult {
        stream: result.stream.clone(),
        first_revision: result.first_revision,
        next_revision: result.next_revision,
        first_position: result.first_position,
        last_position: result.last_position,
    }
}

pub fn result_from_proto(result: pb::AppendResult) -> AppendResult {
    AppendResult {
        stream: result.stream,
        first_revision: result.first_revision,
        next_revision: result.next_revision,
        first_position: result.first_position,
        last_position: result.last_position,
    }
}

pub fn message_to_proto(message: &SubscriptionMessage) -> pb::SubscribeAllResponse {
    use pb::subscribe_all_response::Message;
    let message = match message {
        SubscriptionMessage::Event(event) => Message::Event(recorded_to_proto(event)),
        SubscriptionMessage::CaughtUp { position } => Message::CaughtUp(pb::SubscriptionCaughtUp {
            position: *position,
        }),
        SubscriptionMessage::FellBehind { resume_from } => {
            Message::FellBehind(pb::SubscriptionFellBehind {
                resume_from: *resume_from,
            })
        }
    };
    pb::SubscribeAllResponse {
        message: Some(message),
    }
}

pub fn message_from_proto(
    response: pb::SubscribeAllResponse,
) -> Result<SubscriptionMessage, LogError> {
    use pb::subscribe_all_response::Message;
    match response
        .message
        .ok_or_else(|| invalid("message", "is required"))?
    {
        Message::Event(event) => Ok(SubscriptionMessage::Event(recorded_from_proto(event)?)),
        Message::CaughtUp(caught_up) => Ok(SubscriptionMessage::CaughtUp {
            position: caught_up.position,
        }),
        Message::FellBehind(fell_behind) => Ok(SubscriptionMessage::FellBehind {
            resume_from: fell_behind.resume_from,
        }),
    }
}

pub fn report_to_proto(report: &VerifyReport) -> pb::VerifyLogResponse {
    pb::VerifyLogResponse {
        events_checked: report.events_checked,
        last_hash: report.last_hash.to_vec(),
        // The protocol carries one break; an index-only problem travels as that break, so a remote caller
        // never sees an intact report for a log with problems.
        first_break: report
            .first_break
            .as_ref()
            .map(|found| pb::ChainBreak {
                position: found.position,
                kind: found.kind.as_str().to_string(),
                detail: found.detail.clone(),
            })
            .or_else(|| {
                report.problems.first().map(|problem| pb::ChainBreak {
                    position: problem.positions.map_or(0, |(first, _)| first),
                    kind: problem.kind.as_str().to_string(),
                    detail: format!(
                        "{} ({} problems in all): {}",
                        problem.column_family, report.problems_total, problem.detail
                    ),
                })
            }),
    }
}

pub fn report_from_proto(report: pb::VerifyLogResponse) -> Result<VerifyReport, LogError> {
    let first_break = report
        .first_break
        .map(|found| {
            let kind = BreakKind::parse(&found.kind)
                .ok_or_else(|| invalid("first_break.kind", &found.kind))?;
            Ok::<_, LogError>(ChainBreak {
                position: found.position,
                kind,
                detail: found.detail,
            })
        })
        .transpose()?;
    Ok(VerifyReport {
        events_checked: report.events_checked,
        last_hash: report
            .last_hash
            .as_slice()
            .try_into()
            .map_err(|_| invalid("last_hash", "must be 32 bytes"))?,
        first_break,
        witnessed: None,
        problems: Vec::new(),
        problems_total: 0,
    })
}
