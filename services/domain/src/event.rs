//! The event envelope: every fact in the log is an [`Event`] of one case, stamped with the case id and the
//! moment the caller says it was recorded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::application::ApplicationEvent;
use crate::challenge::ChallengeEvent;
use crate::hotline::HotlineEvent;
use crate::ids::{CaseId, CaseKind, stream_name};
use crate::proposal::ProposalEvent;
use crate::records::RecordEvent;

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
        Self { case_id, occurred_at, body }
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
