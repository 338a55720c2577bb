//! `casetrack intake`: the Intake service as its own process, against the `casetrack eventlog` process and
//! NATS (status updates for WatchStatus come from the bus).

use casetrack_handlers::{GrpcServer, IntakeService};

use super::remote::{BusArgs, ProcessArgs};
use super::serve::serve_until_shutdown;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
    #[command(flatten)]
    pub bus: BusArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let (commands, tokens) = args.process.load()?;
    let bus = args.bus.connect().await?;
    let mut server = GrpcServer::new();
    server.add(IntakeService::new(commands, tokens, bus).into_server());
    serve_until_shutdown(server, args.process.listen, Vec::new()).await
}
