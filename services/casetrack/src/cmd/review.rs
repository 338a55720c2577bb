//! `casetrack review`: the Review service as its own process, with its reactions: routing new hotline tickets
//! (consumed from NATS) and periodic deadline reminders.

use casetrack_handlers::{GrpcServer, ReviewService};

use super::remote::{BusArgs, ProcessArgs};
use super::serve::{ReactionArgs, serve_until_shutdown};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
    #[command(flatten)]
    pub bus: BusArgs,
    #[command(flatten)]
    pub reactions: ReactionArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let (commands, tokens) = args.process.load()?;
    let bus = args.bus.connect().await?;
    let tasks = args.reactions.start(&commands, &bus).await?;
    let mut server = GrpcServer::new();
    server.add(ReviewService::new(commands, tokens).into_server());
    serve_until_shutdown(server, args.process.listen, tasks).await
}
