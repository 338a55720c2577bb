//! `casetrack audit FILE` on reports this project exported from an imported ledger: every table file of a
//! real report passes (exit 0, 审查通过), with the previous year's file and the HTML document; a changed
//! figure, a carry-over that does not follow from last year and a narrative that contradicts the tables each
//! exit 1 naming the cells; an unreadable file exits 1 saying why. And `report --format kirogov` writes
//! KIROGOVCOMPARE's schema.

use std::path::{Path, PathBuf};
use std::process::Output;

use casetrack_eventlog::EventLog;

const AGENCY: &str = "simao/finance";

/// 2022: one application handled, one received on 27 December and still open (carried into 2023);
/// 2023: that one decided, one new handled, one still open at year end.
const LEDGER: &str = "编号,机关,收到日期,申请人类型,渠道,办理结果,办结日期\n\
F-1,simao/finance,2022-03-05,自然人,当面,予以公开,2022-03-20\n\
F-2,simao/finance,2022-12-27,商业企业,网络,部分公开,2023-01-10\n\
F-3,simao/finance,2023-04-02,自然人,网络,予以公开,2023-04-20\n\
F-4,simao/finance,2023-12-20,自然人,信函,,\n";

fn casetrack(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run casetrack")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The data directory holding the registry and the imported [`LEDGER`].
fn imported(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let log = EventLog::open(&data.join("log")).expect("create the log");
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(casetrack_tests::agencies::register_in_log(&log, &[AGENCY]))
        .expect("register the agency");
    drop(log);
    let ledger = dir.join("ledger.csv");
    std::fs::write(&ledger, LEDGER).expect("write the ledger");
    let output = casetrack(&["import", "--data", &path(&data), &path(&ledger)]);
    assert!(output.status.success(), "import: {}", text(&output.stderr));
    data
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// `casetrack report` of `year` as `format`, written to `dir/{year}.{extension}`.
fn export(data: &Path, dir: &Path, year: i32, format: &str, extension: &str) -> PathBuf {
    let out = dir.join(format!("{year}-{format}.{extension}"));
    let output = casetrack(&[
        "report",
        "--data",
        &path(data),
        "--agency",
        AGENCY,
        "--year",
        &year.to_string(),
        "--format",
        format,
        "--out",
        &path(&out),
    ]);
    assert!(
        output.status.success(),
        "report {format}: {}",
        text(&output.stderr)
    );
    out
}

fn assert_passes(args: &[&str]) {
    let output = casetrack(args);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("审查通过"),
        "{args:?}: {stdout}{}",
        text(&output.stderr)
    );
}

/// Asserts exit code 1 with every `expected` text in standard output and the count in the error.
fn assert_fails(args: &[&str], expected: &[&str]) {
    let output = casetrack(args);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stdout}");
    assert!(
        text(&output.stderr).contains("审查未通过"),
        "{}",
        text(&output.stderr)
    );
    for words in expected {
        assert!(stdout.contains(words), "{words:?} not in {stdout}");
    }
}

/// `csv` with the value of the cell `code` set to `value`.
fn with_cell(csv: &str, code: &str, value: u64) -> String {
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{code},")))
        .expect("the cell's row");
    let (head, _) = line.rsplit_once(',').expect("three fields");
    csv.replace(line, &format!("{head},{value}"))
}

#[test]
fn exported_reports_pass_and_broken_ones_fail_naming_the_cells() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let data = imported(d);
    let previous = export(&data, d, 2022, "json", "json");
    for (format, extension) in [
        ("json", "json"),
        ("csv", "csv"),
        ("xlsx", "xlsx"),
        ("kirogov", "json"),
    ] {
        let file = export(&data, d, 2023, format, extension);
        assert_passes(&[
            "audit",
            &path(&file),
            "--year",
            "2023",
            "--agency",
            AGENCY,
            "--previous",
            &path(&previous),
        ]);
    }
    let kirogov: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("2023-kirogov.json")).expect("read"))
            .expect("json");
    assert_eq!(
        kirogov["sections"][2]["tableData"]["naturalPerson"]["newReceived"],
        2
    );
    let json = d.join("2023-json.json");
    let html = export(&data, d, 2023, "html", "html");
    assert_passes(&["audit", &path(&json), "--narrative", &path(&html)]);

    // A figure changed in the CSV: identities 2 (（七）总计) and 3 (总计 column) fail, each naming the cell.
    let csv = text(&std::fs::read(d.join("2023-csv.csv")).expect("read"));
    let broken = d.join("broken.csv");
    std::fs::write(
        &broken,
        with_cell(&csv, "applications.disclosed.natural_person", 2),
    )
    .expect("write");
    assert_fails(
        &["audit", &path(&broken), "--year", "2023"],
        &[
            "1. 【勾稽关系2",
            "2. 【勾稽关系3",
            "applications.disclosed.natural_person（",
        ],
    );

    // This year's 2023 figures given as last year's: its carried-forward natural person is not this year's
    // carried-over business application.
    assert_fails(
        &[
            "audit",
            &path(&json),
            "--agency",
            AGENCY,
            "--previous",
            &path(&d.join("2023-csv.csv")),
        ],
        &[
            "勾稽关系4",
            "2023年 applications.carried_over.business",
            "2022年 applications.carried_forward.business",
            "applications.carried_forward.natural_person",
        ],
    );

    // The HTML document's part 一 misquotes the applications received.
    let document = text(&std::fs::read(&html).expect("read"));
    assert!(
        document.contains("新收政府信息公开申请2件"),
        "part 一 quotes the table"
    );
    let misquoted = d.join("misquoted.html");
    std::fs::write(
        &misquoted,
        document.replace("新收政府信息公开申请2件", "新收政府信息公开申请3件"),
    )
    .expect("write");
    assert_fails(
        &["audit", &path(&json), "--narrative", &path(&misquoted)],
        &[
            "勾稽关系6",
            "新收政府信息公开申请3件",
            "applications.received.total",
        ],
    );
}

#[test]
fn files_that_cannot_be_read_exit_non_zero_saying_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.json");
    let output = casetrack(&["audit", &path(&missing)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("无法读取文件"),
        "{}",
        text(&output.stderr)
    );
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, b"%PDF").expect("write");
    let output = casetrack(&["audit", &path(&pdf)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("无法识别"),
        "{}",
        text(&output.stderr)
    );
    let csv = dir.path().join("table.csv");
    std::fs::write(&csv, "cell_code,label_zh,value\n").expect("write");
    let output = casetrack(&["audit", &path(&csv)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("--year"),
        "{}",
        text(&output.stderr)
    );
}
