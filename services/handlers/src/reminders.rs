//! Deadline reminders (催办 / 督办): a periodic pass over the open cases that have a running deadline —
//! applications awaiting their reply (条例 Art. 33 clock), suggestions and proposals awaiting theirs, and
//! hotline tickets dispatched and not yet handled. A case due within [`Reminders::within_working_days`]
//! working days is urged once; once overdue it is supervised (escalated) once. The command id is derived
//! from the case, the due date and the level, so a pass repeated (or run by two processes) reminds once per
//! level; a new deadline (extension, 补正, consultation, re-handling) earns new reminders.

use std::collections::BTreeMap;
use std::time::Duration;

use casetrack_domain::application::{self, ApplicationCommand};
use casetrack_domain::deadline::{
    Clock, ClockRules, application_clock, hotline_deadline, proposal_deadline, working_days_left,
};
use casetrack_domain::hotline::{self, HotlineCommand, ReminderLevel};
use casetrack_domain::proposal::{self, ProposalCommand};
use casetrack_domain::time::local_date;
use casetrack_domain::{CaseKind, Event, parse_stream_name};
use casetrack_eventlog::{MAX_READ_BATCH, RecordedEvent};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::task::JoinHandle;

use crate::command::{Commands, Step, decode_stream};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use crate::lifecycle::CaseCommand;

/// The actor recorded on reminder events.
pub const REMINDER_ACTOR: &str = "casetrack-reminders";
/// The most events one pass reads per case kind; beyond it the pass stops reading that kind and says so (the
/// log is then too large for a full scan, and reminders should move to the projector's queues).
pub const MAX_REMINDER_SCAN_EVENTS: usize = 1_000_000;
/// The case kinds whose deadlines are reminded; the others (challenges, records) have no reply clock here.
pub const REMINDED_KINDS: [CaseKind; 3] =
    [CaseKind::Application, CaseKind::Proposal, CaseKind::Hotline];

#[derive(Clone)]
pub struct Reminders {
    commands: Commands,
    rules: ClockRules,
    /// Remind when at most this many working days are left (0 = on the due day; overdue cases too).
    pub within_working_days: i64,
}

impl Reminders {
    /// Reminders under the default clock rules (application clock settings, published hotline limits).
    pub fn new(commands: Commands, within_working_days: i64) -> Reminders {
        Reminders {
            commands,
            rules: ClockRules::default(),
            within_working_days,
        }
    }

