//! `casetrack serve`: the embedded default. One process, one gRPC port, no external server: the event log
//! (RocksDB in `DATA/log`), the Intake, Review and Reply services with their reactions (routing of new
//! tickets, status updates, deadline reminders), and the projector with the Reporting service. Every reaction
//! follows the embedded log with its own checkpoint, under one supervisor.
//!
//! Also home of the wiring every server mode shares (`casetrack eventlog|intake|review|reply` use it):
//! service arguments, data-directory layout, the shutdown signal.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use casetrack_api::v1::event_log_server::EventLogServer;
use casetrack_audit::{AuditService, Auditor};
use casetrack_auth::TokenSource;
use casetrack_bus::{LogSource, Subscriber};
use casetrack_domain::Calendar;
use casetrack_domain::deadline::{Clocks, HotlineLimits};
use casetrack_eventlog::grpc::EventLogService;
use casetrack_eventlog::{EventLog, Log};
use casetrack_handlers::routing::ROUTER_NAME;
use casetrack_handlers::{
    Collector, Commands, DomainAppendGuard, GrpcServer, MetricsEndpoint, Reminders, Router,
    RoutingRules, Supervisor, TrackingPrefix, Watchers,
};
use casetrack_projector::metrics::QueueGauges;
use casetrack_projector::{PROJECTOR_NAME, Projector, ProjectorConsumer};

use crate::cmd::console::{self, ConsoleArgs};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::tls::ServerTlsArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory: the event log lives in DATA/log, the reactions' checkpoints in DATA/router and
    /// DATA/watch, the read models in DATA/projections.
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Address of the public gRPC port: the command services and Reporting (loopback by default).
    #[arg(long, default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Address of the internal port serving the raw event log (`casetrack.v1.EventLog`: log tools, backups,
    /// re-feeds). Kept off the public port because the raw log holds every applicant's content and its appends
    /// bypass the command services; loopback by default.
    #[arg(long, default_value = "127.0.0.1:50062")]
    pub log_listen: SocketAddr,
    #[command(flatten)]
    pub services: ServiceArgs,
    #[command(flatten)]
    pub routing: RoutingArgs,
    #[command(flatten)]
    pub reminders: ReminderArgs,
    /// TLS of both listeners, the public one and the internal log port.
    #[command(flatten)]
    pub tls: ServerTlsArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

/// Where a process's Prometheus endpoint listens.
#[derive(clap::Args)]
pub struct MetricsArgs {
    /// Address of the Prometheus endpoint (`GET /metrics`, with the bearer token of an admin or auditor
    /// identity). Loopback on a free port unless given (the address is logged): give a fixed one to scrape.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub metrics_listen: SocketAddr,
}

impl MetricsArgs {
    /// Serve `endpoint` on `--metrics-listen` until the task is aborted.
    pub async fn start(&self, endpoint: MetricsEndpoint) -> anyhow::Result<JoinHandle<()>> {
        let listener = bind(self.metrics_listen).await?;
        let address = listener
            .local_addr()
            .context("address of the metrics listener")?;
        tracing::info!(listen = %address, "serving metrics (Prometheus, GET /metrics)");
        Ok(tokio::spawn(async move {
            if let Err(error) = endpoint.serve(listener, std::future::pending()).await {
                tracing::error!(%error, "metrics listener stopped");
            }
        }))
    }
}

/// At each scrape, the open and overdue cases by agency and the calendar's coverage, from `projector`'s queue
/// model under `clocks`.
pub fn queue_metrics(projector: Projector, clocks: Clocks) -> Collector {
    let gauges = QueueGauges::default();
    Arc::new(move || {
        let today = casetrack_domain::time::local_date(chrono::Utc::now());
        if let Err(error) = gauges.record(&projector, &clocks, today) {
            tracing::warn!(%error, "queue metrics not recorded");
        }
    })
}

/// Configuration of the command services.
#[derive(clap::Args)]
pub struct ServiceArgs {
    /// The token file: the identities allowed to call, by the SHA-256 of their tokens (see README, "Roles
    /// and tokens"); re-read when it changes.
    #[arg(long)]
    pub tokens: PathBuf,
    /// Agency prefix of tracking numbers (PREFIX-YEAR-SEQUENCE), 1..=8 capitals or digits.
    #[arg(long, default_value = "SM")]
    pub tracking_prefix: TrackingPrefix,
    /// Hotline time limits per category, effective-dated (JSON, see README); the published local examples
    /// when absent.
    #[arg(long)]
    pub hotline_limits: Option<PathBuf>,
}

