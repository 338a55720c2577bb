//! The one way a command reaches the log: read the case's stream, fold it, let the domain decide, append with
//! the expected revision; on a lost race read again and decide again, after a pause (`retry.rs`).
//! Stateless: everything is read from the log on every attempt.

use std::ops::Range;
use std::sync::Arc;

use casetrack_auth::Identity;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::rule::required_text;
use casetrack_domain::{
    AgencyId, Case, CaseCommand, CaseId, CaseKind, CaseState, DecideError, Event, decode, encode,
    stream_name, time::local_date,
};
use casetrack_eventlog::{
    ExpectedRevision, Log, Metadata, NewEvent, RecordedEvent, StreamWrite, category_of,
};
use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use crate::clocks::ClocksInForce;
use crate::error::HandlerError;
use crate::idempotency::differing_fields;
use crate::ids::{event_id, intake_case_id};
use crate::registry::{RegistryInForce, RegistrySnapshot};
use crate::retry::Retries;
use crate::tracking::{self, TrackingPrefix};

/// Longest external id in characters.
pub const MAX_EXTERNAL_ID_LEN: usize = 256;
pub use casetrack_domain::MAX_CASE_EVENTS;

/// When a command is recorded: an instant the caller gave (a back-entered paper record, or a reaction's own
/// "now"), or the server's clock, read afresh at every attempt and never before the case's last event, so that
/// a command retried after losing a race, or run while the clock was stepped back, is never stamped out of order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedAt {
    Caller(DateTime<Utc>),
    Server,
}

impl RecordedAt {
    /// The instant a command on a case whose events are `earlier` is recorded at.
    pub(crate) fn on(self, earlier: &[Event]) -> DateTime<Utc> {
        match self {
            RecordedAt::Caller(at) => at,
            RecordedAt::Server => earlier
                .iter()
                .map(|event| event.occurred_at)
                .fold(Utc::now(), DateTime::max),
        }
    }
}

impl From<DateTime<Utc>> for RecordedAt {
    fn from(at: DateTime<Utc>) -> RecordedAt {
        RecordedAt::Caller(at)
    }
}

/// What a command touched and where it landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRefs {
    pub case_id: CaseId,
    pub stream: String,
    pub tracking_number: String,
    /// Position of the last event the command wrote to the case's stream (the original one on a retry).
    pub position: u64,
}

/// One stream a command changes: the request field naming the case, the case, and the domain command.
pub struct Step {
    pub field: &'static str,
    pub case_id: CaseId,
    pub command: CaseCommand,
}

/// On whose behalf a command runs.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A caller: it acts only on cases it may see ([`Identity::may_see`]); others are NOT_FOUND to it.
    Caller(&'a Identity),
    /// One of the deployment's own reactions (routing, reminders, calendar loads), named in the events.
    Reaction(&'static str),
}

impl Actor<'_> {
    /// The name recorded as the events' actor.
    fn name(&self) -> &str {
        match self {
            Actor::Caller(identity) => &identity.name,
            Actor::Reaction(name) => name,
        }
    }

    /// Whether the actor may act on the case of `kind` whose stream is `recorded`, decoded as `events`.
    fn may_act_on(&self, kind: CaseKind, recorded: &[RecordedEvent], events: &[Event]) -> bool {
        match (self, recorded.first()) {
            (Actor::Caller(identity), Some(first)) => {
                may_see(identity, first, handling_unit(kind, events).as_ref())
            }
            (Actor::Caller(_), None) => false,
            (Actor::Reaction(_), _) => true,
        }
    }
}

/// Whether `identity` may see the case whose stream begins with `first` and is handled now by
/// `handling_unit` ([`handling_unit`]): the one jurisdiction check of every command and read on an existing
/// case. A case whose agency does not parse is seen only deployment-wide.
pub fn may_see(
    identity: &Identity,
    first: &RecordedEvent,
    handling_unit: Option<&AgencyId>,
) -> bool {
    let agency = first.metadata.agency.as_deref().map(AgencyId::parse);
    match agency {
        Some(Ok(agency)) => {
            let source_system = first.metadata.source_system.as_deref();
            identity.may_see(&agency, source_system, handling_unit)
        }
        _ => identity.jurisdiction.is_none() && identity.roles.iter().all(|r| r.spans_deployment()),
    }
}

