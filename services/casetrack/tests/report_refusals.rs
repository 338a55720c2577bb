//! `casetrack report` refuses instead of printing a table of zeros: an agency neither registered nor in the log
//! (naming the nearest registered ids), a year in which nothing of the agency happened (cases of earlier years
//! merely still open do not make a year), a data directory that does not exist or holds no log — each with a
//! non-zero exit and a message naming what is missing, embedded (`--data`) and against a server (`--server`).
//! A refused read creates no directory. And a CSV report is UTF-8 with a byte-order mark, or GBK on request.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use casetrack_eventlog::EventLog;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::AUDITOR_TOKEN;

/// The agencies the ledger names (registered with their ancestors).
const AGENCIES: [&str; 2] = ["simao/finance", "simao/education"];

/// One application of 2023 handled in 2023, one received on 27 December and still open: 2024 holds only that
/// carried case, and 2022 nothing.
const LEDGER: &str = "编号,机关,收到日期,申请人类型,渠道,办理结果,办结日期\n\
F-1,simao/finance,2023-03-05,自然人,当面,予以公开,2023-03-20\n\
F-2,simao/finance,2023-12-27,商业企业,网络,,\n";

/// How long a server may take to fold the imported ledger before the test fails.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(60);

fn casetrack(args: &[&str], env: &[(&str, &str)]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run casetrack")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A data directory under `dir` holding the registry and the imported [`LEDGER`].
fn imported_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let log = EventLog::open(&data.join("log")).expect("create the log");
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(casetrack_tests::agencies::register_in_log(&log, &AGENCIES))
        .expect("register the agencies");
    drop(log);
    let ledger = dir.join("ledger.csv");
    std::fs::write(&ledger, LEDGER).expect("write the ledger");
    let data_arg = data.display().to_string();
    let ledger_arg = ledger.display().to_string();
    let output = casetrack(&["import", "--data", &data_arg, &ledger_arg], &[]);
    assert!(output.status.success(), "import: {}", stderr(&output));
    data
}

/// Asserts `output` failed with exit code 1 and a message containing every `expected` text.
fn assert_refused(output: &Output, expected: &[&str]) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(output.stdout.is_empty(), "printed a report on refusal");
    for text in expected {
        assert!(message.contains(text), "{text:?} missing from:\n{message}");
    }
}

/// The refusals every mode gives for the imported data: `where_from` is `--data DIR` or `--server URL`.
fn assert_refusals(where_from: &[&str], env: &[(&str, &str)]) {
    let report = |agency: &str, year: &str| {
        let mut args = vec!["report"];
        args.extend_from_slice(where_from);
        args.extend_from_slice(&["--agency", agency, "--year", year]);
        casetrack(&args, env)
    };
    let good = report("simao/finance", "2023");
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(String::from_utf8_lossy(&good.stdout).contains("测试机关 simao/finance"));
    assert_refused(
        &report("simao/finanse", "2023"),
        &["simao/finanse 未登记", "是否要找：simao/finance"],
    );
    assert_refused(
        &report("kunming/transport", "2023"),
        &["kunming/transport 未登记"],
    );
    for year in ["2022", "2024"] {
        assert_refused(
            &report("simao/finance", year),
            &[&format!("simao/finance 在 {year} 年没有任何记录")],
        );
    }
}

#[test]
fn an_embedded_report_refuses_unknown_agencies_empty_years_and_missing_directories() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = imported_data(dir.path());
    assert_refusals(&["--data", &data.display().to_string()], &[]);

    let data_arg = data.display().to_string();
    let csv = |extra: &[&str]| {
        let mut args = vec!["report", "--data", &data_arg, "--agency", "simao/finance"];
        args.extend_from_slice(&["--year", "2023", "--format"]);
        args.extend_from_slice(extra);
        casetrack(&args, &[])
    };
    let utf8 = csv(&["csv"]);
    assert!(
        utf8.stdout.starts_with(b"\xEF\xBB\xBF"),
        "CSV without a byte-order mark"
    );
    let gbk = csv(&["csv", "--encoding", "gbk"]);
    let (decoded, _, had_errors) = encoding_rs::GBK.decode(&gbk.stdout);
    assert!(!had_errors && std::str::from_utf8(&gbk.stdout).is_err());
    assert_eq!(decoded, String::from_utf8_lossy(&utf8.stdout[3..]));
    assert_refused(&csv(&["md", "--encoding", "gbk"]), &["只用于 --format csv"]);

    let missing = dir.path().join("no-such-data");
    let missing_arg = missing.display().to_string();
    let output = casetrack(
        &[
            "report",
            "--data",
            &missing_arg,
            "--agency",
            "simao/finance",
            "--year",
            "2023",
        ],
        &[],
    );
    assert_refused(&output, &[&format!("数据目录 {missing_arg} 不存在")]);
    assert!(!missing.exists(), "a refused report created {missing_arg}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("create empty dir");
    let empty_arg = empty.display().to_string();
    let output = casetrack(
        &[
            "report",
            "--data",
            &empty_arg,
            "--agency",
            "simao/finance",
            "--year",
            "2023",
        ],
        &[],
    );
    assert_refused(&output, &["中没有事件日志"]);
    let created: Vec<_> = std::fs::read_dir(&empty).expect("read dir").collect();
    assert!(
        created.is_empty(),
        "a refused report wrote into {empty_arg}"
    );
}

#[test]
fn a_report_from_a_server_refuses_unknown_agencies_and_empty_years() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = imported_data(dir.path());
    let server = Serve::new(dir.path())
        .data(&data)
        .spawn("serve")
        .expect("serve");
    let url = server.url();
    let env = [("CASETRACK_TOKEN", AUDITOR_TOKEN)];
    // The server folds the imported ledger after it starts listening: wait for the 2023 report.
    let deadline = Instant::now() + CATCH_UP_TIMEOUT;
    while !casetrack(
        &[
            "report",
            "--server",
            &url,
            "--agency",
            "simao/finance",
            "--year",
            "2023",
        ],
        &env,
    )
    .status
    .success()
    {
        assert!(
            Instant::now() < deadline,
            "no 2023 report within {CATCH_UP_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_refusals(&["--server", &url], &env);
}
