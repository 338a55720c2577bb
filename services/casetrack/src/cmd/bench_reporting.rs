//! `casetrack bench-reporting`: how long a case takes from intake to the report cell, through the relay, NATS
//! and a `casetrack reporting` process, in the multi-process layout (`deploy/run-local.sh`). Submits
//! applications at a steady rate; a watcher polls the reporting process and takes, for each case, the moment
//! the report's position first covers the position intake returned for it. The reporting subscriber's lag
//! (log head − report position, in events) is sampled at every poll.

use std::time::{Duration, Instant};

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_domain::AgencyId;
use chrono::Datelike;
use tokio::sync::mpsc;
use tonic::transport::Channel;

use crate::cmd::bench_log::percentile;

/// Times one submission is sent again after `ABORTED` (every application takes the next number of the one
/// tracking counter, so concurrent submissions conflict; a retry is the same case, by its external id).
const MAX_SUBMIT_ATTEMPTS: u32 = 100;
/// Pause between two polls of the reporting process: with the two calls of a poll, the resolution of a latency.
const POLL_INTERVAL: Duration = Duration::from_millis(2);

#[derive(clap::Args)]
pub struct Args {
    /// URL of the `casetrack intake` process.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub intake: String,
    /// URL of the `casetrack reporting` process.
    #[arg(long, default_value = "http://127.0.0.1:50065")]
    pub reporting: String,
    /// URL of the `casetrack eventlog` process (for the log head, to compute the lag).
    #[arg(long, default_value = "http://127.0.0.1:50061")]
    pub log: String,
    /// Bearer token of an identity with the clerk and report_officer roles whose jurisdiction covers --agency
    /// (e.g. STAFF_TOKEN of `deploy/run-local.sh`'s tokens.secret, with `--agency simao/bench`).
    #[arg(long, env = "CASETRACK_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Bearer token of an admin or auditor of the event log, for its head.
    #[arg(long, env = "CASETRACK_LOG_TOKEN", hide_env_values = true)]
    pub log_token: String,
    /// Applications submitted per second.
    #[arg(long, default_value_t = 1000)]
    pub rate: u32,
    /// For how long.
    #[arg(long, default_value_t = 60)]
    pub seconds: u32,
    /// Submissions in flight at most; a slower intake makes the submitter fall behind its rate (printed). Every
    /// application takes the next number of one tracking counter, so more in flight means more conflicts.
    #[arg(long, default_value_t = 16)]
    pub in_flight: usize,
    /// Agency the applications are filed with, and whose report is polled.
    #[arg(long, default_value = "bench")]
    pub agency: String,
}

/// One accepted application: its log position, when it was first sent and when intake acknowledged it.
struct Submitted {
    position: u64,
    started: Instant,
    acked: Instant,
}

/// What the watcher saw: per case, from first sending and from intake's acknowledgement to the report cell;
/// and the lag at every poll.
struct Observed {
    from_sent: Vec<Duration>,
    from_acked: Vec<Duration>,
    lags: Vec<u64>,
    /// How long the watcher polled: with the number of polls, the resolution of the latencies.
    polling: Duration,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.rate > 0 && args.seconds > 0,
        "--rate and --seconds must be positive"
    );
    tokio::runtime::Runtime::new()?.block_on(bench(args))
}

/// The name the benchmark registers its agency under (intake refuses cases of unregistered agencies).
const BENCH_AGENCY_NAME: &str = "性能测试机关";
/// The day the benchmark's agency is registered from: the 条例 took effect on 2008-05-01.
const BENCH_AGENCY_FROM: &str = "2008-05-01";

