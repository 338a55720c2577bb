//! `casetrack review`: the Review service as its own process, with its reactions: routing new hotline tickets
//! (consumed from NATS) and periodic deadline reminders.

use casetrack_api::v1::review_server::ReviewServer;
use casetrack_bus::Bus;
use casetrack_handlers::{CaseLog, GrpcServer, ReviewService};
use tonic::server::NamedService;

use super::intake::ProcessArgs;
use super::serve::{ReactionArgs, remote_log, serve_until_shutdown};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub process: ProcessArgs,
    #[command(flatten)]
    pub reactions: ReactionArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let process = args.process;
    let (commands, tokens) = process
        .services
        .load(CaseLog::Remote(remote_log(&process.log)?))?;
    let bus = Bus::nats(&process.nats).await?;
    let tasks = args.reactions.start(&commands, &bus).await?;
    let mut server = GrpcServer::new();
    server
        .routes()
        .add_service(ReviewService::new(commands, tokens).into_server());
    server.serving(ReviewServer::<ReviewService>::NAME);
    serve_until_shutdown(server, process.listen, tasks).await
}
