//! What the processes that reach the `casetrack eventlog` process over gRPC share (`casetrack
//! intake|review|reply|reporting`): where they find it, the token and TLS they call it with, where the
//! command services listen (and their TLS), and the executor over the remote log.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use casetrack_eventlog::RemoteLog;
use casetrack_handlers::{AgenciesService, Commands, GrpcServer, Supervisor};
use tokio::task::JoinHandle;

use super::serve::{MetricsArgs, ServiceArgs, serve_until_shutdown};
use super::tls::{ClientTlsArgs, ServerTlsArgs};

/// Where a process finds the `casetrack eventlog` process, and who it calls it as.
#[derive(clap::Args)]
pub struct LogArgs {
    /// URL of the `casetrack eventlog` process (https:// when it serves TLS).
    #[arg(long, default_value = "http://127.0.0.1:50061")]
    pub log: String,
    /// Token this process calls the log with: an admin identity of the log's token file. From the
    /// environment, so that it shows in no process list.
    #[arg(long, env = "CASETRACK_LOG_TOKEN", hide_env_values = true)]
    pub log_token: String,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

impl LogArgs {
    /// A client of the `casetrack eventlog` process; connects on first use and reconnects by itself.
    pub fn remote_log(&self) -> anyhow::Result<RemoteLog> {
        let endpoint = self.tls.endpoint("--log", &self.log)?;
        RemoteLog::from_channel(endpoint.connect_lazy(), &self.log_token).context("--log-token")
    }
}

/// Where a separate command-service process finds the log and where it listens.
#[derive(clap::Args)]
pub struct ProcessArgs {
    #[command(flatten)]
    pub log: LogArgs,
    /// Address of this service's gRPC port.
    #[arg(long)]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub services: ServiceArgs,
    #[command(flatten)]
    pub tls: ServerTlsArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
}

impl ProcessArgs {
    /// The command executor over the remote log, and the server to add the services to.
    pub fn load(&self) -> anyhow::Result<(Commands, GrpcServer)> {
        let (commands, tokens) = self.services.load(Arc::new(self.log.remote_log()?))?;
        Ok((commands, self.tls.server(tokens)?))
    }

    /// Serve `server` (with `Agencies` beside the process's own service, as every command-service process
    /// does) on `--listen` and the metrics on theirs until the shutdown signal, stopping `tasks` then.
    pub async fn serve(
        &self,
        commands: Commands,
        mut server: GrpcServer,
        supervisor: Supervisor,
        tasks: Vec<JoinHandle<()>>,
    ) -> anyhow::Result<()> {
        server.add(AgenciesService::new(commands).into_server());
        serve_until_shutdown(server, self.listen, &self.metrics, supervisor, tasks, None).await
    }
}
