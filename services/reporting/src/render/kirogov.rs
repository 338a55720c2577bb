//! KIROGOVCOMPARE's table schema: the `parsed_json` of that public tool for checking published reports (its
//! `sections` of type `table_2` / `table_3` / `table_4`, camelCase keys, 万元 as a number), written for our
//! 2021-format reports and read, bare or inside its structured-import package (`source.json`: `source` +
//! `parsed_json`), for an audit. Only the 2021 format: the tool knows no other. The mapping of its keys to our
//! cell codes is the one table below, used both ways.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::parts;
use crate::audit::FileHints;
use crate::error::ReportingError;
use crate::figure::{Fen, Figure, Unit};
use crate::format::ReportFormat;
use crate::layout::catalogue;
use crate::published::PublishedReport;
use crate::report::Report;

/// Table 二: key path under `activeDisclosureData` → cell code.
const PROACTIVE: [(&str, &str); 10] = [
    ("/regulations/made", "proactive.rules.issued"),
    ("/regulations/repealed", "proactive.rules.repealed"),
    ("/regulations/valid", "proactive.rules.in_force"),
    (
        "/normativeDocuments/made",
        "proactive.normative_documents.issued",
    ),
    (
        "/normativeDocuments/repealed",
        "proactive.normative_documents.repealed",
    ),
    (
        "/normativeDocuments/valid",
        "proactive.normative_documents.in_force",
    ),
    ("/licensing/processed", "proactive.licensing.decisions"),
    ("/punishment/processed", "proactive.penalty.decisions"),
    ("/coercion/processed", "proactive.compulsion.decisions"),
    ("/fees/amount", "proactive.fees.amount_10k_yuan"),
];
/// Table 三's applicant columns: key path under `tableData` → column code.
const APPLICANTS: [(&str, &str); 7] = [
    ("/naturalPerson", "natural_person"),
    ("/legalPerson/commercial", "business"),
    ("/legalPerson/research", "research"),
    ("/legalPerson/social", "nonprofit"),
    ("/legalPerson/legal", "legal_service"),
    ("/legalPerson/other", "other_org"),
    ("/total", "total"),
];
/// Table 三's rows: key path under an applicant → row code.
const APPLICATION_ROWS: [(&str, &str); 25] = [
    ("/newReceived", "received"),
    ("/carriedOver", "carried_over"),
    ("/results/granted", "disclosed"),
    ("/results/partialGrant", "partly_disclosed"),
    ("/results/denied/stateSecret", "withheld.state_secret"),
    ("/results/denied/lawForbidden", "withheld.prohibited_by_law"),
    (
        "/results/denied/safetyStability",
        "withheld.security_stability",
    ),
    ("/results/denied/thirdPartyRights", "withheld.third_party"),
    (
        "/results/denied/internalAffairs",
        "withheld.internal_affairs",
    ),
    ("/results/denied/processInfo", "withheld.process_info"),
    (
        "/results/denied/enforcementCase",
        "withheld.enforcement_file",
    ),
    ("/results/denied/adminQuery", "withheld.query_matter"),
    ("/results/unableToProvide/noInfo", "unavailable.not_held"),
    (
        "/results/unableToProvide/needCreation",
        "unavailable.needs_creation",
    ),
    (
        "/results/unableToProvide/unclear",
        "unavailable.still_unclear",
    ),
    (
        "/results/notProcessed/complaint",
        "not_processed.petition_complaint",
    ),
    ("/results/notProcessed/repeat", "not_processed.repeated"),
    (
        "/results/notProcessed/publication",
        "not_processed.publication",
    ),
    (
        "/results/notProcessed/massiveRequests",
        "not_processed.excessive",
    ),
    (
        "/results/notProcessed/confirmInfo",
        "not_processed.confirm_existing",
    ),
    ("/results/other/overdueCorrection", "other.no_supplement"),
    ("/results/other/overdueFee", "other.fee_unpaid"),
    ("/results/other/otherReasons", "other.other"),
    ("/results/totalProcessed", "outcome_total"),
    ("/results/carriedForward", "carried_forward"),
];
/// Table 四: key path under `reviewLitigationData` → row code, and under a row → column code.
const CHALLENGE_ROWS: [(&str, &str); 3] = [
    ("/review", "reconsideration"),
    ("/litigationDirect", "litigation_direct"),
    ("/litigationPostReview", "litigation_after_reconsideration"),
];
const CHALLENGE_COLUMNS: [(&str, &str); 5] = [
    ("/maintain", "upheld"),
    ("/correct", "corrected"),
    ("/other", "other"),
    ("/unfinished", "pending"),
    ("/total", "total"),
];

