//! The fold keeps case states in a bounded cache between batches and writes each state once per batch. Whatever
//! the bound, the batch sizes, or a restart with an empty cache in the middle, the store ends key for key equal
//! to one fold of the whole log: a state read back from the cache is the state the store holds.

use std::collections::BTreeMap;

use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ReadModel, synthetic};

const CASES: u64 = 1_500;
/// Events per batch in the fold that commits many small batches.
const SMALL_BATCH: usize = 7;

fn log_of_a_year(dir: &std::path::Path) -> EventLog {
    let log = EventLog::open(&dir.join("log")).expect("open log");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let cases = synthetic::year_of_cases(2024, CASES, 3);
    runtime
        .block_on(synthetic::append_cases(&log, &cases))
        .expect("append");
    log
}

fn dump(projector: &Projector) -> BTreeMap<Vec<u8>, Vec<u8>> {
    projector.store().dump().expect("dump")
}

/// Folds `log` from `from` to `to` in batches of `batch` events.
fn fold_range(projector: &Projector, log: &EventLog, from: u64, to: u64, batch: usize) {
    let mut checkpoints = projector.checkpoints().expect("checkpoints");
    let mut at = from;
    while at < to {
        let events = log
            .read_all(at, batch.min((to - at) as usize))
            .expect("read");
        at = events.last().expect("events up to the head").position + 1;
        projector.fold(&mut checkpoints, &events).expect("fold");
    }
}

#[test]
fn any_cache_bound_batch_size_or_restart_folds_the_same_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = log_of_a_year(dir.path());
    let head = log.next_position();

    let reference = Projector::open(&dir.path().join("reference")).expect("open");
    reference.catch_up(&log, &mut |_, _| {}).expect("fold");
    let expected = dump(&reference);

    // A cache of two states evicts nearly every case between its events: they come back from the store.
    let tiny = Projector::with_cache_bound(&dir.path().join("tiny"), 2).expect("open");
    tiny.catch_up(&log, &mut |_, _| {}).expect("fold");
    assert_eq!(dump(&tiny), expected, "a two-state cache");

    // Many small batches: a case's events fall into different batches and are read back from the cache.
    let small = Projector::open(&dir.path().join("small")).expect("open");
    fold_range(&small, &log, 0, head, SMALL_BATCH);
    assert_eq!(dump(&small), expected, "batches of {SMALL_BATCH} events");

    // A restart halfway: the second half starts from an empty cache over the committed store.
    let restarted = dir.path().join("restarted");
    fold_range(
        &Projector::open(&restarted).expect("open"),
        &log,
        0,
        head / 2,
        SMALL_BATCH,
    );
    let reopened = Projector::open(&restarted).expect("reopen");
    reopened.catch_up(&log, &mut |_, _| {}).expect("fold on");
    assert_eq!(dump(&reopened), expected, "restarted halfway");

    // A model reset on its own folds again past the others' cached states and lands on the same store.
    reopened
        .rebuild(&log, &[ReadModel::Annual], &mut |_, _| {})
        .expect("rebuild annual");
    assert_eq!(dump(&reopened), expected, "annual rebuilt");
}
