//! Tracking numbers under concurrency, against a real `casetrack serve` process: 64 concurrent creates all
//! succeed (none ABORTED on a shared counter) with numbers unique and dense per prefix and year; a retried
//! create returns the same case and number; a record takes no number; and after a restart numbering continues
//! without a gap or a repeat.

use std::collections::BTreeSet;

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{ADMIN_TOKEN, DISTRICT, STAFF_TOKEN, authed, today};
use tonic::transport::Channel;

/// Concurrent creates in each round, as many as the busiest benchmark level.
const CLIENTS: usize = 64;

fn application(external_id: &str) -> pb::SubmitApplicationRequest {
    pb::SubmitApplicationRequest {
        external_id: external_id.into(),
        agency: DISTRICT.into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "2025 年预算执行情况".into(),
        ..Default::default()
    }
}

/// Submits applications `ids` all at once, each on its own connection; every one must succeed.
async fn submit_concurrently(url: &str, ids: Vec<String>) -> anyhow::Result<Vec<pb::CaseRef>> {
    let mut tasks = Vec::with_capacity(ids.len());
    for id in ids {
        let mut intake = IntakeClient::new(Channel::from_shared(url.to_owned())?.connect().await?);
        tasks.push(tokio::spawn(async move {
            intake
                .submit_application(authed(application(&id), STAFF_TOKEN))
                .await
        }));
    }
    let mut refs = Vec::with_capacity(tasks.len());
    for task in tasks {
        refs.push(task.await??.into_inner());
    }
    Ok(refs)
}

/// The sequence parts of `refs`' numbers, checking that they all share one prefix-and-year and none repeats.
fn sequences(refs: &[pb::CaseRef], year: &str) -> BTreeSet<u64> {
    let prefix = format!("SM-{year}-");
    let sequences: BTreeSet<u64> = refs
        .iter()
        .map(|r| {
            let sequence = r
                .tracking_number
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{r:?} is numbered {prefix}…"));
            sequence.parse().expect("a sequence")
        })
        .collect();
    assert_eq!(sequences.len(), refs.len(), "numbers repeat: {refs:?}");
    sequences
}

fn ids(round: &str) -> Vec<String> {
    (0..CLIENTS).map(|i| format!("{round}-{i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_all_succeed_with_dense_numbers_that_survive_a_restart()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let year = &today()[..4];
    let serve = Serve::new(dir.path());
    let server = serve.spawn("serve")?;
    casetrack_tests::agencies::register(&server.url(), ADMIN_TOKEN, &[DISTRICT]).await?;

    let first = submit_concurrently(&server.url(), ids("A")).await?;
    assert_eq!(
        sequences(&first, year),
        (1..=CLIENTS as u64).collect(),
        "dense from 1"
    );

    // A record (here a count) takes no number and leaves the sequence alone.
    let mut intake = IntakeClient::new(Channel::from_shared(server.url())?.connect().await?);
    let count = pb::RecordCountRequest {
        external_id: "C-1".into(),
        agency: DISTRICT.into(),
        measure: "training_sessions".into(),
        count: 3,
        period_end: today(),
        occurred_at: None,
    };
    let record = intake
        .record_count(authed(count.clone(), STAFF_TOKEN))
        .await?
        .into_inner();
    assert_eq!(record.tracking_number, "", "{record:?}");
    let record_again = intake
        .record_count(authed(count, STAFF_TOKEN))
        .await?
        .into_inner();
    assert_eq!(record_again, record, "a retried record is the same record");

    // Retries, all at once, get the very same cases and numbers.
    let retried = submit_concurrently(&server.url(), ids("A")).await?;
    assert_eq!(retried, first);
    drop(intake);
    drop(server);

    let server = serve.spawn("serve-again")?;
    let second = submit_concurrently(&server.url(), ids("B")).await?;
    assert_eq!(
        sequences(&second, year),
        (CLIENTS as u64 + 1..=2 * CLIENTS as u64).collect(),
        "numbering continues after the restart without a gap or a repeat"
    );
    let retried = submit_concurrently(&server.url(), ids("A")).await?;
    assert_eq!(retried, first, "retries after the restart");

    // Every number leads back to its case.
    let mut intake = IntakeClient::new(Channel::from_shared(server.url())?.connect().await?);
    for case in first.iter().chain(&second).step_by(7) {
        let request = pb::GetCaseRequest {
            tracking_number: case.tracking_number.clone(),
            case_id: String::new(),
        };
        let found = intake.get_case(authed(request, STAFF_TOKEN)).await?;
        let found = found.into_inner().r#ref.expect("a case ref");
        assert_eq!(
            (&found.case_id, &found.tracking_number, &found.stream),
            (&case.case_id, &case.tracking_number, &case.stream)
        );
    }
    Ok(())
}