/// A section type, the key of its data, and the title it carries.
const TABLE_2: (&str, &str) = ("table_2", "activeDisclosureData");
const TABLE_3: (&str, &str) = ("table_3", "tableData");
const TABLE_4: (&str, &str) = ("table_4", "reviewLitigationData");
/// The type of a narrative section.
const TEXT: &str = "text";
/// Cell texts the tool reads as "no figure" (blank): identity 5 fails on them.
const BLANK_TEXTS: [&str; 6] = ["", "/", "-", "—", "--", "不适用"];

/// Every figure of the schema: (section, data key, key path, cell code).
fn mapping() -> Vec<((&'static str, &'static str), String, String)> {
    let mut out = Vec::new();
    for (path, code) in PROACTIVE {
        out.push((TABLE_2, path.to_owned(), code.to_owned()));
    }
    for (applicant, column) in APPLICANTS {
        for (row_path, row) in APPLICATION_ROWS {
            let code = format!("applications.{row}.{column}");
            out.push((TABLE_3, format!("{applicant}{row_path}"), code));
        }
    }
    for (row_path, row) in CHALLENGE_ROWS {
        for (column_path, column) in CHALLENGE_COLUMNS {
            let code = format!("challenges.{row}.{column}");
            out.push((TABLE_4, format!("{row_path}{column_path}"), code));
        }
    }
    out
}

/// Whether a JSON text is in this schema (bare `sections` or the structured-import package).
pub fn looks_like(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        sections: Option<Value>,
        parsed_json: Option<Value>,
    }
    serde_json::from_str::<Probe>(text)
        .is_ok_and(|probe| probe.sections.is_some() || probe.parsed_json.is_some())
}

fn unsupported(format: ReportFormat) -> ReportingError {
    ReportingError::NotInKirogovSchema {
        basis: format.basis_zh(),
    }
}

/// The report in the schema, with its parts 一 and 六 as text sections and its agency and year in
/// `basic_info` (which the schema leaves open).
pub fn to_kirogov(published: &PublishedReport) -> Result<String, ReportingError> {
    let report = &published.report;
    if report.format() != ReportFormat::Format2021 {
        return Err(unsupported(report.format()));
    }
    let mut data: [Value; 3] = [json!({}), json!({}), json!({})];
    for (section, path, code) in mapping() {
        let value = match report.get(&code) {
            Some(Figure::Money(fen)) => json!(fen),
            Some(Figure::Count(n)) => json!(n),
            Some(Figure::Change(n)) => json!(n),
            None => Value::Null,
        };
        let slot = [TABLE_2, TABLE_3, TABLE_4]
            .iter()
            .position(|t| *t == section)
            .expect("every mapped section is one of the three tables");
        put(&mut data[slot], &path, value);
    }
    let layout = catalogue(report.format()).layout;
    let [proactive, applications, challenges] = data;
    let sections = vec![
        json!({"type": TEXT, "title": parts::PART_ONE, "content": with_written(parts::overview(published), published, 1)}),
        json!({"type": TABLE_2.0, "title": layout.tables[0].heading_zh(), TABLE_2.1: proactive}),
        json!({"type": TABLE_3.0, "title": layout.tables[1].heading_zh(), TABLE_3.1: applications}),
        json!({"type": TABLE_4.0, "title": layout.tables[2].heading_zh(), TABLE_4.1: challenges}),
        json!({"type": TEXT, "title": parts::PART_SIX, "content": with_written(parts::other_matters(published), published, 6)}),
    ];
    let document = json!({
        "basic_info": {
            "organization_name": published.display_name(),
            "agency_id": report.agency(),
            "report_year": report.year(),
        },
        "sections": sections,
    });
    // A JSON value written to memory: serde_json cannot fail on it.
    Ok(serde_json::to_string_pretty(&document).expect("a JSON value"))
}