impl ServiceArgs {
    /// The command executor over `log` and the identities callers are checked against.
    pub fn load(&self, log: Arc<dyn Log>) -> anyhow::Result<(Commands, TokenSource)> {
        let tokens = TokenSource::watch(&self.tokens)?;
        Ok((
            Commands::new(log, self.clocks()?, self.tracking_prefix.clone()),
            tokens,
        ))
    }

    /// The working-day calendar and clock rules every deadline in this process starts from (the holiday
    /// arrangements loaded into the log amend the calendar as they come).
    pub fn clocks(&self) -> anyhow::Result<Clocks> {
        clocks(self.hotline_limits.as_deref())
    }
}

/// The embedded working-day calendar and the clock rules, with the hotline limits of `hotline_limits` (JSON)
/// or the published local examples.
pub fn clocks(hotline_limits: Option<&Path>) -> anyhow::Result<Clocks> {
    let calendar = Calendar::embedded().context("load the working-day calendar")?;
    warn_of_provisional_years(&calendar);
    let mut clocks = Clocks::new(calendar);
    if let Some(path) = hotline_limits {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
        clocks.rules.hotline = HotlineLimits::from_json(&text)
            .with_context(|| format!("--hotline-limits {}", path.display()))?;
    }
    Ok(clocks)
}

/// How far ahead an operator is warned that deadlines will be counted on a provisional calendar year.
pub const PROVISIONAL_WARNING_DAYS: u64 = 60;

/// Logs a warning when deadlines within [`PROVISIONAL_WARNING_DAYS`] run into a year whose arrangement is not
/// loaded: the State Council's notice is due, and `casetrack calendar load` should follow it.
fn warn_of_provisional_years(calendar: &Calendar) {
    // Once per process: `serve` builds clocks for the command services and for reporting.
    static WARNED: std::sync::Once = std::sync::Once::new();
    if WARNED.is_completed() {
        return;
    }
    let today = casetrack_domain::time::local_date(chrono::Utc::now());
    let horizon = today + chrono::Days::new(PROVISIONAL_WARNING_DAYS);
    let years = calendar.provisional_years_in(today, horizon);
    if !years.is_empty() {
        WARNED.call_once(|| {});
        tracing::warn!(
            ?years,
            "放假安排未载入：{PROVISIONAL_WARNING_DAYS} 天内的期限将按暂定日历推算；国务院通知公布后请运行 \
             `casetrack calendar load`"
        );
    }
}

/// Configuration of the routing of new tickets.
#[derive(clap::Args)]
pub struct RoutingArgs {
    /// Routing rules for new hotline tickets (JSON); the built-in table when absent.
    #[arg(long)]
    pub routing: Option<PathBuf>,
}

/// Configuration of the deadline reminders, which run where the projector's queue model is.
#[derive(clap::Args)]
pub struct ReminderArgs {
    /// Seconds between deadline-reminder passes over open applications, proposals and tickets.
    #[arg(long, default_value_t = 3600)]
    pub remind_every_secs: u64,
    /// Remind open cases with at most this many working days left to their deadline.
    #[arg(long, default_value_t = 1)]
    pub remind_within_working_days: i64,
}

/// The services whose reads a stopped audit writer holds back (once its queue is full they are refused).
const AUDITED_SERVICES: &[&str] = &["casetrack.v1.Intake", "casetrack.v1.Reporting"];

/// The auditor of this process's reads, its writer appending to `log` under `supervisor`, and the Audit
/// service (the trail, for auditors) on `server`.
pub fn start_auditor(
    log: Arc<dyn Log>,
    server: &mut GrpcServer,
    supervisor: &Supervisor,
) -> (Auditor, JoinHandle<()>) {
    let (auditor, writer) = Auditor::new(Arc::clone(&log));
    server.add(AuditService::new(log).into_server());
    (auditor, supervisor.spawn("audit", AUDITED_SERVICES, writer))
}

