//! The one way the tests start `casetrack serve`: a builder owning what every such test passes (a data
//! directory in the test's temporary directory, the test identities, the public and raw-log ports, the console
//! and metrics listeners) to which a test adds its own flags.

use std::path::{Path, PathBuf};

use crate::free_port;
use crate::services::{Process, write_tokens};

/// Any free port, for listeners the test does not address: tests run side by side, and the console's default
/// port is a fixed one.
const ANY_LOOPBACK_PORT: &str = "127.0.0.1:0";

/// The command line of one `casetrack serve` of a test. Built once, it can be spawned again (a restart over the
/// same data directory, on the same ports).
#[derive(Clone)]
pub struct Serve {
    dir: PathBuf,
    data: PathBuf,
    tokens: Option<PathBuf>,
    /// The public gRPC port (`--listen`).
    pub port: u16,
    /// The internal raw-log port (`--log-listen`).
    pub log_port: u16,
    console_listen: String,
    metrics_listen: String,
    extra: Vec<String>,
    env: Vec<(String, String)>,
}

impl Serve {
    /// `serve` over `dir/data` with the test identities (`dir/tokens.json`,
    /// written at the first spawn), the public and raw-log ports free loopback ports, and the console and
    /// metrics on any free loopback port.
    pub fn new(dir: &Path) -> Serve {
        Serve {
            dir: dir.to_owned(),
            data: dir.join("data"),
            tokens: None,
            port: free_port(),
            log_port: free_port(),
            console_listen: ANY_LOOPBACK_PORT.to_owned(),
            metrics_listen: ANY_LOOPBACK_PORT.to_owned(),
            extra: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Serve the data directory `data` instead of `dir/data`.
    pub fn data(mut self, data: &Path) -> Serve {
        data.clone_into(&mut self.data);
        self
    }

    /// Load the identities of the token file `tokens` instead of the test identities.
    pub fn tokens(mut self, tokens: &Path) -> Serve {
        self.tokens = Some(tokens.to_owned());
        self
    }

    /// Serve the console on `port`, for a test that browses it.
    pub fn console_port(mut self, port: u16) -> Serve {
        self.console_listen = format!("127.0.0.1:{port}");
        self
    }

    /// Serve the metrics on `port`, for a test that scrapes them.
    pub fn metrics_port(mut self, port: u16) -> Serve {
        self.metrics_listen = format!("127.0.0.1:{port}");
        self
    }

    /// Add the test's own flags.
    pub fn args(mut self, args: impl IntoIterator<Item = String>) -> Serve {
        self.extra.extend(args);
        self
    }

    /// Set the environment variable `name` for the process.
    pub fn env(mut self, name: &str, value: &str) -> Serve {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The public port's URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Start `casetrack serve`, logging to `dir/{name}.log`, and wait until its raw-log listener (which serve
    /// binds after the public port) accepts connections; the process addresses the public port.
    pub fn spawn(&self, name: &str) -> anyhow::Result<Process> {
        let tokens = match &self.tokens {
            Some(tokens) => tokens.clone(),
            None => write_tokens(&self.dir)?,
        };
        let listen = |port: u16| format!("127.0.0.1:{port}");
        let mut args = vec![
            "serve".to_owned(),
            "--data".to_owned(),
            self.data.display().to_string(),
            "--listen".to_owned(),
            listen(self.port),
            "--log-listen".to_owned(),
            listen(self.log_port),
            "--console-listen".to_owned(),
            self.console_listen.clone(),
            "--metrics-listen".to_owned(),
            self.metrics_listen.clone(),
            "--tokens".to_owned(),
            tokens.display().to_string(),
        ];
        args.extend(self.extra.iter().cloned());
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let log_file = self.dir.join(format!("{name}.log"));
        let mut process = Process::spawn_with_env(&args, &env, self.log_port, &log_file)?;
        process.port = self.port;
        Ok(process)
    }
}
