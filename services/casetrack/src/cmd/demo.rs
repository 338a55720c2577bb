//! `casetrack demo`: starts the embedded system in this process (`casetrack serve`'s own `serve`), generates a
//! realistic year of the Simao-like district from a seed, pushes every case through the real gRPC Intake,
//! Review and Reply APIs (a tonic client to its own port), then prints the annual report of the district
//! (all agencies rolled up) as Markdown — its parts 一 and 六 quoting the year's hotline, proposal and petition
//! figures — writes the HTML and JSON versions and those statistics (HTML) to DATA/reports/, and keeps serving
//! for exploration unless `--exit`.
//!
//! Deterministic: the same --year, --seed and --scale give the same requests, dates and command ids, and the
//! report is computed as of the log position the demo reached, so two runs print byte-identical JSON.
//! Default year: the last year whose every generated fact (up to 30 June of the next year) lies in the past.
//! Any year the embedded holiday calendar covers (with the years before and after) can be asked for, e.g.
//! `--year 2018`, the seed report's year; the report comes out in the format of that year (the pre-2019
//! statistical table for 2018, the 2019 format for 2019–2020, the 2021 format from 2021 on).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_auth::{NewToken, Role};
use casetrack_domain::Calendar;
use casetrack_domain::time::local_date;
use casetrack_eventlog::BearerToken;
use chrono::{Datelike, NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::cmd::console::ConsoleArgs;
use crate::cmd::serve::{self, MetricsArgs, ReminderArgs, RoutingArgs, ServiceArgs};
use crate::cmd::tls::ServerTlsArgs;
use crate::demo::district::DISTRICT;
use crate::demo::drive::{Clients, drive, register_agencies};
use crate::demo::open::open_cases;
use crate::demo::year::{Params, generate, horizon};
use casetrack_projector::wire::rendered_bytes;

/// The log filter while the demo runs: its hundreds of requests would otherwise log a line each.
pub const LOG_FILTER: &str = "warn,casetrack_handlers::routing=error";

/// The source system the demo's staff work as, and the hotline whose tickets it submits.
const DEMO_SOURCE_SYSTEM: &str = "demo";
const DEMO_HOTLINE: &str = "12345";

/// Waiting for the in-process server to accept connections: attempts and the pause between them.
const READY_ATTEMPTS: u32 = 200;
const READY_POLL: Duration = Duration::from_millis(50);

/// Seconds between the server's deadline-reminder passes during the demo: a year, i.e. never while it runs.
const REMINDER_INTERVAL_SECS: u64 = 365 * 24 * 3600;

#[derive(clap::Args)]
pub struct Args {
    /// Data year; the report uses that year's format (2018: the seed report's statistical table). Must be
    /// covered, with the years before and after, by the embedded holiday calendar. Default: the last year
    /// whose generated facts, up to 30 June of the next year, all lie in the past.
    #[arg(long)]
    pub year: Option<i32>,
    /// Seed of the generator: the same seed gives the same year and byte-identical JSON reports.
    #[arg(long, default_value_t = 2018)]
    pub seed: u64,
    /// Volume relative to the seed district (1.0: ~1,200 hotline tickets, 204 suggestions and proposals,
    /// ~1,700 proactive disclosures, ~45 disclosure applications).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Data directory; must be empty or absent (the demo writes a fresh log).
    #[arg(long, default_value = "casetrack-demo")]
    pub data: PathBuf,
    /// gRPC address of the in-process server; port 0 takes a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Stop after printing the report instead of serving for exploration.
    #[arg(long)]
    pub exit: bool,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(demo(args))
}

async fn demo(args: Args) -> anyhow::Result<()> {
    let today = local_date(Utc::now());
    let year = args.year.unwrap_or_else(|| default_year(today));
    let last_day = horizon(year).context("--year out of range")?;
    anyhow::ensure!(
        last_day < today,
        "--year {year}: its facts run to {last_day}, which is not yet past"
    );
    prepare_data_dir(&args.data)?;

    // Bound here, not by the server: `--listen 127.0.0.1:0` then means a free port, and this is its address.
    let listener = serve::bind(args.listen).await?;
    let listen = listener
        .local_addr()
        .context("address of the demo's listener")?;
    let tokens = demo_tokens(&args.data)?;
    let server = tokio::spawn(serve::serve(server_args(&args, listen)?, listener));
    let channel = connect(listen, &server).await?;

    let calendar = Calendar::embedded()?;
    let params = Params {
        year,
        seed: args.seed,
        scale: args.scale,
    };
    let generated = generate(params, &calendar)?;
    let bar = ProgressBar::new(generated.calls() as u64).with_style(
        ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] [{bar:40}] {pos}/{len} calls ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{} cases of {year}", generated.cases.len()));
    let clients = Clients::new(channel.clone(), &tokens.staff, &tokens.hotline)?;
    register_agencies(&clients).await?;
    let progress = bar.clone();
    let upto = drive(&generated, &clients, move |n| progress.inc(n)).await?;
    bar.finish_and_clear();

    let bearer = BearerToken::new(&tokens.staff).context("a generated token is ASCII")?;
    let mut reporting = ReportingClient::with_interceptor(channel, bearer);
    let markdown = report(&mut reporting, year, upto, pb::ReportOutput::Md).await?;
    println!("{}", String::from_utf8_lossy(rendered_bytes(&markdown)));
    let reports = args.data.join("reports");
    std::fs::create_dir_all(&reports)?;
    let html = reports.join(format!("{DISTRICT}-{year}.html"));
    std::fs::write(
        &html,
        rendered_bytes(&report(&mut reporting, year, upto, pb::ReportOutput::Html).await?),
    )?;
    let json = reports.join(format!("{DISTRICT}-{year}.json"));
    std::fs::write(
        &json,
        rendered_bytes(&report(&mut reporting, year, upto, pb::ReportOutput::Json).await?),
    )?;
    let work = write_work_statistics(&mut reporting, year, upto, &reports).await?;
    println!("HTML report: {}", html.display());
    println!("JSON report: {}", json.display());
    println!(
        "Hotline, proposal and petition statistics: {}",
        work.display()
    );
    println!(
        "{} cases, {} gRPC calls, log position {upto}; report status: {}",
        generated.cases.len(),
        generated.calls(),
        if markdown.is_final {
            "final (every identity holds)"
        } else {
            "FAILED identities (see above)"
        }
    );
    anyhow::ensure!(
        markdown.is_final,
        "the demo's report failed {} identity check(s)",
        markdown.problems.len()
    );

    let open = open_cases(today, &calendar);
    drive(&open, &clients, |_| {}).await?;
    println!(
        "{} cases left open in every state (after the report's log position, so it does not change)",
        open.cases.len()
    );

    if args.exit {
        return Ok(());
    }
    println!(
        "staff console: http://{}/ — log in with the token {} (every staff role of the district)",
        args.console.console_listen, tokens.staff
    );
    println!("  one login per job: {}", tokens.logins.display());
    println!("serving on {listen} (Ctrl-C to stop). Try:");
    println!(
        "  grpcurl -plaintext -H 'authorization: Bearer {token}' -d '{{\"target\":{{\"agency\":\"{DISTRICT}\",\"year\":{year},\"include_subagencies\":true}},\
         \"output\":\"REPORT_OUTPUT_CSV\"}}' {listen} casetrack.v1.Reporting/GetReport",
        token = tokens.staff
    );
    println!(
        "  grpcurl -plaintext -H 'authorization: Bearer {token}' -d '{{\"tracking_number\":\"SM-{year}-000001\"}}' {listen} \
         casetrack.v1.Intake/GetCase",
        token = tokens.staff
    );
    server.await??;
    Ok(())
}

/// The last year whose horizon (30 June of the next year) is before `today`.
fn default_year(today: NaiveDate) -> i32 {
    let mut year = today.year() - 1;
    while horizon(year).is_some_and(|last| last >= today) {
        year -= 1;
    }
    year
}

/// The demo writes a fresh log: an existing one would mix its cases into the report.
fn prepare_data_dir(data: &Path) -> anyhow::Result<()> {
    if data.exists() {
        let mut entries =
            std::fs::read_dir(data).with_context(|| format!("read {}", data.display()))?;
        anyhow::ensure!(
            entries.next().is_none(),
            "--data {} is not empty; the demo needs a fresh directory",
            data.display()
        );
    }
    std::fs::create_dir_all(data).with_context(|| format!("create {}", data.display()))?;
    Ok(())
}

/// The demo's two callers: its staff (every staff role in the district) and the 12345 hotline; and the file
/// listing one console login per job.
struct DemoTokens {
    staff: String,
    hotline: String,
    logins: PathBuf,
}

/// One console login per job, to see the console as each role does: name, roles, jurisdiction.
const CONSOLE_LOGINS: [(&str, &[Role], &str); 6] = [
    ("演示：登记员", &[Role::Clerk], DISTRICT),
    ("演示：承办人（派单）", &[Role::Reviewer], DISTRICT),
    ("演示：审批负责人", &[Role::Approver], DISTRICT),
    ("演示：答复专员", &[Role::ReplyOfficer], DISTRICT),
    ("演示：年报专员", &[Role::ReportOfficer], DISTRICT),
    (
        "演示：区住建局承办人",
        &[Role::Reviewer],
        "simao/housing_construction",
    ),
];

/// Fresh tokens for the demo's callers and the console logins, their hashes written to DATA/demo-tokens.json,
/// the logins' tokens to DATA/demo-logins.txt.
fn demo_tokens(data: &Path) -> anyhow::Result<DemoTokens> {
    use casetrack_auth::Role::{
        Admin, Approver, Clerk, Hotline, ReplyOfficer, ReportOfficer, Reviewer,
    };
    // Admin too: the demo registers its district's agencies before the first case.
    let staff_roles = [
        Admin,
        Clerk,
        Reviewer,
        Approver,
        ReplyOfficer,
        ReportOfficer,
    ];
    let new = |name: &str, roles: &[Role], source: &str, jurisdiction: &str| {
        NewToken::generate(
            name,
            roles.iter().copied().collect(),
            source,
            Some(jurisdiction),
        )
        .map_err(|reason| anyhow::anyhow!("demo identity {name}: {reason}"))
    };
    let staff = new(
        "演示：思茅区工作人员",
        &staff_roles,
        DEMO_SOURCE_SYSTEM,
        DISTRICT,
    )?;
    let hotline = new("演示：12345热线", &[Hotline], DEMO_HOTLINE, DISTRICT)?;
    let mut entries = vec![staff.entry, hotline.entry];
    let mut listing =
        String::from("# casetrack demo: one console login per job (name, jurisdiction, token)\n");
    for (name, roles, jurisdiction) in CONSOLE_LOGINS {
        let login = new(name, roles, DEMO_SOURCE_SYSTEM, jurisdiction)?;
        listing.push_str(&format!("{name}\t{jurisdiction}\t{}\n", login.token));
        entries.push(login.entry);
    }
    let file = serde_json::json!({ "identities": entries });
    std::fs::write(data.join("demo-tokens.json"), file.to_string())?;
    let logins = data.join("demo-logins.txt");
    std::fs::write(&logins, listing)?;
    Ok(DemoTokens {
        staff: staff.token,
        hotline: hotline.token,
        logins,
    })
}

/// `casetrack serve`'s arguments for the demo: its token file, no automatic routing (the scripts dispatch every
/// ticket on its own date; the router would dispatch with today's date), and reminders that never fire (they
/// follow the wall clock, which would make the log differ from run to run).
fn server_args(args: &Args, listen: SocketAddr) -> anyhow::Result<serve::Args> {
    let tokens = args.data.join("demo-tokens.json");
    let routing = args.data.join("demo-routing.json");
    std::fs::write(&routing, r#"{"rules": []}"#)?;
    Ok(serve::Args {
        data: args.data.clone(),
        listen,
        // The demo reads the log only through the command and report services; any free loopback port.
        log_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        services: ServiceArgs {
            tokens,
            tracking_prefix: "SM".parse().map_err(|e: String| anyhow::anyhow!(e))?,
            hotline_limits: None,
        },
        routing: RoutingArgs {
            routing: Some(routing),
        },
        reminders: ReminderArgs {
            remind_every_secs: REMINDER_INTERVAL_SECS,
            remind_within_working_days: i64::MIN,
        },
        tls: ServerTlsArgs::default(),
        console: ConsoleArgs {
            console_listen: args.console.console_listen,
        },
        metrics: MetricsArgs {
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        },
    })
}

/// Connects to the in-process server once it accepts connections (or reports why it stopped).
async fn connect(
    listen: SocketAddr,
    server: &tokio::task::JoinHandle<anyhow::Result<()>>,
) -> anyhow::Result<Channel> {
    let endpoint = Endpoint::from_shared(format!("http://{listen}"))?;
    for _ in 0..READY_ATTEMPTS {
        if server.is_finished() {
            anyhow::bail!("the in-process server stopped before accepting connections on {listen}");
        }
        if let Ok(channel) = endpoint.connect().await {
            return Ok(channel);
        }
        tokio::time::sleep(READY_POLL).await;
    }
    anyhow::bail!("the in-process server did not accept connections on {listen}")
}

async fn report(
    reporting: &mut ReportingClient<InterceptedService<Channel, BearerToken>>,
    year: i32,
    upto: u64,
    output: pb::ReportOutput,
) -> anyhow::Result<pb::GetReportResponse> {
    let request = pb::GetReportRequest {
        target: Some(pb::ReportTarget {
            agency: DISTRICT.to_owned(),
            year,
            include_subagencies: true,
        }),
        output: output as i32,
        as_of: Some(pb::get_report_request::AsOf::AsOfPosition(upto)),
    };
    Ok(reporting
        .get_report(request)
        .await
        .context("GetReport")?
        .into_inner())
}

/// Writes the year's hotline, proposal and petition statistics of the district, as of the same position as the
/// report, as HTML into `dir`; returns the file.
async fn write_work_statistics(
    reporting: &mut ReportingClient<InterceptedService<Channel, BearerToken>>,
    year: i32,
    upto: u64,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    let request = pb::GetWorkReportRequest {
        target: Some(pb::ReportTarget {
            agency: DISTRICT.to_owned(),
            year,
            include_subagencies: true,
        }),
        month: 0,
        output: pb::ReportOutput::Html as i32,
        as_of: Some(pb::get_work_report_request::AsOf::AsOfPosition(upto)),
    };
    let response = reporting
        .get_work_report(request)
        .await
        .context("GetWorkReport")?
        .into_inner();
    let Some(pb::get_work_report_response::Rendered::Text(html)) = response.rendered else {
        anyhow::bail!("GetWorkReport sent no HTML");
    };
    let path = dir.join(format!("{DISTRICT}-{year}-work.html"));
    std::fs::write(&path, html)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_year_is_the_last_one_whose_horizon_is_past() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(default_year(day(2026, 11, 24)), 2025);
        assert_eq!(default_year(day(2026, 6, 30)), 2024);
        assert_eq!(default_year(day(2026, 7, 1)), 2025);
    }
}
