//! `casetrack reply`: the Reply service as its own process, against the `casetrack eventlog` process. It
//! reacts to nothing, so it runs no background task.

use casetrack_handlers::{ReplyService, Supervisor};

use super::remote::ProcessArgs;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args.process))
}

async fn serve(args: ProcessArgs) -> anyhow::Result<()> {
    let (commands, mut server) = args.load()?;
    let supervisor = Supervisor::new(server.health());
    server.add(ReplyService::new(commands.clone()).into_server());
    args.serve(commands, server, supervisor, Vec::new()).await
}
