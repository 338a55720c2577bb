//! One lifecycle for every case kind. [`Lifecycle`] is the domain's entry point: each kind's state answers the
//! same questions — what a command means (`decide`), how an event changes it (`evolve`), its kind-independent
//! summary, whether its statutory clock runs and why (`clock`), whom a reminder goes to (`remind`), and how each
//! of its events reads in the case's Chinese timeline (`describe`). [`Case`]
//! and [`CaseCommand`] are the one sum over the kinds that every caller (handlers, projector, reminders, queues)
//! uses; the `each_kind!` macro below is the only place that matches over them, so a new kind or a changed clock
//! rule is made once.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::acts::Act;
use crate::application::{self, ApplicationCommand, ApplicationEvent, ApplicationState};
use crate::challenge::{self, ChallengeCommand, ChallengeEvent, ChallengeState};
use crate::deadline::{
    Clock, Clocks, Deadline, DeadlineError, IdleReason, application_clock, hotline_clock,
    proposal_clock,
};
use crate::event::{Event, EventBody, ReplayError, not_before_last};
use crate::hotline::{self, HotlineCommand, HotlineEvent, HotlineState};
use crate::ids::CaseKind;
use crate::person::Person;
use crate::proposal::{self, ProposalCommand, ProposalEvent, ProposalState};
use crate::records::{self, RecordCommand, RecordEvent, RecordState};
use crate::rule::RuleViolation;
use crate::summary::CaseState;
use crate::time::local_date;
use crate::workload::{Work, proposal_work, record_work, ticket_work};

/// 催办 (a reminder) or 督办 (supervision, a stronger escalation once the deadline has passed). Every kind
/// with a clock records reminders at these two levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderLevel {
    Urge,
    Supervise,
}

impl ReminderLevel {
    /// The word written in the case file.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReminderLevel::Urge => "催办",
            ReminderLevel::Supervise => "督办",
        }
    }

    /// "催办" or "督办", with the note when there is one: how every kind's timeline shows a reminder.
    pub fn describe(self, note: &str) -> String {
        if note.trim().is_empty() {
            self.label_zh().to_owned()
        } else {
            format!("{}：{note}", self.label_zh())
        }
    }
}

/// The questions every case kind answers. Implemented by each kind's state (`ApplicationState`, …); `Default`
/// is "no such case yet".
pub trait Lifecycle:
    Default + Clone + std::fmt::Debug + PartialEq + Serialize + DeserializeOwned
{
    /// What a caller can ask of a case of this kind.
    type Command: Into<CaseCommand>;
    /// What can happen to a case of this kind: the kind's own event body, e.g. `ApplicationEvent`.
    type Event;
    /// The kind this lifecycle governs.
    const KIND: CaseKind;
    /// Whether a new case of this kind gets a tracking number (`tracking.rs`); non-case records get none.
    const NUMBERED: bool = true;
    /// Whether cases of this kind can count in the year-end work figures, i.e. whether `workload` can be
    /// anything but `None` for them: the projector's workload model keeps only such cases, so a year of
    /// applications is not a second copy there, read at every work query.
    const COUNTS_IN_WORK: bool = false;

    /// The events a command means, or the rule that forbids it. `now` is the server's clock.
    fn decide(
        &self,
        command: Self::Command,
        now: DateTime<Utc>,
        clocks: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation>;

    /// Folds one event; an event of another kind or case, or one before the case exists, is an error.
    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError>;

    /// The kind-independent summary; `None` before the event that creates the case.
    fn summary(&self) -> Option<CaseState>;

    /// The person the case is about (an application's applicant, a ticket's caller), when one was given:
    /// personal data, kept out of the summary so that reports built on it never carry them.
    fn person(&self) -> Option<&Person> {
        None
    }

    /// The statutory clock: running to a deadline that explains itself, stopped and why, or idle and why.
    fn clock(&self, clocks: &Clocks) -> Result<Clock, DeadlineError>;

    /// The 催办/督办 command for the pending deadline; `None` when nobody holds the case to remind.
    fn remind(
        &self,
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    ) -> Option<Self::Command>;

    /// The command recording that a loaded holiday arrangement moved the case's deadline; `None` for kinds
    /// whose deadlines do not count working days.
    fn note_deadline_moved(&self, _moved: DeadlineMove) -> Option<Self::Command> {
        None
    }

    /// One line of the case's timeline in Chinese, as a civil servant would write it in the case file
    /// (e.g. "要求补正：…，补正期限 2024-03-15"). Needs no state: every event says what happened by itself.
    fn describe(event: &Self::Event) -> String;

    /// What the case contributes to the year-end figures of hotline, proposal and petition work; `None` for
    /// kinds (and records) those figures do not count.
    fn workload(&self, _clocks: &Clocks) -> Option<Work> {
        None
    }

    /// Whether the case, its handling ended, was answered within its statutory period (the day handling ended
    /// by the deadline its clock ran to); `None` while it is handled, when no deadline can be computed, or for
    /// kinds whose on-time measure is their `workload`'s.
    fn answered_on_time(&self, _clocks: &Clocks) -> Option<bool> {
        None
    }

    /// The least demanding command of `act` the state admits — dated `today` where its rules allow, every
    /// text filled (`acts.rs`) — for asking `decide` whether the case accepts the act; `None` for an act on
    /// another kind.
    fn probe(&self, _act: Act, _today: NaiveDate) -> Option<Self::Command> {
        None
    }
}

/// A deadline moved by a holiday arrangement: the old and new due dates (`None`: none could be computed) and
/// the arrangement's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineMove {
    pub old: Option<NaiveDate>,
    pub new: Option<NaiveDate>,
    pub notice: String,
}

