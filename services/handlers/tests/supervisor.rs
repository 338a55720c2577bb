//! Supervision seen through `grpc.health.v1` on a real server: a task that fails turns its health name and the
//! service it affects NOT_SERVING while it is restarted with backoff, SERVING again once it recovers; a task
//! that keeps failing fatally makes the supervisor give up, so that the process exits for its service manager.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use casetrack_bus::{Failure, Progress};
use casetrack_handlers::{GrpcServer, Supervisor, Task};
use tokio::sync::watch;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

/// How long the test waits for a status that must come.
const STATUS_TIMEOUT: Duration = Duration::from_secs(30);

/// A task whose failure the test injects: it fails while `failing` is set, else reports itself up and runs.
struct Injected {
    failing: Arc<AtomicBool>,
    transient: bool,
    runs: Arc<AtomicUsize>,
    progress: watch::Sender<Progress>,
}

impl Task for Injected {
    async fn run(&mut self) -> Result<(), Failure> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        if self.failing.load(Ordering::SeqCst) {
            return Err(if self.transient {
                Failure::transient("injected outage")
            } else {
                Failure::fatal("injected failure")
            });
        }
        self.progress.send_modify(|progress| progress.up = true);
        std::future::pending().await
    }

    fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }
}

fn injected(failing: &Arc<AtomicBool>, transient: bool, runs: &Arc<AtomicUsize>) -> Injected {
    Injected {
        failing: Arc::clone(failing),
        transient,
        runs: Arc::clone(runs),
        progress: watch::Sender::new(Progress::default()),
    }
}

/// Serve `server` on a free loopback port; the health client connected to it.
async fn serve(server: GrpcServer) -> HealthClient<tonic::transport::Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(server.serve(listener, std::future::pending()));
    let channel = tonic::transport::Channel::from_shared(url)
        .expect("url")
        .connect()
        .await
        .expect("connect");
    HealthClient::new(channel)
}

/// Wait until the health Watch of `service` says `want`.
async fn wait_for(
    client: &mut HealthClient<tonic::transport::Channel>,
    service: &str,
    want: ServingStatus,
) {
    let request = HealthCheckRequest {
        service: service.to_owned(),
    };
    let mut updates = client.watch(request).await.expect("watch").into_inner();
    let seen = tokio::time::timeout(STATUS_TIMEOUT, async {
        while let Some(update) = updates.message().await.expect("watch stream") {
            if update.status == want as i32 {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(seen, Ok(true), "{service} never became {want:?}");
}

/// Health needs no token: a server that admits nobody still answers it.
fn no_identities() -> casetrack_auth::TokenSource {
    let tokens = casetrack_auth::Tokens::parse("test", r#"{"identities": []}"#).expect("tokens");
    casetrack_auth::TokenSource::fixed(tokens)
}

async fn check(client: &mut HealthClient<tonic::transport::Channel>, service: &str) -> i32 {
    let request = HealthCheckRequest {
        service: service.to_owned(),
    };
    let response: HealthCheckResponse = client.check(request).await.expect("check").into_inner();
    response.status
}

#[tokio::test]
async fn a_dead_task_is_not_serving_while_restarted_and_serving_once_it_recovers() {
    let mut server = GrpcServer::new(no_identities());
    server.serving("casetrack.v1.Review");
    let supervisor = Supervisor::new(server.health());
    let mut client = serve(server).await;
    wait_for(&mut client, "casetrack.v1.Review", ServingStatus::Serving).await;

    let (failing, runs) = (
        Arc::new(AtomicBool::new(true)),
        Arc::new(AtomicUsize::new(0)),
    );
    let task = supervisor.spawn(
        "flaky",
        &["casetrack.v1.Review"],
        injected(&failing, false, &runs),
    );
    // Restarted after each failure, and down all the while, the service it affects with it.
    wait_for(
        &mut client,
        "casetrack.task.flaky",
        ServingStatus::NotServing,
    )
    .await;
    while runs.load(Ordering::SeqCst) < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        check(&mut client, "casetrack.task.flaky").await,
        ServingStatus::NotServing as i32
    );
    assert_eq!(
        check(&mut client, "casetrack.v1.Review").await,
        ServingStatus::NotServing as i32
    );
    assert_eq!(
        check(&mut client, "").await,
        ServingStatus::Serving as i32,
        "the server itself still serves"
    );

    // The cause goes away: the next restart recovers and everything it held down serves again.
    failing.store(false, Ordering::SeqCst);
    wait_for(&mut client, "casetrack.task.flaky", ServingStatus::Serving).await;
    wait_for(&mut client, "casetrack.v1.Review", ServingStatus::Serving).await;
    assert!(!task.is_finished(), "a recovered task keeps running");
}

#[tokio::test]
async fn a_task_that_keeps_failing_makes_the_supervisor_give_up() {
    let server = GrpcServer::new(no_identities());
    let supervisor = Supervisor::new(server.health());
    let mut client = serve(server).await;
    let (failing, runs) = (
        Arc::new(AtomicBool::new(true)),
        Arc::new(AtomicUsize::new(0)),
    );
    let task = supervisor.spawn("broken", &[], injected(&failing, false, &runs));

    let reason = tokio::time::timeout(STATUS_TIMEOUT, supervisor.gave_up())
        .await
        .expect("the supervisor gives up");
    assert!(reason.contains("broken"), "{reason}");
    assert_eq!(
        runs.load(Ordering::SeqCst),
        casetrack_handlers::supervisor::MAX_FAILURES
    );
    task.await.expect("the task ends once given up");
    assert_eq!(
        check(&mut client, "casetrack.task.broken").await,
        ServingStatus::NotServing as i32
    );
}
