//! The checkpointed subscriber: a crash in the middle of a batch resumes from the durable checkpoint, every
//! event is handed over at least once in log order, idempotent effects happen once, and a source that skips a
//! position is a failure, never a silent loss.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use casetrack_bus::{BusError, Checkpoint, Consumer, EventSource, Failure, LogSource, Subscriber};
use casetrack_eventlog::{EventLog, LogStream, RecordedEvent, SubscriptionMessage};
use futures::StreamExt;
use uuid::Uuid;

/// A consumer whose effect is "record the event under its id" (idempotent, as the real consumers' command
/// and message ids make theirs), with a crash injected after a number of effects.
struct Recorder {
    checkpoint: Checkpoint,
    effects: Arc<Mutex<BTreeMap<Uuid, u64>>>,
    handed_over: Arc<Mutex<Vec<u64>>>,
    crash_after_effects: Option<usize>,
}

impl Consumer for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }

    async fn checkpoint(&mut self) -> Result<u64, Failure> {
        Ok(self.checkpoint.next_position())
    }

    async fn handle(&mut self, batch: &[RecordedEvent]) -> Result<(), Failure> {
        for event in batch {
            if self.crash_after_effects == Some(0) {
                return Err(Failure::fatal("injected crash in the middle of a batch"));
            }
            self.handed_over.lock().expect("lock").push(event.position);
            self.effects
                .lock()
                .expect("lock")
                .entry(event.event_id)
                .or_insert(event.position);
            self.crash_after_effects = self.crash_after_effects.map(|n| n - 1);
        }
        let last = batch.last().expect("a batch is never empty");
        Ok(self.checkpoint.store(last.position + 1)?)
    }
}

#[tokio::test]
async fn a_crash_mid_batch_resumes_from_the_checkpoint_and_effects_happen_once() {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let checkpoint_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let events = common::append_events(&log, 100).await;
    let effects = Arc::new(Mutex::new(BTreeMap::new()));
    let handed_over = Arc::new(Mutex::new(Vec::new()));
    let recorder = |crash_after_effects| Recorder {
        checkpoint: Checkpoint::open(checkpoint_dir.path(), "recorder", 0).expect("checkpoint"),
        effects: Arc::clone(&effects),
        handed_over: Arc::clone(&handed_over),
        crash_after_effects,
    };
    let source = LogSource(Arc::new(log.clone()));

    // Batches of 16: the crash after 40 effects falls in the third batch, whose checkpoint is never written.
    let mut crashing = Subscriber::new(recorder(Some(40)), source.clone()).with_batch(16);
    let failure = crashing.run_until(100).await.expect_err("injected crash");
    assert!(!failure.is_transient());
    assert!(
        !crashing.progress().borrow().up,
        "a failed run is reported down"
    );
    drop(crashing);
    assert_eq!(
        Checkpoint::open(checkpoint_dir.path(), "recorder", 0)
            .expect("checkpoint")
            .next_position(),
        32,
        "the checkpoint stands after the last whole batch"
    );

    // Live events arrive while the restarted subscriber follows the log.
    let mut resumed = Subscriber::new(recorder(None), source).with_batch(16);
    let more = common::append_events(&log, 10).await;
    resumed.run_until(110).await.expect("resume to the end");
    assert_eq!(
        *resumed.progress().borrow(),
        casetrack_bus::Progress {
            checkpoint: 110,
            head: 110,
            up: true,
        }
    );

    // At least once, in log order: 0..40 before the crash, then again from the checkpoint 32.
    let expected: Vec<u64> = (0..40).chain(32..110).collect();
    assert_eq!(*handed_over.lock().expect("lock"), expected);
    // Effects once: one per event, under its own id.
    let effects = effects.lock().expect("lock");
    assert_eq!(effects.len(), 110);
    for event in events.iter().chain(&more) {
        assert_eq!(effects.get(&event.event_id), Some(&event.position));
    }
}

/// A source that delivers a fixed list of messages.
struct Scripted(Vec<RecordedEvent>);

impl EventSource for Scripted {
    async fn subscribe(&self, from_position: u64) -> Result<LogStream, Failure> {
        let messages: Vec<_> = self
            .0
            .iter()
            .filter(|event| event.position >= from_position)
            .cloned()
            .map(|event| Ok(SubscriptionMessage::Event(event)))
            .collect();
        Ok(futures::stream::iter(messages).boxed())
    }
}

#[tokio::test]
async fn a_source_that_skips_a_position_is_a_fatal_failure_and_nothing_past_it_is_handled() {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let checkpoint_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let mut events = common::append_events(&log, 6).await;
    events.remove(3);
    let handed_over = Arc::new(Mutex::new(Vec::new()));
    let recorder = Recorder {
        checkpoint: Checkpoint::open(checkpoint_dir.path(), "recorder", 0).expect("checkpoint"),
        effects: Arc::default(),
        handed_over: Arc::clone(&handed_over),
        crash_after_effects: None,
    };
    let mut subscriber = Subscriber::new(recorder, Scripted(events)).with_batch(2);
    let failure = subscriber.run().await.expect_err("gap");
    assert!(!failure.is_transient());
    let source = std::error::Error::source(&failure).expect("source");
    assert!(
        matches!(
            source.downcast_ref::<BusError>(),
            Some(BusError::Gap {
                expected: 3,
                got: 4,
                ..
            })
        ),
        "{failure}"
    );
    assert_eq!(*handed_over.lock().expect("lock"), vec![0, 1]);
    assert_eq!(subscriber.consumer().checkpoint.next_position(), 2);
}