/// The unit handling the case of `kind` whose events are `events`, when not its agency (the domain's
/// `CaseState::handling_unit`); `None` too for a stream that does not replay, whose command or read reports
/// that itself.
pub fn handling_unit(kind: CaseKind, events: &[Event]) -> Option<AgencyId> {
    Case::replay(kind, events)
        .ok()?
        .summary()?
        .handling_unit()
        .cloned()
}

/// The command executor shared by the three services.
#[derive(Clone)]
pub struct Commands {
    /// Embedded or remote, chosen at startup; the services never know which.
    log: Arc<dyn Log>,
    clocks: Arc<ClocksInForce>,
    agencies: Arc<RegistryInForce>,
    prefix: TrackingPrefix,
}

impl Commands {
    /// Commands over `log`, decided under `clocks` amended by the arrangements loaded into the log.
    pub fn new(log: Arc<dyn Log>, clocks: Clocks, prefix: TrackingPrefix) -> Commands {
        Commands {
            log,
            clocks: Arc::new(ClocksInForce::new(clocks)),
            agencies: Arc::new(RegistryInForce::default()),
            prefix,
        }
    }

    pub fn log(&self) -> &Arc<dyn Log> {
        &self.log
    }

    /// The calendar and clock rules in force now, which every deadline is computed with.
    pub async fn clocks(&self) -> Result<Arc<Clocks>, HandlerError> {
        self.clocks.current(self.log.as_ref()).await
    }

    /// The agency registry as the log holds it now, which every new case's agency is checked against.
    pub async fn agencies(&self) -> Result<RegistrySnapshot, HandlerError> {
        self.agencies.current(self.log.as_ref()).await
    }

    /// Create a case from a submission, idempotent per (caller's source system, external id): the case id is
    /// derived from that pair, and a submission already taken returns the existing case unchanged. A new case's
    /// agency must be registered and in existence on the day the case was received. Its tracking number is
    /// given by the log's writer in the same append (`tracking.rs`), so concurrent creates do not conflict.
    pub async fn create(
        &self,
        caller: &Identity,
        external_id: &str,
        at: impl Into<RecordedAt>,
        command: impl Fn(CaseId) -> CaseCommand,
    ) -> Result<CaseRefs, HandlerError> {
        validate_external_id(external_id)?;
        let case_id = intake_case_id(&caller.source_system, external_id);
        let command = command(case_id);
        let stream = stream_name(command.kind(), case_id);
        let clocks = self.clocks().await?;
        let at = at.into();
        let agencies = self.agencies().await?.registry;
        let mut retries = Retries::new(&stream);
        loop {
            let now = at.on(&[]);
            let events = decide(&stream, &[], command.clone(), now, &clocks)?;
            if let Some(existing) = tracking::number_of(self.log.as_ref(), case_id).await? {
                return self
                    .existing_submission(external_id, case_id, stream, existing, &events)
                    .await;
            }
            let created = summary_of(&stream, &events)?;
            require_jurisdiction(caller, &created.agency)?;
            agencies.require("agency", &created.agency, created.received_on)?;
            let metadata = Metadata {
                actor: Some(caller.name.clone()),
                source_system: Some(caller.source_system.clone()),
                correlation_id: Some(case_id.0),
                causation_id: None,
                agency: Some(created.agency.to_string()),
            };
            let counter = command
                .numbered()
                .then(|| tracking::counter_stream(&self.prefix, local_date(now).year()));
            let mut writes = vec![StreamWrite {
                stream: stream.clone(),
                expected: ExpectedRevision::NoStream,
                events: new_events(case_id.0, 0, &events, &metadata),
            }];
            // The case index last: its position is the append's last, which a retry reads back as the result.
            writes.extend(tracking::assignment_writes(
                counter, case_id, &stream, &metadata,
            ));
            match self.log.append_multi(writes).await {
                Ok(results) => {
                    return Ok(CaseRefs {
                        case_id,
                        tracking_number: tracking::assigned_number(&results).unwrap_or_default(),
                        stream,
                        position: results.last().map_or(0, |r| r.last_position),
                    });
                }
                // Only a concurrent submission of the same case can make it conflict: the next round finds it.
                Err(error) => retries.after(error.into()).await?,
            }
        }
    }

