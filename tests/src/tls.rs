//! A throw-away public-key infrastructure for the TLS tests: a CA, a server certificate for the loopback
//! address signed by it, and a client certificate signed by it, written as PEM files into a test's temporary
//! directory; and channels that trust that CA (and present that client certificate) or not.

use std::path::{Path, PathBuf};

use anyhow::Context;
use casetrack_auth::ClientTlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
};
use tonic::transport::Channel;

/// The PEM files of one test PKI.
pub struct TestPki {
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

fn write(dir: &Path, name: &str, pem: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, pem).with_context(|| format!("write {}", path.display()))?;
    Ok(path)
}

/// A certificate for `names` with `usage`, signed by `issuer`: its PEM and its key's PEM.
fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> anyhow::Result<(String, String)> {
    let key = KeyPair::generate()?;
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, issuer)?;
    Ok((cert.pem(), key.serialize_pem()))
}

impl TestPki {
    /// A CA named `name`, and server (127.0.0.1, localhost) and client certificates it signed, in `dir`.
    pub fn generate(dir: &Path, name: &str) -> anyhow::Result<TestPki> {
        let ca_key = KeyPair::generate()?;
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, name);
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);
        let server = leaf(
            &issuer,
            &["127.0.0.1", "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
        )?;
        let client = leaf(&issuer, &["client"], ExtendedKeyUsagePurpose::ClientAuth)?;
        Ok(TestPki {
            ca_cert: write(dir, &format!("{name}-ca.pem"), &ca_cert.pem())?,
            server_cert: write(dir, &format!("{name}-server.pem"), &server.0)?,
            server_key: write(dir, &format!("{name}-server-key.pem"), &server.1)?,
            client_cert: write(dir, &format!("{name}-client.pem"), &client.0)?,
            client_key: write(dir, &format!("{name}-client-key.pem"), &client.1)?,
        })
    }

    /// The server flags of a casetrack process serving TLS with this PKI's server certificate.
    pub fn server_args(&self) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            self.server_cert.display().to_string(),
            "--tls-key".into(),
            self.server_key.display().to_string(),
        ]
    }

    /// What a client trusting this CA presents: nothing, or the client certificate when `with_identity`.
    pub fn client(&self, with_identity: bool) -> ClientTlsFiles {
        ClientTlsFiles {
            ca: Some(self.ca_cert.clone()),
            identity: with_identity.then(|| (self.client_cert.clone(), self.client_key.clone())),
        }
    }
}

/// A connected channel to `url` with `tls` (an error when the handshake fails).
pub async fn connect(url: &str, tls: &ClientTlsFiles) -> anyhow::Result<Channel> {
    Ok(tls.endpoint(url)?.connect().await?)
}
