//! `casetrack agency` against a real `casetrack serve`: agencies are added one by one and imported from a CSV
//! file, listed with their names, refused when the parent is unknown, and a report fetched from the server
//! is titled with the registered name of its agency.

use std::process::{Command, Output};

use std::time::{Duration, Instant};

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::reporting::CATCH_UP_TIMEOUT;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{ADMIN_TOKEN, STAFF_TOKEN, authed, casetrack_binary, today};

fn casetrack(args: &[&str]) -> anyhow::Result<Output> {
    Ok(Command::new(casetrack_binary()?).args(args).output()?)
}

fn agency(server: &str, args: &[&str]) -> anyhow::Result<Output> {
    let mut all = vec!["agency", "--server", server, "--token", ADMIN_TOKEN];
    all.extend_from_slice(args);
    casetrack(&all)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// One application of `agency` received today, submitted by the district's staff.
fn submit_application(url: &str, agency: &str) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let mut intake = IntakeClient::connect(url.to_owned()).await?;
        let request = pb::SubmitApplicationRequest {
            external_id: "FIN-1".into(),
            agency: agency.into(),
            applicant_type: "natural_person".into(),
            channel: "in_person".into(),
            handed_in_on: today(),
            content: "本局 2025 年预算执行情况".into(),
            delivery_form: "electronic".into(),
            ..Default::default()
        };
        intake
            .submit_application(authed(request, STAFF_TOKEN))
            .await?;
        Ok(())
    })
}

#[test]
fn agencies_added_and_imported_by_the_cli_are_listed_and_named_in_reports() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Serve::new(dir.path()).spawn("serve")?;
    let url = server.url();

    let added = agency(
        &url,
        &[
            "add",
            "simao",
            "普洱市思茅区人民政府",
            "--valid-from",
            "2008-05-01",
        ],
    )?;
    assert!(added.status.success(), "{added:?}");
    assert!(stdout(&added).contains("已登记 simao（普洱市思茅区人民政府）"));

    let file = dir.path().join("agencies.csv");
    std::fs::write(
        &file,
        "id,name,parent,valid_from,valid_to\n\
         simao/finance,思茅区财政局,simao,2008-05-01,\n\
         simao/forestry,思茅区林业局,simao,2008-05-01,2019-12-31\n",
    )?;
    let file = file.display().to_string();
    let imported = agency(&url, &["import", &file])?;
    assert!(imported.status.success(), "{imported:?}");
    // Importing the same file again writes nothing.
    let again = agency(&url, &["import", &file])?;
    assert!(again.status.success(), "{again:?}");
    assert_eq!(
        stdout(&again).matches("未重复写入").count(),
        2,
        "{}",
        stdout(&again)
    );

    let orphan = agency(
        &url,
        &[
            "add",
            "simao/stats/office",
            "统计办",
            "--parent",
            "simao/stats",
            "--valid-from",
            "2020-01-01",
        ],
    )?;
    assert!(!orphan.status.success(), "an unknown parent is refused");
    assert!(String::from_utf8_lossy(&orphan.stderr).contains("parent"));

    let listed = agency(&url, &["list"])?;
    let text = stdout(&listed);
    assert!(text.contains("已登记机关：3 个"), "{text}");
    assert!(
        text.contains("simao/finance  思茅区财政局  上级 simao  有效期 2008-05-01 至 至今"),
        "{text}"
    );
    assert!(
        text.contains("simao/forestry  思茅区林业局  上级 simao  有效期 2008-05-01 至 2019-12-31"),
        "{text}"
    );

    // A report needs something of its year: one application of the finance bureau, received today.
    submit_application(&url, "simao/finance")?;
    let year = &today()[..4];
    let deadline = Instant::now() + CATCH_UP_TIMEOUT;
    let report = loop {
        let report = casetrack(&[
            "report",
            "--server",
            &url,
            "--token",
            STAFF_TOKEN,
            "--agency",
            "simao/finance",
            "--year",
            year,
            "--format",
            "md",
        ])?;
        // Refused as empty until the server has folded the application.
        if report.status.success() || Instant::now() >= deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(report.status.success(), "{report:?}");
    assert!(
        stdout(&report).starts_with(&format!("# 思茅区财政局{year}年政府信息公开工作年度报告")),
        "{}",
        stdout(&report)
    );
    // As of today's business date, over the server too: the application happened today.
    let today = today();
    let by_date = casetrack(&[
        "report",
        "--server",
        &url,
        "--token",
        STAFF_TOKEN,
        "--agency",
        "simao/finance",
        "--year",
        year,
        "--as-of-date",
        &today,
        "--format",
        "md",
    ])?;
    assert!(by_date.status.success(), "{by_date:?}");
    let stderr = String::from_utf8_lossy(&by_date.stderr);
    assert!(
        stderr.contains(&format!("business date {today}")),
        "{stderr}"
    );
    assert!(
        stdout(&by_date).contains(&format!("业务日期截至：{today}")),
        "{}",
        stdout(&by_date)
    );
    Ok(())
}