/// The service a stopped projector leaves short: its reports and queues stop moving.
pub const REPORTING_AFFECTED: &[&str] = &["casetrack.v1.Reporting"];

/// The service a stopped router or reminder pass leaves short: tickets wait for dispatch, cases for reminders.
const REACTIONS_AFFECT: &[&str] = &["casetrack.v1.Review"];

impl RoutingArgs {
    /// Start the router under `supervisor`, following `log` with its checkpoint in DATA/router.
    pub async fn start(
        &self,
        commands: &Commands,
        log: Arc<dyn Log>,
        data: &Path,
        supervisor: &Supervisor,
    ) -> anyhow::Result<JoinHandle<()>> {
        let rules = match &self.routing {
            Some(path) => RoutingRules::load(path)?,
            None => RoutingRules::built_in()?,
        };
        // Routing falls back to the same hotline limits every deadline is computed with.
        let limits = commands.clocks().await?.rules.hotline.clone();
        let router = Router::open(
            commands.clone(),
            rules.with_limits(limits),
            &subscriber_dir(data, ROUTER_NAME)?,
        )?;
        Ok(supervisor.spawn(
            ROUTER_NAME,
            REACTIONS_AFFECT,
            Subscriber::new(router, LogSource(log)),
        ))
    }
}

impl ReminderArgs {
    /// Start the reminder passes over `projector`'s queue model under `supervisor`.
    pub fn start(
        &self,
        commands: &Commands,
        projector: Projector,
        supervisor: &Supervisor,
    ) -> JoinHandle<()> {
        let interval = Duration::from_secs(self.remind_every_secs.max(1));
        let reminders =
            Reminders::new(commands.clone(), projector, self.remind_within_working_days)
                .every(interval);
        supervisor.spawn("reminders", REACTIONS_AFFECT, reminders)
    }
}

/// Where the event log lives inside a data directory.
pub fn log_dir(data: &Path) -> PathBuf {
    data.join("log")
}

/// Where subscriber `name` keeps its checkpoint inside a data directory: `DATA/{name}`.
pub fn subscriber_dir(data: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = data.join(name);
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    Ok(dir)
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let mut terminate =
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("shutting down");
}

/// The raw log as a gRPC service, refusing appends the domain cannot decode ([`DomainAppendGuard`]): the same
/// service in `casetrack serve` (on its internal port) and `casetrack eventlog`.
pub fn log_service(log: EventLog) -> EventLogServer<EventLogService> {
    EventLogService::new(log, Arc::new(DomainAppendGuard)).into_server()
}

/// Serve the raw log on its own internal listener until the shutdown signal, behind the same auth layer (the
/// policy table gives the raw log to the admin role only).
async fn serve_log(
    log: EventLog,
    listen: SocketAddr,
    mut server: GrpcServer,
) -> anyhow::Result<JoinHandle<()>> {
    let listener = bind(listen).await?;
    let address = listener
        .local_addr()
        .context("address of the log listener")?;
    tracing::info!(listen = %address, "serving the raw event log (internal)");
    server.add(log_service(log));
    Ok(tokio::spawn(async move {
        if let Err(error) = server.serve(listener, shutdown_signal()).await {
            tracing::error!(%error, "event log listener stopped");
        }
    }))
}

/// Bind `listen` and serve until the shutdown signal, then stop the background tasks. `log` is the log this
/// process owns, if it owns one.
pub async fn serve_until_shutdown(
    server: GrpcServer,
    listen: SocketAddr,
    metrics: &MetricsArgs,
    supervisor: Supervisor,
    tasks: Vec<JoinHandle<()>>,
    log: Option<EventLog>,
) -> anyhow::Result<()> {
    let listener = bind(listen).await?;
    serve_on_until_shutdown(server, listener, metrics, supervisor, tasks, log).await
}

/// The listener for `listen`; port 0 takes a free port, which the listener's `local_addr` tells.
pub async fn bind(listen: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .with_context(|| format!("listen on {listen}"))
}

