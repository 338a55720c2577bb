//! `casetrack bench-report`: how fast the projector folds a year of applications into the read models
//! (events/s, rebuild from position 0) and how long report queries take on it (latest, roll-up, as of a
//! past position counted over the stored ranges, drill-down). Creates its own data directory; not a test — numbers only.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::{AgencyId, Calendar};
use casetrack_eventlog::{EventLog, RecordedEvent};
use casetrack_projector::as_of_view::AsOfView;
use casetrack_projector::fold::{FOLD_BATCH, decode_recorded};
use casetrack_projector::profile::application_profile;
use casetrack_projector::work_cells::Period;
use casetrack_projector::{
    AgencyScope, AsOf, Projector, ProjectorError, ReadModel, Reports, annual, as_of,
    projections_dir, synthetic,
};

use crate::cmd::bench_log::percentile;
use crate::cmd::serve::log_dir;

/// Report queries timed per kind of query.
const QUERY_RUNS: usize = 20;
/// Runs of the queries that add every agency of a province at query time (seconds each).
const SLOW_QUERY_RUNS: usize = 3;
/// Cases appended per `append_cases` call, so progress shows and memory stays bounded.
const APPEND_CHUNK: u64 = 20_000;

#[derive(clap::Args)]
pub struct Args {
    /// Fresh data directory for the benchmark (must not exist).
    #[arg(long, default_value = "casetrack-bench-report")]
    pub data: PathBuf,
    /// Applications received in the year (plus their decisions and about 1 in 50 challenged).
    #[arg(long, alias = "events", default_value_t = 100_000)]
    pub cases: u64,
    /// Data year.
    #[arg(long, default_value_t = 2024)]
    pub year: i32,
    /// Spread the cases over a synthetic province of this many units (e.g. 7300) instead of one district's
    /// four agencies; the roll-ups are then of the whole province.
    #[arg(long)]
    pub province_units: Option<usize>,
    /// Also write every event of the generated log to this CSV file (position, stream, event_type, data as
    /// JSON), so a peer (PostgreSQL, `deploy/bench.sh`) can load exactly the same events.
    #[arg(long)]
    pub export_events: Option<PathBuf>,
}

fn time(label: &str, query: impl FnMut() -> anyhow::Result<()>) {
    time_runs(label, QUERY_RUNS, query)
}

fn time_runs(label: &str, count: usize, mut query: impl FnMut() -> anyhow::Result<()>) {
    let mut runs = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        if let Err(error) = query() {
            // A query the system refuses at this size is a finding of the run, printed as its row; the other
            // rows are still measured.
            println!("{label:<44} FAILED: {error:#}");
            return;
        }
        runs.push(started.elapsed());
    }
    runs.sort();
    println!(
        "{label:<44} p50 {:>10.2?}  p99 {:>10.2?}",
        percentile(&runs, 0.5),
        percentile(&runs, 0.99)
    );
}

/// Calls `visit` with every event of the log, read in the fold's batches; returns the events read.
fn each_event(
    log: &EventLog,
    mut visit: impl FnMut(&RecordedEvent) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let head = log.next_position();
    let mut from = 0;
    while from < head {
        let events = log.read_all(from, FOLD_BATCH)?;
        let Some(last) = events.last() else { break };
        for event in &events {
            visit(event)?;
        }
        from = last.position + 1;
    }
    Ok(from)
}

/// Reads the whole log and decodes every event into the fact the fold would fold: what a fold costs before it
/// touches any read model. Returns the events read.
fn read_and_decode(log: &EventLog) -> anyhow::Result<u64> {
    each_event(log, |event| Ok(decode_recorded(event).map(drop)?))
}

/// Writes the whole log as CSV with a header; returns the events written.
fn export_events(log: &EventLog, path: &std::path::Path) -> anyhow::Result<u64> {
    let mut out = csv::Writer::from_path(path)
        .with_context(|| format!("--export-events {}", path.display()))?;
    out.write_record(["position", "stream", "event_type", "data"])?;
    let exported = each_event(log, |event| {
        Ok(out.write_record([
            event.position.to_string(),
            event.stream.clone(),
            event.event_type.clone(),
            event.data.to_string(),
        ])?)
    })?;
    out.flush()?;
    Ok(exported)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(
        !args.data.exists(),
        "--data {} exists; the benchmark needs a fresh directory",
        args.data.display()
    );
    std::fs::create_dir_all(&args.data)?;
    let log = EventLog::open(&log_dir(&args.data)).context("open the event log")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    let agencies = match args.province_units {
        Some(units) => synthetic::province(units),
        None => synthetic::AGENCIES
            .iter()
            .map(|id| AgencyId::parse(id))
            .collect::<Result<_, _>>()?,
    };
    let (agency, root) = match args.province_units {
        Some(_) => (agencies[0].as_str(), synthetic::PROVINCE),
        None => (synthetic::AGENCIES[1], synthetic::AGENCIES[0]),
    };
    let mut appended = 0;
    while appended < args.cases {
        let chunk = APPEND_CHUNK.min(args.cases - appended);
        let cases = synthetic::year_of_cases_in(&agencies, args.year, chunk, appended);
        runtime.block_on(synthetic::append_cases(&log, &cases))?;
        appended += chunk;
    }
    let events = log.next_position();
    println!(
        "appended {} applications as {events} events in {:.1?}",
        args.cases,
        started.elapsed()
    );
    if let Some(path) = &args.export_events {
        let exported = export_events(&log, path)?;
        println!("exported {exported} events to {}", path.display());
    }

    let projector = fold(&log, events, &args.data)?;
    let reports = Reports::new(projector.clone(), log);
    queries(&reports, &projector, (agency, root), args.year)
}

