//! The NATS JetStream peer of `casetrack bench-log` (`--peer jetstream`): the same events, as JSON bodies of the
//! same size, published by the same numbers of concurrent publishers to a file-storage stream of a
//! `nats-server -js` this command starts for itself, each publisher awaiting its PublishAck before it publishes
//! again — so the peer's figures stand beside the log's, measured in one run on one machine.
//!
//! Each publish carries the event id as `Nats-Msg-Id`, so JetStream deduplicates retries as the log does by event
//! id. nats-server acknowledges once the message is in its file store, before an fsync (by default it syncs
//! every two minutes); the log acknowledges only after one. The ratio is printed as measured.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, message::PublishMessage, stream};

use crate::cmd::bench_log::{Timing, bench_event, concurrently};

/// The server binary, looked up on PATH.
const NATS_SERVER: &str = "nats-server";
/// How long the started server may take to accept connections before the benchmark gives up.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the benchmark tries to connect while the server starts.
const START_POLL: Duration = Duration::from_millis(50);
/// The benchmark's stream, recreated empty for every level.
const STREAM: &str = "BENCH";

/// A `nats-server -js` on a free loopback port, storing under the directory given; killed by its process id when
/// dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(store: &Path) -> anyhow::Result<Server> {
        // Bound and released: another process could take the port before nats-server does, which then fails
        // to start and says so.
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let child = Command::new(NATS_SERVER)
            .arg("-js")
            .args(["-a", "127.0.0.1"])
            .args(["-p", &port.to_string()])
            .arg("-sd")
            .arg(store)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(not_runnable)?;
        let mut server = Server { child, port };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&address, START_POLL).is_err() {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("{NATS_SERVER} exited during start-up with {status}");
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{NATS_SERVER} did not accept connections on {address} within {START_TIMEOUT:?}"
            );
            std::thread::sleep(START_POLL);
        }
        Ok(())
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Kill fails only if the server already exited; waiting reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Refuses, before anything is measured, when `nats-server` cannot be run.
pub fn check_available() -> anyhow::Result<()> {
    let ran = Command::new(NATS_SERVER)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match ran {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => anyhow::bail!("`{NATS_SERVER} --version` failed with {status}"),
        Err(error) => Err(not_runnable(error)),
    }
}

fn not_runnable(error: std::io::Error) -> anyhow::Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "--peer jetstream needs {NATS_SERVER} on PATH (e.g. apt-get install nats-server); not found"
        )
    } else {
        anyhow::Error::new(error).context(format!("run {NATS_SERVER}"))
    }
}

/// Publishes `events` at each level of `publishers` to a fresh file-storage stream; the timing of each level,
/// in order. The server's store lives under `dir` and is removed afterwards.
pub async fn measure(dir: &Path, levels: &[usize], events: usize) -> anyhow::Result<Vec<Timing>> {
    let store = dir.join("bench-jetstream");
    if store.exists() {
        std::fs::remove_dir_all(&store)?;
    }
    std::fs::create_dir_all(&store)?;
    let server = Server::start(&store)?;
    let client = async_nats::connect(server.url()).await?;
    let context = jetstream::new(client.clone());
    let mut timings = Vec::with_capacity(levels.len());
    for &publishers in levels {
        timings.push(measure_level(&context, publishers, events).await?);
    }
    // Closed before the server is killed, so the client does not report a lost connection.
    client.drain().await?;
    drop(server);
    std::fs::remove_dir_all(&store)?;
    Ok(timings)
}

async fn measure_level(
    context: &jetstream::Context,
    publishers: usize,
    events: usize,
) -> anyhow::Result<Timing> {
    // A missing stream (the first level) is what deleting is for.
    let _ = context.delete_stream(STREAM).await;
    context
        .create_stream(stream::Config {
            name: STREAM.to_string(),
            subjects: vec![format!("{STREAM}.>")],
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await?;
    concurrently(publishers, events, |publisher, quota| {
        publish_quota(context.clone(), publisher, quota)
    })
    .await
}

async fn publish_quota(
    context: jetstream::Context,
    publisher: usize,
    quota: usize,
) -> anyhow::Result<Vec<Duration>> {
    let subject = format!("{STREAM}.{publisher}");
    let mut latencies = Vec::with_capacity(quota);
    for index in 0..quota {
        let event = bench_event(publisher, index);
        let start = Instant::now();
        let body = serde_json::to_vec(&serde_json::json!({
            "event_id": event.event_id,
            "event_type": event.event_type,
            "stream": subject,
            "revision": index,
            "position": index,
            "recorded_at": chrono::Utc::now(),
            "data": event.data,
            "metadata": event.metadata,
        }))?;
        let publish = PublishMessage::build()
            .payload(body.into())
            .message_id(event.event_id.to_string());
        context
            .send_publish(subject.clone(), publish)
            .await?
            .await?;
        latencies.push(start.elapsed());
    }
    Ok(latencies)
}
