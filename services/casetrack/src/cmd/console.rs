//! The staff web console (`casetrack-console`) on its own HTTP listener, in the processes that hold both the
//! command services and the read models: `serve` and `reporting`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use casetrack_audit::Auditor;
use casetrack_auth::TokenSource;
use casetrack_console::{Backend, Console};
use casetrack_domain::deadline::Clocks;
use casetrack_handlers::{Commands, IntakeService, ReplyService, ReviewService, Watchers};
use casetrack_projector::Reports;
use casetrack_projector::grpc::ReportingService;
use tokio::task::JoinHandle;

use crate::cmd::serve::{bind, shutdown_signal};

#[derive(clap::Args)]
pub struct ConsoleArgs {
    /// Address of the staff web console (HTTP). Loopback by default: on an intranet, put it behind the
    /// site's TLS reverse proxy.
    #[arg(long, default_value = "127.0.0.1:50080")]
    pub console_listen: SocketAddr,
}

impl ConsoleArgs {
    /// Serve the console over these services until the shutdown signal.
    pub async fn start(
        &self,
        backend: Backend,
        tokens: TokenSource,
    ) -> anyhow::Result<JoinHandle<()>> {
        let listener = bind(self.console_listen).await?;
        let address = listener
            .local_addr()
            .context("address of the console listener")?;
        tracing::info!(listen = %address, "serving the staff console (http://{address}/)");
        let console = Console::new(backend, tokens);
        Ok(tokio::spawn(async move {
            if let Err(error) = console.serve(listener, shutdown_signal()).await {
                tracing::error!(%error, "console listener stopped");
            }
        }))
    }
}

/// The services the console calls in-process: the same handlers the gRPC server serves, so a page that shows
/// a case records the read in the audit trail exactly as the gRPC call does.
pub fn backend(
    commands: &Commands,
    watchers: Watchers,
    reports: Reports,
    clocks: Clocks,
    auditor: Auditor,
) -> Backend {
    Backend {
        intake: IntakeService::new(commands.clone(), watchers, auditor.clone()),
        review: ReviewService::new(commands.clone()),
        reply: ReplyService::new(commands.clone()),
        reporting: ReportingService::new(reports, clocks, auditor, Arc::clone(commands.log())),
    }
}
