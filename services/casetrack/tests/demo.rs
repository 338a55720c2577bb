//! `casetrack demo` end to end at a small scale: the real binary starts the embedded system in process,
//! pushes a generated year through its own gRPC API and prints the report. Proves: the report is final (the
//! server's identity checks pass) and its figures satisfy the official identities when checked again here;
//! the same seed twice, in fresh data directories, gives byte-identical JSON reports; and --year 2018 (the seed
//! report's year) gives a final report in the pre-2019 statistical table; `--listen` with port 0 works; the
//! agencies the demo registers are printed by their registered names.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const YEAR: &str = "2025";
const SEED: &str = "7";
const SCALE: &str = "0.05";

/// Runs the demo in `data` and returns its JSON report and stdout.
fn run_demo(data: &Path) -> (String, String) {
    run_demo_year(data, YEAR)
}

/// Runs the demo for `year` in `data` and returns its JSON report and stdout. `--listen` port 0: the demo
/// binds a free port itself (no race with another test for a port picked here).
fn run_demo_year(data: &Path, year: &str) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .args([
            "demo",
            "--year",
            year,
            "--seed",
            SEED,
            "--scale",
            SCALE,
            "--exit",
            "--listen",
            "127.0.0.1:0",
            "--console-listen",
            "127.0.0.1:0",
        ])
        .arg("--data")
        .arg(data)
        .output()
        .expect("run casetrack demo");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "demo failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = std::fs::read_to_string(data.join("reports").join(format!("simao-{year}.json")))
        .expect("JSON report");
    assert!(
        data.join("reports")
            .join(format!("simao-{year}.html"))
            .exists(),
        "HTML report written"
    );
    let work = data.join("reports").join(format!("simao-{year}-work.html"));
    let work = std::fs::read_to_string(&work).expect("the work statistics written");
    assert!(
        work.contains("热线、建议提案及信访工作统计") && work.contains("勾稽关系校验通过"),
        "{work}"
    );
    (json, stdout)
}

/// The figure of `code` as an integer (figures are numbers or numeric strings).
fn figure(figures: &serde_json::Map<String, Value>, code: &str) -> i64 {
    match figures.get(code) {
        Some(Value::Number(n)) => n.as_i64().expect("integer figure"),
        Some(Value::String(s)) => s
            .parse()
            .unwrap_or_else(|_| panic!("{code}: {s:?} is not an integer")),
        other => panic!("figure {code} missing or malformed: {other:?}"),
    }
}

#[test]
fn the_demo_report_is_final_and_the_same_seed_gives_byte_identical_json() {
    let first = tempfile::tempdir().expect("temp dir");
    let second = tempfile::tempdir().expect("temp dir");
    let (json, stdout) = run_demo(&first.path().join("data"));
    assert!(stdout.contains("final (every identity holds)"), "{stdout}");
    // Every request of the open cases was accepted (the demo stops at the first refusal).
    assert!(
        stdout.contains("12 cases left open in every state"),
        "{stdout}"
    );
    assert!(
        stdout.contains("本年新收政府信息公开申请数量") || stdout.contains("申请"),
        "the Markdown report is printed:\n{stdout}"
    );

    // Parts 一 and 六 quote the year's hotline, proposal and petition work as the seed report does, computed.
    assert_quotes_work(&stdout);
    let part_six = &stdout[stdout.find("六、其他需要报告的事项").expect("part 六")..];
    assert!(part_six.contains("承办人大代表建议"), "{part_six}");
    assert!(part_six.contains("信息处理费"), "{part_six}");
    assert!(!stdout.contains("暂未汇总"), "{stdout}");

    // The district registered its agencies before the first case: the report's title is the registered name.
    assert!(
        stdout.contains("# 普洱市思茅区人民政府2025年政府信息公开工作年度报告"),
        "{stdout}"
    );

    let document: Value = serde_json::from_str(&json).expect("report JSON");
    assert_eq!(document["status"], Value::String("final".into()), "{json}");
    assert_eq!(document["agency_name"], "普洱市思茅区人民政府");
    let figures = document["figures"]
        .as_object()
        .expect("figures by cell code");
    let columns = [
        "natural_person",
        "business",
        "research",
        "nonprofit",
        "legal_service",
        "other_org",
        "total",
    ];
    let mut received_total = 0;
    for column in columns {
        let cell = |row: &str| figure(figures, &format!("applications.{row}.{column}"));
        // Identity 1: 一 + 二 = 三（七）+ 四, every column.
        assert_eq!(
            cell("received") + cell("carried_over"),
            cell("outcome_total") + cell("carried_forward"),
            "{column}"
        );
        if column != "total" {
            received_total += cell("received");
        }
    }
    // Identity 3 on the received row, and the demo really did receive, carry over and carry forward cases.
    assert_eq!(
        received_total,
        figure(figures, "applications.received.total")
    );
    assert!(figure(figures, "applications.received.total") >= 8);
    assert!(figure(figures, "applications.carried_over.total") >= 1);
    assert!(figure(figures, "applications.carried_forward.total") >= 1);
    for group in ["reconsideration", "litigation_direct"] {
        assert!(
            figure(figures, &format!("challenges.{group}.total")) >= 1,
            "{group}"
        );
    }

    let (again, _) = run_demo(&second.path().join("data"));
    assert_eq!(
        json, again,
        "the same seed must give byte-identical JSON reports"
    );
}

/// The sentences the seed report states, each with a figure the demo's year computed: the hotline's year (its
/// 12345 and other lines, the 政风行风热线 among them), suggestions and proposals, petitions.
fn assert_quotes_work(stdout: &str) {
    for words in [
        "全年通过热线受理群众诉求",
        "12345热线",
        "政风行风热线",
        "按时办结率",
        "承办人大代表建议",
        "政协委员提案",
        "全年办理信访",
    ] {
        assert!(stdout.contains(words), "{words:?} missing:\n{stdout}");
    }
}

/// The seed report's year: the demo runs for 2018 and prints a final report in the pre-2019 statistical table.
#[test]
fn the_demo_reports_2018_in_the_statistical_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (json, stdout) = run_demo_year(&dir.path().join("data"), "2018");
    assert!(stdout.contains("final (every identity holds)"), "{stdout}");
    assert!(stdout.contains("依申请公开情况"), "{stdout}");
    assert!(!stdout.contains("本年新收政府信息公开申请数量"), "{stdout}");
    // No part 六 in the statistical table: its overview quotes all the year's work.
    assert_quotes_work(&stdout);
    let document: Value = serde_json::from_str(&json).expect("report JSON");
    assert_eq!(document["format"], "statistical_table", "{json}");
    assert_eq!(document["status"], "final", "{json}");
    let figures = document["figures"]
        .as_object()
        .expect("figures by cell code");
    let received = figure(figures, "applications.received.count");
    assert!(received >= 1, "{json}");
    assert_eq!(
        received,
        ["in_person", "fax", "online", "letter"]
            .iter()
            .map(|c| figure(figures, &format!("applications.{c}.count")))
            .sum::<i64>()
    );
    assert!(
        figure(figures, "proactive.information.count") >= 1,
        "{json}"
    );
}