impl DeadlineMove {
    /// The move as the case timeline states it, for every kind that records one.
    pub fn describe(&self) -> String {
        let date =
            |d: Option<NaiveDate>| d.map_or_else(|| "（无法计算）".to_owned(), |d| d.to_string());
        format!(
            "因放假安排调整（{}），办理期限由 {} 调整为 {}",
            self.notice,
            date(self.old),
            date(self.new)
        )
    }
}

/// Folds a whole stream into a kind's state.
pub fn replay<'a, L: Lifecycle>(
    events: impl IntoIterator<Item = &'a Event>,
) -> Result<L, ReplayError> {
    let mut state = L::default();
    for event in events {
        state.evolve(event)?;
    }
    Ok(state)
}

impl Lifecycle for ApplicationState {
    type Command = ApplicationCommand;
    type Event = ApplicationEvent;
    const KIND: CaseKind = CaseKind::Application;

    fn decide(
        &self,
        command: ApplicationCommand,
        now: DateTime<Utc>,
        clocks: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation> {
        application::decide(self, command, now, &clocks.calendar)
    }

    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        application::evolve(self, event)
    }

    fn summary(&self) -> Option<CaseState> {
        self.case_state()
    }

    fn person(&self) -> Option<&Person> {
        self.receipt.as_ref()?.applicant.as_ref()
    }

    fn clock(&self, clocks: &Clocks) -> Result<Clock, DeadlineError> {
        // The reply is what Art. 33 times; once the outcome is fixed (decided or abandoned) nothing is pending,
        // which is also when the domain stops accepting reminders (`Remind` needs review open).
        if self.outcome().is_some() || self.closed_on.is_some() {
            return Ok(Clock::Idle(IdleReason::HandlingEnded));
        }
        application_clock(self, &clocks.calendar, clocks.rules.application)
    }

    fn remind(
        &self,
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    ) -> Option<ApplicationCommand> {
        Some(ApplicationCommand::Remind {
            level,
            note,
            reminded_on,
        })
    }

    fn note_deadline_moved(&self, moved: DeadlineMove) -> Option<ApplicationCommand> {
        let DeadlineMove { old, new, notice } = moved;
        Some(ApplicationCommand::NoteDeadlineMoved { old, new, notice })
    }

    fn describe(event: &ApplicationEvent) -> String {
        application::describe(event)
    }

