//! Reading one case for a client (`Intake.GetCase`, `Intake.GetTimeline`): find the case a request names by
//! case id or tracking number, fold its stream with the domain's `Case`, and answer. Both reads go through
//! [`find`], so who may read which case is decided in one place (`command::may_see`).

use casetrack_api::instant::to_timestamp;

use casetrack_api::v1 as pb;
use casetrack_auth::Identity;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::{Case, CaseId, CaseKind, CaseStatus, Event, parse_stream_name, stream_name};
use casetrack_eventlog::{Log, RecordedEvent};
use chrono::{DateTime, Utc};

use crate::command::{MAX_CASE_EVENTS, decode_stream, handling_unit, may_see};
use crate::error::HandlerError;
use crate::parse;
use crate::tracking;

/// A read request that names one case by `case_id` or `tracking_number`, exactly one of the two.
pub trait CaseKey {
    /// The raw `case_id` and `tracking_number`.
    fn key(&self) -> (&str, &str);
}

macro_rules! case_key {
    ($($request:ident),* $(,)?) => {$(
        impl CaseKey for pb::$request {
            fn key(&self) -> (&str, &str) {
                (&self.case_id, &self.tracking_number)
            }
        }
    )*};
}

case_key!(GetCaseRequest, GetTimelineRequest);

/// A case found, with its whole stream as recorded and as the domain reads it.
pub struct Found {
    pub case_id: CaseId,
    pub kind: CaseKind,
    pub stream: String,
    /// "" for a case that was given none (records written by older imports).
    pub tracking_number: String,
    /// Never empty: a stream without events is not a case.
    pub recorded: Vec<RecordedEvent>,
    pub events: Vec<Event>,
}

/// The case `request` names; INVALID_ARGUMENT unless exactly one key is given, NOT_FOUND naming the key's
/// field when no case has it or the caller may not see it (the same answer, so that tracking numbers cannot
/// be enumerated across jurisdictions or source systems).
pub async fn find(
    log: &dyn Log,
    caller: &Identity,
    request: &impl CaseKey,
) -> Result<Found, HandlerError> {
    let (case_id, number) = request.key();
    // Which field named the case, what it names, and the key: for the NOT_FOUND answer.
    let (field, what, key, stream, tracking_number) = match (case_id.is_empty(), number.is_empty())
    {
        (true, true) => {
            return Err(HandlerError::invalid(
                "case_id",
                "required: give case_id or tracking_number",
            ));
        }
        (false, false) => {
            return Err(HandlerError::invalid(
                "tracking_number",
                "give case_id or tracking_number, not both",
            ));
        }
        (true, false) => {
            let assignment = tracking::lookup_number(log, number).await?;
            let (stream, number_found) = assignment.map(|(a, number)| (a.stream, number)).unzip();
            (
                "tracking_number",
                "tracking number",
                number,
                stream,
                number_found,
            )
        }
        (false, true) => {
            let id = parse::case_id("case_id", case_id)?;
            let (stream, number_found) = stream_of(log, id).await?;
            ("case_id", "case", case_id, stream, number_found)
        }
    };
    let not_found = || HandlerError::NotFound {
        field,
        what,
        key: key.to_owned(),
    };
    let stream = stream.ok_or_else(not_found)?;
    let (kind, case_id) = parse_stream_name(&stream)
        .ok_or_else(|| HandlerError::corrupt(&stream, "the tracking index names no case stream"))?;
    let recorded = log.read_stream_to_end(&stream, MAX_CASE_EVENTS).await?;
    let events = decode_stream(&stream, &recorded)?;
    let unit = handling_unit(kind, &events);
    if !recorded
        .first()
        .is_some_and(|first| may_see(caller, first, unit.as_ref()))
    {
        return Err(not_found());
    }
    Ok(Found {
        case_id,
        kind,
        stream,
        tracking_number: tracking_number.unwrap_or_default(),
        recorded,
        events,
    })
}

