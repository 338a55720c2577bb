//! Each renderer: JSON round-trips the figures by cell code; CSV has one row per cell; HTML carries the
//! verbatim identity text, the national header spans and escapes text; xlsx writes a workbook; 0 prints 0.

mod common;

use casetrack_reporting::{
    Fen, Figure, IDENTITY_TEXT_ZH, OutputFormat, PublishedReport, ReportBuilder, ReportingError,
    cells, csv, html, json, md, render, xlsx,
};
use common::*;

fn published(year: i32) -> PublishedReport {
    let report = balanced("思茅区<政府办>&\"'", year, &[0, 7, 0, 3, 12, 0, 1]);
    PublishedReport::publish(report, None, 1234, "rules-2024.1+calendar-2024").expect("publish")
}

#[test]
fn json_round_trips_every_figure_by_cell_code() {
    for year in [2018, 2020, 2022] {
        let original = published(year);
        let text = json::to_json(&original);
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(value["agency"], original.agency());
        assert_eq!(value["year"], year);
        assert_eq!(value["as_of_position"], 1234);
        assert_eq!(value["content_hash"], original.content_hash.as_str());
        assert_eq!(value["status"], "final");
        for cell in original.report.cells() {
            let figure = cell.figure.expect("no blank");
            let expected = match figure {
                Figure::Count(n) => serde_json::json!(n),
                Figure::Change(n) => serde_json::json!(n),
                Figure::Money(fen) => serde_json::json!(fen.as_10k_yuan_number()),
            };
            assert_eq!(
                value["figures"][&cell.spec.code], expected,
                "{}",
                cell.spec.code
            );
        }
        let back = json::from_json(&text).expect("parse");
        assert_eq!(back, original);
        assert_eq!(json::to_json(&back), text, "stable output");
    }
}

#[test]
fn json_money_is_exact_and_tampering_is_detected() {
    let mut builder = ReportBuilder::new("A", 2022).expect("builder");
    builder
        .add_money("proactive.fees.amount_10k_yuan", Fen(123_456_789_012_345))
        .expect("money");
    let original =
        PublishedReport::publish(builder.build().expect("build"), None, 9, "r1").expect("publish");
    let text = json::to_json(&original);
    assert!(
        text.contains("\"proactive.fees.amount_10k_yuan\": 123456789.012345"),
        "{text}"
    );
    assert_eq!(json::from_json(&text).expect("parse"), original);

    let tampered = text.replace(
        "\"applications.disclosed.natural_person\": 0",
        "\"applications.disclosed.natural_person\": 1",
    );
    assert_ne!(tampered, text);
    assert!(matches!(
        json::from_json(&tampered),
        Err(ReportingError::HashMismatch { .. })
    ));
    let unknown = text.replace(
        "\"applications.disclosed.natural_person\"",
        "\"applications.bogus.x\"",
    );
    assert!(matches!(
        json::from_json(&unknown),
        Err(ReportingError::UnknownCell { .. })
    ));
}

#[test]
fn json_keeps_table_order() {
    let text = json::to_json(&published(2022));
    let first = text.find("\"proactive.rules.issued\"").expect("table 二");
    let second = text
        .find("\"applications.received.natural_person\"")
        .expect("table 三");
    let third = text
        .find("\"challenges.reconsideration.upheld\"")
        .expect("table 四");
    assert!(first < second && second < third);
    assert!(text.find("\"agency\"") < text.find("\"figures\""));
}

#[test]
fn csv_has_one_row_per_cell_and_prints_zero() {
    for year in [2018, 2020, 2022] {
        let published = published(year);
        let text = csv::to_csv(&published).expect("csv");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader
                .headers()
                .expect("headers")
                .iter()
                .collect::<Vec<_>>(),
            vec!["cell_code", "label_zh", "value"]
        );
        let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let specs = cells(published.format());
        assert_eq!(rows.len(), specs.len());
        for (row, spec) in rows.iter().zip(specs) {
            assert_eq!(&row[0], spec.code);
            assert_eq!(&row[1], spec.label_zh);
            assert!(!row[2].is_empty(), "{} blank", spec.code);
        }
        assert!(rows.iter().any(|r| &r[2] == "0"));
    }
}

