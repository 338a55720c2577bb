//! The hotline, proposal and petition statistics as data and in every format: rows per line, category and
//! unit; rates rounded to a tenth of a percent; a broken identity named with its row; xlsx read back with
//! calamine holds numbers (rates as fractions); the JSON keeps numbers as numbers.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use casetrack_reporting::{
    OutputFormat, WORK_SECTIONS, WorkReport, is_work_cell, percent, render_work,
};

fn report(figures: &[(&str, u64)]) -> WorkReport {
    WorkReport {
        agency: "simao".to_owned(),
        agency_name: Some("思茅区人民政府".to_owned()),
        year: 2018,
        month: None,
        as_of_position: 99,
        figures: figures
            .iter()
            .map(|(c, f)| ((*c).to_owned(), *f))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// A balanced year: 200 received, 190 closed (187 on time), 10 open; 12345 and 12328 rows; 94 NPC suggestions.
fn balanced() -> WorkReport {
    report(&[
        ("hotline.received", 200),
        ("hotline.closed", 190),
        ("hotline.closed_on_time", 187),
        ("hotline.closed_late", 3),
        ("hotline.open_at_end", 10),
        ("hotline.followed_up", 150),
        ("hotline.satisfied", 149),
        ("hotline.received@line=12345", 150),
        ("hotline.closed@line=12345", 150),
        ("hotline.closed_on_time@line=12345", 150),
        ("hotline.received@line=12328", 50),
        ("hotline.closed@line=12328", 40),
        ("hotline.closed_on_time@line=12328", 37),
        ("hotline.closed_late@line=12328", 3),
        ("hotline.open_at_end@line=12328", 10),
        ("proposals.received", 94),
        ("proposals.answered", 94),
        ("proposals.answered_on_time", 94),
        ("proposals.published", 94),
        ("proposals.received@kind=npc_suggestion", 94),
        ("proposals.answered@kind=npc_suggestion", 94),
        ("proposals.answered_on_time@kind=npc_suggestion", 94),
    ])
}

#[test]
fn rows_rates_and_identities() {
    let report = balanced();
    assert!(
        report.identity_failures().is_empty(),
        "{:?}",
        report.identity_failures()
    );
    assert!(report.has_activity());
    assert!(
        !super_stock_only().has_activity(),
        "carried and open cases only: nothing happened"
    );
    let rows = report.rows(&WORK_SECTIONS[0]);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["合计", "热线 12328", "热线 12345"]);
    assert_eq!(rows[0].rates[0], (187, 190));
    assert_eq!(percent((187, 190)), "98.4%");
    assert_eq!(percent((149, 150)), "99.3%");
    assert_eq!(percent((1, 8)), "12.5%", "half a tenth rounds up");
    assert_eq!(percent((0, 0)), "—");
    assert_eq!(report.rows(&WORK_SECTIONS[1])[1].label, "类型 人大代表建议");

    let broken = report_with(&balanced(), "hotline.closed@line=12328", 41);
    let failures = broken.identity_failures();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].cell, "hotline.carried_over@line=12328");
    assert_eq!(
        failures[0].text_zh,
        "热线工单 热线 12328：上期结转+受理量 ≠ 办结量+期末未办结（50 ≠ 51）"
    );
    assert_eq!(
        failures[1].text_zh,
        "热线工单 热线 12328：办结量 ≠ 按时办结+超期办结（41 ≠ 40）"
    );

    assert!(is_work_cell("hotline.closed_on_time@line=12345"));
    assert!(is_work_cell("petitions.tallied"));
    assert!(!is_work_cell("hotline.nonsense"));
    assert!(!is_work_cell("hotline.received@colour=red"));
    assert!(!is_work_cell("applications.received.total"));
}

fn super_stock_only() -> WorkReport {
    report(&[
        ("hotline.carried_over", 3),
        ("hotline.open_at_end", 3),
        ("hotline.overdue", 1),
    ])
}

fn report_with(report: &WorkReport, code: &str, figure: u64) -> WorkReport {
    let mut changed = report.clone();
    changed.figures.insert(code.to_owned(), figure);
    changed
}

