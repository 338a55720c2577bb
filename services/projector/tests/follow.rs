//! A running projector follows the log: events appended after it started reach the read models, and it
//! stops when told to.

mod common;

use std::time::Duration;

use casetrack_domain::ApplicantType;
use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ReadModel, projections_dir};
use common::{append, case_id, date, received};

/// How long the test waits for the projector to fold an append before failing.
const FOLD_WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_follows_new_appends_until_shutdown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    append(
        &log,
        &[received(
            case_id(1),
            "simao",
            ApplicantType::Business,
            date(2024, 1, 2),
        )],
    )
    .await;
    let projector = Projector::open(&projections_dir(dir.path())).expect("projector");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = tokio::spawn({
        let (projector, log) = (projector.clone(), log.clone());
        async move {
            projector
                .follow(log, async {
                    let _ = stopped.await;
                })
                .await
        }
    });
    for n in 2..=4 {
        append(
            &log,
            &[received(
                case_id(n),
                "simao",
                ApplicantType::Business,
                date(2024, 1, 3),
            )],
        )
        .await;
    }
    let head = log.next_position();
    let deadline = tokio::time::Instant::now() + FOLD_WAIT;
    loop {
        let checkpoints = projector.checkpoints().expect("checkpoints");
        if checkpoints.iter().all(|(_, c)| *c == head) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not folded in time: {checkpoints:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(()).expect("stop");
    follower.await.expect("join").expect("follow ends cleanly");
    assert_eq!(
        projector.checkpoints().expect("checkpoints"),
        ReadModel::ALL.map(|m| (m, head)).to_vec()
    );
}
