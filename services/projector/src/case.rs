//! The state every read model keeps per case: the domain's own state of the case, advanced by the domain's
//! `evolve`, with the tracking number intake assigned. The projector derives what it shows and counts from it
//! (summary.rs) and never folds case events by rules of its own.

use casetrack_domain::application::{self, ApplicationState};
use casetrack_domain::challenge::{self, ChallengeState};
use casetrack_domain::hotline::{self, HotlineState};
use casetrack_domain::proposal::{self, ProposalState};
use casetrack_domain::records::{self, RecordState};
use casetrack_domain::{CaseId, CaseKind, CaseState, Event, ReplayError};
use serde::{Deserialize, Serialize};

use crate::error::ProjectorError;
use crate::fold::Fact;

/// The domain state of one case, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindState {
    Application(ApplicationState),
    Hotline(HotlineState),
    Proposal(ProposalState),
    Challenge(ChallengeState),
    Record(RecordState),
}

impl KindState {
    /// The state of a case of `kind` before its first event.
    pub fn new(kind: CaseKind) -> KindState {
        match kind {
            CaseKind::Application => KindState::Application(ApplicationState::default()),
            CaseKind::Hotline => KindState::Hotline(HotlineState::default()),
            CaseKind::Proposal => KindState::Proposal(ProposalState::default()),
            CaseKind::Challenge => KindState::Challenge(ChallengeState::default()),
            CaseKind::Record => KindState::Record(RecordState::default()),
        }
    }

    /// Folds one event by the domain's `evolve` of the kind (which rejects an event of another kind).
    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        match self {
            KindState::Application(state) => application::evolve(state, event),
            KindState::Hotline(state) => hotline::evolve(state, event),
            KindState::Proposal(state) => proposal::evolve(state, event),
            KindState::Challenge(state) => challenge::evolve(state, event),
            KindState::Record(state) => records::evolve(state, event),
        }
    }

    /// The domain's kind-independent summary; `None` before the event that creates the case.
    pub fn case_state(&self) -> Option<CaseState> {
        match self {
            KindState::Application(state) => state.case_state(),
            KindState::Hotline(state) => state.case_state(),
            KindState::Proposal(state) => state.case_state(),
            KindState::Challenge(state) => state.case_state(),
            KindState::Record(state) => state.case_state(),
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
    pub state: KindState,
}

impl StoredCase {
    pub fn new(case_id: CaseId, kind: CaseKind) -> StoredCase {
        StoredCase {
            case_id,
            kind,
            tracking_number: None,
            state: KindState::new(kind),
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
        }
    }
}
