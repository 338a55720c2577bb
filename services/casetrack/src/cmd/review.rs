//! `casetrack review`: the Review service as its own process, with the routing of new hotline tickets
//! (following the log of the `casetrack eventlog` process over gRPC, checkpoint in DATA/router). Deadline
//! reminders run where the projector's queue model is, not here.

use std::path::PathBuf;

use casetrack_handlers::{ReviewService, Supervisor};

use super::remote::ProcessArgs;
use super::serve::RoutingArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
    /// Data directory: the router's checkpoint lives in DATA/router.
    #[arg(long, default_value = "casetrack-review")]
    pub data: PathBuf,
    #[command(flatten)]
    pub routing: RoutingArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let (commands, mut server) = args.process.load()?;
    let supervisor = Supervisor::new(server.health());
    let router = args
        .routing
        .start(&commands, commands.log().clone(), &args.data, &supervisor)
        .await?;
    server.add(ReviewService::new(commands.clone()).into_server());
    args.process
        .serve(commands, server, supervisor, vec![router])
        .await
}