    /// The case a submission already made, if this repetition means the same (`events` are what it decides
    /// now): `ExternalIdReused` when the external id made a case of another kind, `IdempotencyConflict` when the
    /// request differs from the first one.
    async fn existing_submission(
        &self,
        external_id: &str,
        case_id: CaseId,
        stream: String,
        existing: tracking::Indexed,
        events: &[Event],
    ) -> Result<CaseRefs, HandlerError> {
        if existing.stream != stream {
            let existing = category_of(&existing.stream).to_owned();
            return Err(HandlerError::ExternalIdReused {
                external_id: external_id.to_owned(),
                existing,
            });
        }
        self.same_submission(&stream, case_id, events).await?;
        Ok(CaseRefs {
            case_id,
            stream,
            tracking_number: existing.number.unwrap_or_default(),
            position: existing.position,
        })
    }

    /// Run a command on existing cases (usually one; a merge writes two streams atomically). `command_id`
    /// makes it idempotent: a command whose first event is already in the first stream returns that result.
    pub async fn execute(
        &self,
        actor: Actor<'_>,
        command_id: Uuid,
        at: impl Into<RecordedAt>,
        steps: Vec<Step>,
    ) -> Result<CaseRefs, HandlerError> {
        let at = at.into();
        assert!(!steps.is_empty(), "a command changes at least one stream");
        let first = stream_name(steps[0].command.kind(), steps[0].case_id);
        let clocks = self.clocks().await?;
        // Set when an append found the command's event ids already stored: if they are not in the first stream
        // either, the command id was used for a command on another case.
        let mut ids_taken = false;
        let mut retries = Retries::new(&first);
        loop {
            let mut writes = Vec::with_capacity(steps.len());
            for (index, step) in steps.iter().enumerate() {
                let stream = stream_name(step.command.kind(), step.case_id);
                let recorded = self
                    .log
                    .read_stream_to_end(&stream, MAX_CASE_EVENTS)
                    .await?;
                let Some(head) = recorded.last() else {
                    let what = step.command.kind().category();
                    return Err(HandlerError::NotFound {
                        field: step.field,
                        what,
                        key: step.case_id.to_string(),
                    });
                };
                let folded = decode_stream(&stream, &recorded)?;
                if !actor.may_act_on(step.command.kind(), &recorded, &folded) {
                    return Err(HandlerError::NotFound {
                        field: step.field,
                        what: step.command.kind().category(),
                        key: step.case_id.to_string(),
                    });
                }
                if index == 0 {
                    if let Some(done) = written_by(&recorded, command_id, 0) {
                        let position = same_command(&stream, &recorded, done, step, &clocks)?;
                        return self.refs(steps[0].case_id, first, position).await;
                    }
                    if ids_taken {
                        return Err(HandlerError::IdempotencyConflict {
                            key: "command_id",
                            differing: vec![step.field.to_owned()],
                        });
                    }
                }
                let now = at.on(&folded);
                let events = decide(&stream, &folded, step.command.clone(), now, &clocks)?;
                let metadata = Metadata {
                    actor: Some(actor.name().to_owned()),
                    source_system: recorded[0].metadata.source_system.clone(),
                    correlation_id: Some(command_id),
                    causation_id: None,
                    agency: recorded[0].metadata.agency.clone(),
                };
                writes.push(StreamWrite {
                    stream,
                    expected: ExpectedRevision::Exact(head.revision),
                    events: new_events(command_id, index, &events, &metadata),
                });
            }
            match self.log.append_multi(writes).await {
                Ok(results) => {
                    return self
                        .refs(steps[0].case_id, first, results[0].last_position)
                        .await;
                }
                Err(error) => {
                    let error = HandlerError::from(error);
                    ids_taken |= error.is_duplicate();
                    retries.after(error).await?;
                }
            }
        }
    }

