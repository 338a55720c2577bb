//! TLS (rustls, through tonic) for every casetrack listener and for the clients that dial them: the one place
//! that turns the PEM files an operator names (`--tls-cert`, `--tls-key`, `--tls-client-ca` on a server;
//! `--tls-ca`, `--tls-client-cert`, `--tls-client-key` on a client) into tonic's TLS configurations. A file
//! that does not load is an error at start-up naming its flag, never a listener that silently serves
//! plaintext.

use std::path::{Path, PathBuf};

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, ServerTlsConfig};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{flag} {path}: {source}")]
    Read {
        flag: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("{flags}: {reason}")]
    Invalid { flags: &'static str, reason: String },
}

fn read(flag: &'static str, path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        flag,
        path: path.display().to_string(),
        source,
    })
}

/// A listener's certificate chain and private key (PEM), and the CA whose certificates clients must present
/// when set (mutual TLS): everything a server needs to serve TLS. Loaded once at start-up.
#[derive(Clone)]
pub struct ServerTls {
    /// The certificate chain, leaf first (PEM).
    pub cert_pem: Vec<u8>,
    /// The private key of the leaf (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key_pem: Vec<u8>,
    /// Clients must present a certificate issued by this CA (PEM) when set.
    pub client_ca_pem: Option<Vec<u8>>,
}

impl ServerTls {
    /// Reads the files and checks that rustls accepts them together (the key matches the certificate, the
    /// CA parses), so that a broken file stops the process at start-up.
    pub fn load(cert: &Path, key: &Path, client_ca: Option<&Path>) -> Result<ServerTls, TlsError> {
        let tls = ServerTls {
            cert_pem: read("--tls-cert", cert)?,
            key_pem: read("--tls-key", key)?,
            client_ca_pem: client_ca
                .map(|ca| read("--tls-client-ca", ca))
                .transpose()?,
        };
        // Building a server is how tonic parses and checks the files; the builder is discarded.
        tonic::transport::Server::builder()
            .tls_config(tls.grpc())
            .map_err(|error| TlsError::Invalid {
                flags: "--tls-cert/--tls-key/--tls-client-ca",
                reason: error.to_string(),
            })?;
        Ok(tls)
    }

    /// The configuration of a tonic gRPC server: every connection TLS, and a client certificate signed by
    /// the client CA required when one is set.
    pub fn grpc(&self) -> ServerTlsConfig {
        let identity = tonic::transport::Identity::from_pem(&self.cert_pem, &self.key_pem);
        let config = ServerTlsConfig::new().identity(identity);
        match &self.client_ca_pem {
            Some(ca) => config
                .client_ca_root(Certificate::from_pem(ca))
                .client_auth_optional(false),
            None => config,
        }
    }
}

/// What a client trusts and presents when it dials a casetrack server over `https://`.
#[derive(Debug, Clone, Default)]
pub struct ClientTlsFiles {
    /// A private CA to trust besides the system's roots (PEM).
    pub ca: Option<PathBuf>,
    /// The client certificate and key (PEM) for a server that requires one (`--tls-client-ca`).
    pub identity: Option<(PathBuf, PathBuf)>,
}

impl ClientTlsFiles {
    /// The tonic client configuration: the system's roots, the private CA and the client identity if given.
    pub fn load(&self) -> Result<ClientTlsConfig, TlsError> {
        let mut config = ClientTlsConfig::new().with_enabled_roots();
        if let Some(ca) = &self.ca {
            config = config.ca_certificate(Certificate::from_pem(read("--tls-ca", ca)?));
        }
        if let Some((cert, key)) = &self.identity {
            config = config.identity(tonic::transport::Identity::from_pem(
                read("--tls-client-cert", cert)?,
                read("--tls-client-key", key)?,
            ));
        }
        Ok(config)
    }

    /// The endpoint of `url`: `https://` dials TLS with [`ClientTlsFiles::load`], `http://` plaintext.
    pub fn endpoint(&self, url: &str) -> Result<Endpoint, TlsError> {
        let invalid = |error: tonic::transport::Error| TlsError::Invalid {
            flags: "server URL",
            reason: format!("{url}: {error}"),
        };
        let endpoint = Endpoint::from_shared(url.to_owned()).map_err(invalid)?;
        if endpoint.uri().scheme_str() != Some("https") {
            return Ok(endpoint);
        }
        endpoint.tls_config(self.load()?).map_err(invalid)
    }
}
