//! The domain's rules for raw appends to the log over gRPC (`casetrack.v1.EventLog`), injected into the
//! eventlog service, which knows no case kinds. The command services in the multi-process layout append through
//! the same service, so the rules are exactly the shape of what `command.rs` and `tracking.rs` write:
//! - a case stream (`application-…`, `hotline-…`, …) takes only events the domain decodes, of that stream's kind
//!   and case; a new stream (expected "no stream") must fold from nothing (its first event creates the case); an
//!   existing one is written at an exact expected revision. So `{}` as `ApplicationReceived`, or a `HotlineClosed`
//!   copied from another case, never reaches the log, where it would stop the projector or close a case.
//! - a tracking counter or index stream is written only in the append that creates the case its records name,
//!   each record naming that case (and carrying no number: numbers are the counter's revisions), so no index
//!   record can be planted before a case exists and no number can be chosen by hand.
//!
//! - a narrative stream (`narrative-{agency}-{year}`) takes only the domain's `NarrativeWritten` of its own agency
//!   and year, so no report is stopped by a paragraph it cannot read.
//!
//! Every other stream (the calendar, registries) is left to the roles that may write it.

use casetrack_domain::narrative::{NarrativeWritten, is_narrative_stream};
use casetrack_domain::tracking::{
    ASSIGNED_EVENT_TYPE, Assignment, CASE_INDEX_CATEGORY, COUNTER_CATEGORY, case_index_stream,
};
use casetrack_domain::{Case, CaseId, CaseKind, Event, decode, parse_stream_name};
use casetrack_eventlog::{AppendGuard, ExpectedRevision, Refusal, StreamWrite};

/// The guard `casetrack` injects into every `EventLog` service it serves.
pub struct DomainAppendGuard;

impl AppendGuard for DomainAppendGuard {
    fn check(&self, writes: &[StreamWrite]) -> Result<(), Refusal> {
        for write in writes {
            let refuse = |reason: String| Refusal {
                stream: write.stream.clone(),
                reason,
            };
            if let Some((kind, case_id)) = parse_stream_name(&write.stream) {
                check_case_write(write, kind, case_id).map_err(refuse)?;
            } else if is_tracking(&write.stream) {
                check_tracking_write(write, writes).map_err(refuse)?;
            } else if is_narrative_stream(&write.stream) {
                for event in &write.events {
                    NarrativeWritten::decode_in(&write.stream, &event.event_type, &event.data)
                        .map_err(refuse)?;
                }
            }
        }
        Ok(())
    }
}

/// Events of `kind` and `case_id` that the domain decodes; a new stream must fold from nothing.
fn check_case_write(write: &StreamWrite, kind: CaseKind, case_id: CaseId) -> Result<(), String> {
    let events = write
        .events
        .iter()
        .map(|event| decode(&event.event_type, &event.data).map_err(|e| e.to_string()))
        .collect::<Result<Vec<Event>, String>>()?;
    if let Some(event) = events
        .iter()
        .find(|event| event.kind() != kind || event.case_id != case_id)
    {
        return Err(format!(
            "event {} of case {} does not belong to this stream",
            event.event_type(),
            event.case_id
        ));
    }
    match write.expected {
        ExpectedRevision::NoStream => Case::replay(kind, &events)
            .map(drop)
            .map_err(|e| e.to_string()),
        ExpectedRevision::Exact(_) | ExpectedRevision::StreamExists => Ok(()),
        ExpectedRevision::Any => {
            Err("a case stream is written at an exact expected revision".to_owned())
        }
    }
}

fn is_tracking(stream: &str) -> bool {
    [COUNTER_CATEGORY, CASE_INDEX_CATEGORY]
        .iter()
        .any(|category| in_category(stream, category))
}

fn in_category(stream: &str, category: &str) -> bool {
    stream
        .strip_prefix(category)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// One tracking record per write, without a number, naming a case whose stream this same append creates; in
/// a counter stream or in the index stream of the case it names.
fn check_tracking_write(write: &StreamWrite, append: &[StreamWrite]) -> Result<(), String> {
    let [event] = write.events.as_slice() else {
        return Err("a tracking stream takes one record per append".to_owned());
    };
    if event.event_type != ASSIGNED_EVENT_TYPE {
        return Err(format!(
            "a tracking stream holds only {ASSIGNED_EVENT_TYPE}"
        ));
    }
    let assignment: Assignment =
        serde_json::from_value(event.data.clone()).map_err(|e| e.to_string())?;
    let creates_case = append.iter().any(|other| {
        other.stream == assignment.stream
            && other.expected == ExpectedRevision::NoStream
            && parse_stream_name(&other.stream).is_some_and(|(_, id)| id == assignment.case_id)
    });
    if !creates_case {
        return Err(format!(
            "a tracking record is written only with the creation of its case ({})",
            assignment.stream
        ));
    }
    if assignment.number.is_some() {
        return Err(
            "a tracking record carries no number: the counter's revision is the number".to_owned(),
        );
    }
    let own_stream = write.stream == case_index_stream(assignment.case_id)
        || in_category(&write.stream, COUNTER_CATEGORY);
    if !own_stream {
        return Err(format!(
            "the record names case {}, not this stream",
            assignment.case_id
        ));
    }
    Ok(())
}
