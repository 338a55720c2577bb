//! `casetrack reply`: the Reply service as its own process, against the `casetrack eventlog` process. It
//! reacts to nothing, so it runs no background task.

use casetrack_handlers::{AgenciesService, ReplyService, Supervisor};

use super::remote::ProcessArgs;
use super::serve::serve_until_shutdown;

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
    server
        .add(ReplyService::new(commands.clone()).into_server())
        .add(AgenciesService::new(commands).into_server());
    serve_until_shutdown(
        server,
        args.listen,
        &args.metrics,
        supervisor,
        Vec::new(),
        None,
    )
    .await
}
