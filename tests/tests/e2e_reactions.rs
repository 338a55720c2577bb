//! The reactions downstream of the log lose nothing under load and outages, counted ticket by ticket:
//! - 64 concurrent intake clients against `casetrack serve`: every accepted ticket is dispatched by the router.
//! - The multi-process layout (`casetrack eventlog`, `intake`, `review`) with NATS killed for 10 s in the middle
//!   of the intake load and restarted on the same port and store: every acknowledged ticket is dispatched,
//!   JetStream holds every committed event exactly once in log order, and no process was restarted.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_bus::{NatsBus, STREAM_NAME};
use casetrack_eventlog::{Log, MAX_READ_BATCH, RemoteLog};
use casetrack_tests::agencies::register;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{ADMIN_TOKEN, HOTLINE_TOKEN, Process, authed, today, write_tokens};
use casetrack_tests::{NatsServer, free_port};

/// Intake clients submitting at once.
const CLIENTS: usize = 64;
/// Tickets each client submits in the 64-client test.
const TICKETS_PER_CLIENT: usize = 25;
/// Attempts per ticket while intake answers ABORTED (64 clients race for one tracking counter; the command
/// says "retry", and a retry with the same external id is the same ticket).
const SUBMIT_ATTEMPTS: usize = 100;
/// How long the outage test keeps NATS down.
const NATS_OUTAGE: Duration = Duration::from_secs(10);
/// How long the tests wait for the reactions to catch up before failing (not a speed requirement).
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(200);

/// One intake client submitting tickets until `stop` (or `limit` tickets); the case ids of the accepted ones.
async fn submit_tickets(
    url: String,
    client: usize,
    limit: usize,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<String>> {
    let mut intake = IntakeClient::connect(url).await?;
    let mut accepted = Vec::new();
    for n in 0..limit {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let request = pb::SubmitHotlineTicketRequest {
            caller: None,
            external_id: format!("WO-{client}-{n}"),
            agency: "simao".into(),
            line: "12345".into(),
            category: "complaint".into(),
            received_on: today(),
            summary: "路灯不亮".into(),
            occurred_at: None,
        };
        accepted.push(submit(&mut intake, request).await?);
    }
    Ok(accepted)
}

/// Submit one ticket, retrying while intake says ABORTED; its case id.
async fn submit(
    intake: &mut IntakeClient<tonic::transport::Channel>,
    request: pb::SubmitHotlineTicketRequest,
) -> anyhow::Result<String> {
    for _ in 1..SUBMIT_ATTEMPTS {
        match intake
            .submit_hotline_ticket(authed(request.clone(), HOTLINE_TOKEN))
            .await
        {
            Ok(reply) => return Ok(reply.into_inner().case_id),
            Err(status) if status.code() == tonic::Code::Aborted => continue,
            Err(status) => return Err(status.into()),
        }
    }
    let reply = intake
        .submit_hotline_ticket(authed(request, HOTLINE_TOKEN))
        .await?;
    Ok(reply.into_inner().case_id)
}

/// `CLIENTS` clients at once, each submitting up to `limit` tickets until `stop`; every accepted case id.
async fn intake_load(
    url: &str,
    limit: usize,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Vec<String>> {
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            tokio::spawn(submit_tickets(
                url.to_owned(),
                client,
                limit,
                Arc::clone(&stop),
            ))
        })
        .collect();
    let mut accepted = Vec::new();
    for task in tasks {
        accepted.extend(task.await??);
    }
    Ok(accepted)
}

/// The cases with a `HotlineDispatched` event in the log.
async fn dispatched(log: &dyn Log) -> anyhow::Result<BTreeSet<String>> {
    let mut cases = BTreeSet::new();
    let mut position = 0;
    loop {
        let batch = log
            .read_by_type("HotlineDispatched", position, MAX_READ_BATCH)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(cases);
        };
        position = last.position + 1;
        for event in batch {
            let (_, case_id) = casetrack_domain::parse_stream_name(&event.stream)
                .ok_or_else(|| anyhow::anyhow!("not a case stream: {}", event.stream))?;
            anyhow::ensure!(
                cases.insert(case_id.to_string()),
                "case {case_id} dispatched twice"
            );
        }
    }
}

/// Wait until every case in `accepted` is dispatched; fails with the missing count after the timeout.
async fn wait_until_dispatched(log: &dyn Log, accepted: &BTreeSet<String>) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + CATCH_UP_TIMEOUT;
    loop {
        let done = dispatched(log).await?;
        let missing = accepted.difference(&done).count();
        if missing == 0 {
            anyhow::ensure!(
                done.len() == accepted.len(),
                "dispatched cases that were never accepted: {}",
                done.len() - accepted.len()
            );
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{missing} of {} accepted tickets never dispatched",
            accepted.len()
        );
        tokio::time::sleep(POLL).await;
    }
}

