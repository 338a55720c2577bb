//! Status updates back to the source system that submitted a case (`Intake.WatchStatus`).
//!
//! Every event of a case carries the case's source system in its metadata (intake sets it, later commands
//! copy it from the case's first event). Each watch is a [`Consumer`] of the log with a checkpoint per source
//! system (`DATA/watch/watch-{source}.checkpoint`): a source system that reconnects receives what it missed,
//! and the checkpoint advances only once a batch's updates were handed to the gRPC stream. One watch per
//! source system at a time: two would write one checkpoint.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use casetrack_api::instant::to_timestamp;
use casetrack_api::v1 as pb;
use casetrack_auth::Identity;
use casetrack_bus::{Checkpoint, Consumer, Failure, LogSource, Subscriber};
use casetrack_domain::parse_stream_name;
use casetrack_eventlog::{Log, RecordedEvent};
use chrono::DateTime;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use crate::command::may_see;
use crate::error::HandlerError;
use crate::tracking;

/// Updates buffered per watcher before the log is no longer read (back-pressure, not loss).
pub const WATCH_BUFFER: usize = 64;

/// The status watches of one process: the log they follow and where their checkpoints live.
#[derive(Clone)]
pub struct Watchers {
    log: Arc<dyn Log>,
    dir: PathBuf,
    /// Source systems with a watch open in this process.
    active: Arc<Mutex<BTreeSet<String>>>,
}

impl Watchers {
    /// Watches over `log` keeping their checkpoints in `dir`.
    pub fn new(log: Arc<dyn Log>, dir: PathBuf) -> Watchers {
        Watchers {
            log,
            dir,
            active: Arc::default(),
        }
    }

    /// Stream `caller`'s cases' updates from its checkpoint until the client goes away.
    pub fn status_updates(
        &self,
        caller: Identity,
    ) -> Result<ReceiverStream<Result<pb::StatusUpdate, Status>>, Status> {
        let source = caller.source_system.clone();
        let active = Active::claim(&self.active, &source)?;
        let checkpoint = Checkpoint::open(&self.dir, &checkpoint_name(&source), 0)
            .map_err(|error| HandlerError::from(error).into_status())?;
        let (sender, receiver) = mpsc::channel(WATCH_BUFFER);
        let watcher = Watcher {
            log: Arc::clone(&self.log),
            source,
            caller,
            checkpoint,
            sender: sender.clone(),
            _active: active,
        };
        let mut subscriber = Subscriber::new(watcher, LogSource(Arc::clone(&self.log)));
        tokio::spawn(async move {
            // Stop as soon as the client goes away, not at the next update; the checkpoint then stands before
            // the batch it was handed, which its next watch receives again.
            tokio::select! {
                result = subscriber.run() => if let Err(failure) = result {
                    let _ = sender.send(Err(Status::unavailable(format!("状态订阅中断：{failure}")))).await;
                },
                () = sender.closed() => {}
            }
        });
        Ok(ReceiverStream::new(receiver))
    }
}

/// The checkpoint file name of a source system's watch: its name with anything but letters, digits, '-' and
/// '_' replaced, so it is one plain file name (source systems are configured names, not user input).
fn checkpoint_name(source: &str) -> String {
    let safe: String = source
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("watch-{safe}")
}

/// A source system's claim on its watch, released when the watch ends.
struct Active {
    registry: Arc<Mutex<BTreeSet<String>>>,
    source: String,
}

impl Active {
    fn claim(registry: &Arc<Mutex<BTreeSet<String>>>, source: &str) -> Result<Active, Status> {
        // A poisoned lock means a panic while inserting or removing a name: the set itself is still whole.
        let mut active = registry.lock().unwrap_or_else(|poison| poison.into_inner());
        if !active.insert(source.to_owned()) {
            return Err(Status::already_exists(format!(
                "来源系统 {source} 已有一个状态订阅；关闭它后再订阅"
            )));
        }
        Ok(Active {
            registry: Arc::clone(registry),
            source: source.to_owned(),
        })
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        let mut active = self
            .registry
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        active.remove(&self.source);
    }
}

/// One source system's watch.
struct Watcher {
    log: Arc<dyn Log>,
    source: String,
    /// Whose watch: it is sent the updates of the cases it may see, its own.
    caller: Identity,
    checkpoint: Checkpoint,
    sender: mpsc::Sender<Result<pb::StatusUpdate, Status>>,
    _active: Active,
}

impl Consumer for Watcher {
    fn name(&self) -> &str {
        &self.source
    }

    async fn checkpoint(&mut self) -> Result<u64, Failure> {
        Ok(self.checkpoint.next_position())
    }

    async fn handle(&mut self, batch: &[RecordedEvent]) -> Result<(), Failure> {
        for event in batch {
            // Every event carries its case's source system and agency; a watching hotline system sees its own
            // cases whoever handles them, so the handling unit does not matter here.
            if !may_see(&self.caller, event, None) {
                continue;
            }
            let Some(update) = update_for(self.log.as_ref(), event).await else {
                continue;
            };
            self.sender
                .send(Ok(update?))
                .await
                .map_err(|_| Failure::fatal("the watching client went away"))?;
        }
        if let Some(last) = batch.last() {
            self.checkpoint.store(last.position + 1)?;
        }
        Ok(())
    }
}

/// The update for one committed event of a case; `None` for events outside case streams (tracking indexes).
async fn update_for(
    log: &dyn Log,
    event: &RecordedEvent,
) -> Option<Result<pb::StatusUpdate, Failure>> {
    let (_, case_id) = parse_stream_name(&event.stream)?;
    let tracking_number = match tracking::number_of(log, case_id).await {
        Ok(found) => found.and_then(|indexed| indexed.number).unwrap_or_default(),
        Err(HandlerError::Log(error)) => return Some(Err(Failure::from(error))),
        Err(error) => return Some(Err(Failure::fatal(error))),
    };
    // What the command said happened when, else when the log committed it.
    let occurred_at = event
        .data
        .get("occurred_at")
        .and_then(|v| v.as_str())
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map_or(event.recorded_at, |at| at.to_utc());
    Some(Ok(pb::StatusUpdate {
        case_id: case_id.to_string(),
        tracking_number,
        status: event.event_type.clone(),
        position: event.position,
        occurred_at: Some(to_timestamp(occurred_at)),
        data_json: event.data.to_string(),
    }))
}
