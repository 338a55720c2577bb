//! `casetrack intake`: the Intake service as its own process, against the `casetrack eventlog` process. The
//! status updates of `WatchStatus` follow the log over gRPC, with their checkpoints in DATA/watch.

use std::path::PathBuf;

use casetrack_handlers::{IntakeService, Supervisor, Watchers};

use super::remote::ProcessArgs;
use super::serve::{start_auditor, subscriber_dir};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
    /// Data directory: the status watchers' checkpoints live in DATA/watch.
    #[arg(long, default_value = "casetrack-intake")]
    pub data: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let (commands, mut server) = args.process.load()?;
    let watchers = Watchers::new(commands.log().clone(), subscriber_dir(&args.data, "watch")?);
    let supervisor = Supervisor::new(server.health());
    let (auditor, auditing) = start_auditor(commands.log().clone(), &mut server, &supervisor);
    server.add(IntakeService::new(commands.clone(), watchers, auditor).into_server());
    args.process
        .serve(commands, server, supervisor, vec![auditing])
        .await
}
