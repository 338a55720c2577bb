//! `casetrack report`: the statutory annual report of an agency for a year, in the format of that year,
//! rendered as json, csv, md, html or xlsx. Embedded by default (opens the data directory, brings the
//! projector up to date, computes), or `--server URL` to ask a running `casetrack serve`. Also publishes a
//! report (`--publish`) and re-checks every published version (`--verify-published`). Exits non-zero when the
//! report's identities fail, after saying which and listing the cases involved. With `--work` (and `--month`),
//! the hotline, proposal and petition statistics of the year or month instead, in the same formats.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_eventlog::{BearerToken, EventLog};
use casetrack_projector::wire::{rendered_bytes, report_output};
use casetrack_projector::{
    AgencyScope, AsOf, GeneratedReport, Projector, Reports, projections_dir,
};
use casetrack_reporting::csv::CsvEncoding;
use casetrack_reporting::{OutputFormat, render};
use chrono::{DateTime, NaiveDate};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

use crate::cmd::report_work;
use crate::cmd::serve::log_dir;
use crate::cmd::tls::ClientTlsArgs;

/// The Reporting client with the caller's token.
pub type Client = ReportingClient<InterceptedService<Channel, BearerToken>>;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory (embedded mode).
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Ask a running server (e.g. http://127.0.0.1:50051, https:// when it serves TLS) instead of opening the
    /// data directory.
    #[arg(long, conflicts_with_all = ["publish", "verify_published"])]
    pub server: Option<String>,
    /// With --server: the caller's token (a report_officer or auditor identity). From the environment, so
    /// that it shows in no process list.
    #[arg(
        long,
        env = "CASETRACK_TOKEN",
        hide_env_values = true,
        requires = "server"
    )]
    pub token: Option<String>,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
    /// Agency id, a path in the agency tree ("simao/finance").
    #[arg(long)]
    pub agency: String,
    /// Data year; the report uses the format of that year.
    #[arg(long)]
    pub year: i32,
    /// json, csv, md, html, xlsx or kirogov (KIROGOVCOMPARE's table schema, 2021 format and later).
    #[arg(long, default_value = "md")]
    pub format: String,
    /// With --format csv: utf-8 (with a byte-order mark, which Excel needs) or gbk (older Chinese software).
    #[arg(long, default_value = "utf-8")]
    pub encoding: String,
    /// Include every agency below --agency (the roll-up of their reports).
    #[arg(long)]
    pub include_subagencies: bool,
    /// A past point: a log position (the first N events) or an RFC 3339 instant (when events were recorded).
    #[arg(long)]
    pub as_of: Option<String>,
    /// A business date, YYYY-MM-DD: the record as its facts date it — every case event that happened (its
    /// occurred_at, China time) on or before that day, whenever it was recorded or imported.
    #[arg(long, conflicts_with = "as_of")]
    pub as_of_date: Option<NaiveDate>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seal and store the latest report, or the report as of --as-of-date (log position, business date, rules
    /// version, content hash).
    #[arg(long, conflicts_with = "as_of")]
    pub publish: bool,
    /// The hotline, proposal and petition statistics (热线、建议提案及信访工作统计) instead of the annual report.
    #[arg(long, conflicts_with_all = ["publish", "verify_published"])]
    pub work: bool,
    /// With --work: one month (1–12) of --year instead of the whole year.
    #[arg(long, requires = "work")]
    pub month: Option<u32>,
    /// Recompute every published version of this report as of its position (and business date) and compare
    /// content hashes.
    #[arg(long, conflicts_with_all = ["as_of", "as_of_date", "publish"])]
    pub verify_published: bool,
}

fn parse_as_of(text: &str) -> anyhow::Result<AsOf> {
    if let Ok(position) = text.parse::<u64>() {
        return Ok(AsOf::Position(position));
    }
    let at = DateTime::parse_from_rfc3339(text).with_context(|| {
        format!("--as-of {text:?}: neither a log position nor an RFC 3339 instant")
    })?;
    Ok(AsOf::Time(at.to_utc()))
}

