//! The TLS flags every server process (`serve`, `eventlog`, `intake`, `review`, `reply`, `reporting`) and
//! every client of a casetrack server (the processes reaching `casetrack eventlog`, `report --server`,
//! `agency`) take — like every flag, also from `CASETRACK_<FLAG>` and the `--config` file; `casetrack_auth::tls`
//! turns them into configurations.

use std::path::PathBuf;

use anyhow::Context;
use casetrack_auth::{ClientTlsFiles, ServerTls, TokenSource};
use casetrack_handlers::GrpcServer;
use tonic::transport::Endpoint;

/// TLS of a process's gRPC listeners (all of them: `serve`'s internal log port too). Plaintext when absent.
#[derive(clap::Args, Clone, Default)]
pub struct ServerTlsArgs {
    /// Certificate chain (PEM, leaf first) every listener of this process serves TLS with.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require every client to present a certificate issued by this CA (PEM): mutual TLS.
    #[arg(long, requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
}

impl ServerTlsArgs {
    /// A gRPC server checking callers against `tokens`, serving TLS when configured.
    pub fn server(&self, tokens: TokenSource) -> anyhow::Result<GrpcServer> {
        let mut server = GrpcServer::new(tokens);
        if let Some(tls) = self.load()? {
            server.tls(tls);
        }
        Ok(server)
    }

    fn load(&self) -> anyhow::Result<Option<ServerTls>> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let tls = ServerTls::load(cert, key, self.tls_client_ca.as_deref())
            .context("load the TLS certificate")?;
        Ok(Some(tls))
    }
}

/// What a client trusts and presents when it dials an `https://` URL.
#[derive(clap::Args, Clone, Default)]
pub struct ClientTlsArgs {
    /// A private CA (PEM) to trust for https:// servers, besides the system's roots.
    #[arg(long)]
    pub tls_ca: Option<PathBuf>,
    /// Client certificate (PEM) for a server that requires one (its --tls-client-ca).
    #[arg(long, requires = "tls_client_key")]
    pub tls_client_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-client-cert.
    #[arg(long, requires = "tls_client_cert")]
    pub tls_client_key: Option<PathBuf>,
}

impl ClientTlsArgs {
    /// The endpoint of `url` (`flag` names it in errors): TLS for https://, plaintext for http://.
    pub fn endpoint(&self, flag: &str, url: &str) -> anyhow::Result<Endpoint> {
        let files = ClientTlsFiles {
            ca: self.tls_ca.clone(),
            identity: self
                .tls_client_cert
                .clone()
                .zip(self.tls_client_key.clone()),
        };
        files.endpoint(url).with_context(|| format!("{flag} {url}"))
    }
}