/// Registers `--agency` through intake's `Agencies` service; one registered before is left as it is.
async fn register_agency(args: &Args) -> anyhow::Result<()> {
    let mut agencies = AgenciesClient::connect(args.intake.clone())
        .await
        .context("--intake")?;
    let parent = AgencyId::parse(&args.agency)
        .context("--agency")?
        .parent()
        .map(String::from)
        .unwrap_or_default();
    let entry = pb::AgencyEntry {
        id: args.agency.clone(),
        name: BENCH_AGENCY_NAME.to_owned(),
        parent,
        valid_from: BENCH_AGENCY_FROM.to_owned(),
        valid_to: String::new(),
    };
    match agencies.register_agency(authed(entry, &args.token)?).await {
        Ok(_) => Ok(()),
        // Registered before under another name: it exists, which is all intake needs.
        Err(status) if status.code() == tonic::Code::AlreadyExists => Ok(()),
        Err(status) => Err(anyhow::anyhow!(
            "register --agency {}: {status}",
            args.agency
        )),
    }
}

async fn bench(args: Args) -> anyhow::Result<()> {
    register_agency(&args).await?;
    let intake = IntakeClient::connect(args.intake.clone())
        .await
        .context("--intake")?;
    let reporting = ReportingClient::connect(args.reporting.clone())
        .await
        .context("--reporting")?;
    let log = EventLogClient::connect(args.log.clone())
        .await
        .context("--log")?;
    let (submitted, visible) = mpsc::unbounded_channel();
    let tokens = (args.token.clone(), args.log_token.clone());
    let watcher = tokio::spawn(watch(reporting, log, target(&args.agency), visible, tokens));
    let started = Instant::now();
    let retries = submit(intake, &args, submitted).await?;
    let elapsed = started.elapsed();
    let mut observed = watcher.await??;
    observed.from_sent.sort();
    observed.from_acked.sort();
    observed.lags.sort();
    let cases = observed.from_sent.len();
    println!(
        "{cases} applications in {:.1} s ({:.0}/s, asked {}/s; {retries} retries after ABORTED)",
        elapsed.as_secs_f64(),
        cases as f64 / elapsed.as_secs_f64(),
        args.rate
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (what, latencies) in [
        ("sent to intake", &observed.from_sent),
        ("acknowledged by intake", &observed.from_acked),
    ] {
        println!(
            "{what} → report cell: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(percentile(latencies, 0.50)),
            ms(percentile(latencies, 0.99)),
            ms(percentile(latencies, 1.0))
        );
    }
    println!(
        "reporting subscriber lag (events behind the log head, {} polls, one every {:.1} ms): p50 {}, p99 {}, \
         max {}",
        observed.lags.len(),
        ms(observed.polling) / observed.lags.len().max(1) as f64,
        percentile(&observed.lags, 0.50),
        percentile(&observed.lags, 0.99),
        percentile(&observed.lags, 1.0)
    );
    Ok(())
}

fn target(agency: &str) -> pb::ReportTarget {
    pb::ReportTarget {
        agency: agency.to_owned(),
        year: casetrack_domain::time::local_date(chrono::Utc::now()).year(),
        include_subagencies: false,
    }
}

/// Submits up to `rate × seconds` applications at a steady rate for `seconds`, sending each one's log position and start time;
/// returns how many submissions were retried after `ABORTED`.
async fn submit(
    intake: IntakeClient<Channel>,
    args: &Args,
    submitted: mpsc::UnboundedSender<Submitted>,
) -> anyhow::Result<u32> {
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / args.rate);
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(args.in_flight.max(1)));
    let run = uuid::Uuid::new_v4();
    let today = casetrack_domain::time::local_date(chrono::Utc::now()).to_string();
    let mut tasks = tokio::task::JoinSet::new();
    let until = Instant::now() + Duration::from_secs(u64::from(args.seconds));
    // A submitter held back by intake stops at the end of the time, not the count: the rate achieved is printed.
    for n in (0..total).take_while(|_| Instant::now() < until) {
        ticker.tick().await;
        let permit = std::sync::Arc::clone(&permits).acquire_owned().await?;
        let (mut client, submitted) = (intake.clone(), submitted.clone());
        let request = application(&args.agency, &format!("BENCH-{run}-{n}"), &today);
        let token = args.token.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let (position, retries) = submit_one(&mut client, request, &token).await?;
            let case = Submitted {
                position,
                started,
                acked: Instant::now(),
            };
            drop(permit);
            // The watcher ends only after the last sender is dropped, so it is there to receive.
            let _ = submitted.send(case);
            anyhow::Ok(retries)
        });
    }
    let mut retries = 0;
    while let Some(task) = tasks.join_next().await {
        retries += task??;
    }
    Ok(retries)
}