/// Times reading the log raw and folding it into every read model, then into the annual model alone.
fn fold(log: &EventLog, events: u64, data: &std::path::Path) -> anyhow::Result<Projector> {
    let started = Instant::now();
    let decoded = read_and_decode(log)?;
    println!(
        "read and decode of the same log (the fold's ceiling): {decoded} events in {:.1?} = {:.0} events/s",
        started.elapsed(),
        decoded as f64 / started.elapsed().as_secs_f64()
    );

    let projector = Projector::open(&projections_dir(data))?;
    let started = Instant::now();
    projector.rebuild(log, &ReadModel::ALL, &mut |_, _| {})?;
    let fold = started.elapsed();
    println!(
        "rebuild of all read models from position 0: {events} events in {fold:.1?} = {:.0} events/s",
        events as f64 / fold.as_secs_f64()
    );
    let started = Instant::now();
    projector.rebuild(log, &[ReadModel::Annual], &mut |_, _| {})?;
    let fold = started.elapsed();
    println!(
        "rebuild of the annual model alone: {:.0} events/s",
        events as f64 / fold.as_secs_f64()
    );
    Ok(projector)
}

/// Times the report queries on the folded store: one agency (`agency`) and the roll-up of `root`, latest and as
/// of half the log.
fn queries(
    reports: &Reports,
    projector: &Projector,
    (agency, root): (&str, &str),
    year: i32,
) -> anyhow::Result<()> {
    time("report, one agency, latest", || {
        Ok(reports
            .report(agency, year, AgencyScope::Own, AsOf::Latest)
            .map(drop)?)
    });
    let view = projector.store().view();
    let rolled_up = annual::agencies_in(&view, root, AgencyScope::Tree)?.len();
    println!("roll-ups of {root}: {rolled_up} agencies");
    time("roll-up tables, from the subtree sums", || {
        Ok(annual::report(&view, root, year, AgencyScope::Tree).map(drop)?)
    });
    time_runs(
        "roll-up tables, adding every agency's",
        SLOW_QUERY_RUNS,
        || Ok(annual::roll_up(&view, root, year, AgencyScope::Tree).map(drop)?),
    );
    time_runs(
        "roll-up report, latest (checks, part 六 fees)",
        SLOW_QUERY_RUNS,
        || {
            Ok(reports
                .report(root, year, AgencyScope::Tree, AsOf::Latest)
                .map(drop)?)
        },
    );
    let half = reports.log().next_position()? / 2;
    let past = AsOfView::new(&view, half);
    time("roll-up tables as of half the log, sums' versions", || {
        Ok(annual::report(&past, root, year, AgencyScope::Tree).map(drop)?)
    });
    time_runs(
        "roll-up tables as of half the log, adding agencies",
        SLOW_QUERY_RUNS,
        || Ok(annual::roll_up(&past, root, year, AgencyScope::Tree).map(drop)?),
    );
    province_report(reports, root, year, half)?;
    one_agency(reports, agency, year, half)
}

/// Times one agency's drill-down and its report as of position `half`, counted over the stored ranges, and the
/// in-memory fold that path replaced.
fn one_agency(reports: &Reports, agency: &str, year: i32, half: u64) -> anyhow::Result<()> {
    time("drill-down withheld.third_party.total, one agency", || {
        Ok(reports
            .drill_down(
                agency,
                year,
                "applications.withheld.third_party.total",
                AgencyScope::Own,
                AsOf::Latest,
            )
            .map(drop)?)
    });
    time("report as of half the log, sums' versions", || {
        Ok(reports
            .report(agency, year, AgencyScope::Own, AsOf::Position(half))
            .map(drop)?)
    });
    time("drill-down as of half the log, over ranges", || {
        Ok(reports
            .drill_down(
                agency,
                year,
                "applications.withheld.third_party.total",
                AgencyScope::Own,
                AsOf::Position(half),
            )
            .map(drop)?)
    });
    let started = Instant::now();
    as_of::fold_to(reports.log(), ReadModel::Annual, half)?;
    println!(
        "in-memory fold of the annual model to position {half} (the as-of path before ranges): {:.2?}",
        started.elapsed()
    );
    Ok(())
}

/// The whole roll-up report of `root` as `GetReport` answers it — tables, identities, part 六's fees and the
/// work figures its parts 一 and 六 quote — latest and as of position `half`, and the other reads of the
/// report page: the work statistics alone and the charts' profile of the year's applications.
fn province_report(reports: &Reports, root: &str, year: i32, half: u64) -> anyhow::Result<()> {
    for (label, as_of) in [
        ("roll-up, whole report (GetReport), latest", AsOf::Latest),
        (
            "roll-up, whole report, as of half the log",
            AsOf::Position(half),
        ),
    ] {
        time_runs(label, SLOW_QUERY_RUNS, || {
            let generated = reports.report(root, year, AgencyScope::Tree, as_of)?;
            Ok(reports
                .quoting_work(generated, AgencyScope::Tree)
                .map(drop)?)
        });
    }
    let period = Period::new(year, None)?;
    time_runs(
        "roll-up, work statistics alone, latest",
        SLOW_QUERY_RUNS,
        || {
            // Counted all the same when the synthetic province has no hotline work to report.
            match reports.work_report(root, period, AgencyScope::Tree, AsOf::Latest) {
                Ok(_) | Err(ProjectorError::NoWorkData { .. }) => Ok(()),
                Err(other) => Err(other.into()),
            }
        },
    );
    let clocks = Clocks::new(Calendar::embedded()?);
    let view = reports.projector().store().view();
    time_runs(
        "roll-up, the charts' profile of the year",
        SLOW_QUERY_RUNS,
        || Ok(application_profile(&view, &clocks, (root, AgencyScope::Tree), year).map(drop)?),
    );
    Ok(())
}
