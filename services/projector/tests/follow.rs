//! A running projector follows the log as a checkpointed subscriber: events appended after it started reach
//! the read models, and a restarted one resumes from the checkpoints in its store.

mod common;

use std::time::Duration;

use casetrack_domain::ApplicantType;
use std::sync::Arc;

use casetrack_bus::{LogSource, Subscriber};
use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ProjectorConsumer, ReadModel, projections_dir};
use common::{append, case_id, date, received};

/// How long the test waits for the projector to fold an append before failing.
const FOLD_WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projector_follows_new_appends_and_resumes_from_its_store() {
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
    let source = LogSource(Arc::new(log.clone()));
    let mut subscriber = Subscriber::new(ProjectorConsumer::new(projector.clone()), source.clone());
    let follower = tokio::spawn(async move { subscriber.run().await });
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
    follower.abort();
    assert!(follower.await.expect_err("aborted").is_cancelled());
    assert_eq!(
        projector.checkpoints().expect("checkpoints"),
        ReadModel::ALL.map(|m| (m, head)).to_vec()
    );

    // A new subscriber starts from the store's checkpoints and folds only what came since.
    append(
        &log,
        &[received(
            case_id(5),
            "simao",
            ApplicantType::Business,
            date(2024, 1, 4),
        )],
    )
    .await;
    let head = log.next_position();
    let mut resumed = Subscriber::new(ProjectorConsumer::new(projector.clone()), source);
    resumed.run_until(head).await.expect("resume");
    assert_eq!(
        projector.checkpoints().expect("checkpoints"),
        ReadModel::ALL.map(|m| (m, head)).to_vec()
    );
}
