//! End-to-end in the multi-process mode over a real `nats-server -js`: `casetrack eventlog` (owns the log,
//! relays to NATS), `casetrack intake` and `casetrack review` (their reactions follow the log over gRPC, each
//! with its checkpoints in its own data directory) and `casetrack reply`, each its own process. The same
//! scenario as the embedded mode must pass unchanged.

use std::path::Path;

use casetrack_api::v1::NextPositionRequest;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_tests::services::{Clients, Process, ticket_and_application_to_closed, write_tokens};
use casetrack_tests::{NatsServer, free_port};

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
    ];
    if name != "reply" {
        args.extend(["--data".to_owned(), dir.join(name).display().to_string()]);
    }
    Process::spawn(&args, port, &dir.join(format!("{name}.log")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_and_application_reach_closed_across_processes() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let tokens = write_tokens(dir.path())?;
    let nats = NatsServer::start()?;
    let log_port = free_port();
    let log_args = [
        "eventlog".to_owned(),
        "--data".to_owned(),
        dir.path().join("data").display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{log_port}"),
        "--nats".to_owned(),
        nats.url(),
    ];
    let log = Process::spawn(&log_args, log_port, &dir.path().join("eventlog.log"))?;
    let intake = service("intake", &log, &tokens, dir.path())?;
    let review = service("review", &log, &tokens, dir.path())?;
    let reply = service("reply", &log, &tokens, dir.path())?;

    let mut clients = Clients::connect(&intake.url(), &review.url(), &reply.url()).await?;
    let outcome = ticket_and_application_to_closed(&mut clients).await;
    if outcome.is_err() {
        for name in ["eventlog", "intake", "review", "reply"] {
            let text =
                std::fs::read_to_string(dir.path().join(format!("{name}.log"))).unwrap_or_default();
            eprintln!("--- {name} ---\n{text}");
        }
    }
    outcome?;

    // Everything went through the one log the eventlog process owns.
    let mut log_client = EventLogClient::connect(log.url()).await?;
    let head = log_client
        .next_position(NextPositionRequest {})
        .await?
        .into_inner()
        .next_position;
    assert!(
        head >= 2 * 4 + 6 + 3,
        "both cases and their tracking indexes are in the log (head {head})"
    );
    Ok(())
}