    fn answered_on_time(&self, clocks: &Clocks) -> Option<bool> {
        // The clock as it ran: the deadline the reply period reached, outcome aside (`clock` above is idle
        // once the outcome is fixed).
        let ended_on = self.ended_on()?;
        let clock = application_clock(self, &clocks.calendar, clocks.rules.application).ok()?;
        Some(ended_on <= clock.deadline()?.due)
    }

    fn probe(&self, act: Act, today: NaiveDate) -> Option<ApplicationCommand> {
        application::probe(self, act, today)
    }
}

impl Lifecycle for HotlineState {
    type Command = HotlineCommand;
    type Event = HotlineEvent;
    const KIND: CaseKind = CaseKind::Hotline;
    const COUNTS_IN_WORK: bool = true;

    fn decide(
        &self,
        command: HotlineCommand,
        now: DateTime<Utc>,
        _: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation> {
        hotline::decide(self, command, now)
    }

    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        hotline::evolve(self, event)
    }

    fn summary(&self) -> Option<CaseState> {
        self.case_state()
    }

    fn person(&self) -> Option<&Person> {
        self.ticket.as_ref()?.caller.as_ref()
    }

    fn clock(&self, clocks: &Clocks) -> Result<Clock, DeadlineError> {
        hotline_clock(self, &clocks.calendar, &clocks.rules.hotline)
    }

    fn remind(
        &self,
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    ) -> Option<HotlineCommand> {
        // 催办 goes to the unit holding the ticket; before dispatch (or after a return) the ticket is the
        // dispatcher's own work, and its lateness shows in the queue instead.
        self.unit.as_ref()?;
        Some(HotlineCommand::Remind {
            level,
            note,
            reminded_on,
        })
    }

    fn note_deadline_moved(&self, moved: DeadlineMove) -> Option<HotlineCommand> {
        let DeadlineMove { old, new, notice } = moved;
        Some(HotlineCommand::NoteDeadlineMoved { old, new, notice })
    }

    fn describe(event: &HotlineEvent) -> String {
        hotline::describe(event)
    }

    fn workload(&self, clocks: &Clocks) -> Option<Work> {
        ticket_work(self, clocks)
    }

    fn probe(&self, act: Act, today: NaiveDate) -> Option<HotlineCommand> {
        hotline::probe(self, act, today)
    }
}

impl Lifecycle for ProposalState {
    type Command = ProposalCommand;
    type Event = ProposalEvent;
    const KIND: CaseKind = CaseKind::Proposal;
    const COUNTS_IN_WORK: bool = true;

    fn decide(
        &self,
        command: ProposalCommand,
        now: DateTime<Utc>,
        _: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation> {
        proposal::decide(self, command, now)
    }

    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        proposal::evolve(self, event)
    }

    fn summary(&self) -> Option<CaseState> {
        self.case_state()
    }

    fn clock(&self, _: &Clocks) -> Result<Clock, DeadlineError> {
        proposal_clock(self)
    }

    fn remind(
        &self,
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    ) -> Option<ProposalCommand> {
        Some(ProposalCommand::Remind {
            level,
            note,
            reminded_on,
        })
    }

    fn describe(event: &ProposalEvent) -> String {
        proposal::describe(event)
    }

    fn workload(&self, _: &Clocks) -> Option<Work> {
        proposal_work(self)
    }
}

impl Lifecycle for ChallengeState {
    type Command = ChallengeCommand;
    type Event = ChallengeEvent;
    const KIND: CaseKind = CaseKind::Challenge;

    fn decide(
        &self,
        command: ChallengeCommand,
        now: DateTime<Utc>,
        _: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation> {
        challenge::decide(self, command, now)
    }

    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        challenge::evolve(self, event)
    }

    fn summary(&self) -> Option<CaseState> {
        self.case_state()
    }

    fn clock(&self, _: &Clocks) -> Result<Clock, DeadlineError> {
        // Reconsideration and suit periods run at the reviewing body or the court, not at this agency.
        Ok(Clock::Idle(IdleReason::NoStatutoryClock))
    }

    fn remind(&self, _: ReminderLevel, _: String, _: NaiveDate) -> Option<ChallengeCommand> {
        None
    }

    fn describe(event: &ChallengeEvent) -> String {
        challenge::describe(event)
    }
}