/// Serve on a bound `listener` (and the metrics on theirs) until the shutdown signal, then stop the background
/// tasks. When the supervisor
/// gives up on a task, or the writer of the log this process owns (`log`) stops after a failed write, stop the
/// same way and fail, so the process exits non-zero and its service manager restarts it (a restart recovers the
/// log from disk). The stop is graceful: requests in flight are answered (UNAVAILABLE for refused appends).
async fn serve_on_until_shutdown(
    mut server: GrpcServer,
    listener: TcpListener,
    metrics: &MetricsArgs,
    supervisor: Supervisor,
    mut tasks: Vec<JoinHandle<()>>,
    log: Option<EventLog>,
) -> anyhow::Result<()> {
    tasks.push(metrics.start(server.metrics().clone()).await?);
    let listen = listener
        .local_addr()
        .context("address of the bound listener")?;
    tracing::info!(%listen, "serving");
    let (gave_up_sender, gave_up) = tokio::sync::oneshot::channel();
    let shutdown = async {
        tokio::select! {
            () = shutdown_signal() => {}
            reason = supervisor.gave_up() => {
                tracing::error!(%reason, "giving up; exiting for the service manager to restart the process");
                let _ = gave_up_sender.send(reason);
            }
            reason = writer_stopped(log) => {
                tracing::error!(%reason, "事件日志写入失败，进程退出以便重启后从磁盘恢复 (the log writer stopped)");
                let _ = gave_up_sender.send(format!("the event log writer stopped: {reason}"));
            }
        }
    };
    let served = server.serve(listener, shutdown).await;
    for task in tasks {
        task.abort();
    }
    served?;
    if let Ok(reason) = gave_up.await {
        bail!("{reason}");
    }
    Ok(())
}

/// Completes, with the reason, when `log`'s writer stops after a failed write; never without a log.
async fn writer_stopped(log: Option<EventLog>) -> String {
    match log {
        Some(log) => log.writer_stopped().await,
        None => std::future::pending().await,
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = bind(args.listen).await?;
        serve(args, listener).await
    })
}

/// The embedded system on `listener` until the shutdown signal (also run in-process by `casetrack demo`,
/// which binds first so that it knows the address even for port 0).
pub async fn serve(args: Args, listener: TcpListener) -> anyhow::Result<()> {
    let log = EventLog::open(&log_dir(&args.data)).context("open the event log")?;
    // The services and the reactions reach the log as any other process would; gRPC and the projector take
    // the `EventLog` itself.
    let shared: Arc<dyn Log> = Arc::new(log.clone());
    let (commands, tokens) = args.services.load(Arc::clone(&shared))?;
    let mut server = args.tls.server(tokens.clone())?;
    let supervisor = Supervisor::new(server.health());
    let router = args
        .routing
        .start(&commands, Arc::clone(&shared), &args.data, &supervisor)
        .await?;
    let log_server = args.tls.server(tokens.clone())?;
    let log_listener = serve_log(log.clone(), args.log_listen, log_server).await?;
    let watchers = Watchers::new(Arc::clone(&shared), subscriber_dir(&args.data, "watch")?);
    // The projector follows the log into DATA/projections; the Reporting service and the reminders read it.
    let projector = Projector::open(&casetrack_projector::projections_dir(&args.data))
        .context("open the projection store")?;
    let reminders = args
        .reminders
        .start(&commands, projector.clone(), &supervisor);
    let queues = queue_metrics(projector.clone(), args.services.clocks()?);
    server.metrics().collect(queues);
    let (auditor, auditing) = start_auditor(Arc::clone(&shared), &mut server, &supervisor);
    let clocks = args.services.clocks()?;
    let reports = casetrack_projector::Reports::new(projector.clone(), log.clone());
    let services = console::backend(
        &commands,
        watchers.clone(),
        reports.clone(),
        clocks.clone(),
        auditor.clone(),
    );
    let console = args.console.start(services, tokens).await?;
    server.add_command_services(commands, watchers, auditor.clone());
    let folding = Subscriber::new(
        ProjectorConsumer::new(projector),
        LogSource(Arc::clone(&shared)),
    );
    let projecting = supervisor.spawn(PROJECTOR_NAME, REPORTING_AFFECTED, folding);
    let tasks = vec![
        router,
        reminders,
        projecting,
        log_listener,
        console,
        auditing,
    ];
    let reporting =
        casetrack_projector::grpc::ReportingService::new(reports, clocks, auditor, shared);
    server.add(reporting.into_server());

    serve_on_until_shutdown(
        server,
        listener,
        &args.metrics,
        supervisor,
        tasks,
        Some(log),
    )
    .await
}