    /// A command on one existing case, from the request's raw `command_id`, `case_id` and `occurred_at`.
    pub async fn single(
        &self,
        caller: &Identity,
        command_id: &str,
        case_id: &str,
        occurred_at: Option<&prost_types::Timestamp>,
        command: CaseCommand,
    ) -> Result<casetrack_api::v1::CaseRef, HandlerError> {
        let command_id = crate::parse::command_id(command_id)?;
        let case_id = crate::parse::case_id("case_id", case_id)?;
        let at = crate::parse::occurred_at(occurred_at, Utc::now())?;
        let step = Step {
            field: "case_id",
            case_id,
            command,
        };
        Ok(self
            .execute(Actor::Caller(caller), command_id, at, vec![step])
            .await?
            .into())
    }

    /// The events of an existing case stream that `caller` may see, folded-ready; `NotFound` naming `field`
    /// when it does not exist or `caller` may not see it (the same answer, so that a reference to a case
    /// reveals nothing of a case outside the caller's jurisdiction).
    pub async fn require_case(
        &self,
        caller: &Identity,
        kind: CaseKind,
        case_id: CaseId,
        field: &'static str,
    ) -> Result<Vec<RecordedEvent>, HandlerError> {
        let stream = stream_name(kind, case_id);
        let recorded = self
            .log
            .read_stream_to_end(&stream, MAX_CASE_EVENTS)
            .await?;
        let events = decode_stream(&stream, &recorded)?;
        match recorded.first() {
            Some(first) if may_see(caller, first, handling_unit(kind, &events).as_ref()) => {
                Ok(recorded)
            }
            _ => Err(HandlerError::NotFound {
                field,
                what: kind.category(),
                key: case_id.to_string(),
            }),
        }
    }

    /// `IdempotencyConflict` unless the case a submission's external id already made was created by the
    /// same request: the events the first submission recorded are the ones this one means.
    async fn same_submission(
        &self,
        stream: &str,
        case_id: CaseId,
        events: &[Event],
    ) -> Result<(), HandlerError> {
        let recorded = self.log.read_stream_to_end(stream, MAX_CASE_EVENTS).await?;
        let created = written_by(&recorded, case_id.0, 0).unwrap_or_default();
        let written = decode_stream(stream, &recorded[created])?;
        let differing = differing_fields(&written, events);
        if differing.is_empty() {
            Ok(())
        } else {
            Err(HandlerError::IdempotencyConflict {
                key: "external_id",
                differing,
            })
        }
    }

    async fn refs(
        &self,
        case_id: CaseId,
        stream: String,
        position: u64,
    ) -> Result<CaseRefs, HandlerError> {
        let tracking_number = tracking::number_of(self.log.as_ref(), case_id)
            .await?
            .and_then(|indexed| indexed.number)
            .unwrap_or_default();
        Ok(CaseRefs {
            case_id,
            stream,
            tracking_number,
            position,
        })
    }
}

/// Folds `events` and decides `command` on them: the domain's answer, in the handlers' error.
fn decide(
    stream: &str,
    events: &[Event],
    command: CaseCommand,
    now: DateTime<Utc>,
    clocks: &Clocks,
) -> Result<Vec<Event>, HandlerError> {
    match command.decide(events, now, clocks) {
        Ok(events) => Ok(events),
        Err(DecideError::Rule(violation)) => Err(HandlerError::Rule(violation)),
        Err(DecideError::Replay(error)) => Err(HandlerError::replay(stream, error)),
    }
}

/// Decode a recorded stream into domain events.
pub fn decode_stream(stream: &str, recorded: &[RecordedEvent]) -> Result<Vec<Event>, HandlerError> {
    recorded
        .iter()
        .map(|event| {
            decode(&event.event_type, &event.data).map_err(|e| HandlerError::corrupt(stream, e))
        })
        .collect()
}

