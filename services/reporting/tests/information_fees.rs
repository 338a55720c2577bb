//! Part 六's 信息处理费 in every format: the sentence with the exact 元 amounts in HTML, Markdown, xlsx and
//! KIROGOVCOMPARE's text section; the figures in JSON (万元 numbers, exact) and in CSV's part 六 rows; sealed in
//! the content hash and read back from JSON. A report without them says that none were charged, and keeps its hash.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use casetrack_reporting::{
    Fen, InformationFees, OutputFormat, PublishedReport, content_hash, json, render,
};

const SENTENCE: &str =
    "本年度发出信息处理费缴费通知2件，应收信息处理费150.5元，实际收取信息处理费100.01元";

fn with_fees() -> PublishedReport {
    let report = common::balanced("simao", 2024, &[3, 1, 4]);
    PublishedReport::publish(report, None, 7, "test-rules")
        .expect("publish")
        .with_information_fees(InformationFees {
            notices_issued: 2,
            charged: Fen(15_050),
            collected: Fen(10_001),
        })
}

fn text(published: &PublishedReport, format: OutputFormat) -> String {
    String::from_utf8(render(published, format).expect("render")).expect("utf-8")
}

#[test]
fn part_six_prints_the_fees_in_every_format() {
    let published = with_fees();
    for format in [
        OutputFormat::Html,
        OutputFormat::Markdown,
        OutputFormat::Kirogov,
    ] {
        assert!(text(&published, format).contains(SENTENCE), "{format:?}");
    }
    let kirogov: serde_json::Value =
        serde_json::from_str(&text(&published, OutputFormat::Kirogov)).expect("json");
    let six = kirogov["sections"][4]["content"].as_str().expect("part 六");
    assert!(six.contains(SENTENCE), "{six}");

    let document: serde_json::Value =
        serde_json::from_str(&text(&published, OutputFormat::Json)).expect("json");
    let fees = &document["information_fees"];
    assert_eq!(fees["notices_issued"], 2);
    assert_eq!(fees["charged_10k_yuan"].to_string(), "0.01505");
    assert_eq!(fees["collected_10k_yuan"].to_string(), "0.010001");
    let back = json::from_json(&text(&published, OutputFormat::Json)).expect("hash verifies");
    assert_eq!(back.information_fees, published.information_fees);

    let csv = text(&published, OutputFormat::Csv);
    for row in [
        "part_six.information_fees.notices_issued,六、其他需要报告的事项 / 信息处理费缴费通知（件）,2",
        "part_six.information_fees.charged_10k_yuan,六、其他需要报告的事项 / 应收信息处理费（万元）,0.01505",
        "part_six.information_fees.collected_10k_yuan,六、其他需要报告的事项 / 实际收取信息处理费（万元）,0.010001",
    ] {
        assert!(csv.contains(row), "{row} not in the CSV");
    }

    let bytes = render(&published, OutputFormat::Xlsx).expect("xlsx");
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let facts = workbook.worksheet_range("报告信息").expect("facts sheet");
    let six = facts
        .rows()
        .find(|row| matches!(&row[0], Data::String(k) if k == "六、其他需要报告的事项"))
        .expect("part 六 row");
    assert!(six[1].to_string().contains(SENTENCE), "{}", six[1]);
}

#[test]
fn the_fees_are_sealed_and_a_report_without_them_keeps_its_hash() {
    let published = with_fees();
    assert_ne!(published.content_hash, content_hash(&published.report));
    let mut changed = published.clone();
    changed.information_fees = Some(InformationFees {
        collected: Fen(10_000),
        ..published.information_fees.expect("fees")
    });
    assert!(
        changed.verify_hash().is_err(),
        "a changed fee must not verify"
    );

    let without =
        PublishedReport::publish(published.report.clone(), None, 7, "test-rules").expect("publish");
    assert_eq!(without.content_hash, content_hash(&without.report));
    let html = text(&without, OutputFormat::Html);
    assert!(
        html.contains("本年度未发出信息处理费缴费通知，未收取信息处理费。"),
        "part 六 says that none were charged: {html}"
    );
    assert!(!text(&without, OutputFormat::Csv).contains("part_six"));
}