impl Lifecycle for RecordState {
    type Command = RecordCommand;
    type Event = RecordEvent;
    const KIND: CaseKind = CaseKind::Record;
    // The annual report counts records, but nobody calls about them: the proto gives them no number.
    const NUMBERED: bool = false;
    // Only the petitions-handled counts do, but the kind is known before the record's first event.
    const COUNTS_IN_WORK: bool = true;

    fn decide(
        &self,
        command: RecordCommand,
        now: DateTime<Utc>,
        _: &Clocks,
    ) -> Result<Vec<Event>, RuleViolation> {
        records::decide(self, command, now)
    }

    fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        records::evolve(self, event)
    }

    fn summary(&self) -> Option<CaseState> {
        self.case_state()
    }

    fn clock(&self, _: &Clocks) -> Result<Clock, DeadlineError> {
        // A record is a fact the report counts, not a request anyone waits on.
        Ok(Clock::Idle(IdleReason::NoStatutoryClock))
    }

    fn remind(&self, _: ReminderLevel, _: String, _: NaiveDate) -> Option<RecordCommand> {
        None
    }

    fn describe(event: &RecordEvent) -> String {
        records::describe(event)
    }

    fn workload(&self, _: &Clocks) -> Option<Work> {
        record_work(self)
    }
}

/// One case of any kind: its domain state. Serialised as `{"application": {…}}` etc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    Application(ApplicationState),
    Hotline(HotlineState),
    Proposal(ProposalState),
    Challenge(ChallengeState),
    Record(RecordState),
}

/// A command for a case of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseCommand {
    Application(ApplicationCommand),
    Hotline(HotlineCommand),
    Proposal(ProposalCommand),
    Challenge(ChallengeCommand),
    Record(RecordCommand),
}

/// The one dispatch over the kinds: binds the kind's value to `$x` and evaluates `$body` with `$L` as the
/// kind's lifecycle (state) type. Every method of [`Case`], [`CaseCommand`] and [`Event::describe`] goes
/// through it.
macro_rules! each_kind {
    ($enum:ident, $value:expr, $x:ident, $L:ident => $body:expr) => {
        match $value {
            $enum::Application($x) => {
                type $L = ApplicationState;
                $body
            }
            $enum::Hotline($x) => {
                type $L = HotlineState;
                $body
            }
            $enum::Proposal($x) => {
                type $L = ProposalState;
                $body
            }
            $enum::Challenge($x) => {
                type $L = ChallengeState;
                $body
            }
            $enum::Record($x) => {
                type $L = RecordState;
                $body
            }
        }
    };
}

impl Case {
    /// A case of `kind` before its first event.
    pub fn new(kind: CaseKind) -> Case {
        match kind {
            CaseKind::Application => Case::Application(ApplicationState::default()),
            CaseKind::Hotline => Case::Hotline(HotlineState::default()),
            CaseKind::Proposal => Case::Proposal(ProposalState::default()),
            CaseKind::Challenge => Case::Challenge(ChallengeState::default()),
            CaseKind::Record => Case::Record(RecordState::default()),
        }
    }

    /// Folds one case's stream into the state of a case of `kind`.
    pub fn replay<'a>(
        kind: CaseKind,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<Case, ReplayError> {
        let mut case = Case::new(kind);
        for event in events {
            case.evolve(event)?;
        }
        Ok(case)
    }

    pub fn kind(&self) -> CaseKind {
        each_kind!(Case, self, _state, L => L::KIND)
    }

    pub fn evolve(&mut self, event: &Event) -> Result<(), ReplayError> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::evolve(state, event))
    }

    pub fn summary(&self) -> Option<CaseState> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::summary(state))
    }

    pub fn person(&self) -> Option<&Person> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::person(state))
    }

    pub fn clock(&self, clocks: &Clocks) -> Result<Clock, DeadlineError> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::clock(state, clocks))
    }

    /// The deadline still to be met, if the clock runs.
    pub fn pending_deadline(&self, clocks: &Clocks) -> Result<Option<Deadline>, DeadlineError> {
        Ok(match self.clock(clocks)? {
            Clock::Running(deadline) => Some(deadline),
            Clock::Stopped { .. } | Clock::Idle(_) => None,
        })
    }

    pub fn remind(
        &self,
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    ) -> Option<CaseCommand> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::remind(state, level, note, reminded_on).map(Into::into))
    }
}

