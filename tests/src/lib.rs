//! Helpers shared by the end-to-end tests.
//!
//! Every test that needs a server starts its own on a free loopback port in a temporary directory and stops it
//! when the helper is dropped: no test depends on a server a previous run left behind.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub mod services;

/// How long a freshly spawned `nats-server` may take to accept TCP connections before the start is an error.
pub const NATS_START_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause between connection attempts while waiting for a server to come up.
const READY_POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Server settings the command line cannot give. `max_payload` matches deploy/nats/nats.conf: one message is
/// one recorded event as JSON, and the log accepts events of up to 1 MiB of data.
const NATS_TEST_CONFIG: &str = "max_payload: 8MB\n";

/// A free TCP port on the loopback interface (bound, read, released).
///
/// Another process could take the port between this call and its use; for tests on one machine that race is
/// rare enough that a retry is not worth its code.
pub fn free_port() -> u16 {
    // Binding port 0 on loopback only fails when the machine is out of ephemeral ports: a broken test host.
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind an ephemeral loopback port");
    listener
        .local_addr()
        .expect("local address of a bound listener")
        .port()
}

/// A `nats-server -js` on a free loopback port, storing JetStream data in its own temporary directory.
/// Dropping it kills the server and waits for it (no zombie), then removes the directory.
pub struct NatsServer {
    child: Child,
    port: u16,
    // Kept for its Drop: the JetStream store lives here and is deleted with it.
    _store: tempfile::TempDir,
}

impl NatsServer {
    /// Spawn `nats-server -c <tmp>/nats.conf -js -a 127.0.0.1 -p <free port> -sd <tmp>` and wait (at most
    /// [`NATS_START_TIMEOUT`]) until it accepts TCP connections. Monitoring (HTTP) stays off: no second port
    /// to collide on.
    pub fn start() -> anyhow::Result<NatsServer> {
        let store = tempfile::tempdir().context("create the JetStream store directory")?;
        let port = free_port();
        let config = store.path().join("nats.conf");
        std::fs::write(&config, NATS_TEST_CONFIG).context("write the nats-server config")?;
        let child = Command::new("nats-server")
            .arg("-c")
            .arg(&config)
            .arg("-js")
            .args(["-a", "127.0.0.1"])
            .args(["-p", &port.to_string()])
            .arg("-sd")
            .arg(store.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("spawn nats-server (is it installed and on PATH?)")?;
        let mut server = NatsServer {
            child,
            port,
            _store: store,
        };
        server.wait_until_ready()?;
        Ok(server)
    }

    /// The client URL, e.g. `nats://127.0.0.1:42317`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + NATS_START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().context("poll nats-server")? {
                bail!(
                    "nats-server exited during start-up with {status} (port {} taken?)",
                    self.port
                );
            }
            if TcpStream::connect_timeout(&address, READY_POLL_INTERVAL).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "nats-server did not accept connections on {address} within {NATS_START_TIMEOUT:?}"
                );
            }
            std::thread::sleep(READY_POLL_INTERVAL);
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        // Kill fails only if the process already exited; waiting reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nats_server_accepts_connections_until_dropped() {
        let server = NatsServer::start().expect("start nats-server");
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port()));
        assert_eq!(server.url(), format!("nats://127.0.0.1:{}", server.port()));
        TcpStream::connect(address).expect("server accepts connections");
        drop(server);
        assert!(
            TcpStream::connect(address).is_err(),
            "server still listening after drop"
        );
    }
}
