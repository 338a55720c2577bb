//! Helpers shared by the end-to-end tests.
//!
//! Every test that needs a server starts its own on a free loopback port in a temporary directory and stops it
//! when the helper is dropped: no test depends on a server a previous run left behind.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub mod agencies;
pub mod reporting;
pub mod serve;
pub mod services;
pub mod tls;

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
    /// `None` while stopped ([`NatsServer::stop`]).
    child: Option<Child>,
    port: u16,
    // The JetStream store lives here and is deleted with it.
    store: tempfile::TempDir,
}

impl NatsServer {
    /// Spawn `nats-server -c <tmp>/nats.conf -js -a 127.0.0.1 -p <free port> -sd <tmp>` and wait (at most
    /// [`NATS_START_TIMEOUT`]) until it accepts TCP connections. Monitoring (HTTP) stays off: no second port
    /// to collide on.
    pub fn start() -> anyhow::Result<NatsServer> {
        let store = tempfile::tempdir().context("create the JetStream store directory")?;
        let config = store.path().join("nats.conf");
        std::fs::write(&config, NATS_TEST_CONFIG).context("write the nats-server config")?;
        let mut server = NatsServer {
            child: None,
            port: free_port(),
            store,
        };
        server.restart()?;
        Ok(server)
    }

    /// Kill the server (an outage: clients see the connection drop), keeping its port and JetStream store.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Kill fails only if the process already exited; waiting reaps it either way.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start the server (again) on the same port and store, and wait until it accepts connections.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop();
        let child = Command::new("nats-server")
            .arg("-c")
            .arg(self.store.path().join("nats.conf"))
            .arg("-js")
            .args(["-a", "127.0.0.1"])
            .args(["-p", &self.port.to_string()])
            .arg("-sd")
            .arg(self.store.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("spawn nats-server (is it installed and on PATH?)")?;
        self.child = Some(child);
        self.wait_until_ready()
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
        let child = self.child.as_mut().context("nats-server is stopped")?;
        loop {
            if let Some(status) = child.try_wait().context("poll nats-server")? {
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
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nats_server_accepts_connections_until_dropped() {
        let mut server = NatsServer::start().expect("start nats-server");
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, server.port()));
        assert_eq!(server.url(), format!("nats://127.0.0.1:{}", server.port()));
        TcpStream::connect(address).expect("server accepts connections");
        server.stop();
        assert!(
            TcpStream::connect(address).is_err(),
            "server still listening after stop"
        );
        server.restart().expect("restart on the same port");
        TcpStream::connect(address).expect("restarted server accepts connections");
        drop(server);
        assert!(
            TcpStream::connect(address).is_err(),
            "server still listening after drop"
        );
    }
}