fn print_logs(dir: &Path, names: &[&str]) {
    for name in names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
        eprintln!(
            "--- {name} ---\n{}",
            text.lines().rev().take(40).collect::<Vec<_>>().join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_intake_clients_every_accepted_ticket_is_routed() -> anyhow::Result<()>
{
    let dir = tempfile::tempdir()?;
    let serve = Serve::new(dir.path());
    let mut server = serve.spawn("serve")?;
    register(&server.url(), ADMIN_TOKEN, &["simao"]).await?;
    let accepted = intake_load(&server.url(), TICKETS_PER_CLIENT, Arc::default()).await?;
    let accepted: BTreeSet<String> = accepted.into_iter().collect();
    assert_eq!(
        accepted.len(),
        CLIENTS * TICKETS_PER_CLIENT,
        "every ticket accepted, each its own case"
    );

    // The raw log is on its own internal port.
    let log =
        RemoteLog::connect(format!("http://127.0.0.1:{}", serve.log_port), ADMIN_TOKEN).await?;
    let outcome = wait_until_dispatched(&log, &accepted).await;
    if outcome.is_err() {
        print_logs(dir.path(), &["serve"]);
    }
    outcome?;
    assert!(server.is_running());
    Ok(())
}

/// The multi-process service `name` against the eventlog process at `log`, over `dir/{name}`.
fn service(name: &str, log: &Process, tokens: &Path, dir: &Path) -> anyhow::Result<Process> {
    let port = free_port();
    let args = [
        name.to_owned(),
        "--log".to_owned(),
        log.url(),
        "--data".to_owned(),
        dir.join(name).display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--tokens".to_owned(),
        tokens.display().to_string(),
        "--log-token".to_owned(),
        ADMIN_TOKEN.to_owned(),
    ];
    Process::spawn(&args, port, &dir.join(format!("{name}.log")))
}

/// Every event JetStream holds must be the log's, each once, in log order, and all of them.
async fn assert_jetstream_holds_the_log_once(
    nats: &NatsServer,
    log: &dyn Log,
) -> anyhow::Result<()> {
    let head = log.next_position().await?;
    let bus = NatsBus::connect_only(&nats.url()).await?;
    let deadline = tokio::time::Instant::now() + CATCH_UP_TIMEOUT;
    while bus.stored_messages().await? < head {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "JetStream holds {} of {head} committed events",
            bus.stored_messages().await?
        );
        tokio::time::sleep(POLL).await;
    }
    let mut replay = bus.replay(STREAM_NAME).await?;
    let mut position = 0;
    while position < head {
        for original in log.read_all(position, MAX_READ_BATCH).await? {
            let held = replay.next().await?;
            anyhow::ensure!(
                held.as_ref() == Some(&original),
                "JetStream holds {:?} where the log has position {position} (a repeat, a gap or out of order)",
                held.map(|event| event.position)
            );
            position += 1;
        }
    }
    let extra = replay.next().await?;
    anyhow::ensure!(
        extra.is_none(),
        "JetStream holds more than the log's {head} events: {:?}",
        extra.map(|event| event.position)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nats_down_for_ten_seconds_under_intake_load_loses_and_repeats_nothing()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let tokens = write_tokens(dir.path())?;
    let mut nats = NatsServer::start()?;
    let log_port = free_port();
    let log_args = [
        "eventlog".to_owned(),
        "--data".to_owned(),
        dir.path().join("data").display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{log_port}"),
        "--nats".to_owned(),
        nats.url(),
        "--tokens".to_owned(),
        tokens.display().to_string(),
    ];
    let mut eventlog = Process::spawn(&log_args, log_port, &dir.path().join("eventlog.log"))?;
    let mut intake = service("intake", &eventlog, &tokens, dir.path())?;
    let mut review = service("review", &eventlog, &tokens, dir.path())?;
    register(&intake.url(), ADMIN_TOKEN, &["simao"]).await?;

    // Intake load runs before, during and after the outage.
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn({
        let (url, stop) = (intake.url(), Arc::clone(&stop));
        async move { intake_load(&url, usize::MAX, stop).await }
    });
    let log = RemoteLog::connect(eventlog.url(), ADMIN_TOKEN).await?;
    let before_outage = log.next_position().await?;
    while log.next_position().await? < before_outage + 200 {
        tokio::time::sleep(POLL).await;
    }
    nats.stop();
    tokio::time::sleep(NATS_OUTAGE).await;
    nats.restart()?;
    let after_outage = log.next_position().await?;
    while log.next_position().await? < after_outage + 200 {
        tokio::time::sleep(POLL).await;
    }
    stop.store(true, Ordering::SeqCst);
    let accepted: BTreeSet<String> = load.await??.into_iter().collect();

    let outcome = async {
        wait_until_dispatched(&log, &accepted).await?;
        assert_jetstream_holds_the_log_once(&nats, &log).await
    }
    .await;
    if outcome.is_err() {
        print_logs(dir.path(), &["eventlog", "intake", "review"]);
    }
    outcome?;
    for (name, process) in [
        ("eventlog", &mut eventlog),
        ("intake", &mut intake),
        ("review", &mut review),
    ] {
        assert!(
            process.is_running(),
            "{name} exited: nobody may have to restart it"
        );
    }
    Ok(())
}
