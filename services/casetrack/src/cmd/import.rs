//! `casetrack import`: reads ledgers of past disclosure applications (CSV, XLSX) and writes the events each row
//! implies straight into the event log of the data directory (embedded; not through gRPC intake, so the log
//! must not be held by a running `casetrack serve`). Every row of every file is checked first; if any is bad,
//! nothing is written and the exit status is non-zero, unless `--skip-invalid` imports the good rows (the bad
//! ones are still listed). Re-importing a file changes nothing: ids derive from agency + external id. Each new
//! case gets a tracking number (`--tracking-prefix`, year of receipt) from intake's own allocator, in the same
//! atomic append as its events; a case that has one keeps it. As at intake, a row's agency must be registered
//! (`casetrack agency`) and in existence on the row's receipt day.

use std::collections::HashMap;
use std::path::PathBuf;

use casetrack_domain::{Calendar, CaseId};
use casetrack_eventlog::{EventLog, StreamWrite};
use casetrack_handlers::TrackingPrefix;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cmd::serve::log_dir;
use crate::ledger::apply::{self, PlanError, RowPlan};
use crate::ledger::columns::{Column, layout_help};
use crate::ledger::error::RowError;
use crate::ledger::identity::case_id;
use crate::ledger::numbering::number_writes;
use crate::ledger::{row, sheet};

#[derive(clap::Args)]
#[command(after_help = layout_help())]
pub struct Args {
    /// Data directory holding the event log.
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Agency of the rows whose agency column is empty or absent.
    #[arg(long)]
    pub agency: Option<String>,
    /// Import the good rows even when some rows are bad; the bad rows are still listed.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Agency prefix of the tracking numbers given to new cases (PREFIX-YEAR-SEQUENCE, the year of receipt),
    /// as `casetrack serve --tracking-prefix`.
    #[arg(long, default_value = "SM")]
    pub tracking_prefix: TrackingPrefix,
    /// Ledger files: .csv (UTF-8) or .xlsx (first sheet).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// What an import did, for the summary line and the tests' expectations.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub written_rows: usize,
    pub written_events: usize,
    pub unchanged_rows: usize,
    pub bad_rows: usize,
    pub numbered_cases: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let summary = runtime.block_on(import(&args))?;
    println!(
        "imported {} rows: {} cases written ({} events), {} unchanged, {} bad rows skipped; {} tracking numbers \
         assigned",
        summary.rows,
        summary.written_rows,
        summary.written_events,
        summary.unchanged_rows,
        summary.bad_rows,
        summary.numbered_cases
    );
    Ok(())
}

async fn import(args: &Args) -> anyhow::Result<Summary> {
    let mut problems: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    // The first row seen for each identity, to name it when another row repeats it.
    let mut seen: HashMap<CaseId, (PathBuf, usize)> = HashMap::new();
    let mut bad_rows = 0;
    let mut bad_files = 0;
    for path in &args.files {
        let sheet = match sheet::read(path, args.agency.is_some()) {
            Ok(sheet) => sheet,
            Err(error) => {
                bad_files += 1;
                problems.push(error.to_string());
                continue;
            }
        };
        if !sheet.ignored_headers.is_empty() {
            eprintln!(
                "{}: ignoring columns {}",
                path.display(),
                sheet.ignored_headers.join(", ")
            );
        }
        for raw in &sheet.rows {
            let parsed = row::parse(path, raw, args.agency.as_deref()).and_then(|parsed| {
                let case = case_id(&parsed.agency, &parsed.external_id);
                match seen.get(&case) {
                    Some((file, number)) => Err(vec![RowError {
                        file: path.clone(),
                        row: raw.number,
                        column: Some("external_id"),
                        message: format!(
                            "agency {} and external id {:?} were already used by {} row {number}",
                            parsed.agency,
                            parsed.external_id,
                            file.display()
                        ),
                    }]),
                    None => {
                        seen.insert(case, (path.clone(), raw.number));
                        Ok(parsed)
                    }
                }
            });
            match parsed {
                Ok(parsed) => rows.push((path.clone(), raw.number, parsed)),
                Err(errors) => {
                    bad_rows += 1;
                    problems.extend(errors.iter().map(ToString::to_string));
                }
            }
        }
    }

    std::fs::create_dir_all(&args.data)?;
    let log = EventLog::open(&log_dir(&args.data))?;
    let calendar = Calendar::embedded()?;
    let agencies = casetrack_projector::agency::registry(&log)?;
    // Per row to write: its case's events and tracking writes, appended atomically together.
    let mut writes: Vec<Vec<StreamWrite>> = Vec::new();
    let mut summary = Summary {
        rows: rows.len() + bad_rows,
        ..Summary::default()
    };
    for (file, number, parsed) in &rows {
        match apply::plan(&log, parsed, &calendar, &agencies) {
            Ok(plan) if plan.is_unchanged() => summary.unchanged_rows += 1,
            Ok(RowPlan { events, number }) => {
                let mut row: Vec<StreamWrite> = events.into_iter().collect();
                if let Some(request) = number {
                    row.extend(number_writes(&args.tracking_prefix, &request));
                    summary.numbered_cases += 1;
                }
                writes.push(row);
            }
            Err(PlanError::Log(error)) => return Err(error.into()),
            Err(error) => {
                bad_rows += 1;
                let column = error.column().map(Column::name);
                let error = RowError {
                    file: file.clone(),
                    row: *number,
                    column,
                    message: error.to_string(),
                };
                problems.push(error.to_string());
            }
        }
    }
    summary.bad_rows = bad_rows;

    for problem in &problems {
        eprintln!("error: {problem}");
    }
    if !problems.is_empty() && !args.skip_invalid {
        anyhow::bail!(
            "{bad_rows} bad row(s) and {bad_files} unreadable file(s); nothing was imported (fix them, or pass \
             --skip-invalid to import the good rows)"
        );
    }

    summary.written_rows = writes.len();
    let bar = ProgressBar::new(writes.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("importing");
    summary.written_events = apply::write(&log, writes, |rows| bar.inc(rows as u64)).await?;
    bar.finish_and_clear();
    Ok(summary)
}