/// Submits one application, again after each `ABORTED`; its log position and the number of retries.
async fn submit_one(
    client: &mut IntakeClient<Channel>,
    request: pb::SubmitApplicationRequest,
    token: &str,
) -> anyhow::Result<(u64, u32)> {
    for attempt in 0..MAX_SUBMIT_ATTEMPTS {
        match client
            .submit_application(authed(request.clone(), token)?)
            .await
        {
            Ok(reply) => return Ok((reply.into_inner().position, attempt)),
            Err(status) if status.code() == tonic::Code::Aborted => continue,
            Err(status) => return Err(status.into()),
        }
    }
    anyhow::bail!(
        "{}: still aborted after {MAX_SUBMIT_ATTEMPTS} attempts",
        request.external_id
    )
}

fn application(agency: &str, external_id: &str, today: &str) -> pb::SubmitApplicationRequest {
    pb::SubmitApplicationRequest {
        applicant: None,
        external_id: external_id.to_owned(),
        agency: agency.to_owned(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today.to_owned(),
        receipt_confirmed_on: String::new(),
        content: "本机关 2025 年预算执行情况".into(),
        delivery_form: "electronic".into(),
        referred_from: String::new(),
        occurred_at: None,
    }
}

fn authed<T>(message: T, token: &str) -> anyhow::Result<tonic::Request<T>> {
    let mut request = tonic::Request::new(message);
    let value = format!("Bearer {token}")
        .parse()
        .context("tokens must be ASCII")?;
    request.metadata_mut().insert("authorization", value);
    Ok(request)
}

/// Polls the report until every submitted case is covered by its position and the submitter is done.
async fn watch(
    mut reporting: ReportingClient<Channel>,
    mut log: EventLogClient<Channel>,
    target: pb::ReportTarget,
    mut submitted: mpsc::UnboundedReceiver<Submitted>,
    (token, log_token): (String, String),
) -> anyhow::Result<Observed> {
    let mut observed = Observed {
        from_sent: Vec::new(),
        from_acked: Vec::new(),
        lags: Vec::new(),
        polling: Duration::ZERO,
    };
    let mut pending: Vec<Submitted> = Vec::new();
    let started = Instant::now();
    loop {
        let closed = loop {
            match submitted.try_recv() {
                Ok(case) => pending.push(case),
                Err(mpsc::error::TryRecvError::Empty) => break false,
                Err(mpsc::error::TryRecvError::Disconnected) => break true,
            }
        };
        if closed && pending.is_empty() {
            observed.polling = started.elapsed();
            return Ok(observed);
        }
        let head = log
            .next_position(authed(pb::NextPositionRequest {}, &log_token)?)
            .await?
            .into_inner()
            .next_position;
        let report = reporting
            .get_report(authed(
                pb::GetReportRequest {
                    target: Some(target.clone()),
                    output: pb::ReportOutput::Json as i32,
                    as_of: None,
                },
                &token,
            )?)
            .await?
            .into_inner();
        let seen = Instant::now();
        observed
            .lags
            .push(head.saturating_sub(report.as_of_position));
        pending.retain(|case| {
            let visible = case.position < report.as_of_position;
            if visible {
                observed.from_sent.push(seen - case.started);
                observed.from_acked.push(seen - case.acked);
            }
            !visible
        });
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}
