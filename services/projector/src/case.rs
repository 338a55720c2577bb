//! The state every read model keeps per case: the domain's own `Case`, advanced by the domain's `evolve`, with
//! the tracking number intake assigned; and the [`Fact`]s that advance it. The projector derives what it shows
//! and counts from it (summary.rs) and never folds case events by rules of its own.

use casetrack_domain::calendar::Arrangement;
use casetrack_domain::{Case, CaseId, CaseKind, Event};
use serde::{Deserialize, Serialize};

use crate::error::ProjectorError;

/// Version of the per-case state every model stores; changing what is stored or how it is folded bumps it
/// (/3: the domain's `Case`, with the time limit set at a ticket's dispatch; /4: with a ticket's first dispatch,
/// follow-up, re-handling and merge dates).
pub const CASE_SCHEMA: &str = "casetrack-case/4 (domain Case per case)";

/// What the read models learn from one recorded event.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Case(Event),
    TrackingNumber {
        case_id: CaseId,
        kind: CaseKind,
        number: String,
    },
    /// A holiday arrangement loaded into the calendar stream: no case's fact (see calendar.rs).
    Arrangement {
        position: u64,
        arrangement: Arrangement,
    },
}

impl Fact {
    /// The case the fact is about. Panics for an arrangement: callers route those to calendar.rs first.
    pub fn case_id(&self) -> CaseId {
        match self {
            Fact::Case(event) => event.case_id,
            Fact::TrackingNumber { case_id, .. } => *case_id,
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }

    /// The kind of the case the fact is about; panics for an arrangement, like `case_id`.
    pub fn kind(&self) -> CaseKind {
        match self {
            Fact::Case(event) => event.kind(),
            Fact::TrackingNumber { kind, .. } => *kind,
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }
}

/// One case as a read model stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCase {
    pub case_id: CaseId,
    pub kind: CaseKind,
    /// The number intake assigned, once its `TrackingNumberAssigned` event was folded.
    pub tracking_number: Option<String>,
    pub state: Case,
}

impl StoredCase {
    pub fn new(case_id: CaseId, kind: CaseKind) -> StoredCase {
        StoredCase {
            case_id,
            kind,
            tracking_number: None,
            state: Case::new(kind),
        }
    }

    /// Folds one fact about this case. A stream the domain cannot fold (an event before the one creating the
    /// case) means the log is corrupt: it is reported, never skipped.
    pub fn apply(&mut self, fact: &Fact) -> Result<(), ProjectorError> {
        assert_eq!(
            fact.case_id(),
            self.case_id,
            "a fact folds into its own case"
        );
        match fact {
            Fact::Case(event) => {
                self.state
                    .evolve(event)
                    .map_err(|source| ProjectorError::Replay {
                        case_id: self.case_id,
                        source,
                    })
            }
            Fact::TrackingNumber { number, .. } => {
                self.tracking_number = Some(number.clone());
                Ok(())
            }
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }
}
