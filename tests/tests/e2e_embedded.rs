//! End-to-end in the embedded mode: one `casetrack serve` process (log, in-process bus, all services on one
//! port); a ticket and an application go from intake through review and reply to closed while the source
//! system watches its status updates.

use casetrack_tests::free_port;
use casetrack_tests::services::{Clients, Process, ticket_and_application_to_closed, write_tokens};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_and_application_reach_closed_in_one_process() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let tokens = write_tokens(dir.path())?;
    let port = free_port();
    let args = [
        "serve".to_owned(),
        "--data".to_owned(),
        dir.path().join("data").display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--tokens".to_owned(),
        tokens.display().to_string(),
    ];
    let server = Process::spawn(&args, port, &dir.path().join("serve.log"))?;
    let mut clients = Clients::connect(&server.url(), &server.url(), &server.url()).await?;
    let outcome = ticket_and_application_to_closed(&mut clients).await;
    if outcome.is_err() {
        eprintln!(
            "{}",
            std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default()
        );
    }
    outcome
}