pub(crate) fn scope(args: &Args) -> AgencyScope {
    if args.include_subagencies {
        AgencyScope::Tree
    } else {
        AgencyScope::Own
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let output: OutputFormat = args.format.parse().context("--format")?;
    if args.work {
        casetrack_reporting::work_format(output).context("--format")?;
    }
    let encoding: CsvEncoding = args.encoding.parse().context("--encoding")?;
    anyhow::ensure!(
        encoding == CsvEncoding::Utf8 || output == OutputFormat::Csv,
        "--encoding gbk 只用于 --format csv（only for csv）"
    );
    let as_of_date = args.as_of_date;
    let as_of = match as_of_date {
        Some(on) => AsOf::Date { on, upto: None },
        None => args
            .as_of
            .as_deref()
            .map(parse_as_of)
            .transpose()?
            .unwrap_or(AsOf::Latest),
    };
    if let Some(server) = &args.server {
        return tokio::runtime::Runtime::new()?.block_on(remote(&args, server, output, as_of));
    }
    require_log(&args.data)?;
    let log = EventLog::open(&log_dir(&args.data)).with_context(|| {
        format!(
            "open the event log in {} (if `casetrack serve` is running on it, use --server)",
            args.data.display()
        )
    })?;
    let projector =
        Projector::open(&projections_dir(&args.data)).context("open the projection store")?;
    projector.catch_up(&log, &mut |_, _| {})?;
    let reports = Reports::new(projector, log);
    if args.work {
        return report_work::embedded(&reports, &args, output, as_of);
    }
    if args.verify_published {
        return verify_published(&reports, &args);
    }
    let generated = if args.publish {
        reports.publish(&args.agency, args.year, scope(&args), as_of_date)?
    } else {
        reports.report(&args.agency, args.year, scope(&args), as_of)?
    };
    let generated = reports.quoting_work(generated, scope(&args))?;
    write_output(&args, &render(&generated.published, output)?)?;
    eprintln!(
        "as of log position {}{}, rules {}, content hash {}{}",
        generated.published.as_of_position,
        business_date(&date_text(generated.published.as_of_date)),
        generated.published.rules_version,
        generated.published.content_hash,
        if args.publish { " (published)" } else { "" }
    );
    explain_failures(&generated)
}

/// Refuses a data directory without an event log before anything is opened: opening would create an empty
/// log there and report zeros.
fn require_log(data: &Path) -> anyhow::Result<()> {
    if !data.is_dir() {
        anyhow::bail!(
            "数据目录 {} 不存在（data directory not found）：--data 应指向 casetrack serve / import 使用的目录，\
             或用 --server 连接运行中的服务",
            data.display()
        );
    }
    let log = log_dir(data);
    if !log.is_dir() {
        anyhow::bail!(
            "数据目录 {} 中没有事件日志 {}（no event log）：--data 应指向 casetrack serve / import 使用的目录",
            data.display(),
            log.display()
        );
    }
    Ok(())
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// ", business date D" after the log position of a report as of a business date; else nothing.
fn business_date(as_of_date: &str) -> String {
    match as_of_date {
        "" => String::new(),
        on => format!(", business date {on}"),
    }
}

/// Writes the rendered report; a CSV in the encoding asked for (rendered as UTF-8 with a byte-order mark).
pub(crate) fn write_output(args: &Args, bytes: &[u8]) -> anyhow::Result<()> {
    let encoding: CsvEncoding = args.encoding.parse()?;
    let transcoded;
    let bytes = if encoding == CsvEncoding::Utf8 {
        bytes
    } else {
        let text = std::str::from_utf8(bytes).context("the rendered CSV is not UTF-8")?;
        transcoded = casetrack_reporting::csv::encode(text, encoding)?;
        &transcoded
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("write {}", path.display()))
        }
        None => Ok(std::io::stdout().write_all(bytes)?),
    }
}

fn explain_failures(generated: &GeneratedReport) -> anyhow::Result<()> {
    if generated.published.is_final() {
        return Ok(());
    }
    for skipped in &generated.skipped {
        eprintln!(
            "event at log position {} ({} on {}) was not counted: {}",
            skipped.position, skipped.event_type, skipped.stream, skipped.reason
        );
    }
    for problem in &generated.problems {
        eprintln!(
            "identity {:?} fails: {}",
            problem.failure.identity(),
            serde_json::to_string(&problem.failure)?
        );
        for case in &problem.cases {
            eprintln!(
                "  {} {} {} received {} decided {} outcome {}",
                case.tracking_number,
                case.agency,
                case.cell,
                case.received_on.map(|d| d.to_string()).unwrap_or_default(),
                case.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                case.outcome.as_deref().unwrap_or("")
            );
        }
    }
    anyhow::bail!(
        "the report fails {} identities, misses {} events and is not final",
        generated.problems.len(),
        generated.skipped.len()
    )
}