#[test]
fn html_is_chinese_national_layout_escaped_and_zero_filled() {
    let page = html::to_html(&published(2022));
    assert!(page.contains(IDENTITY_TEXT_ZH));
    assert!(page.contains(&format!(
        "<th rowspan=\"3\" colspan=\"3\">{IDENTITY_TEXT_ZH}</th>"
    )));
    assert!(page.contains("<th colspan=\"7\">申请人情况</th>"));
    assert!(page.contains("<th colspan=\"5\">法人或其他组织</th>"));
    assert!(page.contains("<td class=\"label\" rowspan=\"8\">（三）不予公开</td>"));
    assert!(page.contains("<td class=\"label\" rowspan=\"3\">（六）其他处理</td>"));
    assert!(page.contains("<th colspan=\"10\">行政诉讼</th>"));
    assert!(page.contains("第二十条第（八）项"));
    assert!(page.contains("思茅区&lt;政府办&gt;&amp;&quot;&#39;"));
    assert!(!page.contains("思茅区<政府办>"));
    assert!(page.contains("<td class=\"figure\">0</td>"));
    assert!(!page.contains("<td class=\"figure\"></td>"));

    let page_2019 = html::to_html(&published(2020));
    assert!(page_2019.contains("<td class=\"label\" colspan=\"2\">（六）其他处理</td>"));
    assert!(page_2019.contains("第二十条第（九）项"));
}

#[test]
fn markdown_has_chinese_labels_and_zero() {
    let text = md::to_markdown(&published(2022));
    assert!(text.contains("## 三、收到和处理政府信息公开申请情况"));
    assert!(text.contains(IDENTITY_TEXT_ZH));
    assert!(text.contains("法人或其他组织·商业企业"));
    assert!(text.contains("思茅区<政府办>&\"'"));
    assert!(text.contains("| 0 |"));
}

#[test]
fn xlsx_writes_a_workbook_to_a_buffer() {
    for year in [2018, 2020, 2022] {
        let bytes = xlsx::to_xlsx(&published(year)).expect("xlsx");
        assert!(bytes.len() > 1000);
        assert_eq!(&bytes[..2], b"PK", "zip container");
    }
}

#[test]
fn dispatcher_parses_cli_formats() {
    let published = published(2022);
    for (name, format) in [
        ("json", OutputFormat::Json),
        ("csv", OutputFormat::Csv),
        ("md", OutputFormat::Markdown),
        ("html", OutputFormat::Html),
        ("xlsx", OutputFormat::Xlsx),
    ] {
        let parsed: OutputFormat = name.parse().expect("format");
        assert_eq!(parsed, format);
        assert_eq!(parsed.extension(), name);
        assert!(!render(&published, parsed).expect("render").is_empty());
    }
    assert!(matches!(
        "pdf".parse::<OutputFormat>(),
        Err(ReportingError::UnknownOutputFormat(_))
    ));
}

#[test]
fn every_format_numbers_each_part_once() {
    // The statistical table numbers its own sections 一 to 九, so the report adds no numbered part of its own
    // (each numeral at most once); the 2019 and 2021 formats are the six parts 一 to 六 around tables 二 to 四.
    for (year, six_parts) in [(2018, false), (2020, true), (2022, true)] {
        let text = md::to_markdown(&published(year));
        let html = html::to_html(&published(year));
        for numeral in ["一", "二", "三", "四", "五", "六"] {
            for (kind, headings) in [
                (
                    "markdown",
                    text.matches(&format!("\n## {numeral}、")).count(),
                ),
                ("html", html.matches(&format!("<h2>{numeral}、")).count()),
            ] {
                if six_parts {
                    assert_eq!(headings, 1, "{year}: {kind} part {numeral}");
                } else {
                    assert!(headings <= 1, "{year}: {kind} part {numeral} twice");
                }
            }
        }
    }
}

