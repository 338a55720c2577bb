//! End-to-end in the multi-process mode over a real `nats-server -js`: `casetrack eventlog` (owns the log,
//! relays to NATS), `casetrack intake` and `casetrack review` (their reactions follow the log over gRPC, each
//! with its checkpoints in its own data directory), `casetrack reply` and `casetrack reporting` (its read
//! models fed from NATS), each its own process. The same scenario as the embedded mode must pass unchanged, and
//! the reports come from the reporting process, which survives a SIGKILL in the middle of the stream.

use std::path::Path;

use casetrack_tests::reporting::{
    Figures, caught_up, eventlog, explained, log_head, reporting, submit_applications,
};
use casetrack_tests::services::{
    ADMIN_TOKEN, Clients, Process, reflected_services, served_with_standard,
    ticket_and_application_to_closed, write_tokens,
};
use casetrack_tests::{NatsServer, free_port};

/// Applications submitted while the reporting process is killed and restarted.
const BULK: u32 = 300;

/// A command-service process; those that react (intake's watchers, review's router) keep their checkpoints
/// in `dir/{name}` (Reply reacts to nothing and takes no `--data`).
fn service(name: &str, log: &Process, tokens: &Path, dir: &Path) -> anyhow::Result<Process> {
    let port = free_port();
    let mut args = vec![
        name.to_owned(),
        "--log".to_owned(),
        log.url(),
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--tokens".to_owned(),
        tokens.display().to_string(),
        "--log-token".to_owned(),
        ADMIN_TOKEN.to_owned(),
    ];
    if name != "reply" {
        args.extend(["--data".to_owned(), dir.join(name).display().to_string()]);
    }
    Process::spawn(&args, port, &dir.join(format!("{name}.log")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_reach_closed_and_reports_come_from_the_reporting_process() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let outcome = scenario(dir.path()).await;
    explained(outcome, dir.path())
}

async fn scenario(dir: &Path) -> anyhow::Result<()> {
    let tokens = write_tokens(dir)?;
    let nats = NatsServer::start()?;
    let log = eventlog(&nats, dir)?;
    let intake = service("intake", &log, &tokens, dir)?;
    let review = service("review", &log, &tokens, dir)?;
    let reply = service("reply", &log, &tokens, dir)?;
    let first = reporting("reporting", &log, &nats, dir)?;
    for (process, services) in [
        (&log, &["casetrack.v1.EventLog"][..]),
        (
            &intake,
            &[
                "casetrack.v1.Intake",
                "casetrack.v1.Agencies",
                "casetrack.v1.Audit",
            ],
        ),
        (&review, &["casetrack.v1.Review", "casetrack.v1.Agencies"]),
        (&reply, &["casetrack.v1.Reply", "casetrack.v1.Agencies"]),
        (&first, &["casetrack.v1.Reporting", "casetrack.v1.Audit"]),
    ] {
        let reflected = reflected_services(&process.url()).await?;
        assert_eq!(
            reflected,
            served_with_standard(services),
            "{}",
            process.url()
        );
    }

    let mut clients = Clients::connect(&intake.url(), &review.url(), &reply.url()).await?;
    ticket_and_application_to_closed(&mut clients).await?;
    // One application stays open, for the queue.
    submit_applications(&mut clients.intake, 0..1).await?;

    // The report cell, its drill-down and the queue, from the reporting process.
    let head = log_head(&log.url()).await?;
    let figures = Figures::read(&mut caught_up(&first.url(), head).await?).await?;
    assert_eq!(figures.received, 2, "APP-1 and APP-BULK-0: {figures:?}");
    assert_eq!(figures.drill_down.len(), 2, "{figures:?}");
    assert_eq!(
        figures.queue.len(),
        1,
        "only APP-BULK-0 is open: {figures:?}"
    );

    // SIGKILL the reporting process while it folds a stream of new cases, and start it again on its data.
    let submitter = tokio::spawn({
        let mut intake = clients.intake.clone();
        async move { submit_applications(&mut intake, 1..BULK).await }
    });
    caught_up(&first.url(), head + 1).await?;
    drop(first);
    let restarted = reporting("reporting", &log, &nats, dir)?;
    submitter.await??;

    // Its figures equal those of a reporting process rebuilt from nothing (both follow the one stream).
    let head = log_head(&log.url()).await?;
    let after_kill = Figures::read(&mut caught_up(&restarted.url(), head).await?).await?;
    let fresh = reporting("reporting-rebuilt", &log, &nats, dir)?;
    let rebuilt = Figures::read(&mut caught_up(&fresh.url(), head).await?).await?;
    // Reading appends audit records, so the head moves between the two reads: each is as of at least the
    // head both were caught up to, and the figures are equal.
    assert!(after_kill.as_of_position >= head && rebuilt.as_of_position >= head);
    let unpositioned = |figures: Figures| Figures {
        as_of_position: 0,
        ..figures
    };
    let (after_kill, rebuilt) = (unpositioned(after_kill), unpositioned(rebuilt));
    assert_eq!(after_kill, rebuilt);
    assert_eq!(u64::from(BULK) + 1, after_kill.received, "{after_kill:?}");
    assert_eq!(after_kill.queue.len(), BULK as usize);
    Ok(())
}
