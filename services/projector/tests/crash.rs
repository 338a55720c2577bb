//! SIGKILL the projector mid-fold, again and again: after a restart its read models equal a rebuild from zero,
//! key for key — the batch-plus-checkpoint write never double-counts or skips an event.
//!
//! The kill is timed by the fold's own progress, not by the wall clock: each run is killed right after it
//! reports its first committed batch, so the kill lands mid-fold however slow or loaded the machine is.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ReadModel, synthetic};

/// How many times the fold is killed before it is let finish.
const KILLS: usize = 8;
const CASES: u64 = 3_000;

#[test]
fn killed_mid_fold_the_projector_resumes_to_the_same_read_models() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log_dir = dir.path().join("log");
    let crashed_dir = dir.path().join("crashed");
    let rebuilt_dir = dir.path().join("rebuilt");
    {
        let log = EventLog::open(&log_dir).expect("open log");
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let cases = synthetic::year_of_cases(2024, CASES, 7);
        runtime
            .block_on(synthetic::append_cases(&log, &cases))
            .expect("append");
    }

    let mut partial_kills = 0;
    for _ in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_projector-crash-fold"))
            .arg(&log_dir)
            .arg(&crashed_dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn fold");
        // The first progress line ("done/total") follows the first committed batch; the next batch may be half
        // written when the kill lands.
        let stdout = child.stdout.take().expect("piped stdout");
        let _first_batch = BufReader::new(stdout).lines().next();
        // SIGKILL: no destructor, no flush — the crash the batch-plus-checkpoint design must survive.
        let _ = child.kill();
        child.wait().expect("reap");
        let log = EventLog::open(&log_dir).expect("reopen log");
        let projector = Projector::open(&crashed_dir).expect("reopen store");
        let checkpoints = projector.checkpoints().expect("checkpoints");
        if checkpoints
            .iter()
            .any(|(_, c)| *c > 0 && *c < log.next_position())
        {
            partial_kills += 1;
        }
    }
    assert!(
        partial_kills > 0,
        "no kill landed mid-fold; the test proved nothing"
    );

    let log = EventLog::open(&log_dir).expect("open log");
    let crashed = Projector::open(&crashed_dir).expect("store");
    crashed.catch_up(&log, &mut |_, _| {}).expect("resume");
    let rebuilt = Projector::open(&rebuilt_dir).expect("fresh store");
    rebuilt
        .rebuild(&log, &ReadModel::ALL, &mut |_, _| {})
        .expect("rebuild");
    let (a, b) = (
        crashed.store().dump().expect("dump"),
        rebuilt.store().dump().expect("dump"),
    );
    assert_eq!(a.len(), b.len(), "same number of keys");
    for ((ka, va), (kb, vb)) in a.iter().zip(&b) {
        assert_eq!(String::from_utf8_lossy(ka), String::from_utf8_lossy(kb));
        assert_eq!(va, vb, "value of {}", String::from_utf8_lossy(ka));
    }

    // A model reset on its own catches up independently and lands on the same state.
    crashed
        .rebuild(&log, &[ReadModel::Queues], &mut |_, _| {})
        .expect("rebuild queues");
    assert_eq!(crashed.store().dump().expect("dump"), b);
}
