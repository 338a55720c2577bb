//! Deadline reminders (催办 / 督办): a periodic pass over the open cases the projector's queue model lists as
//! due soon or overdue (`casetrack_projector::queues::due_cases`: the deadline there is the domain's
//! `Case::clock` over the case as the model folded it), so a pass reads one model instead of the log. Who is
//! reminded is the domain's answer (`Case::remind`). A case due within [`Reminders::within_working_days`]
//! working days is urged once; once overdue it is supervised (escalated) once. The command id is derived from
//! the case, the due date and the level, so a pass repeated (or run by two processes, or on a model a little
//! behind the log) reminds once per level; a new deadline (extension, 补正, consultation, re-handling) earns
//! new reminders. Reminders run where the queue model is: `casetrack serve` (and the reporting process).

use std::time::Duration;

use casetrack_bus::{Failure, Progress, log_is_transient};
use casetrack_domain::time::local_date;
use casetrack_domain::{CaseId, ReminderLevel};
use casetrack_projector::Projector;
use casetrack_projector::queues::{DueCase, due_cases};
use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::watch;

use crate::command::{Actor, Commands, Step};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use crate::supervisor::Task;

/// The actor recorded on reminder events.
pub const REMINDER_ACTOR: &str = "casetrack-reminders";

#[derive(Clone)]
pub struct Reminders {
    commands: Commands,
    projector: Projector,
    /// Remind when at most this many working days are left (0 = on the due day; overdue cases too).
    pub within_working_days: i64,
}

impl Reminders {
    /// Reminders of the cases in `projector`'s queue model, sent through `commands` (whose clocks every
    /// deadline uses).
    pub fn new(commands: Commands, projector: Projector, within_working_days: i64) -> Reminders {
        Reminders {
            commands,
            projector,
            within_working_days,
        }
    }

    /// One pass at `now`; returns the cases reminded (including ones whose reminder at this level and
    /// deadline was already recorded).
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, HandlerError> {
        let today = local_date(now);
        let clocks = self.commands.clocks().await?;
        let (projector, within) = (self.projector.clone(), self.within_working_days);
        // RocksDB reads block: keep them off the async workers.
        let due = tokio::task::spawn_blocking(move || {
            due_cases(&projector.store().view(), &clocks, today, within)
        })
        .await
        .map_err(|error| HandlerError::ReadModel(error.to_string()))?
        .map_err(|error| HandlerError::ReadModel(error.to_string()))?;
        let mut reminded = 0;
        for case in due {
            let Some(step) = reminder(case, today) else {
                continue;
            };
            let command_id = derived_command_id(step.case_id, &step.purpose);
            match self
                .commands
                .execute(
                    Actor::Reaction(REMINDER_ACTOR),
                    command_id,
                    now,
                    vec![step.step],
                )
                .await
            {
                Ok(_) => reminded += 1,
                Err(HandlerError::Rule(violation)) => {
                    tracing::info!(case_id = %step.case_id, %violation, "case not reminded")
                }
                Err(error) => return Err(error),
            }
        }
        Ok(reminded)
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

/// The reminder one due case gets, if someone holds it to remind (the domain's `Lifecycle::remind`).
fn reminder(case: DueCase, today: NaiveDate) -> Option<Reminder> {
    let (due, left) = (case.due, case.working_days_left);
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
    let command = case.state.remind(level, note, today)?;
    Some(Reminder {
        case_id: case.case_id,
        purpose: reminder_purpose(due, level),
        step: Step {
            field: "case_id",
            case_id: case.case_id,
            command,
        },
    })
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