#[test]
fn every_format_renders_and_numbers_stay_numbers() {
    let report = balanced();
    let json: serde_json::Value =
        serde_json::from_slice(&render_work(&report, OutputFormat::Json).expect("json"))
            .expect("parse");
    assert_eq!(
        json["title"],
        "思茅区人民政府2018年热线、建议提案及信访工作统计"
    );
    assert_eq!(json["sections"][0]["rows"][0]["figures"]["received"], 200);
    assert_eq!(json["sections"][0]["rows"][0]["rates"][0]["numerator"], 187);
    assert_eq!(
        json["sections"][0]["rows"][0]["rates"][0]["code"],
        "hotline.on_time_rate"
    );
    assert_eq!(json["identity_failures"], serde_json::json!([]));

    let csv = render_work(&report, OutputFormat::Csv).expect("csv");
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    let csv = String::from_utf8(csv).expect("UTF-8");
    assert!(
        csv.starts_with("\u{feff}cell_code,label_zh,value\n"),
        "{csv}"
    );
    assert!(
        csv.contains("hotline.on_time_rate,热线工单 合计 按时办结率,98.4%\n"),
        "{csv}"
    );
    assert!(
        csv.contains("hotline.received@line=12345,热线工单 热线 12345 受理量,150\n"),
        "{csv}"
    );
    assert!(
        csv.contains("hotline.satisfaction_rate@line=12345,热线工单 热线 12345 满意率,—\n"),
        "{csv}"
    );

    let html =
        String::from_utf8(render_work(&report, OutputFormat::Html).expect("html")).expect("UTF-8");
    assert!(
        html.contains("<h2>建议提案</h2>") && html.contains("勾稽关系校验通过"),
        "{html}"
    );
    assert!(html.contains("<td class=\"figure\">98.4%</td>"), "{html}");
    assert!(
        html.contains("<thead>"),
        "the header row repeats on every printed page: {html}"
    );
    let md = String::from_utf8(render_work(&report, OutputFormat::Markdown).expect("md"))
        .expect("UTF-8");
    assert!(md.contains("| 热线 12328 | 0 | 50 |"), "{md}");

    let xlsx = render_work(&report, OutputFormat::Xlsx).expect("xlsx");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).expect("read back");
    let sheet = book.worksheet_range("热线工单").expect("sheet");
    // Row 3 is the whole agency: label, then 上期结转, 受理量 …; the rates after the measures.
    assert_eq!(
        sheet.get_value((3, 0)),
        Some(&Data::String("合计".to_owned()))
    );
    assert_eq!(sheet.get_value((3, 2)), Some(&Data::Float(200.0)));
    let on_time = 1 + WORK_SECTIONS[0].2.len() as u32;
    assert_eq!(
        sheet.get_value((3, on_time)),
        Some(&Data::Float(187.0 / 190.0))
    );
    // A rate with nothing below the line is a dash, not a zero.
    let satisfaction = on_time + 2;
    assert_eq!(
        sheet.get_value((5, satisfaction)),
        Some(&Data::String("—".to_owned()))
    );
    let facts = book.worksheet_range("报告信息").expect("facts sheet");
    assert_eq!(
        facts.get_value((4, 1)),
        Some(&Data::String("勾稽关系校验通过".to_owned()))
    );

    assert_eq!(
        render_work(&report, OutputFormat::Kirogov).expect_err("kirogov"),
        casetrack_reporting::ReportingError::KirogovIsAnnualOnly
    );
}

#[test]
fn a_failing_identity_is_printed_in_every_text_format() {
    let broken = report_with(&balanced(), "hotline.closed@line=12328", 41);
    for format in [OutputFormat::Html, OutputFormat::Markdown] {
        let text = String::from_utf8(render_work(&broken, format).expect("render")).expect("UTF-8");
        assert!(
            text.contains("勾稽关系校验未通过（2处）"),
            "{format:?}: {text}"
        );
        assert!(!text.contains("勾稽关系校验通过"), "{format:?}: {text}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&render_work(&broken, OutputFormat::Json).expect("json"))
            .expect("parse");
    assert_eq!(
        json["identity_failures"][0]["cell"],
        "hotline.carried_over@line=12328"
    );
}
