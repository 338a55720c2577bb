//! `casetrack eventlog`: the process that owns the log in the multi-process layout. Serves the
//! `casetrack.v1.EventLog` gRPC service to the command services and relays every committed event to NATS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use casetrack_auth::TokenSource;
use casetrack_bus::{LogSource, NatsBus, RELAY_NAME, Relay, Subscriber};
use casetrack_eventlog::EventLog;
use casetrack_handlers::Supervisor;

use super::serve::{MetricsArgs, log_dir, log_service, serve_until_shutdown, subscriber_dir};
use super::tls::ServerTlsArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory: the event log lives in DATA/log, the relay checkpoint in DATA/relay.
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Address of the EventLog gRPC port.
    #[arg(long, default_value = "127.0.0.1:50061")]
    pub listen: SocketAddr,
    /// NATS server the relay publishes committed events to.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    /// The token file (see README, "Roles and tokens"): the command services call the log with an admin
    /// token, log tools with an admin or auditor one.
    #[arg(long)]
    pub tokens: PathBuf,
    #[command(flatten)]
    pub tls: ServerTlsArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let tokens = TokenSource::watch(&args.tokens)?;
    let log = EventLog::open(&log_dir(&args.data)).context("open the event log")?;
    let bus = NatsBus::connect(&args.nats)
        .await
        .context("connect to NATS")?;
    let relay = Relay::open(&log, bus, &subscriber_dir(&args.data, RELAY_NAME)?).await?;
    let mut server = args.tls.server(tokens)?;
    let supervisor = Supervisor::new(server.health());
    // A relay that is down holds back nothing the EventLog service answers: it is reported on its own.
    let relay_task = supervisor.spawn(
        RELAY_NAME,
        &[],
        Subscriber::new(relay, LogSource(Arc::new(log.clone()))),
    );
    server.add(log_service(log.clone()));
    let tasks = vec![relay_task];
    serve_until_shutdown(
        server,
        args.listen,
        &args.metrics,
        supervisor,
        tasks,
        Some(log),
    )
    .await
}
