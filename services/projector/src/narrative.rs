//! The officer's paragraphs of a report's parts 一–六: read from the agency-year's narrative stream (the
//! domain's `narrative.rs`) as of the report's position when a report is generated, as the agency's name is;
//! and written, for `Reporting.WriteNarrative`, by the domain's decision on that stream appended with the
//! stream's expected revision. These appends are the only events the Reporting service writes.

use casetrack_domain::AgencyId;
use casetrack_domain::narrative::{
    MAX_NARRATIVE_EVENTS, Narrative, NarrativeWritten, Part, WRITTEN_EVENT_TYPE, narrative_stream,
};
use casetrack_eventlog::{ExpectedRevision, Log, LogError, Metadata, NewEvent, RecordedEvent};
use casetrack_reporting::{ReportFormat, WrittenPart};
use uuid::Uuid;

use crate::annual::format_of;
use crate::error::ProjectorError;
use crate::reader::LogReader;

/// Attempts at a write whose stream moved between the read and the append (another part written meanwhile);
/// a write of the same part is then refused by the domain, naming the version missed.
pub const MAX_WRITE_ATTEMPTS: usize = 3;

/// The narrative a stream's events fold to.
fn fold(stream: &str, events: &[RecordedEvent]) -> Result<Narrative, ProjectorError> {
    Narrative::from_stored(
        stream,
        events.iter().map(|e| (e.event_type.as_str(), &e.data)),
    )
    .map_err(|reason| ProjectorError::Corrupt {
        key: stream.to_owned(),
        reason,
    })
}

/// The written parts of `agency`'s report for `year` as of log position `upto` (events `0..upto`).
pub fn written(
    log: &dyn LogReader,
    agency: &AgencyId,
    year: i32,
    upto: u64,
) -> Result<Vec<WrittenPart>, ProjectorError> {
    let stream = narrative_stream(agency, year);
    let mut events = log.read_stream_to_end(&stream, MAX_NARRATIVE_EVENTS)?;
    events.retain(|e| e.position < upto);
    let narrative = fold(&stream, &events)?;
    Ok(narrative
        .parts()
        .map(|(part, paragraphs)| WrittenPart {
            part: part.number(),
            version: paragraphs.version,
            text: paragraphs.text.clone(),
        })
        .collect())
}

/// What a write recorded: the part's new version and the log position of its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub version: u64,
    pub position: u64,
}

/// One part's new text, replacing `replaces_version`, written by `actor`. Refused for a year without the six
/// parts (`year`), a text the domain refuses (`text`) and a version that is not the part's latest
/// (`replaces_version`, naming the version missed).
pub async fn write(
    log: &dyn Log,
    actor: &str,
    (agency, year): (AgencyId, i32),
    part: Part,
    text: String,
    replaces_version: u64,
) -> Result<Written, ProjectorError> {
    if !matches!(
        format_of(year)?,
        ReportFormat::Format2019 | ReportFormat::Format2021
    ) {
        return Err(ProjectorError::BadArgument {
            field: "year".to_owned(),
            reason: format!("{year} 年度的报告格式（统计表）没有一至六部分，不能撰写说明文字"),
        });
    }
    let stream = narrative_stream(&agency, year);
    for _ in 0..MAX_WRITE_ATTEMPTS {
        let events = log
            .read_stream_to_end(&stream, MAX_NARRATIVE_EVENTS)
            .await?;
        let event = fold(&stream, &events)?.decide(
            agency.clone(),
            year,
            part,
            text.clone(),
            replaces_version,
        )?;
        let expected = events.last().map_or(ExpectedRevision::NoStream, |e| {
            ExpectedRevision::Exact(e.revision)
        });
        match log
            .append(&stream, expected, vec![new_event(&event, actor)])
            .await
        {
            Ok(result) => {
                return Ok(Written {
                    version: event.replaces_version + 1,
                    position: result.last_position,
                });
            }
            Err(LogError::WrongExpectedRevision { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(ProjectorError::Contended { stream })
}

fn new_event(event: &NarrativeWritten, actor: &str) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: WRITTEN_EVENT_TYPE.to_owned(),
        // A struct of strings and integers: serde_json cannot fail on it.
        data: serde_json::to_value(event).expect("a narrative event is JSON"),
        metadata: Metadata {
            actor: Some(actor.to_owned()),
            agency: Some(event.agency.to_string()),
            ..Metadata::default()
        },
    }
}
