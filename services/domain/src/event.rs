//! The event envelope: every fact in the log is an [`Event`] of one case, stamped with the case id and the
//! moment the caller says it was recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::application::ApplicationEvent;
use crate::challenge::ChallengeEvent;
use crate::codec::FIELD_OCCURRED_AT;
use crate::hotline::HotlineEvent;
use crate::ids::{CaseId, CaseKind, stream_name};
use crate::proposal::ProposalEvent;
use crate::records::RecordEvent;
use crate::rule::{Rule, RuleViolation};

/// One domain event. `occurred_at` is when it was recorded (the caller's "now"); statutory dates live in
/// the body as `NaiveDate`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub case_id: CaseId,
    pub occurred_at: DateTime<Utc>,
    pub body: EventBody,
}

/// The body, by case kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventBody {
    Application(ApplicationEvent),
    Hotline(HotlineEvent),
    Proposal(ProposalEvent),
    Challenge(ChallengeEvent),
    Record(RecordEvent),
}

impl EventBody {
    pub fn kind(&self) -> CaseKind {
        match self {
            EventBody::Application(_) => CaseKind::Application,
            EventBody::Hotline(_) => CaseKind::Hotline,
            EventBody::Proposal(_) => CaseKind::Proposal,
            EventBody::Challenge(_) => CaseKind::Challenge,
            EventBody::Record(_) => CaseKind::Record,
        }
    }
}

impl Event {
    pub fn new(case_id: CaseId, occurred_at: DateTime<Utc>, body: EventBody) -> Self {
        Self {
            case_id,
            occurred_at,
            body,
        }
    }

    pub fn kind(&self) -> CaseKind {
        self.body.kind()
    }

    /// The stream this event belongs to.
    pub fn stream(&self) -> String {
        stream_name(self.kind(), self.case_id)
    }

    /// The type name written to the log, e.g. `ApplicationReceived` (see codec.rs).
    pub fn event_type(&self) -> String {
        crate::codec::encode(self).event_type
    }
}

/// A stream that cannot be folded: an event of another kind or another case. Means the log is corrupt or a
/// caller mixed streams; it is reported, never silently skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("event {event_type} is not of kind {expected:?}")]
    WrongKind {
        expected: CaseKind,
        event_type: String,
    },
    #[error("event of case {found} in the stream of case {expected}")]
    WrongCase { expected: CaseId, found: CaseId },
    #[error("the first event of a stream must create the case, found {event_type}")]
    NotCreated { event_type: String },
}

/// Check that a command recorded at `now` comes no earlier than the case's last event: a case's history is in
/// the order it happened, so back-entry of paper records starts with the oldest step. Equal instants are
/// allowed (one command may write several events at one instant).
pub(crate) fn not_before_last(events: &[Event], now: DateTime<Utc>) -> Result<(), RuleViolation> {
    match events.iter().map(|event| event.occurred_at).max() {
        Some(last) if now < last => Err(RuleViolation::new(
            Rule::BeforeEarlierEvent { last },
            FIELD_OCCURRED_AT,
        )),
        _ => Ok(()),
    }
}

/// Check that `event` may be folded into a stream of `kind` whose case is `known` (`None` before the case
/// exists): it is of that kind and that case, and a stream's first event is one that creates the case
/// (`creates`). Every kind's `evolve` starts here, so the rule is stated once.
pub(crate) fn admit(
    kind: CaseKind,
    known: Option<CaseId>,
    event: &Event,
    creates: bool,
) -> Result<(), ReplayError> {
    check_stream(kind, known, event)?;
    if known.is_none() && !creates {
        return Err(ReplayError::NotCreated {
            event_type: event.event_type(),
        });
    }
    Ok(())
}

/// Check that `event` belongs to a stream of `kind` whose case (if already known) is `known`.
pub(crate) fn check_stream(
    kind: CaseKind,
    known: Option<CaseId>,
    event: &Event,
) -> Result<(), ReplayError> {
    if event.kind() != kind {
        return Err(ReplayError::WrongKind {
            expected: kind,
            event_type: event.event_type(),
        });
    }
    match known {
        Some(expected) if expected != event.case_id => Err(ReplayError::WrongCase {
            expected,
            found: event.case_id,
        }),
        _ => Ok(()),
    }
}
