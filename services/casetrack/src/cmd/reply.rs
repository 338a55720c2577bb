//! `casetrack reply`: the Reply service as its own process, against the `casetrack eventlog` process.

use casetrack_api::v1::reply_server::ReplyServer;
use casetrack_handlers::{CaseLog, GrpcServer, ReplyService};
use tonic::server::NamedService;

use super::intake::ProcessArgs;
use super::serve::{remote_log, serve_until_shutdown};

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
    let mut server = GrpcServer::new();
    server
        .routes()
        .add_service(ReplyService::new(commands, tokens).into_server());
    server.serving(ReplyServer::<ReplyService>::NAME);
    serve_until_shutdown(server, args.listen, Vec::new()).await
}
