//! `casetrack bench-log` end to end at a small scale. Proves: with `--peer jetstream` it prints the log's three
//! levels and the JetStream peer's three levels, each with the ratio casetrack/peer, from a `nats-server` it
//! starts and stops itself, whose store it removes; without nats-server on PATH the peer is refused, naming
//! nats-server, before anything is measured.

use std::path::Path;
use std::process::{Command, Output};

/// Events per level: enough for every appender of the largest level to append.
const EVENTS: &str = "64";
/// The levels the log and its peer are measured at, in order.
const LEVELS: [&str; 3] = ["1", "16", "64"];

fn bench_log(data: &Path, path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_casetrack"));
    command
        .args([
            "bench-log",
            "--events",
            EVENTS,
            "--peer",
            "jetstream",
            "--data",
        ])
        .arg(data);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("run casetrack bench-log")
}

/// The rows of the table whose header starts with `header`: the lines after it up to a blank line, in columns.
fn table(stdout: &str, header: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .skip_while(|line| !line.trim_start().starts_with(header))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn bench_log_measures_the_log_and_jetstream_at_the_same_levels() {
    let data = tempfile::tempdir().expect("temp dir");
    let output = bench_log(data.path(), None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for (name, header, columns) in [("log", "appenders", 7), ("peer", "publishers", 6)] {
        let rows = table(&stdout, header);
        let levels: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(levels, LEVELS, "the {name}'s levels:\n{stdout}");
        for row in &rows {
            assert_eq!((row.len(), row[1].as_str()), (columns, EVENTS), "{row:?}");
            let rate: f64 = row[2].parse().expect("events/s");
            assert!(rate > 0.0, "{row:?}");
        }
    }
    for row in table(&stdout, "publishers") {
        let ratio: f64 = row[5].parse().expect("casetrack/peer");
        assert!(ratio > 0.0, "{row:?}");
    }
    assert!(
        !data.path().join("bench-jetstream").exists(),
        "the server's store is removed"
    );
}

#[test]
fn the_jetstream_peer_is_refused_without_nats_server() {
    let data = tempfile::tempdir().expect("temp dir");
    let empty = tempfile::tempdir().expect("an empty PATH");
    let output = bench_log(data.path(), Some(empty.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("nats-server"), "{stderr}");
    assert!(
        !data.path().join("bench-log-1-appenders").exists(),
        "nothing was measured"
    );
}