impl Case {
    /// What this case contributes to the year-end work figures, if anything ([`Lifecycle::workload`]).
    pub fn workload(&self, clocks: &Clocks) -> Option<Work> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::workload(state, clocks))
    }

    /// Whether cases of `kind` can count in the year-end work figures ([`Lifecycle::COUNTS_IN_WORK`]).
    pub fn kind_counts_in_work(kind: CaseKind) -> bool {
        each_kind!(Case, Case::new(kind), _state, L => L::COUNTS_IN_WORK)
    }

    /// Whether the case accepts `act` now: its kind's `decide` accepts the act's probe ([`Lifecycle::probe`]),
    /// so the answer is the command rules' own.
    pub fn accepts(&self, act: Act, now: DateTime<Utc>, clocks: &Clocks) -> bool {
        each_kind!(Case, self, state, L => <L as Lifecycle>::probe(state, act, local_date(now))
            .is_some_and(|command| state.decide(command, now, clocks).is_ok()))
    }

    /// Whether the case was answered within its statutory period ([`Lifecycle::answered_on_time`]).
    pub fn answered_on_time(&self, clocks: &Clocks) -> Option<bool> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::answered_on_time(state, clocks))
    }

    /// Every act the case accepts now, in [`Act::ALL`]'s order.
    pub fn accepted(&self, now: DateTime<Utc>, clocks: &Clocks) -> Vec<Act> {
        Act::ALL
            .into_iter()
            .filter(|act| self.accepts(*act, now, clocks))
            .collect()
    }

    /// The command recording that a loaded arrangement moved this case's deadline, if its kind keeps one.
    pub fn note_deadline_moved(&self, moved: DeadlineMove) -> Option<CaseCommand> {
        each_kind!(Case, self, state, L => <L as Lifecycle>::note_deadline_moved(state, moved).map(Into::into))
    }
}

impl Event {
    /// This event's line in the case timeline, in Chinese: its kind's [`Lifecycle::describe`].
    pub fn describe(&self) -> String {
        each_kind!(EventBody, &self.body, body, L => <L as Lifecycle>::describe(body))
    }
}

impl CaseCommand {
    pub fn kind(&self) -> CaseKind {
        each_kind!(CaseCommand, self, _command, L => L::KIND)
    }

    /// Whether the case this command creates gets a tracking number.
    pub fn numbered(&self) -> bool {
        each_kind!(CaseCommand, self, _command, L => L::NUMBERED)
    }

    /// Folds `events` (one case's stream, possibly empty) into the command's kind and decides on the result.
    /// `now` (the command's recorded time) must not be before the stream's last event.
    pub fn decide(
        self,
        events: &[Event],
        now: DateTime<Utc>,
        clocks: &Clocks,
    ) -> Result<Vec<Event>, DecideError> {
        each_kind!(CaseCommand, self, command, L => {
            let state: L = replay(events).map_err(DecideError::Replay)?;
            not_before_last(events, now).map_err(DecideError::Rule)?;
            state.decide(command, now, clocks).map_err(DecideError::Rule)
        })
    }
}

/// Why a command on a stream produced no events: the stream cannot be folded, or a rule forbids it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Replay(ReplayError),
    #[error(transparent)]
    Rule(RuleViolation),
}

// Each kind's command is a case command: lets a caller write `ApplicationCommand::Decide { .. }.into()`.
macro_rules! into_case_command {
    ($($variant:ident($command:ty)),*) => {$(
        impl From<$command> for CaseCommand {
            fn from(command: $command) -> CaseCommand {
                CaseCommand::$variant(command)
            }
        }
    )*};
}

into_case_command!(
    Application(ApplicationCommand),
    Hotline(HotlineCommand),
    Proposal(ProposalCommand),
    Challenge(ChallengeCommand),
    Record(RecordCommand)
);
