//! Audit of a published report read back from its files: a consistent report passes from every table file
//! (JSON, CSV, xlsx, KIROGOVCOMPARE's schema); a broken identity, a carry-over that differs from the previous
//! year's table and a narrative figure that contradicts the tables are each found, naming the cells involved.

mod common;

use casetrack_reporting::audit::{FileHints, UNNAMED_AGENCY};
use casetrack_reporting::audit::{Finding, TableFile, audit, narrative_text, read_table};
use casetrack_reporting::{
    Identity, IdentityFailure, OutputFormat, PublishedReport, Report, ReportFormat, render,
};
use common::balanced;

const AGENCY: &str = "simao/finance";

fn published(report: Report) -> PublishedReport {
    PublishedReport::publish(report, None, 42, "test-rules").expect("publish")
}

/// The report rendered as `format` and read back as the file `name`.
fn round_trip(
    report: &Report,
    format: OutputFormat,
    name: &str,
) -> casetrack_reporting::audit::AuditedTable {
    let bytes = render(&published(report.clone()), format).expect("render");
    let hints = FileHints {
        agency: None,
        year: Some(report.year()),
    };
    read_table(&bytes, name, &hints).expect("read back")
}

fn identities(findings: &[Finding]) -> Vec<Identity> {
    findings
        .iter()
        .filter_map(|f| match f {
            Finding::Identity { failure } => Some(failure.identity()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_consistent_report_passes_from_every_table_file() {
    let report = balanced(AGENCY, 2024, &[3, 1, 4, 1, 5, 9, 2, 6]);
    let files = [
        (OutputFormat::Json, "r.json", TableFile::Json),
        (OutputFormat::Csv, "r.csv", TableFile::Csv),
        (OutputFormat::Xlsx, "r.xlsx", TableFile::Xlsx),
        (OutputFormat::Kirogov, "r.json", TableFile::Kirogov),
    ];
    for (format, name, kind) in files {
        let table = round_trip(&report, format, name);
        assert_eq!(table.kind, kind);
        let findings = audit(&table, None, "");
        assert!(findings.is_empty(), "{kind:?}: {findings:?}");
        for cell in report.cells() {
            assert_eq!(
                table.report.get(&cell.spec.code),
                cell.figure,
                "{kind:?}: {}",
                cell.spec.code
            );
        }
    }
    // The CSV names no agency; the xlsx and KIROGOVCOMPARE files do.
    assert_eq!(
        round_trip(&report, OutputFormat::Csv, "r.csv")
            .report
            .agency(),
        UNNAMED_AGENCY
    );
    assert_eq!(
        round_trip(&report, OutputFormat::Xlsx, "r.xlsx")
            .report
            .agency(),
        AGENCY
    );
    assert_eq!(
        round_trip(&report, OutputFormat::Kirogov, "k.json")
            .report
            .agency(),
        AGENCY
    );
}

#[test]
fn a_broken_identity_is_found_with_its_cells() {
    let report = balanced(AGENCY, 2024, &[2, 7, 1, 8]);
    let csv = String::from_utf8(render(&published(report), OutputFormat::Csv).expect("csv"))
        .expect("utf-8");
    // One more natural person received than the table's other cells account for.
    let line = csv
        .lines()
        .find(|l| l.starts_with("applications.received.natural_person,"))
        .expect("the row");
    let (head, value) = line.rsplit_once(',').expect("three fields");
    let more: u64 = value.parse::<u64>().expect("a count") + 1;
    let broken = csv.replace(line, &format!("{head},{more}"));
    let hints = FileHints {
        agency: Some(AGENCY.into()),
        year: Some(2024),
    };
    let table = read_table(broken.as_bytes(), "broken.csv", &hints).expect("read");
    let findings = audit(&table, None, "");
    let mut found = identities(&findings);
    found.sort_by_key(|i| format!("{i:?}"));
    // Identity 1 in the natural-person column and identity 3 in the received row; a CSV states no narrative
    // of its own, so identity 6 has nothing to contradict.
    assert_eq!(
        found,
        vec![Identity::Balance, Identity::TotalColumn],
        "{findings:?}"
    );
    let balance = findings
        .iter()
        .find(|f| matches!(f, Finding::Identity { failure } if failure.identity() == Identity::Balance))
        .expect("balance");
    let cells = balance.cells();
    for code in [
        "applications.received.natural_person",
        "applications.carried_over.natural_person",
        "applications.outcome_total.natural_person",
        "applications.carried_forward.natural_person",
    ] {
        assert!(cells.contains(&code), "{code} not in {cells:?}");
    }
    let message = balance.message_zh(ReportFormat::Format2021);
    assert!(message.contains("勾稽关系1"), "{message}");
    assert!(
        message.contains(
            "applications.received.natural_person（一、本年新收政府信息公开申请数量 / 自然人）"
        ),
        "{message}"
    );
}

#[test]
fn a_carry_over_that_differs_from_last_years_carried_forward_is_found() {
    let last = balanced(AGENCY, 2023, &[5, 3, 2]);
    let this = balanced(AGENCY, 2024, &[4, 4, 1]);
    let previous = round_trip(&last, OutputFormat::Xlsx, "2023.xlsx").report;
    let table = round_trip(&this, OutputFormat::Json, "2024.json");
    let findings = audit(&table, Some(&previous), "");
    let carry: Vec<&IdentityFailure> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::Identity { failure } if failure.identity() == Identity::CarryOver => {
                Some(failure)
            }
            _ => None,
        })
        .collect();
    assert!(!carry.is_empty(), "{findings:?}");
    for failure in carry {
        let IdentityFailure::Unequal { left, right, .. } = failure else {
            panic!("{failure:?}");
        };
        let column = left.cells[0].rsplit('.').next().expect("column");
        assert_eq!(
            left.cells,
            vec![format!("applications.carried_over.{column}")]
        );
        assert_eq!((left.year, right.year), (2024, 2023));
        assert_eq!(
            right.cells,
            vec![format!("applications.carried_forward.{column}")]
        );
        assert_ne!(left.value, right.value);
    }
    // The same table against a previous year that carried forward exactly its carry-over passes.
    let mut matching = common::figures(&last);
    for (code, figure) in &mut matching {
        if let Some(column) = code.strip_prefix("applications.carried_forward.") {
            *figure = this
                .get(&format!("applications.carried_over.{column}"))
                .expect("cell");
        }
    }
    let matching = Report::from_stored(AGENCY, 2023, last.format(), matching, *last.narrative())
        .expect("stored");
    let carry_over_failures = identities(&audit(&table, Some(&matching), ""))
        .into_iter()
        .filter(|i| *i == Identity::CarryOver)
        .count();
    assert_eq!(carry_over_failures, 0);
}

#[test]
fn a_narrative_that_contradicts_the_tables_is_found() {
    let report = balanced(AGENCY, 2024, &[6, 2, 3]);
    let received = common::count(&report, "applications.received.total");
    let html =
        String::from_utf8(render(&published(report.clone()), OutputFormat::Html).expect("html"))
            .expect("utf-8");
    let table = round_trip(&report, OutputFormat::Json, "r.json");
    // Our own document states the figures of its tables.
    let text = narrative_text(html.as_bytes(), "report.html").expect("text");
    assert!(audit(&table, None, &text).is_empty());

    let said = format!("新收政府信息公开申请{received}件");
    assert!(html.contains(&said), "part 一 quotes the received total");
    let edited = html.replace(&said, &format!("新收政府信息公开申请{}件", received + 5));
    let text = narrative_text(edited.as_bytes(), "report.html").expect("text");
    let findings = audit(&table, None, &text);
    assert_eq!(
        findings,
        vec![Finding::NarrativeText {
            quote: format!("新收政府信息公开申请{}件", received + 5),
            stated: i128::from(received + 5),
            cells: vec!["applications.received.total".to_owned()],
            value: i128::from(received),
        }]
    );
    let message = findings[0].message_zh(ReportFormat::Format2021);
    assert!(
        message.contains("勾稽关系6") && message.contains(&(received + 5).to_string()),
        "{message}"
    );
}

#[test]
fn a_kirogov_package_is_audited_with_its_own_text() {
    let report = balanced(AGENCY, 2024, &[1, 2, 3]);
    let exported = String::from_utf8(
        render(&published(report.clone()), OutputFormat::Kirogov).expect("kirogov"),
    )
    .expect("utf-8");
    let mut parsed: serde_json::Value = serde_json::from_str(&exported).expect("json");
    // The structured-import package: `source` names the organisation and year, `parsed_json` the sections.
    let sections = parsed["sections"].take();
    let reconsiderations = common::count(&report, "challenges.reconsideration.total");
    let package = serde_json::json!({
        "schema_version": "1.0",
        "source": {"organization_name": "思茅区财政局", "report_year": 2024},
        "parsed_json": {"sections": sections},
    });
    let mut text = package.to_string();
    // Leave a legal-person cell blank ("/"), as published reports do, and misquote the reconsiderations in
    // part 一.
    text = text.replacen(
        &format!("行政复议{reconsiderations}件"),
        &format!("行政复议{}件", reconsiderations + 1),
        1,
    );
    let mut package: serde_json::Value = serde_json::from_str(&text).expect("json");
    let table_3 = package["parsed_json"]["sections"]
        .as_array_mut()
        .expect("sections")
        .iter_mut()
        .find(|s| s["type"] == "table_3")
        .expect("table_3");
    table_3["tableData"]["legalPerson"]["commercial"]["newReceived"] = serde_json::json!("/");
    let table = read_table(
        package.to_string().as_bytes(),
        "source.json",
        &FileHints::default(),
    )
    .expect("read");
    assert_eq!(table.report.agency(), "思茅区财政局");
    let findings = audit(&table, None, "");
    assert!(
        findings.contains(&Finding::Identity {
            failure: IdentityFailure::Blank {
                code: "applications.received.business".to_owned()
            }
        }),
        "{findings:?}"
    );
    assert!(findings.iter().any(|f| matches!(f,
        Finding::NarrativeText { cells, stated, .. }
            if cells == &["challenges.reconsideration.total"] && *stated == i128::from(reconsiderations + 1))),
        "{findings:?}");
}

#[test]
fn a_changed_json_is_found_by_its_hash_too() {
    let report = balanced(AGENCY, 2024, &[2, 2]);
    let json =
        String::from_utf8(render(&published(report.clone()), OutputFormat::Json).expect("json"))
            .expect("utf-8");
    let received = common::count(&report, "applications.received.total");
    let key = "\"applications.received.total\": ";
    let edited = json.replace(
        &format!("{key}{received}"),
        &format!("{key}{}", received + 1),
    );
    assert_ne!(edited, json);
    let table = read_table(edited.as_bytes(), "r.json", &FileHints::default()).expect("read");
    let findings = audit(&table, None, "");
    assert!(
        matches!(findings[0], Finding::HashMismatch { .. }),
        "{findings:?}"
    );
    assert!(
        identities(&findings).contains(&Identity::TotalColumn),
        "{findings:?}"
    );
}

#[test]
fn files_that_cannot_be_audited_are_refused_with_a_reason() {
    let report = balanced(AGENCY, 2024, &[1]);
    let csv = render(&published(report), OutputFormat::Csv).expect("csv");
    let no_year = read_table(&csv, "r.csv", &FileHints::default()).expect_err("no year");
    assert!(no_year.to_string().contains("--year"), "{no_year}");
    let unknown = read_table(b"x", "r.pdf", &FileHints::default()).expect_err("pdf");
    assert!(unknown.to_string().contains("无法识别"), "{unknown}");
    let old = published(balanced(AGENCY, 2019, &[1]));
    let refused = render(&old, OutputFormat::Kirogov).expect_err("2019 format");
    assert!(refused.to_string().contains("2021"), "{refused}");
}
