//! Supervision of a process's background tasks (the subscribers and the reminder pass): a task that fails is
//! restarted with bounded exponential backoff and reported NOT_SERVING until it is up again; a task that
//! keeps failing for reasons waiting does not cure makes the process give up, so that its service manager
//! restarts it whole. A transient failure (NATS or the EventLog process unreachable) never counts toward that
//! bound: an outage is ridden out, resuming from the checkpoint once the server is back.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use casetrack_audit::AuditWriter;
use casetrack_bus::{Consumer, EventSource, Failure, Progress, Subscriber};
use futures::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::health::Health;

/// First pause before restarting a failed task; doubled on each failure in a row.
pub const RESTART_BACKOFF_MIN: Duration = Duration::from_millis(100);
/// Longest pause between restarts (also while riding out an outage).
pub const RESTART_BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Non-transient failures of one task within [`FAILURE_WINDOW`] after which the process gives up.
pub const MAX_FAILURES: usize = 5;
/// The window [`MAX_FAILURES`] is counted in.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(300);
/// How often a busy task's lag (log head minus checkpoint) is logged at most.
pub const LAG_LOG_INTERVAL: Duration = Duration::from_secs(60);

/// A background task the supervisor can run again after a failure.
pub trait Task: Send + 'static {
    /// Run until failure; `Ok` means the task's source ended, which for a task meant to run for the life of
    /// the process is a failure too (restarted like a transient one).
    fn run(&mut self) -> impl Future<Output = Result<(), Failure>> + Send;

    /// Where the task stands; its `up` flag drives health.
    fn progress(&self) -> watch::Receiver<Progress>;
}

impl<C: Consumer + 'static, S: EventSource + 'static> Task for Subscriber<C, S> {
    fn run(&mut self) -> impl Future<Output = Result<(), Failure>> + Send {
        Subscriber::run(self)
    }

    fn progress(&self) -> watch::Receiver<Progress> {
        Subscriber::progress(self)
    }
}

impl Task for AuditWriter {
    fn run(&mut self) -> impl Future<Output = Result<(), Failure>> + Send {
        AuditWriter::run(self)
    }

    fn progress(&self) -> watch::Receiver<Progress> {
        AuditWriter::progress(self)
    }
}

/// Runs tasks, restarts them, reports their health, and says when the process should give up.
#[derive(Clone)]
pub struct Supervisor {
    health: Health,
    gave_up: watch::Sender<Option<String>>,
}

impl Supervisor {
    pub fn new(health: Health) -> Supervisor {
        Supervisor {
            health,
            gave_up: watch::Sender::new(None),
        }
    }

    /// Run `task` under the name `name` (its health name is `casetrack.task.{name}`); while it is down, the
    /// services in `affects` are reported NOT_SERVING too. Down until it reports itself up.
    pub fn spawn(
        &self,
        name: &'static str,
        affects: &'static [&'static str],
        mut task: impl Task,
    ) -> JoinHandle<()> {
        let supervisor = self.clone();
        tokio::spawn(async move {
            supervisor.health.task_down(name, affects).await;
            let reporter = supervisor.report_progress(name, affects, task.progress());
            let progress = task.progress();
            let mut failures = Failures::default();
            loop {
                let start = progress.borrow().checkpoint;
                let result = AssertUnwindSafe(task.run()).catch_unwind().await;
                if progress.borrow().checkpoint > start {
                    // It got somewhere before failing: back off from the minimum again.
                    failures.in_a_row = 0;
                }
                let failure = match result {
                    Ok(Ok(())) => Failure::transient("its event source ended"),
                    Ok(Err(failure)) => failure,
                    Err(_panic) => Failure::fatal("it panicked"),
                };
                supervisor.health.task_down(name, affects).await;
                tracing::error!(task = name, %failure, "background task failed");
                if failures.count(&failure) {
                    reporter.abort();
                    let reason = format!(
                        "task {name} failed {MAX_FAILURES} times within {FAILURE_WINDOW:?}; last: {failure}"
                    );
                    supervisor.gave_up.send_replace(Some(reason));
                    return;
                }
                tokio::time::sleep(failures.backoff()).await;
            }
        })
    }

    /// Completes when a task has failed past the bound, with the reason: the process should exit non-zero.
    pub async fn gave_up(&self) -> String {
        let mut receiver = self.gave_up.subscribe();
        let reason = receiver
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|reason| reason.clone());
        match reason {
            Some(reason) => reason,
            // The sender lives in `self`, so the channel cannot close while we wait.
            None => std::future::pending().await,
        }
    }

    /// Forward the task's `up` flag to health, and log its lag every [`LAG_LOG_INTERVAL`] while it moves.
    fn report_progress(
        &self,
        name: &'static str,
        affects: &'static [&'static str],
        mut progress: watch::Receiver<Progress>,
    ) -> JoinHandle<()> {
        let health = self.health.clone();
        tokio::spawn(async move {
            let mut up = false;
            let mut logged = Instant::now();
            loop {
                let current = *progress.borrow_and_update();
                record_progress(name, &current);
                if logged.elapsed() >= LAG_LOG_INTERVAL {
                    logged = Instant::now();
                    tracing::info!(
                        task = name,
                        checkpoint = current.checkpoint,
                        head = current.head,
                        lag = current.lag(),
                        "subscriber lag"
                    );
                }
                let now_up = current.up;
                if now_up != up {
                    up = now_up;
                    if up {
                        health.task_up(name).await;
                    } else {
                        health.task_down(name, affects).await;
                    }
                }
                if progress.changed().await.is_err() {
                    return;
                }
            }
        })
    }
}

