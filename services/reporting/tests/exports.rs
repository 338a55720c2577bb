//! The exports a spreadsheet or another program reads: CSV starts with a UTF-8 byte-order mark (Excel on
//! Chinese Windows) and is written in GBK on request, refusing a character GBK lacks; xlsx read back with
//! calamine holds every figure as a number (money in 万元, exact); the JSON document follows its schema, every
//! figure a number, money with at most six decimals, and the business date and the officer's paragraphs stated
//! when the report has them.

mod common;

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use casetrack_reporting::csv::{CsvEncoding, UTF8_BOM, encode};
use casetrack_reporting::{
    Fen, Figure, OutputFormat, PublishedReport, ReportBuilder, ReportingError, Unit, WrittenPart,
    cells, json, render,
};
use chrono::NaiveDate;
use common::balanced;

/// A 2024 report whose table 二 fee is 15.6011 万元 (156,011 元), the amount the issue saw written as text.
fn published() -> PublishedReport {
    let base = balanced("simao", 2024, &[3, 0, 12, 1]);
    let mut builder = ReportBuilder::new("simao", 2024).expect("builder");
    for cell in base.cells().filter(|c| !c.spec.derived) {
        match cell.figure.expect("no blank") {
            Figure::Count(n) => builder.add(&cell.spec.code, n),
            Figure::Change(n) => builder.add_change(&cell.spec.code, n),
            Figure::Money(_) => builder.add_money(&cell.spec.code, Fen(15_601_100)),
        }
        .expect("add");
    }
    let report = builder.build().expect("build");
    PublishedReport::publish(report, None, 42, "rules-test").expect("publish")
}

#[test]
fn csv_starts_with_a_byte_order_mark_and_gbk_is_written_on_request() {
    let bytes = render(&published(), OutputFormat::Csv).expect("csv");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "no UTF-8 byte-order mark");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let body = text.strip_prefix(UTF8_BOM).expect("BOM");
    assert!(body.starts_with("cell_code,label_zh,value\n"));
    assert!(body.contains("行政事业性收费"));

    let gbk = encode(&text, CsvEncoding::Gbk).expect("gbk");
    assert_ne!(
        &gbk[..3],
        b"\xEF\xBB\xBF",
        "a GBK file carries no UTF-8 mark"
    );
    let (decoded, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&gbk);
    assert!(!had_errors);
    assert_eq!(decoded, body);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the Chinese text was not transcoded"
    );

    assert_eq!(
        encode("机关,😀\n", CsvEncoding::Gbk),
        Err(ReportingError::NotInGbk('😀'))
    );
    assert_eq!("GBK".parse::<CsvEncoding>(), Ok(CsvEncoding::Gbk));
    assert!("latin1".parse::<CsvEncoding>().is_err());
}

/// Every cell of every table sheet of the workbook.
fn table_sheets(bytes: Vec<u8>) -> Vec<(String, calamine::Range<Data>)> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).expect("an xlsx workbook");
    let names = workbook.sheet_names().to_vec();
    names
        .into_iter()
        .skip(1) // the facts sheet: title, status, provenance as text
        .map(|name| {
            let range = workbook.worksheet_range(&name).expect("sheet");
            (name, range)
        })
        .collect()
}

/// The first filled cell right of the first cell holding `label` (a label may be merged over columns).
fn right_of<'a>(range: &'a calamine::Range<Data>, label: &str) -> &'a Data {
    let (row, col) = range
        .cells()
        .find(|(_, _, d)| matches!(d, Data::String(s) if s == label))
        .map(|(r, c, _)| (r, c))
        .unwrap_or_else(|| panic!("no {label:?}"));
    (col + 1..range.width())
        .filter_map(|c| range.get((row, c)))
        .find(|d| !matches!(d, Data::Empty))
        .expect("a figure to the right")
}

#[test]
fn xlsx_figures_read_back_as_numbers() {
    let published = published();
    let bytes = render(&published, OutputFormat::Xlsx).expect("xlsx");
    let sheets = table_sheets(bytes);
    assert_eq!(sheets.len(), 3, "tables 二, 三, 四");
    for (name, range) in &sheets {
        for (row, col, data) in range.cells() {
            if let Data::String(text) = data {
                assert!(
                    text.parse::<f64>().is_err(),
                    "{name} ({row},{col}): the figure {text:?} is text"
                );
            }
        }
    }
    let (_, proactive) = &sheets[0];
    assert_eq!(right_of(proactive, "行政事业性收费"), &Data::Float(15.6011));
    let (_, applications) = &sheets[1];
    let received = right_of(applications, "一、本年新收政府信息公开申请数量");
    let expected = published
        .report
        .get("applications.received.natural_person")
        .map(|f| f.as_i128() as f64);
    assert_eq!(received.as_f64(), expected);
}