/// The stream (and tracking number) of a case id: its tracking index when it has one; otherwise the stream of
/// whichever kind holds it, since a case id is unique across kinds.
async fn stream_of(
    log: &dyn Log,
    case_id: CaseId,
) -> Result<(Option<String>, Option<String>), HandlerError> {
    if let Some(indexed) = tracking::number_of(log, case_id).await? {
        return Ok((Some(indexed.stream), indexed.number));
    }
    for kind in CaseKind::ALL {
        let stream = stream_name(kind, case_id);
        if log.read_last(&stream).await?.is_some() {
            return Ok((Some(stream), None));
        }
    }
    Ok((None, None))
}

impl Found {
    fn case_ref(&self) -> pb::CaseRef {
        pb::CaseRef {
            case_id: self.case_id.to_string(),
            tracking_number: self.tracking_number.clone(),
            // `find` refuses a stream without events.
            position: self.recorded.last().map_or(0, |last| last.position),
            stream: self.stream.clone(),
        }
    }

    /// `GetCase`: the case as its events say it is at `now`, with its clock under `clocks` and the acts it
    /// accepts; its person whole for a `caller` who reads personal data, masked for any other.
    pub fn info(
        &self,
        caller: &Identity,
        clocks: &Clocks,
        now: DateTime<Utc>,
    ) -> Result<pb::CaseInfo, HandlerError> {
        let case = Case::replay(self.kind, &self.events)
            .map_err(|e| HandlerError::replay(&self.stream, e))?;
        let state = case
            .summary()
            .ok_or_else(|| HandlerError::corrupt(&self.stream, "the stream creates no case"))?;
        // A deadline that cannot be computed (e.g. a year with no calendar) is stated, not an error: the
        // rest of the case is still worth answering.
        let (clock, explanation, deadline) = match case.clock(clocks) {
            Ok(clock) => (clock.code(), clock.to_string(), clock.deadline().cloned()),
            Err(error) => ("unknown", error.to_string(), None),
        };
        let person_masked = !caller.reads_personal_data();
        let person = case.person().map(|person| {
            let shown = if person_masked {
                person.masked()
            } else {
                person.clone()
            };
            pb::Person {
                name: shown.name,
                phone: shown.phone,
                address: shown.address,
            }
        });
        Ok(pb::CaseInfo {
            r#ref: Some(self.case_ref()),
            kind: self.kind.category().to_owned(),
            agency: state.agency.into(),
            stage: state.stage,
            source_system: self.recorded[0]
                .metadata
                .source_system
                .clone()
                .unwrap_or_default(),
            events: self.recorded.len() as u64,
            last_event: self
                .recorded
                .last()
                .map(|last| last.event_type.clone())
                .unwrap_or_default(),
            status: match state.status {
                CaseStatus::Open => "open",
                CaseStatus::Closed => "closed",
            }
            .to_owned(),
            received_on: state.received_on.to_string(),
            clock: clock.to_owned(),
            deadline: deadline
                .as_ref()
                .map(|d| d.due.to_string())
                .unwrap_or_default(),
            deadline_provisional: deadline.is_some_and(|d| d.is_provisional()),
            clock_explanation: explanation,
            person_masked: person.is_some() && person_masked,
            person,
            accepts: case
                .accepted(now, clocks)
                .into_iter()
                .map(|act| act.code().to_owned())
                .collect(),
        })
    }

    /// `GetTimeline`: every event in revision order, described by the domain.
    pub fn timeline(&self) -> pb::Timeline {
        let events = self
            .recorded
            .iter()
            .zip(&self.events)
            .map(|(recorded, event)| pb::TimelineEvent {
                position: recorded.position,
                revision: recorded.revision,
                recorded_at: Some(to_timestamp(recorded.recorded_at)),
                occurred_at: Some(to_timestamp(event.occurred_at)),
                event_type: recorded.event_type.clone(),
                description: event.describe(),
            })
            .collect();
        pb::Timeline {
            r#ref: Some(self.case_ref()),
            events,
        }
    }
}
