//! JSON: every figure named by its cell code in table order, with agency, year, format, status, log
//! position (and `as_of_date`, `YYYY-MM-DD`, when the figures are as of a business date), rules version and
//! content hash. Reading it back re-checks the hash.
//!
//! Every figure is a JSON number: counts (and the 2019 format's signed 本年增/减) are integers; money is a
//! number in 万元, the unit its cell code names (`proactive.fees.amount_10k_yuan`), exact to the fen: at most
//! six decimals, written as the shortest decimal that states the amount (0.038 is 380 元), for amounts up to
//! `MAX_EXACT_NUMBER_FEN` (10^9 万元; beyond it an exact decimal string). Read money as a decimal, not a float,
//! to add it up exactly (Python: `json.loads(text, parse_float=decimal.Decimal)`). The narrative's
//! `fees_collected_10k_yuan` and part 六's `information_fees` (`notices_issued`, `charged_10k_yuan`,
//! `collected_10k_yuan`; present only when the agency charged or collected any) follow the same rule. The
//! officer's own paragraphs are `written_parts` (`part` 1–6, `version`, `text`), present when any part was
//! written. A blank cell (only in a stored report that left one blank) is `null`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ReportingError;
use crate::fees::InformationFees;
use crate::figure::{Fen, Figure, Unit};
use crate::format::ReportFormat;
use crate::layout::catalogue;
use crate::narrative::NarrativeFigures;
use crate::published::{FiguresInTableOrder, MoneyAs, PublishedReport, ReportStatus};
use crate::report::Report;
use crate::written::WrittenPart;

/// Largest JSON document accepted by [`from_json`]; a full report is a few tens of kilobytes.
pub const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

#[derive(Serialize)]
struct Document<'a> {
    agency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency_name: Option<&'a str>,
    year: i32,
    format: ReportFormat,
    status: &'a ReportStatus,
    as_of_position: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of_date: Option<NaiveDate>,
    rules_version: &'a str,
    content_hash: &'a str,
    narrative: &'a NarrativeFigures,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_fees: Option<&'a InformationFees>,
    #[serde(skip_serializing_if = "<[WrittenPart]>::is_empty")]
    written_parts: &'a [WrittenPart],
    figures: FiguresInTableOrder<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDocument {
    agency: String,
    // Absent in documents of agencies without a registered name and in those written before the registry.
    #[serde(default)]
    agency_name: Option<String>,
    year: i32,
    format: ReportFormat,
    status: ReportStatus,
    as_of_position: u64,
    // Absent in reports computed by log position alone, and in those written before business dates.
    #[serde(default)]
    as_of_date: Option<NaiveDate>,
    rules_version: String,
    content_hash: String,
    narrative: NarrativeFigures,
    // Absent in reports without part 六's fee figures.
    #[serde(default)]
    information_fees: Option<InformationFees>,
    // Absent when the officer wrote no part, and in documents written before parts could be written.
    #[serde(default)]
    written_parts: Vec<WrittenPart>,
    figures: BTreeMap<String, serde_json::Value>,
}

/// Pretty JSON with a fixed key order.
pub fn to_json(published: &PublishedReport) -> String {
    let report = &published.report;
    let document = Document {
        agency: report.agency(),
        agency_name: published.agency_name.as_deref(),
        year: report.year(),
        format: report.format(),
        status: &published.status,
        as_of_position: published.as_of_position,
        as_of_date: published.as_of_date,
        rules_version: &published.rules_version,
        content_hash: &published.content_hash,
        narrative: report.narrative(),
        information_fees: published.information_fees.as_ref(),
        written_parts: &published.written,
        figures: FiguresInTableOrder(report, MoneyAs::Number),
    };
    // Strings, integers and derived enums written to memory: serde_json cannot fail on these.
    serde_json::to_string_pretty(&document).expect("report JSON of strings and integers")
}

/// Reads a report written by [`to_json`]; errors name the field, and a hash that does not match the
/// figures is rejected. Figures are taken as stored (not re-derived), so [`crate::check`] can judge them.
pub fn from_json(text: &str) -> Result<PublishedReport, ReportingError> {
    let published = read_json(text)?;
    published.verify_hash()?;
    Ok(published)
}

/// [`from_json`] without the hash check: what an audit reads, to report a hash that does not match as one
/// finding among the others rather than refuse the file.
pub fn read_json(text: &str) -> Result<PublishedReport, ReportingError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(ReportingError::BadJson {
            field: "(document)".to_string(),
            reason: format!("{} bytes exceeds {MAX_JSON_BYTES}", text.len()),
        });
    }
    let stored: StoredDocument =
        serde_json::from_str(text).map_err(|e| ReportingError::BadJson {
            field: "(document)".to_string(),
            reason: e.to_string(),
        })?;
    let catalogue = catalogue(stored.format);
    let mut figures = Vec::with_capacity(stored.figures.len());
    for (code, value) in stored.figures {
        let Some(i) = catalogue.index_of(&code) else {
            return Err(ReportingError::UnknownCell {
                code,
                format: stored.format.code(),
            });
        };
        if value.is_null() {
            continue;
        }
        let unit = catalogue.cells()[i].unit;
        let figure = figure_from_json(unit, &value).ok_or_else(|| ReportingError::BadJson {
            field: format!("figures.{code}"),
            reason: format!("expected {unit:?}, got {value}"),
        })?;
        figures.push((code, figure));
    }
    let report = Report::from_stored(
        stored.agency,
        stored.year,
        stored.format,
        figures,
        stored.narrative,
    )?;
    Ok(PublishedReport {
        as_of_position: stored.as_of_position,
        rules_version: stored.rules_version,
        content_hash: stored.content_hash,
        status: stored.status,
        report,
        agency_name: stored.agency_name,
        information_fees: stored.information_fees,
        // The 落款 date is the printed document's, not the figures': the JSON of a log position is the same
        // whichever day it is written.
        signed_on: None,
        as_of_date: stored.as_of_date,
        written: stored.written_parts,
        // The work figures are quoted in the printed parts, not written with the tables.
        work: std::collections::BTreeMap::new(),
    })
}

/// Exactly as written: counts and changes as integers, money as an exact 万元 number (or, in documents
/// written before money was a number, an exact 万元 string).
fn figure_from_json(unit: Unit, value: &serde_json::Value) -> Option<Figure> {
    match unit {
        Unit::Count => value.as_u64().map(Figure::Count),
        Unit::Change => value.as_i64().map(Figure::Change),
        Unit::Money => Fen::deserialize(value).ok().map(Figure::Money),
    }
}
