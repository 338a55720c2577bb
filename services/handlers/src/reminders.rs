//! Deadline reminders (催办 / 督办): a periodic pass over the cases whose clock runs — which cases those are,
//! their deadline, and who is reminded are the domain's answers (`Case::clock`, `Case::remind`). A case due within [`Reminders::within_working_days`]
//! working days is urged once; once overdue it is supervised (escalated) once. The command id is derived
//! from the case, the due date and the level, so a pass repeated (or run by two processes) reminds once per
//! level; a new deadline (extension, 补正, consultation, re-handling) earns new reminders.

use std::collections::BTreeMap;
use std::time::Duration;

use casetrack_bus::{Failure, Progress, log_is_transient};
use casetrack_domain::deadline::{Clocks, working_days_left};
use casetrack_domain::time::local_date;
use casetrack_domain::{Case, CaseId, CaseKind, Event, ReminderLevel, parse_stream_name};
use casetrack_eventlog::{MAX_READ_BATCH, RecordedEvent};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::watch;

use crate::command::{Commands, Step, decode_stream};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use crate::supervisor::Task;

/// The actor recorded on reminder events.
pub const REMINDER_ACTOR: &str = "casetrack-reminders";
/// The most events one pass reads per case kind; beyond it the pass stops reading that kind and says so (the
/// log is then too large for a full scan, and reminders should move to the projector's queues).
pub const MAX_REMINDER_SCAN_EVENTS: usize = 1_000_000;

#[derive(Clone)]
pub struct Reminders {
    commands: Commands,
    /// Remind when at most this many working days are left (0 = on the due day; overdue cases too).
    pub within_working_days: i64,
}

impl Reminders {
    /// Reminders under the clocks of `commands` (the calendar and clock rules every deadline uses).
    pub fn new(commands: Commands, within_working_days: i64) -> Reminders {
        Reminders {
            commands,
            within_working_days,
        }
    }

    /// One pass at `now`; returns the cases reminded (including ones whose reminder at this level and
    /// deadline was already recorded). A case whose deadline cannot be computed is logged and skipped: one
    /// case never stops the pass.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, HandlerError> {
        let today = local_date(now);
        let clocks = self.commands.clocks().await?;
        let mut reminded = 0;
        for kind in Case::kinds_with_clock() {
            for (stream, recorded) in self.scan(kind).await? {
                let events = decode_stream(&stream, &recorded)?;
                let Some(step) = reminder(
                    kind,
                    &stream,
                    &events,
                    &clocks,
                    today,
                    self.within_working_days,
                )?
                else {
                    continue;
                };
                let command_id = derived_command_id(step.case_id, &step.purpose);
                match self
                    .commands
                    .execute(REMINDER_ACTOR, command_id, now, vec![step.step])
                    .await
                {
                    Ok(_) => reminded += 1,
                    Err(HandlerError::Rule(violation)) => {
                        tracing::info!(case_id = %step.case_id, %violation, "case not reminded")
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

    /// The reminder passes as a supervised task: a pass every `interval`, the first right away.
    pub fn every(self, interval: Duration) -> ReminderPasses {
        ReminderPasses {
            reminders: self,
            interval,
            progress: watch::Sender::new(Progress::default()),
        }
    }
}

/// Reminder passes at an interval; a failed pass fails the task, which its supervisor restarts.
pub struct ReminderPasses {
    reminders: Reminders,
    interval: Duration,
    progress: watch::Sender<Progress>,
}

impl Task for ReminderPasses {
    async fn run(&mut self) -> Result<(), Failure> {
        let mut ticker = tokio::time::interval(self.interval);
        loop {
            ticker.tick().await;
            match self.reminders.run_once(Utc::now()).await {
                Ok(count) => tracing::debug!(count, "reminder pass done"),
                Err(HandlerError::Log(error)) if log_is_transient(&error) => {
                    self.progress.send_modify(|progress| progress.up = false);
                    return Err(Failure::transient(error));
                }
                Err(error) => {
                    self.progress.send_modify(|progress| progress.up = false);
                    return Err(Failure::fatal(error));
                }
            }
            self.progress.send_modify(|progress| progress.up = true);
        }
    }

    fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }
}

/// The reminder one case is due, if any: its clock runs, its deadline is within reach, and someone holds
/// the case to remind (the domain's `Lifecycle::remind`).
fn reminder(
    kind: CaseKind,
    stream: &str,
    events: &[Event],
    clocks: &Clocks,
    today: NaiveDate,
    within_working_days: i64,
) -> Result<Option<Reminder>, HandlerError> {
    let Some((_, case_id)) = parse_stream_name(stream) else {
        return Ok(None);
    };
    let case = Case::replay(kind, events).map_err(|e| HandlerError::replay(stream, e))?;
    let due = match case.pending_deadline(clocks) {
        Ok(Some(deadline)) => deadline.due,
        Ok(None) => return Ok(None),
        Err(error) => {
            tracing::warn!(stream, %error, "no deadline for case; not reminded");
            return Ok(None);
        }
    };
    let left = match working_days_left(due, today, &clocks.calendar) {
        Ok(left) => left,
        Err(error) => {
            tracing::warn!(stream, %error, "working days left unknown; not reminded");
            return Ok(None);
        }
    };
    if left > within_working_days {
        return Ok(None);
    }
    let level = if left < 0 {
        ReminderLevel::Supervise
    } else {
        ReminderLevel::Urge
    };
    // The note is read in the case's Chinese timeline (`Intake.GetTimeline`).
    let note = if left < 0 {
        format!("办理期限 {due}，已逾期 {} 个工作日", -left)
    } else {
        format!("办理期限 {due}，剩余 {left} 个工作日")
    };
    Ok(case.remind(level, note, today).map(|command| Reminder {
        case_id,
        purpose: reminder_purpose(due, level),
        step: Step {
            field: "case_id",
            case_id,
            command,
        },
    }))
}

/// A reminder to send, and the purpose its command id is derived from.
struct Reminder {
    case_id: CaseId,
    purpose: String,
    step: Step,
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
