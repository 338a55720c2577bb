//! Deadline reminders (催办): a periodic pass over the hotline tickets that are dispatched and not yet handled;
//! a ticket due within [`Reminders::within_working_days`] working days gets one `Reminded` event per deadline.
//! The command id is derived from the case and the due date, so a pass repeated (or run by two processes)
//! reminds once; a new deadline (extension, re-handling) earns a new reminder.

use std::collections::BTreeMap;
use std::time::Duration;

use casetrack_domain::deadline::{HotlineLimits, hotline_deadline, working_days_left};
use casetrack_domain::hotline::{self, HotlineCommand, ReminderLevel};
use casetrack_domain::time::local_date;
use casetrack_domain::{CaseKind, parse_stream_name};
use casetrack_eventlog::{MAX_READ_BATCH, RecordedEvent};
use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use crate::command::{Commands, Step, decode_stream};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use crate::lifecycle::CaseCommand;

/// The actor recorded on reminder events.
pub const REMINDER_ACTOR: &str = "casetrack-reminders";
/// The most hotline events one pass reads; beyond it the pass stops and says so (the log is then too large
/// for a full scan, and reminders should move to the projector's queues).
pub const MAX_REMINDER_SCAN_EVENTS: usize = 1_000_000;

#[derive(Clone)]
pub struct Reminders {
    commands: Commands,
    limits: HotlineLimits,
    /// Remind when at most this many working days are left (0 = on the due day; overdue tickets too).
    pub within_working_days: i64,
}

impl Reminders {
    pub fn new(commands: Commands, within_working_days: i64) -> Reminders {
        Reminders {
            commands,
            limits: HotlineLimits::default(),
            within_working_days,
        }
    }

    /// One pass at `now`; returns the tickets reminded (including ones this deadline already had reminded).
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, HandlerError> {
        let log = self.commands.log();
        let mut streams: BTreeMap<String, Vec<RecordedEvent>> = BTreeMap::new();
        let mut position = 0;
        let mut scanned = 0;
        loop {
            let batch = log
                .read_by_category(CaseKind::Hotline.category(), position, MAX_READ_BATCH)
                .await?;
            let Some(last) = batch.last() else { break };
            position = last.position + 1;
            scanned += batch.len();
            if scanned > MAX_REMINDER_SCAN_EVENTS {
                tracing::error!(
                    limit = MAX_REMINDER_SCAN_EVENTS,
                    "reminder pass stopped at its scan limit"
                );
                break;
            }
            for event in batch {
                streams.entry(event.stream.clone()).or_default().push(event);
            }
        }
        let today = local_date(now);
        let mut reminded = 0;
        for (stream, recorded) in streams {
            let Some((_, case_id)) = parse_stream_name(&stream) else {
                continue;
            };
            let state = hotline::replay(&decode_stream(&stream, &recorded)?)
                .map_err(|e| HandlerError::replay(&stream, e))?;
            let waiting_for_unit = state.closed_on.is_none()
                && state.merged_into.is_none()
                && state.unit.is_some()
                && state.handled_on.is_none();
            if !waiting_for_unit {
                continue;
            }
            let due = match hotline_deadline(&state, self.commands.calendar(), &self.limits) {
                Ok(deadline) => deadline.due,
                Err(error) => {
                    tracing::warn!(%case_id, %error, "no deadline for ticket; not reminded");
                    continue;
                }
            };
            let left = working_days_left(due, today, self.commands.calendar())
                .map_err(|e| HandlerError::corrupt(&stream, e))?;
            if left > self.within_working_days {
                continue;
            }
            let command = CaseCommand::Hotline(HotlineCommand::Remind {
                level: if left < 0 {
                    ReminderLevel::Supervise
                } else {
                    ReminderLevel::Urge
                },
                note: format!("handling due {due} ({left} working days left)"),
                reminded_on: today,
            });
            let command_id = derived_command_id(case_id, &format!("remind/{due}"));
            let step = Step {
                field: "case_id",
                case_id,
                command,
            };
            match self
                .commands
                .execute(REMINDER_ACTOR, command_id, now, vec![step])
                .await
            {
                Ok(_) => reminded += 1,
                Err(HandlerError::Rule(violation)) => {
                    tracing::info!(%case_id, %violation, "ticket not reminded")
                }
                Err(error) => return Err(error),
            }
        }
        Ok(reminded)
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
