//! `casetrack bench-intake`: intake over gRPC under concurrency. Starts `casetrack serve` (this same binary, so
//! a release build measures a release server) as a separate process on a fresh data directory, registers one
//! agency, then has 1, 4, 16 and 64 clients — each on its own connection, like separate hotline systems —
//! submit distinct hotline tickets back to back, and prints cases/s, p50/p99 latency and how many calls ended
//! in each non-OK status. The server is stopped (by its process id) when the benchmark ends.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_auth::{NewToken, Role};
use casetrack_domain::time::local_date;
use casetrack_eventlog::BearerToken;
use chrono::Utc;
use tonic::transport::{Channel, Endpoint};

use crate::cmd::bench_log::percentile;

/// The concurrency levels measured, in order.
const CLIENT_LEVELS: [usize; 4] = [1, 4, 16, 64];
/// The agency every ticket is filed under.
const BENCH_AGENCY: &str = "simao";
/// Waiting for the server to accept connections: attempts and the pause between them.
const READY_ATTEMPTS: u32 = 600;
const READY_POLL: Duration = Duration::from_millis(50);

#[derive(clap::Args)]
pub struct Args {
    /// Directory for the server's data and logs (a fresh `bench-intake` directory is made under it).
    #[arg(long)]
    pub data: PathBuf,
    /// Tickets submitted at each concurrency level.
    #[arg(long, default_value_t = 5000)]
    pub cases: usize,
}

/// One concurrency level's outcome.
struct Level {
    clients: usize,
    accepted: usize,
    elapsed: Duration,
    /// Of every call, accepted or not.
    latencies: Vec<Duration>,
    /// Calls that ended in a non-OK status, by status code.
    refused: BTreeMap<String, usize>,
}

/// The `casetrack serve` process under test, killed (by its process id) and reaped when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already gone is fine: nothing is left to stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.cases > 0, "--cases must be positive");
    let dir = args.data.join("bench-intake");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let (admin, hotline) = write_tokens(&dir)?;
    let listen = free_loopback_address()?;
    let mut server = start_server(&dir, listen, "127.0.0.1:0".parse()?)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let channel = connect(listen, &mut server).await?;
        register_agency(channel, &admin).await?;
        println!("clients    cases  cases/s   p50 ms   p99 ms  non-OK statuses");
        for clients in CLIENT_LEVELS {
            let level = measure(listen, &hotline, clients, args.cases).await?;
            print_level(&level);
        }
        Ok(())
    })
}

/// Fresh tokens for the benchmark's admin (to register the agency) and its hotline, their hashes written to
/// the server's token file.
fn write_tokens(dir: &Path) -> anyhow::Result<(BearerToken, BearerToken)> {
    let new = |name: &str, role: Role, source: &str| {
        NewToken::generate(name, [role].into(), source, Some(BENCH_AGENCY))
            .map_err(|reason| anyhow::anyhow!("bench identity {name}: {reason}"))
    };
    let admin = new("压测：管理员", Role::Admin, "bench")?;
    let hotline = new("压测：12345热线", Role::Hotline, "12345")?;
    let file = serde_json::json!({ "identities": [admin.entry, hotline.entry] });
    std::fs::write(dir.join("tokens.json"), file.to_string())?;
    let bearer = |token: &str| BearerToken::new(token).context("a generated token is ASCII");
    Ok((bearer(&admin.token)?, bearer(&hotline.token)?))
}

/// A loopback address with a port free right now, for the server to listen on.
pub(crate) fn free_loopback_address() -> anyhow::Result<SocketAddr> {
    let probe = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(probe.local_addr()?)
}

/// `casetrack serve` on `dir/data` with `dir/tokens.json`, gRPC on `listen` and the console on `console`, its
/// output in `dir/serve.log`.
pub(crate) fn start_server(
    dir: &Path,
    listen: SocketAddr,
    console: SocketAddr,
) -> anyhow::Result<Server> {
    let log_listen = free_loopback_address()?;
    let output = std::fs::File::create(dir.join("serve.log"))?;
    let child = Command::new(std::env::current_exe()?)
        .arg("serve")
        .arg("--data")
        .arg(dir.join("data"))
        .arg("--listen")
        .arg(listen.to_string())
        .arg("--log-listen")
        .arg(log_listen.to_string())
        .arg("--console-listen")
        .arg(console.to_string())
        .arg("--tokens")
        .arg(dir.join("tokens.json"))
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .spawn()
        .context("start casetrack serve")?;
    Ok(Server { child })
}