#[test]
fn json_follows_its_schema_with_every_figure_a_number() {
    let published = published();
    let text = json::to_json(&published);
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let object = document.as_object().expect("an object");
    for (key, is_type) in [
        (
            "agency",
            serde_json::Value::is_string as fn(&serde_json::Value) -> bool,
        ),
        ("year", serde_json::Value::is_i64),
        ("format", serde_json::Value::is_string),
        ("status", serde_json::Value::is_string),
        ("as_of_position", serde_json::Value::is_u64),
        ("rules_version", serde_json::Value::is_string),
        ("content_hash", serde_json::Value::is_string),
        ("narrative", serde_json::Value::is_object),
        ("figures", serde_json::Value::is_object),
    ] {
        assert!(
            object.get(key).is_some_and(is_type),
            "{key}: {:?}",
            object.get(key)
        );
    }
    let figures = object["figures"].as_object().expect("figures");
    let specs = cells(published.format());
    assert_eq!(figures.len(), specs.len());
    for spec in specs {
        let value = &figures[&spec.code];
        match spec.unit {
            Unit::Count => assert!(value.is_u64(), "{}: {value}", spec.code),
            Unit::Change => assert!(value.is_i64(), "{}: {value}", spec.code),
            Unit::Money => {
                assert!(value.is_number(), "{}: {value}", spec.code);
                let decimals = value
                    .to_string()
                    .split_once('.')
                    .map_or(0, |(_, d)| d.len());
                assert!(decimals <= 6, "{}: {value}", spec.code);
            }
        }
    }
    assert_eq!(
        figures["proactive.fees.amount_10k_yuan"],
        serde_json::json!(15.6011)
    );
    assert_eq!(json::from_json(&text).expect("read back"), published);
}

/// A report as of a business date, with the officer's paragraphs of parts 三 and 五: the JSON states both
/// (`as_of_date` as `YYYY-MM-DD`, `written_parts` with versions) and reads them back; a report without them
/// has neither key; the HTML prints part 三's paragraph after its table and before part 四, and the colophon
/// both the date and the versions; the content hash is the same either way.
#[test]
fn business_date_and_written_parts_are_stated_beside_unchanged_figures() {
    let plain = published();
    let written = vec![
        WrittenPart {
            part: 3,
            version: 2,
            text: "申请量较上年有所增加。".to_owned(),
        },
        WrittenPart {
            part: 5,
            version: 1,
            text: "一是培训不足。\n二是平台待完善。".to_owned(),
        },
    ];
    let dated = plain
        .clone()
        .with_as_of_date(NaiveDate::from_ymd_opt(2024, 12, 31))
        .with_written(written.clone());
    let plain_json: serde_json::Value = serde_json::from_str(&json::to_json(&plain)).expect("JSON");
    assert!(plain_json.get("as_of_date").is_none());
    assert!(plain_json.get("written_parts").is_none());
    let text = json::to_json(&dated);
    let document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(document["as_of_date"], "2024-12-31");
    assert_eq!(document["written_parts"][1]["version"], 1);
    assert_eq!(document["content_hash"], plain_json["content_hash"]);
    let read = json::from_json(&text).expect("read back");
    assert_eq!(read.as_of_date, dated.as_of_date);
    assert_eq!(read.written, written);
    let html = String::from_utf8(render(&dated, OutputFormat::Html).expect("html")).expect("utf-8");
    let paragraph = html
        .find("申请量较上年有所增加。")
        .expect("part 三's paragraph");
    let table_three = html
        .find("三、收到和处理政府信息公开申请情况")
        .expect("table 三");
    let part_four = html.find("四、政府信息公开行政复议").expect("part 四");
    assert!(
        table_three < paragraph && paragraph < part_four,
        "in part 三"
    );
    assert!(html.contains("<p class=\"written\">二是平台待完善。</p>"));
    assert!(
        html.contains("业务日期截至"),
        "the colophon states the date"
    );
    assert!(html.contains("三 第2版；五 第1版"), "and the versions");
    let csv = String::from_utf8(render(&dated, OutputFormat::Csv).expect("csv")).expect("utf-8");
    assert!(
        csv.contains("written_part.5,第五部分（本机关撰写）（第1版）"),
        "{csv}"
    );
    let body = csv.strip_prefix(UTF8_BOM).expect("BOM");
    let again =
        casetrack_reporting::csv::from_csv(body, "simao", 2024).expect("the tables read back");
    assert_eq!(again, dated.report);
}
