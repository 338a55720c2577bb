//! Dispatch by case kind to the domain's `replay` and `decide`: the one place that knows there are five
//! lifecycles. No rule lives here.

use casetrack_domain::application::{self, ApplicationCommand};
use casetrack_domain::challenge::{self, ChallengeCommand};
use casetrack_domain::hotline::{self, HotlineCommand};
use casetrack_domain::proposal::{self, ProposalCommand};
use casetrack_domain::records::{self, RecordCommand};
use casetrack_domain::{Calendar, CaseKind, CaseState, Event, ReplayError, RuleViolation};
use chrono::{DateTime, Utc};

/// A command for a case of any kind.
#[derive(Debug, Clone)]
pub enum CaseCommand {
    Application(ApplicationCommand),
    Hotline(HotlineCommand),
    Proposal(ProposalCommand),
    Challenge(ChallengeCommand),
    Record(RecordCommand),
}

impl CaseCommand {
    pub fn kind(&self) -> CaseKind {
        match self {
            CaseCommand::Application(_) => CaseKind::Application,
            CaseCommand::Hotline(_) => CaseKind::Hotline,
            CaseCommand::Proposal(_) => CaseKind::Proposal,
            CaseCommand::Challenge(_) => CaseKind::Challenge,
            CaseCommand::Record(_) => CaseKind::Record,
        }
    }
}

// Each kind's command is a case command: lets a handler write `ApplicationCommand::Decide { .. }.into()`.
impl From<ApplicationCommand> for CaseCommand {
    fn from(command: ApplicationCommand) -> CaseCommand {
        CaseCommand::Application(command)
    }
}

impl From<HotlineCommand> for CaseCommand {
    fn from(command: HotlineCommand) -> CaseCommand {
        CaseCommand::Hotline(command)
    }
}

impl From<ProposalCommand> for CaseCommand {
    fn from(command: ProposalCommand) -> CaseCommand {
        CaseCommand::Proposal(command)
    }
}

impl From<ChallengeCommand> for CaseCommand {
    fn from(command: ChallengeCommand) -> CaseCommand {
        CaseCommand::Challenge(command)
    }
}

impl From<RecordCommand> for CaseCommand {
    fn from(command: RecordCommand) -> CaseCommand {
        CaseCommand::Record(command)
    }
}

/// Why a command on a folded stream produced no events.
pub enum DecideError {
    Replay(ReplayError),
    Rule(RuleViolation),
}

/// Fold `events` (one case's stream) and decide `command` on the result.
pub fn decide(
    events: &[Event],
    command: CaseCommand,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Vec<Event>, DecideError> {
    match command {
        CaseCommand::Application(command) => {
            let state = application::replay(events).map_err(DecideError::Replay)?;
            application::decide(&state, command, now, calendar).map_err(DecideError::Rule)
        }
        CaseCommand::Hotline(command) => {
            let state = hotline::replay(events).map_err(DecideError::Replay)?;
            hotline::decide(&state, command, now).map_err(DecideError::Rule)
        }
        CaseCommand::Proposal(command) => {
            let state = proposal::replay(events).map_err(DecideError::Replay)?;
            proposal::decide(&state, command, now).map_err(DecideError::Rule)
        }
        CaseCommand::Challenge(command) => {
            let state = challenge::replay(events).map_err(DecideError::Replay)?;
            challenge::decide(&state, command, now).map_err(DecideError::Rule)
        }
        CaseCommand::Record(command) => {
            let state = records::replay(events).map_err(DecideError::Replay)?;
            records::decide(&state, command, now).map_err(DecideError::Rule)
        }
    }
}

/// The kind-independent summary of one case's stream; `None` for an empty stream.
pub fn case_state(kind: CaseKind, events: &[Event]) -> Result<Option<CaseState>, ReplayError> {
    Ok(match kind {
        CaseKind::Application => application::replay(events)?.case_state(),
        CaseKind::Hotline => hotline::replay(events)?.case_state(),
        CaseKind::Proposal => proposal::replay(events)?.case_state(),
        CaseKind::Challenge => challenge::replay(events)?.case_state(),
        CaseKind::Record => records::replay(events)?.case_state(),
    })
}