/// A channel to the server once it accepts connections, or why it stopped.
async fn connect(listen: SocketAddr, server: &mut Server) -> anyhow::Result<Channel> {
    let endpoint = Endpoint::from_shared(format!("http://{listen}"))?;
    for _ in 0..READY_ATTEMPTS {
        if let Some(status) = server.child.try_wait()? {
            anyhow::bail!("casetrack serve exited with {status} (see serve.log)");
        }
        if let Ok(channel) = endpoint.connect().await {
            return Ok(channel);
        }
        tokio::time::sleep(READY_POLL).await;
    }
    anyhow::bail!("casetrack serve did not accept connections on {listen}")
}

async fn register_agency(channel: Channel, admin: &BearerToken) -> anyhow::Result<()> {
    let mut agencies = AgenciesClient::with_interceptor(channel, admin.clone());
    let entry = pb::AgencyEntry {
        id: BENCH_AGENCY.to_owned(),
        name: "思茅区人民政府".to_owned(),
        parent: String::new(),
        valid_from: "2000-01-01".to_owned(),
        valid_to: String::new(),
    };
    agencies
        .register_agency(entry)
        .await
        .context("RegisterAgency")?;
    Ok(())
}

async fn measure(
    listen: SocketAddr,
    hotline: &BearerToken,
    clients: usize,
    cases: usize,
) -> anyhow::Result<Level> {
    let endpoint = Endpoint::from_shared(format!("http://{listen}"))?;
    let mut intakes = Vec::with_capacity(clients);
    for _ in 0..clients {
        let channel = endpoint.connect().await?;
        intakes.push(IntakeClient::with_interceptor(channel, hotline.clone()));
    }
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (client, intake) in intakes.into_iter().enumerate() {
        // Spread `cases` over the clients; the first `cases % clients` take one more.
        let quota = cases / clients + usize::from(client < cases % clients);
        let prefix = format!("{clients}-{client}");
        tasks.spawn(submit_quota(intake, prefix, quota));
    }
    let mut level = Level {
        clients,
        accepted: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(cases),
        refused: BTreeMap::new(),
    };
    while let Some(outcomes) = tasks.join_next().await {
        for (latency, outcome) in outcomes? {
            level.latencies.push(latency);
            match outcome {
                Ok(()) => level.accepted += 1,
                Err(code) => *level.refused.entry(format!("{code:?}")).or_default() += 1,
            }
        }
    }
    level.elapsed = start.elapsed();
    level.latencies.sort();
    Ok(level)
}

type Intake = IntakeClient<tonic::service::interceptor::InterceptedService<Channel, BearerToken>>;

/// One client's tickets, submitted one after the other: each call's latency and status.
async fn submit_quota(
    mut intake: Intake,
    prefix: String,
    quota: usize,
) -> Vec<(Duration, Result<(), tonic::Code>)> {
    let received_on = local_date(Utc::now()).to_string();
    let mut outcomes = Vec::with_capacity(quota);
    for index in 0..quota {
        let ticket = pb::SubmitHotlineTicketRequest {
            caller: None,
            external_id: format!("bench-{prefix}-{index}"),
            agency: BENCH_AGENCY.to_owned(),
            line: "12345".to_owned(),
            category: "complaint".to_owned(),
            received_on: received_on.clone(),
            summary: "人民路路灯不亮，夜间行人不便".to_owned(),
            occurred_at: None,
        };
        let start = Instant::now();
        let outcome = intake.submit_hotline_ticket(ticket).await;
        outcomes.push((start.elapsed(), outcome.map(drop).map_err(|s| s.code())));
    }
    outcomes
}

fn print_level(level: &Level) {
    let per_second = level.accepted as f64 / level.elapsed.as_secs_f64();
    let refused = if level.refused.is_empty() {
        "none".to_owned()
    } else {
        let counts: Vec<String> = level
            .refused
            .iter()
            .map(|(code, count)| format!("{code} {count}"))
            .collect();
        counts.join(", ")
    };
    println!(
        "{:>7} {:>8} {:>8.0} {:>8.2} {:>8.2}  {refused}",
        level.clients,
        level.accepted,
        per_second,
        percentile(&level.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&level.latencies, 0.99).as_secs_f64() * 1000.0,
    );
}