/// Sets `value` at the key path `path` (`/a/b`) of `target`, making the objects on the way.
fn put(target: &mut Value, path: &str, value: Value) {
    let mut at = target;
    let keys: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, key) in keys.iter().enumerate() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else {
            unreachable!("made an object just above")
        };
        if i + 1 == keys.len() {
            map.insert((*key).to_owned(), value);
            return;
        }
        at = map.entry(*key).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Reads the schema (bare, or the package's `source` + `parsed_json`): the report as printed and the text
/// of its narrative sections.
pub fn from_kirogov(
    text: &str,
    hints: &FileHints,
    file: &str,
) -> Result<(Report, String), ReportingError> {
    let bad = |reason: String| ReportingError::AuditFile {
        file: file.to_owned(),
        reason,
    };
    let document: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let (info, parsed) = match document.get("parsed_json") {
        Some(parsed) => (document.get("source"), parsed),
        None => (document.get("basic_info"), &document),
    };
    let named = |key: &str| info.and_then(|i| i.get(key));
    let agency = named("agency_id")
        .or_else(|| named("organization_name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let year = named("report_year")
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok());
    let year = hints.year_or(year, file)?;
    let format = ReportFormat::for_year(year);
    if format != ReportFormat::Format2021 {
        return Err(unsupported(format));
    }
    let sections = parsed
        .get("sections")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("没有 sections 数组".to_owned()))?;
    let section = |(kind, key): (&str, &str)| {
        sections
            .iter()
            .find(|s| s.get("type").and_then(Value::as_str) == Some(kind))
            .and_then(|s| s.get(key))
    };
    let catalogue = catalogue(format);
    let mut figures = Vec::new();
    for (table, path, code) in mapping() {
        let Some(value) = section(table).and_then(|data| data.pointer(&path)) else {
            continue;
        };
        let unit = catalogue
            .index_of(&code)
            .map(|i| catalogue.cells()[i].unit)
            .ok_or_else(|| bad(format!("{code}: no such cell")))?;
        if let Some(figure) =
            figure_of(unit, value).map_err(|v| bad(format!("{}{path}: {v} 不是数字", table.1)))?
        {
            figures.push((code, figure));
        }
    }
    let narrative: Vec<&str> = sections
        .iter()
        .filter_map(|s| s.get("content").and_then(Value::as_str))
        .collect();
    let report = Report::from_printed(hints.agency_or(agency), year, format, figures)?;
    Ok((report, narrative.join("\n")))
}

/// A figure as the tool writes it: a number, a numeric string, or a blank (null, "", "/", "-" …).
fn figure_of(unit: Unit, value: &Value) -> Result<Option<Figure>, String> {
    let figure = match value {
        Value::Null => return Ok(None),
        Value::String(text) if BLANK_TEXTS.contains(&text.trim()) => return Ok(None),
        Value::String(text) => Figure::parse(unit, &text.replace(',', "")),
        Value::Number(_) if unit == Unit::Money => Fen::deserialize(value).ok().map(Figure::Money),
        Value::Number(n) => n
            .as_i64()
            .and_then(|n| Figure::from_i128(unit, i128::from(n))),
        _ => None,
    };
    figure.map(Some).ok_or_else(|| value.to_string())
}

/// A text section's computed words followed by the officer's paragraphs of `part`, one paragraph a line.
fn with_written(computed: String, published: &PublishedReport, part: u8) -> String {
    match crate::written::part(&published.written, part) {
        Some(written) => std::iter::once(computed.as_str())
            .chain(written.paragraphs())
            .collect::<Vec<_>>()
            .join("\n"),
        None => computed,
    }
}