#[test]
fn a_registered_name_titles_the_report_and_is_kept_out_of_the_hash() {
    let plain = published(2024);
    let named = published(2024).with_agency_name(Some("思茅区财政局".to_owned()));
    assert_eq!(named.agency_title(), "思茅区财政局（思茅区<政府办>&\"'）");
    assert!(md::to_markdown(&named).starts_with("# 思茅区财政局2024年政府信息公开工作年度报告\n"));
    assert!(html::to_html(&named).contains("<h1>思茅区财政局2024年政府信息公开工作年度报告</h1>"));
    assert!(md::to_markdown(&plain).starts_with("# 思茅区<政府办>&\"'2024年"));
    assert!(!md::to_markdown(&plain).contains("思茅区财政局"));
    assert_eq!(named.content_hash, plain.content_hash);
    let back = json::from_json(&json::to_json(&named)).expect("round trip");
    assert_eq!(back.agency_name.as_deref(), Some("思茅区财政局"));
    assert!(!json::to_json(&plain).contains("agency_name"));
}

#[test]
fn the_document_has_its_落款_and_keeps_provenance_in_the_colophon() {
    let dated = published(2024)
        .with_agency_name(Some("思茅区财政局".to_owned()))
        .with_signed_on(chrono::NaiveDate::from_ymd_opt(2025, 1, 20));
    for text in [md::to_markdown(&dated), html::to_html(&dated)] {
        let colophon = text.find("附：数据来源与校验").expect("colophon");
        let signature = text.rfind("2025年1月20日").expect("落款 date");
        assert!(signature < colophon, "落款 after the colophon");
        for provenance in [
            "1234",
            "rules-2024.1+calendar-2024",
            dated.content_hash.as_str(),
        ] {
            let at = text.find(provenance).expect("provenance printed");
            assert!(at > colophon, "{provenance} printed in the body");
        }
        assert!(
            text.contains("五、存在的主要问题及改进情况")
                && text.contains("六、其他需要报告的事项")
        );
    }
    // The JSON of a log position is the same whichever day it is written.
    assert_eq!(
        json::to_json(&dated),
        json::to_json(&published(2024).with_agency_name(dated.agency_name.clone()))
    );
}

/// The statistical table (2018 and earlier) prints each table's header once: table 八's 经费 (万元) continues its
/// counts under the same 统计指标 / 统计数 header rather than repeating it mid-table, in HTML (where the header is
/// the table's head, repeated on every printed page), xlsx and Markdown; its figures still read back from xlsx.
#[test]
fn the_statistical_table_prints_each_header_once() {
    let published = published(2018);
    let html = html::to_html(&published);
    let tables: Vec<&str> = html.split("<table>").skip(1).collect();
    assert_eq!(tables.len(), 9, "the statistical table's nine parts");
    for table in &tables {
        assert_eq!(table.matches("<th>统计指标</th>").count(), 1, "{table}");
        assert!(
            table.contains("<thead>\n<tr><th>统计指标</th>"),
            "the header is the table's head: {table}"
        );
    }
    let eight = tables[7];
    let staff = eight.find("2. 兼职人员数（人）").expect("staff row");
    let budget = eight
        .find("（四）政府信息公开专项经费（万元）")
        .expect("budget row");
    assert!(
        staff < budget && !eight[staff..budget].contains("<th>"),
        "{eight}"
    );

    let markdown = md::to_markdown(&published);
    assert_eq!(markdown.matches("| 统计指标 |").count(), 9, "{markdown}");
    let eight = &markdown[markdown.find("## 八、").expect("table 八")..];
    let staff = eight.find("2. 兼职人员数（人） |").expect("staff row");
    let budget = eight
        .find("| （四）政府信息公开专项经费（万元） |")
        .expect("budget row");
    let between = &eight[staff..budget];
    assert!(
        !between.contains("统计指标") && !between.contains("\n\n"),
        "one Markdown table: {eight}"
    );

    let bytes = xlsx::to_xlsx(&published).expect("xlsx");
    let back = xlsx::from_xlsx(
        &bytes,
        &casetrack_reporting::audit::FileHints::default(),
        "2018.xlsx",
    )
    .expect("read back");
    for cell in published.report.cells() {
        assert_eq!(back.get(&cell.spec.code), cell.figure, "{}", cell.spec.code);
    }
}