/// A subscriber's checkpoint, the log head it sees and its lag (head − checkpoint), by `subscriber`.
pub const SUBSCRIBER_CHECKPOINT: &str = "casetrack_subscriber_checkpoint";
pub const SUBSCRIBER_HEAD: &str = "casetrack_subscriber_head";
pub const SUBSCRIBER_LAG: &str = "casetrack_subscriber_lag";

/// Publish task `name`'s progress as gauges.
fn record_progress(name: &'static str, progress: &Progress) {
    metrics::gauge!(SUBSCRIBER_CHECKPOINT, "subscriber" => name).set(progress.checkpoint as f64);
    metrics::gauge!(SUBSCRIBER_HEAD, "subscriber" => name).set(progress.head as f64);
    metrics::gauge!(SUBSCRIBER_LAG, "subscriber" => name).set(progress.lag() as f64);
}

/// A task's recent failures: the fatal ones within the window, and how many failed in a row.
#[derive(Default)]
struct Failures {
    fatal: VecDeque<Instant>,
    in_a_row: u32,
}

impl Failures {
    /// Record `failure`; true when the task has failed past the bound.
    fn count(&mut self, failure: &Failure) -> bool {
        self.in_a_row = self.in_a_row.saturating_add(1);
        if failure.is_transient() {
            return false;
        }
        let now = Instant::now();
        self.fatal.push_back(now);
        while self
            .fatal
            .front()
            .is_some_and(|&at| now.duration_since(at) > FAILURE_WINDOW)
        {
            self.fatal.pop_front();
        }
        self.fatal.len() >= MAX_FAILURES
    }

    /// The pause before the next restart: doubling from the minimum, capped.
    fn backoff(&self) -> Duration {
        let doublings = self.in_a_row.saturating_sub(1).min(16);
        RESTART_BACKOFF_MIN
            .saturating_mul(1 << doublings)
            .min(RESTART_BACKOFF_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_never_reach_the_bound_and_fatal_ones_do() {
        let mut failures = Failures::default();
        for _ in 0..10 * MAX_FAILURES {
            assert!(!failures.count(&Failure::transient("outage")));
        }
        for n in 1..=MAX_FAILURES {
            assert_eq!(failures.count(&Failure::fatal("bug")), n == MAX_FAILURES);
        }
    }

    #[test]
    fn backoff_doubles_from_the_minimum_up_to_the_cap() {
        let mut failures = Failures::default();
        let mut pauses = Vec::new();
        for _ in 0..12 {
            failures.count(&Failure::transient("outage"));
            pauses.push(failures.backoff());
        }
        assert_eq!(pauses[0], RESTART_BACKOFF_MIN);
        assert_eq!(pauses[1], RESTART_BACKOFF_MIN * 2);
        assert_eq!(pauses[2], RESTART_BACKOFF_MIN * 4);
        assert_eq!(pauses[11], RESTART_BACKOFF_MAX);
        assert!(pauses.windows(2).all(|pair| pair[0] <= pair[1]));
    }
}
