//! `casetrack reporting`: the Reporting service as its own process, over its own projector store
//! (`DATA/projections`). Its read models follow the log through NATS (the relay's stream, read by an ordered
//! consumer that leaves no state on the server, so several reporting processes may follow one stream), with
//! positions checked gapless and holes, the first start and a rebuild back-filled from the `casetrack
//! eventlog` process over gRPC. Reports as of a past point read that process's log too. The deadline reminders
//! run here, where the queue model they read is; their commands go to the eventlog process (with several
//! reporting processes each reminds, and the derived command ids make the repeats no-ops).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use casetrack_bus::{NatsBus, NatsFeedSource, Subscriber};
use casetrack_eventlog::Log;
use casetrack_handlers::{Supervisor, Watchers};
use casetrack_projector::grpc::ReportingService;
use casetrack_projector::{
    BlockingLog, PROJECTOR_NAME, Projector, ProjectorConsumer, Reports, projections_dir,
};

use super::console::{self, ConsoleArgs};
use super::remote::LogArgs;
use super::serve::{
    MetricsArgs, REPORTING_AFFECTED, ReminderArgs, ServiceArgs, queue_metrics,
    serve_until_shutdown, start_auditor, subscriber_dir,
};
use super::tls::ServerTlsArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory of this process: its read models live in DATA/projections (delete it to rebuild).
    #[arg(long, default_value = "casetrack-reporting-data")]
    pub data: PathBuf,
    /// Address of the Reporting gRPC port.
    #[arg(long, default_value = "127.0.0.1:50065")]
    pub listen: SocketAddr,
    /// The `casetrack eventlog` process (back-fill and reports as of a past point).
    #[command(flatten)]
    pub log: LogArgs,
    /// NATS server the event log process relays to.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    pub nats: String,
    /// The token file, the hotline limits and the tracking prefix, as given to the command services (the
    /// console's forms and the reminders run commands here).
    #[command(flatten)]
    pub services: ServiceArgs,
    #[command(flatten)]
    pub reminders: ReminderArgs,
    #[command(flatten)]
    pub tls: ServerTlsArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    let projector =
        Projector::open(&projections_dir(&args.data)).context("open the projection store")?;
    let log: Arc<dyn Log> = Arc::new(args.log.remote_log()?);
    let (commands, tokens) = args.services.load(Arc::clone(&log))?;
    let nats = NatsBus::connect(&args.nats)
        .await
        .context("connect to NATS")?;
    let mut server = args.tls.server(tokens.clone())?;
    let supervisor = Supervisor::new(server.health());
    let (auditor, auditing) = start_auditor(Arc::clone(&log), &mut server, &supervisor);
    let clocks = args.services.clocks()?;
    let reports = Reports::new(projector.clone(), BlockingLog::new(Arc::clone(&log)));
    let reminders = args
        .reminders
        .start(&commands, projector.clone(), &supervisor);
    server
        .metrics()
        .collect(queue_metrics(projector.clone(), clocks.clone()));
    let projector_task = supervisor.spawn(
        PROJECTOR_NAME,
        REPORTING_AFFECTED,
        Subscriber::new(
            ProjectorConsumer::new(projector),
            NatsFeedSource::new(Arc::clone(&log), nats),
        ),
    );
    // The console's forms write through the command handlers over the remote log, as `casetrack review` does.
    let watchers = Watchers::new(Arc::clone(&log), subscriber_dir(&args.data, "watch")?);
    let services = console::backend(
        &commands,
        watchers,
        reports.clone(),
        clocks.clone(),
        auditor.clone(),
    );
    let console = args.console.start(services, tokens).await?;
    server.add(ReportingService::new(reports, clocks, auditor, log).into_server());
    serve_until_shutdown(
        server,
        args.listen,
        &args.metrics,
        supervisor,
        vec![projector_task, reminders, console, auditing],
        None,
    )
    .await
}
