//! `casetrack intake`: the Intake service as its own process, against the `casetrack eventlog` process and
//! NATS (status updates for WatchStatus come from the bus).

use casetrack_api::v1::intake_server::IntakeServer;
use casetrack_bus::Bus;
use casetrack_handlers::{CaseLog, GrpcServer, IntakeService};
use tonic::server::NamedService;

use super::serve::{ServiceArgs, remote_log, serve_until_shutdown};

/// Where a separate command-service process finds the log and the bus, and where it listens.
#[derive(clap::Args)]
pub struct ProcessArgs {
    /// URL of the `casetrack eventlog` process.
    #[arg(long, default_value = "http://127.0.0.1:50061")]
    pub log: String,
    /// NATS server URL (the Reply process reacts to nothing on the bus and does not connect).
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    /// Address of this service's gRPC port.
    #[arg(long)]
    pub listen: std::net::SocketAddr,
    #[command(flatten)]
    pub services: ServiceArgs,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args.process))
}

async fn serve(args: ProcessArgs) -> anyhow::Result<()> {
    let (commands, tokens) = args
        .services
        .load(CaseLog::Remote(remote_log(&args.log)?))?;
    let bus = Bus::nats(&args.nats).await?;
    let mut server = GrpcServer::new();
    server
        .routes()
        .add_service(IntakeService::new(commands, tokens, bus).into_server());
    server.serving(IntakeServer::<IntakeService>::NAME);
    serve_until_shutdown(server, args.listen, Vec::new()).await
}
