//! `casetrack`: one binary for every way to run the system — the embedded single process (`serve`), each
//! service as its own process over NATS, and the operator's tools (verify, report, rebuild, demo, import).
//!
//! This file only parses the command line and hands over to `cmd/<subcommand>.rs`; each subcommand file wires
//! library crates together and holds no domain logic of its own.

mod cmd;
mod config;
mod demo;
mod ledger;
mod logging;
mod noon;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};
use logging::LogFormat;

#[derive(Parser)]
#[command(
    name = "casetrack",
    version,
    about = "Case tracking for government information disclosure and hotlines"
)]
struct Cli {
    /// Configuration file (TOML): top-level keys are flags of every command, a `[command]` table's keys flags
    /// of that command; every flag is also read from `CASETRACK_<FLAG>`. A flag beats the environment, which
    /// beats the file. `casetrack config check` prints what a command would run with.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log lines as text (coloured only when standard error is a terminal) or as JSON, one object per line.
    /// `RUST_LOG` chooses what is logged (default `info`, e.g. `RUST_LOG=casetrack_bus=debug,info`).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check everything the event log stores (chain, checksums, every index, heads, witness); safe on a damaged
    /// or live log; names damaged positions and streams.
    Verify(cmd::verify::Args),
    /// Back up the event log (incremental, through RocksDB's BackupEngine) into a backup directory.
    Backup(cmd::backup::Args),
    /// Restore a backup's event log into a new data directory and verify it.
    Restore(cmd::restore::Args),
    /// After a restore: append the events the backup lacks from the relay's JetStream stream, at their original
    /// positions and hashes, so the log is again the original.
    Refeed(cmd::refeed::Args),
    /// Benchmark the event log: appends/s, p50/p99 latency and events per fsync for 1, 16 and 64 appenders;
    /// with `--peer jetstream` beside NATS JetStream publishing the same events in the same run.
    BenchLog(cmd::bench_log::Args),
    /// Benchmark intake over gRPC against a `casetrack serve` it starts: cases/s, p50/p99 latency and non-OK
    /// statuses for 1, 4, 16 and 64 concurrent clients.
    BenchIntake(cmd::bench_intake::Args),
    /// Import a ledger of past disclosure applications (CSV, XLSX) into the event log; see the layout below.
    Import(cmd::import::Args),
    /// Start the system in process, generate a realistic year of a district through the gRPC APIs, print its
    /// annual report and keep serving (or --exit).
    Demo(cmd::demo::Args),
    /// Run everything in one process (event log, in-process bus, Intake, Review, Reply) on one gRPC port.
    Serve(cmd::serve::Args),
    /// Multi-process: own the event log, serve it over gRPC and relay committed events to NATS.
    Eventlog(cmd::eventlog::Args),
    /// Multi-process: the Intake service against a remote event log and NATS.
    Intake(cmd::intake::Args),
    /// Multi-process: the Review service (with ticket routing and deadline reminders).
    Review(cmd::review::Args),
    /// Multi-process: the Reply service.
    Reply(cmd::reply::Args),
    /// Multi-process: the Reporting service with its own projector, fed from NATS and back-filled from the
    /// event log process; several may run side by side.
    Reporting(cmd::reporting::Args),
    /// The statutory annual report of an agency for a year (json, csv, md, html, xlsx, kirogov), latest or
    /// as of.
    Report(cmd::report::Args),
    /// Audit a published annual report from its table file (json, csv, xlsx, KIROGOVCOMPARE's schema):
    /// identities, carry-over (--previous), narrative figures (--narrative); non-zero exit on any finding.
    Audit(cmd::audit::Args),
    /// Rebuild read models from log position 0 (all, or one with --model).
    Rebuild(cmd::rebuild::Args),
    /// The agency registry of a running server: add, amend, import a CSV file, list.
    Agency(cmd::agency::Args),
    /// Holiday arrangements: load next year's published arrangement, list the deadlines it moved.
    #[command(subcommand)]
    Calendar(cmd::calendar::Command),
    /// Tokens for the token file: `token new` prints a fresh token once and the entry that admits it.
    #[command(subcommand)]
    Token(cmd::token::Command),
    /// Benchmark the staff console: queue page render p50/p99 over N open cases in one subtree, and the report page.
    BenchConsole(cmd::bench_console::Args),
    /// Benchmark the projector: fold speed (events/s) and report query latency for a year of N cases.
    BenchReport(cmd::bench_report::Args),
    /// Benchmark intake → report cell through NATS and a running `casetrack reporting` (multi-process layout):
    /// p50/p99 latency at a steady rate, and the reporting subscriber's lag.
    BenchReporting(cmd::bench_reporting::Args),
    /// The configuration: `config check` prints the effective configuration of a command, or the bad key.
    #[command(subcommand)]
    Config(cmd::config::Command),
}

fn main() -> ExitCode {
    let (cli, file) = match parse() {
        Ok(parsed) => parsed,
        Err(error) => return failed(LogFormat::Text, &error),
    };
    let default_filter = match cli.command {
        Command::Demo(_) => cmd::demo::LOG_FILTER,
        _ => "info",
    };
    logging::init(cli.log_format, default_filter);
    match run(cli.command, file.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => failed(cli.log_format, &error),
    }
}

/// The command line, over the environment, over the configuration file (`config.rs`).
fn parse() -> anyhow::Result<(Cli, Option<config::ConfigFile>)> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let file = config::ConfigFile::find(&args)?;
    let matches = config::command::<Cli>(file.as_ref())?.get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    Ok((cli, file))
}

/// Say why the process stops, each cause once: on standard error, or as a log line where logs are JSON.
fn failed(format: LogFormat, error: &anyhow::Error) -> ExitCode {
    let reason = logging::chain(error);
    match format {
        LogFormat::Text => eprintln!("错误: {reason}"),
        LogFormat::Json => tracing::error!(error = %reason, "exiting"),
    }
    ExitCode::FAILURE
}

fn run(command: Command, file: Option<&config::ConfigFile>) -> anyhow::Result<()> {
    match command {
        Command::Verify(args) => cmd::verify::run(args),
        Command::Backup(args) => cmd::backup::run(args),
        Command::Restore(args) => cmd::restore::run(args),
        Command::Refeed(args) => cmd::refeed::run(args),
        Command::BenchLog(args) => cmd::bench_log::run(args),
        Command::BenchIntake(args) => cmd::bench_intake::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Eventlog(args) => cmd::eventlog::run(args),
        Command::Intake(args) => cmd::intake::run(args),
        Command::Review(args) => cmd::review::run(args),
        Command::Reply(args) => cmd::reply::run(args),
        Command::Reporting(args) => cmd::reporting::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Rebuild(args) => cmd::rebuild::run(args),
        Command::Agency(args) => cmd::agency::run(args),
        Command::Calendar(command) => cmd::calendar::run(command),
        Command::Token(command) => cmd::token::run(command),
        Command::BenchConsole(args) => cmd::bench_console::run(args),
        Command::BenchReport(args) => cmd::bench_report::run(args),
        Command::BenchReporting(args) => cmd::bench_reporting::run(args),
        Command::Config(command) => cmd::config::run(command, file),
    }
}
