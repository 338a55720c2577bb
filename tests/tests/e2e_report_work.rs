//! `casetrack report --work` end to end: a hotline ticket submitted to a real `casetrack serve` shows in the
//! statistics of its year and month, from the server (`--server`, `Reporting.GetWorkReport`) and from the data
//! directory once the server has stopped (`--data`); an unknown agency, a year or a month without such work, a
//! month that is none and KIROGOVCOMPARE's schema are refused with exit code 1 and a message naming what is
//! wrong, printing nothing.

use std::process::Output;
use std::time::{Duration, Instant};

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{
    ADMIN_TOKEN, AUDITOR_TOKEN, DISTRICT, HOTLINE_TOKEN, authed, casetrack_binary, today,
};

/// How long the server may take to fold the ticket before the test fails.
const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `casetrack args`, with the auditor's token when it asks a server.
fn casetrack(args: &[&str]) -> Output {
    let mut command = std::process::Command::new(casetrack_binary().expect("the casetrack binary"));
    if args.contains(&"--server") {
        command.env("CASETRACK_TOKEN", AUDITOR_TOKEN);
    }
    command
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run casetrack")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `casetrack report --work` from `source` (`--server URL` or `--data DIR`) with `extra` flags.
fn work(source: &[&str], agency: &str, year: &str, extra: &[&str]) -> Output {
    let mut args = vec!["report", "--work", "--agency", agency, "--year", year];
    args.extend_from_slice(source);
    args.extend_from_slice(extra);
    casetrack(&args)
}

fn assert_refused(output: &Output, expected: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(output.stdout.is_empty(), "printed statistics on refusal");
    assert!(
        message.contains(expected),
        "{expected:?} missing from:\n{message}"
    );
}

/// The statistics of today's year and month hold the one ticket; the refusals, from `source`.
fn assert_statistics(source: &[&str]) {
    let day = today();
    let (year, month) = (&day[..4], day[5..7].trim_start_matches('0'));
    let output = work(source, DISTRICT, year, &["--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON statistics");
    let whole = &json["sections"][0]["rows"][0]["figures"];
    assert_eq!(
        (whole["received"].as_u64(), whole["open_at_end"].as_u64()),
        (Some(1), Some(1)),
        "{json}"
    );
    assert_eq!(json["identity_failures"], serde_json::json!([]));
    let csv = work(
        source,
        DISTRICT,
        year,
        &["--month", month, "--format", "csv"],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    assert!(
        csv.stdout.starts_with(b"\xEF\xBB\xBF"),
        "CSV without a byte-order mark"
    );
    assert!(
        String::from_utf8_lossy(&csv.stdout)
            .contains("hotline.received@line=12345,热线工单 热线 12345 受理量,1")
    );

    let last_year = (year.parse::<i32>().expect("a year") - 1).to_string();
    assert_refused(
        &work(source, DISTRICT, &last_year, &[]),
        &format!("{last_year}年 没有任何热线工单"),
    );
    let other_month = if month == "1" { "2" } else { "1" };
    assert_refused(
        &work(source, DISTRICT, year, &["--month", other_month]),
        &format!("{year}年{other_month}月 没有任何热线工单"),
    );
    assert_refused(
        &work(source, "simao/finanse", year, &[]),
        "simao/finanse 未登记",
    );
    assert_refused(
        &work(source, DISTRICT, year, &["--month", "13"]),
        "month: 13 is not a month",
    );
    assert_refused(
        &work(source, DISTRICT, year, &["--format", "kirogov"]),
        "KIROGOVCOMPARE",
    );
}

async fn submit_ticket(url: &str) -> anyhow::Result<()> {
    casetrack_tests::agencies::register(url, ADMIN_TOKEN, &[DISTRICT]).await?;
    let mut intake = IntakeClient::connect(url.to_owned()).await?;
    let ticket = pb::SubmitHotlineTicketRequest {
        external_id: "WO-1".into(),
        agency: DISTRICT.into(),
        line: "12345".into(),
        category: "consultation".into(),
        received_on: today(),
        summary: "咨询公积金提取".into(),
        ..Default::default()
    };
    intake
        .submit_hotline_ticket(authed(ticket, HOTLINE_TOKEN))
        .await?;
    Ok(())
}

/// Waits until the server's statistics hold the ticket (it folds after acknowledging the append).
fn caught_up(url: &str) {
    let deadline = Instant::now() + CATCH_UP_TIMEOUT;
    while !work(&["--server", url], DISTRICT, &today()[..4], &[])
        .status
        .success()
    {
        assert!(
            Instant::now() < deadline,
            "no statistics within {CATCH_UP_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_statistics_from_a_server_and_from_the_data_directory() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::new(dir.path());
    let server = serve.spawn("serve")?;
    let url = server.url();
    submit_ticket(&url).await?;
    tokio::task::spawn_blocking(move || {
        caught_up(&url);
        assert_statistics(&["--server", &url]);
    })
    .await?;
    drop(server);

    let data = dir.path().join("data");
    let data_arg = data.display().to_string();
    assert_statistics(&["--data", &data_arg]);
    let xlsx = dir.path().join("work.xlsx");
    let out = work(
        &["--data", &data_arg],
        DISTRICT,
        &today()[..4],
        &["--format", "xlsx", "--out", &xlsx.display().to_string()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read(&xlsx)?.starts_with(b"PK"),
        "xlsx is a zip archive"
    );
    Ok(())
}