fn verify_published(reports: &Reports, args: &Args) -> anyhow::Result<()> {
    let versions = reports.published(&args.agency, args.year)?;
    if versions.is_empty() {
        anyhow::bail!(
            "no published report for agency {} year {}",
            args.agency,
            args.year
        );
    }
    let mut broken = 0;
    for (scope, published) in &versions {
        let ok = reports.verify_published(published, *scope)?;
        println!(
            "{} position {}{} scope {} hash {}: {}",
            if ok { "ok" } else { "MISMATCH" },
            published.as_of_position,
            business_date(&date_text(published.as_of_date)),
            scope.name(),
            published.content_hash,
            if ok {
                "reproduced exactly"
            } else {
                "recomputation differs"
            }
        );
        broken += usize::from(!ok);
    }
    if broken > 0 {
        anyhow::bail!(
            "{broken} of {} published versions do not reproduce",
            versions.len()
        );
    }
    Ok(())
}

/// The point a server is asked to compute the report at.
fn as_of_request(as_of: AsOf) -> Option<pb::get_report_request::AsOf> {
    match as_of {
        AsOf::Latest => None,
        AsOf::Position(position) => Some(pb::get_report_request::AsOf::AsOfPosition(position)),
        AsOf::Time(at) => Some(pb::get_report_request::AsOf::AsOfTime(
            casetrack_api::instant::to_timestamp(at),
        )),
        AsOf::Date { on, .. } => Some(pb::get_report_request::AsOf::AsOfDate(on.to_string())),
    }
}

async fn remote(
    args: &Args,
    server: &str,
    output: OutputFormat,
    as_of: AsOf,
) -> anyhow::Result<()> {
    let token = args
        .token
        .as_deref()
        .context("--server needs the caller's token in CASETRACK_TOKEN (or --token)")?;
    let bearer = BearerToken::new(token).context("the token must be visible ASCII")?;
    let channel = args
        .tls
        .endpoint("--server", server)?
        .connect()
        .await
        .with_context(|| format!("connect to {server}"))?;
    let mut client = ReportingClient::with_interceptor(channel, bearer)
        .max_decoding_message_size(casetrack_projector::grpc::GRPC_MAX_MESSAGE_BYTES);
    if args.work {
        return report_work::remote(&mut client, args, report_output(output), as_of).await;
    }
    let response = client
        .get_report(pb::GetReportRequest {
            target: Some(pb::ReportTarget {
                agency: args.agency.clone(),
                year: args.year,
                include_subagencies: args.include_subagencies,
            }),
            output: report_output(output) as i32,
            as_of: as_of_request(as_of),
        })
        .await
        // The server's message names what is missing; the status code adds nothing for a person.
        .map_err(|status| anyhow::anyhow!("{}", status.message()))?
        .into_inner();
    write_output(args, rendered_bytes(&response))?;
    eprintln!(
        "as of log position {}{}, rules {}, content hash {}",
        response.as_of_position,
        business_date(&response.as_of_date),
        response.rules_version,
        response.content_hash
    );
    if !response.is_final {
        for problem in &response.problems {
            eprintln!(
                "identity {} fails: {}",
                problem.identity, problem.detail_json
            );
            for case in &problem.cases {
                eprintln!(
                    "  {} {} {} outcome {}",
                    case.tracking_number, case.agency, case.cell_code, case.outcome
                );
            }
        }
        for skipped in &response.skipped {
            eprintln!(
                "event at log position {} ({} on {}) was not counted: {}",
                skipped.position, skipped.event_type, skipped.stream, skipped.reason
            );
        }
        anyhow::bail!(
            "the report fails {} identities, misses {} events and is not final",
            response.problems.len(),
            response.skipped.len()
        );
    }
    Ok(())
}