    /// One pass at `now`; returns the cases reminded (including ones whose reminder at this level and
    /// deadline was already recorded).
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, HandlerError> {
        let today = local_date(now);
        let mut reminded = 0;
        for kind in REMINDED_KINDS {
            for (stream, recorded) in self.scan(kind).await? {
                let Some((_, case_id)) = parse_stream_name(&stream) else {
                    continue;
                };
                let events = decode_stream(&stream, &recorded)?;
                let Some(due) = self.pending_due_date(kind, &stream, &events)? else {
                    continue;
                };
                let left = working_days_left(due, today, self.commands.calendar())
                    .map_err(|e| HandlerError::corrupt(&stream, e))?;
                if left > self.within_working_days {
                    continue;
                }
                let level = if left < 0 {
                    ReminderLevel::Supervise
                } else {
                    ReminderLevel::Urge
                };
                let note = format!("reply or handling due {due} ({left} working days left)");
                let step = Step {
                    field: "case_id",
                    case_id,
                    command: remind_command(kind, level, note, today),
                };
                let command_id = derived_command_id(case_id, &reminder_purpose(due, level));
                match self
                    .commands
                    .execute(REMINDER_ACTOR, command_id, now, vec![step])
                    .await
                {
                    Ok(_) => reminded += 1,
                    Err(HandlerError::Rule(violation)) => {
                        tracing::info!(%case_id, %violation, "case not reminded")
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        Ok(reminded)
    }

    /// Every stream of `kind`, read up to [`MAX_REMINDER_SCAN_EVENTS`] events.
    async fn scan(
        &self,
        kind: CaseKind,
    ) -> Result<BTreeMap<String, Vec<RecordedEvent>>, HandlerError> {
        let log = self.commands.log();
        let mut streams: BTreeMap<String, Vec<RecordedEvent>> = BTreeMap::new();
        let mut position = 0;
        let mut scanned = 0;
        loop {
            let batch = log
                .read_by_category(kind.category(), position, MAX_READ_BATCH)
                .await?;
            let Some(last) = batch.last() else { break };
            position = last.position + 1;
            scanned += batch.len();
            if scanned > MAX_REMINDER_SCAN_EVENTS {
                tracing::error!(
                    ?kind,
                    limit = MAX_REMINDER_SCAN_EVENTS,
                    "reminder pass stopped at its scan limit"
                );
                break;
            }
            for event in batch {
                streams.entry(event.stream.clone()).or_default().push(event);
            }
        }
        Ok(streams)
    }

    /// The due date of the case's pending reply or handling, or `None` when nothing is pending (closed,
    /// decided, replied, handled, merged) or its clock is stopped (awaiting receipt confirmation or 补正).
    fn pending_due_date(
        &self,
        kind: CaseKind,
        stream: &str,
        events: &[Event],
    ) -> Result<Option<NaiveDate>, HandlerError> {
        let calendar = self.commands.calendar();
        let replay = |e| HandlerError::replay(stream, e);
        let deadline = match kind {
            CaseKind::Application => {
                let state = application::replay(events).map_err(replay)?;
                if state.closed_on.is_some() || state.outcome().is_some() {
                    return Ok(None);
                }
                application_clock(&state, calendar, self.rules.application).map(|clock| match clock
                {
                    Clock::Running(deadline) => Some(deadline.due),
                    Clock::Stopped { .. } => None,
                })
            }
            CaseKind::Proposal => {
                let state = proposal::replay(events).map_err(replay)?;
                if state.reply.is_some() || state.published_on.is_some() {
                    return Ok(None);
                }
                proposal_deadline(&state).map(|deadline| Some(deadline.due))
            }
            CaseKind::Hotline => {
                let state = hotline::replay(events).map_err(replay)?;
                let waiting_for_unit = state.closed_on.is_none()
                    && state.merged_into.is_none()
                    && state.unit.is_some()
                    && state.handled_on.is_none();
                if !waiting_for_unit {
                    return Ok(None);
                }
                hotline_deadline(&state, calendar, &self.rules.hotline)
                    .map(|deadline| Some(deadline.due))
            }
            CaseKind::Challenge | CaseKind::Record => return Ok(None),
        };
        Ok(deadline.unwrap_or_else(|error| {
            tracing::warn!(stream, %error, "no deadline for case; not reminded");
            None
        }))
    }

    /// Run a pass every `interval` until the task is dropped or aborted.
    pub fn spawn(self, interval: Duration) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            loop {
                ticker.tick().await;
                match self.run_once(Utc::now()).await {
                    Ok(count) => tracing::debug!(count, "reminder pass done"),
                    Err(error) => tracing::warn!(%error, "reminder pass failed"),
                }
            }
        })
    }
}

/// The purpose a reminder's command id is derived from: one reminder per (deadline, level).
fn reminder_purpose(due: NaiveDate, level: ReminderLevel) -> String {
    match level {
        // The urge keeps the purpose reminders had before levels were told apart, so urges already in
        // the log are not repeated.
        ReminderLevel::Urge => format!("remind/{due}"),
        ReminderLevel::Supervise => format!("remind/{due}/supervise"),
    }
}

/// The kind's Remind command.
fn remind_command(
    kind: CaseKind,
    level: ReminderLevel,
    note: String,
    reminded_on: NaiveDate,
) -> CaseCommand {
    match kind {
        CaseKind::Application => ApplicationCommand::Remind {
            level,
            note,
            reminded_on,
        }
        .into(),
        CaseKind::Proposal => ProposalCommand::Remind {
            level,
            note,
            reminded_on,
        }
        .into(),
        CaseKind::Hotline => HotlineCommand::Remind {
            level,
            note,
            reminded_on,
        }
        .into(),
        CaseKind::Challenge | CaseKind::Record => {
            unreachable!("only REMINDED_KINDS have a pending deadline")
        }
    }
}