/// The events the command `namespace` wrote as its `step`-th stream, if it already ran: a run of events with
/// its event ids (`ids::event_id`), from the first on.
fn written_by(recorded: &[RecordedEvent], namespace: Uuid, step: usize) -> Option<Range<usize>> {
    let start = recorded
        .iter()
        .position(|event| event.event_id == event_id(namespace, step, 0))?;
    let count = recorded[start..]
        .iter()
        .enumerate()
        .take_while(|(index, event)| event.event_id == event_id(namespace, step, *index))
        .count();
    Some(start..start + count)
}

/// The position of the last event an earlier run of this command wrote (`done`), if the repetition is the same
/// command: decided on the stream as it was before that run, it means the same events. Otherwise
/// `IdempotencyConflict` naming the fields that differ.
fn same_command(
    stream: &str,
    recorded: &[RecordedEvent],
    done: Range<usize>,
    step: &Step,
    clocks: &Clocks,
) -> Result<u64, HandlerError> {
    let before = decode_stream(stream, &recorded[..done.start])?;
    let written = decode_stream(stream, &recorded[done.clone()])?;
    // Decided at the time the first run recorded, so the repetition's own clock cannot make it differ.
    let at = written
        .first()
        .map_or_else(Utc::now, |event| event.occurred_at);
    let differing = match step.command.clone().decide(&before, at, clocks) {
        Ok(again) => differing_fields(&written, &again),
        Err(_) => differing_fields(&written, &[]),
    };
    if !differing.is_empty() {
        return Err(HandlerError::IdempotencyConflict {
            key: "command_id",
            differing,
        });
    }
    // `done` is a non-empty run (its first event matched), so it has a last event.
    Ok(recorded[done.end - 1].position)
}

fn new_events(
    namespace: Uuid,
    step: usize,
    events: &[Event],
    metadata: &Metadata,
) -> Vec<NewEvent> {
    events
        .iter()
        .enumerate()
        .map(|(index, event)| {
            let encoded = encode(event);
            NewEvent {
                event_id: event_id(namespace, step, index),
                event_type: encoded.event_type,
                data: encoded.data,
                metadata: metadata.clone(),
            }
        })
        .collect()
}

/// Refuses a new case for an agency outside the caller's jurisdiction (the agency is the caller's own
/// request field, so saying so reveals nothing).
fn require_jurisdiction(caller: &Identity, agency: &AgencyId) -> Result<(), HandlerError> {
    if caller.covers(agency) {
        return Ok(());
    }
    Err(HandlerError::OutsideJurisdiction {
        field: "agency",
        agency: agency.to_string(),
        caller: caller.name.clone(),
    })
}

/// The summary of a case being created: the creating event names its agency and the day it was received.
fn summary_of(stream: &str, events: &[Event]) -> Result<CaseState, HandlerError> {
    let first = events
        .first()
        .ok_or_else(|| HandlerError::corrupt(stream, "the domain created a case without events"))?;
    Case::replay(first.kind(), std::slice::from_ref(first))
        .map_err(|e| HandlerError::replay(stream, e))?
        .summary()
        .ok_or_else(|| HandlerError::corrupt(stream, "the creating event leaves no case"))
}

/// An external id is required text (the domain's one rule for text) of at most [`MAX_EXTERNAL_ID_LEN`].
fn validate_external_id(external_id: &str) -> Result<(), HandlerError> {
    Ok(required_text(
        external_id,
        "external_id",
        MAX_EXTERNAL_ID_LEN,
    )?)
}

impl From<CaseRefs> for casetrack_api::v1::CaseRef {
    fn from(refs: CaseRefs) -> casetrack_api::v1::CaseRef {
        casetrack_api::v1::CaseRef {
            case_id: refs.case_id.to_string(),
            tracking_number: refs.tracking_number,
            position: refs.position,
            stream: refs.stream,
        }
    }
}
