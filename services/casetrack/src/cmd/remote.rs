//! What the separate command-service processes (`casetrack intake|review|reply`) share: where they find the
//! `casetrack eventlog` process, where they listen, and the executor over the remote log.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use casetrack_eventlog::RemoteLog;
use casetrack_handlers::{Commands, Tokens};

use super::serve::ServiceArgs;

/// Where a separate command-service process finds the log and where it listens.
#[derive(clap::Args)]
pub struct ProcessArgs {
    /// URL of the `casetrack eventlog` process.
    #[arg(long, default_value = "http://127.0.0.1:50061")]
    pub log: String,
    /// Address of this service's gRPC port.
    #[arg(long)]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub services: ServiceArgs,
}

impl ProcessArgs {
    /// The command executor over the remote log, and the caller tokens.
    pub fn load(&self) -> anyhow::Result<(Commands, Tokens)> {
        self.services.load(Arc::new(remote_log(&self.log)?))
    }
}

/// A client of the `casetrack eventlog` process at `url`; connects on first use and reconnects by itself.
pub fn remote_log(url: &str) -> anyhow::Result<RemoteLog> {
    let endpoint = tonic::transport::Endpoint::from_shared(url.to_owned()).context("--log URL")?;
    Ok(RemoteLog::from_channel(endpoint.connect_lazy()))
}
