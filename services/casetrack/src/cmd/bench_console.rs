//! `casetrack bench-console`: how long the staff console takes to answer its 待办 queue over many open cases
//! in one subtree, page by page, and the district's annual report page. Fills a fresh data directory's log
//! with open applications (`synthetic::open_cases`, straight into the log as `bench-report` does), starts
//! `casetrack serve` on it (this same binary, as `bench-intake` does, so a release build measures a release
//! server), logs in as the district's reviewer and report officer, and times each GET from the request to the
//! last byte over loopback: the server's render plus one loopback round trip. Not a test — numbers only.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use casetrack_auth::{NewToken, Role};
use casetrack_console::PAGE_SIZE;
use casetrack_eventlog::EventLog;
use casetrack_projector::synthetic;

use crate::cmd::bench_intake::{Server, free_loopback_address, start_server};
use crate::cmd::bench_log::percentile;
use crate::cmd::serve::log_dir;

/// Times the report page is requested.
const REPORT_RUNS: usize = 20;
/// Cases appended per `append_cases` call.
const APPEND_CHUNK: u64 = 20_000;
/// Waiting for the server to listen and to fold the log: attempts and the pause between them.
const READY_ATTEMPTS: u32 = 1200;
const READY_POLL: Duration = Duration::from_millis(100);
/// Largest response read (the queue page is some tens of kilobytes, the report page some hundreds).
const MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(clap::Args)]
pub struct Args {
    /// Directory for the server's data and logs (a fresh `bench-console` directory is made under it).
    #[arg(long)]
    pub data: PathBuf,
    /// Open applications in the district's subtree.
    #[arg(long, default_value_t = 10_000)]
    pub cases: u64,
    /// Times each queue page is requested.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.cases > 0 && args.runs > 0,
        "--cases and --runs must be positive"
    );
    let dir = args.data.join("bench-console");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let today = casetrack_domain::time::local_date(chrono::Utc::now());
    let log = EventLog::open(&log_dir(&dir.join("data"))).context("open the event log")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut appended = 0;
    while appended < args.cases {
        let chunk = APPEND_CHUNK.min(args.cases - appended);
        let cases = synthetic::open_cases(today, chunk, appended);
        runtime.block_on(synthetic::append_cases(&log, &cases))?;
        appended += chunk;
    }
    drop(log);
    let token = NewToken::generate(
        "压测：思茅区承办人兼年报专员",
        [Role::Reviewer, Role::ReportOfficer].into(),
        "console",
        Some(synthetic::AGENCIES[0]),
    )
    .map_err(|reason| anyhow::anyhow!("bench identity: {reason}"))?;
    let file = serde_json::json!({ "identities": [token.entry] });
    std::fs::write(dir.join("tokens.json"), file.to_string())?;
    let console = free_loopback_address()?;
    let mut server = start_server(&dir, free_loopback_address()?, console)?;
    let session = login(console, &token.token, &mut server)?;
    let pages = args.cases.div_ceil(PAGE_SIZE as u64);
    let folded = format!("共 {} 件", args.cases);
    wait_for(&mut server, || {
        Ok(get(console, "/queue", &session)?.contains(&folded))
    })?;
    println!(
        "{} open applications in the subtree of {}, {pages} queue pages",
        args.cases,
        synthetic::AGENCIES[0]
    );
    let queue: Vec<String> = (0..pages)
        .map(|page| format!("/queue?page={page}"))
        .collect();
    time(
        console,
        &session,
        "queue page (each page)",
        &queue,
        args.runs,
    )?;
    let report = ["/report?sub=1".to_owned()];
    time(
        console,
        &session,
        "annual report page, district roll-up",
        &report,
        REPORT_RUNS,
    )?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average (1, 5, 15 min) after the run: {}", load.trim());
    Ok(())
}

/// GET each of `paths` `runs` times, and print p50 and p99 over every request.
fn time(
    console: SocketAddr,
    session: &str,
    label: &str,
    paths: &[String],
    runs: usize,
) -> anyhow::Result<()> {
    let mut latencies = Vec::with_capacity(paths.len() * runs);
    for _ in 0..runs {
        for path in paths {
            let started = Instant::now();
            get(console, path, session)?;
            latencies.push(started.elapsed());
        }
    }
    latencies.sort();
    println!(
        "{label:<40} {:>6} requests  p50 {:>10.2?}  p99 {:>10.2?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    Ok(())
}

/// Retry `ready` until it holds, or fail when the server has exited or the attempts are spent.
fn wait_for(
    server: &mut Server,
    mut ready: impl FnMut() -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    for _ in 0..READY_ATTEMPTS {
        if let Some(status) = server.child.try_wait()? {
            anyhow::bail!("casetrack serve exited with {status} (see serve.log)");
        }
        if ready().unwrap_or(false) {
            return Ok(());
        }
        std::thread::sleep(READY_POLL);
    }
    anyhow::bail!("the console was not ready in time (see serve.log)")
}

/// Log in with `token` as a browser does (the login form's nonce cookie and field); the session cookie.
fn login(console: SocketAddr, token: &str, server: &mut Server) -> anyhow::Result<String> {
    let mut form = String::new();
    wait_for(server, || {
        form = request(console, "GET /login", "", "")?;
        Ok(true)
    })?;
    let nonce = cookie(&form, "casetrack_login").context("the login page sets its nonce cookie")?;
    let body = format!("nonce={nonce}&token={token}");
    let answer = request(
        console,
        "POST /login",
        &format!("casetrack_login={nonce}"),
        &body,
    )?;
    let session = cookie(&answer, "casetrack_session").context("login sets the session cookie")?;
    Ok(format!("casetrack_session={session}"))
}

/// The value of cookie `name` an HTTP response sets.
fn cookie(response: &str, name: &str) -> Option<String> {
    let start = response.find(&format!("{name}="))? + name.len() + 1;
    let value = &response[start..];
    Some(value[..value.find([';', '\r'])?].to_owned())
}

/// The whole response to GET `path` with the session cookie; an error unless 200.
fn get(console: SocketAddr, path: &str, session: &str) -> anyhow::Result<String> {
    let response = request(console, &format!("GET {path}"), session, "")?;
    anyhow::ensure!(
        response.starts_with("HTTP/1.1 200"),
        "GET {path}: {}",
        response.lines().next().unwrap_or_default()
    );
    Ok(response)
}

/// One HTTP/1.1 request (`method path`) on its own connection, a form `body` if any; the response read to its end.
fn request(console: SocketAddr, line: &str, cookie: &str, body: &str) -> anyhow::Result<String> {
    let mut stream = TcpStream::connect(console)?;
    let mut head = format!("{line} HTTP/1.1\r\nHost: {console}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if !body.is_empty() {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(head.as_bytes())?;
    let mut response = Vec::new();
    stream.take(MAX_RESPONSE_BYTES).read_to_end(&mut response)?;
    Ok(String::from_utf8_lossy(&response).into_owned())
}
