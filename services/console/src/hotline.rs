//! 热线看板: the hotline figures of an agency (with its subtree) for a year or one month — tickets received,
//! closed, on time, overdue, re-handled, satisfied — overall and by line, category and handling unit, every
//! figure a link to the tickets behind it. The figures are the statistics `Reporting/GetWorkReport` renders
//! (read in-process, unrendered) and each list is `Reporting/DrillDownWork`, under those methods' policy: a
//! figure and its list are one computation. A period with no hotline, proposal or petition work is refused
//! as the RPC refuses it, never shown as zeros.

use axum::extract::{Query, State};
use axum::response::Html;
use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_server::Reporting;
use casetrack_domain::hotline::HotlineCategory;
use casetrack_projector::workload::WorkFigures;
use casetrack_reporting::{WORK_DIMENSIONS, WORK_RATES, WORK_SECTIONS, percent};
use maud::{Markup, html};
use serde::Deserialize;

use crate::backend::Backend;
use crate::drill::{MAX_CELL_CODE_CHARS, cases_listed};
use crate::error::ConsoleError;
use crate::page::page;
use crate::queue::encode;
use crate::report::{MAX_AGENCY_CHARS, ReportQuery, Target};
use crate::router::Console;
use crate::staff::Staff;

const WORK_REPORT_METHOD: &str = "/casetrack.v1.Reporting/GetWorkReport";
const DRILL_DOWN_WORK_METHOD: &str = "/casetrack.v1.Reporting/DrillDownWork";

/// Most rows one breakdown table shows (lines, categories or units), largest intake first.
pub const MAX_BREAKDOWN_ROWS: usize = 100;

/// The columns of the summary and of every breakdown row: (measure of the `hotline` section, heading).
const COLUMNS: [(&str, &str); 7] = [
    ("received", "受理量"),
    ("closed", "办结量"),
    ("closed_on_time", "按时办结"),
    ("overdue", "超期"),
    ("returned", "退单"),
    ("rehandled", "重办"),
    ("satisfied", "满意"),
];

/// The rates of the `hotline` section shown beside the figures (`WORK_RATES`), by their code.
const SHOWN_RATES: [&str; 2] = ["hotline.on_time_rate", "hotline.satisfaction_rate"];

/// The dashboard's address: agency, year, month (empty: the whole year), roll-up; for a drill-down the cell
/// and the page.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HotlineQuery {
    agency: String,
    year: String,
    month: String,
    sub: String,
    cell: String,
    page: usize,
}

/// Which figures: the report target (agency, year, roll-up) and the month.
struct Board {
    target: Target,
    month: Option<u32>,
}

impl HotlineQuery {
    fn board(&self, staff: &Staff) -> Result<Board, ConsoleError> {
        let report = ReportQuery {
            agency: self.agency.clone(),
            year: self.year.clone(),
            sub: self.sub.clone(),
            as_of: String::new(),
            as_of_date: String::new(),
        };
        let month = match self.month.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                ConsoleError::bad_request(format!("月份须为 1 至 12，收到“{text}”。"))
            })?),
        };
        Ok(Board {
            target: report.target(staff)?,
            month,
        })
    }
}

impl Board {
    fn query(&self) -> String {
        let month = self.month.map(|m| m.to_string()).unwrap_or_default();
        format!("{}&month={month}", self.target.query(false))
    }

    fn period_zh(&self) -> String {
        match self.month {
            Some(month) => format!("{}年{month}月", self.target.year),
            None => format!("{}年", self.target.year),
        }
    }
}

pub async fn hotline_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<HotlineQuery>,
) -> Result<Html<String>, ConsoleError> {
    let board = query.board(&staff)?;
    let request = pb::GetWorkReportRequest {
        target: Some(board.target.pb()),
        month: board.month.unwrap_or(0),
        ..Default::default()
    };
    let call = |b: Backend, r| async move { b.reporting.work_statistics(r).await };
    let figures = console
        .backend
        .call(&staff.identity, WORK_REPORT_METHOD, request, call)
        .await?
        .figures;
    let body = html! {
        (selector(&board))
        (summary(&board, &figures))
        @for (dimension, label) in WORK_DIMENSIONS.iter().filter(|(d, _)| *d != "kind") {
            (breakdown(&board, &figures, dimension, label))
        }
    };
    Ok(page(&staff, "热线看板", body))
}

/// The tickets behind one figure of the dashboard.
pub async fn hotline_drill_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<HotlineQuery>,
) -> Result<Html<String>, ConsoleError> {
    if query.cell.chars().count() > MAX_CELL_CODE_CHARS {
        return Err(ConsoleError::bad_request(format!(
            "单元格代码不得超过 {MAX_CELL_CODE_CHARS} 个字符。"
        )));
    }
    let board = query.board(&staff)?;
    let request = pb::DrillDownWorkRequest {
        target: Some(board.target.pb()),
        cell_code: query.cell.clone(),
        month: board.month.unwrap_or(0),
        as_of: None,
    };
    let call = |b: Backend, r| async move { b.reporting.drill_down_work(r).await };
    let answer = console
        .backend
        .call(&staff.identity, DRILL_DOWN_WORK_METHOD, request, call)
        .await?;
    let this = format!(
        "/hotline/drill?{}&cell={}",
        board.query(),
        encode(&query.cell)
    );
    let body = html! {
        p { a href={ "/hotline?" (board.query()) } { "返回热线看板" } }
        (cases_listed(&answer, query.page, &this, html! {
            dt { "机关" } dd { (board.target.agency) @if board.target.subtree { "（含下级汇总）" } }
            dt { "期间" } dd { (board.period_zh()) }
            dt { "指标" } dd { code { (query.cell) } }
        }))
    };
    Ok(page(&staff, "热线看板明细", body))
}

/// The figure of `cell` as a link to its drill-down (a figure of 0 lists nothing, so it is plain text).
fn figure(board: &Board, figures: &WorkFigures, cell: &str) -> Markup {
    let value = figures.get(cell).copied().unwrap_or(0);
    html! {
        @if value == 0 { span.figure data-cell=(cell) { "0" } }
        @else { a.figure data-cell=(cell) href={ "/hotline/drill?" (board.query()) "&cell=" (encode(cell)) } { (value) } }
    }
}

/// Rate `code` (`WORK_RATES`: numerator and denominator measures) of the cells `hotline.{measure}{row}`
/// as a percentage; "—" when the denominator counts nothing.
fn rate(figures: &WorkFigures, code: &str, row: &str) -> String {
    let Some((_, _, numerator, denominator)) = WORK_RATES.iter().find(|(c, ..)| *c == code) else {
        return "—".to_owned();
    };
    let get = |measure: &str| {
        figures
            .get(&format!("hotline.{measure}{row}"))
            .copied()
            .unwrap_or(0)
    };
    percent((get(numerator), get(denominator)))
}

fn rate_label(code: &str) -> &'static str {
    WORK_RATES
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or("", |(_, label, ..)| label)
}

fn summary(board: &Board, figures: &WorkFigures) -> Markup {
    let measures = WORK_SECTIONS
        .iter()
        .find(|(s, ..)| *s == "hotline")
        .map_or(&[][..], |(_, _, m)| m);
    html! {
        section.hotline-summary {
            h2 { (board.target.agency) @if board.target.subtree { "（含下级）" } " " (board.period_zh()) " 热线工单" }
            dl.figures {
                @for (measure, label) in measures {
                    dt { (label) } dd { (figure(board, figures, &format!("hotline.{measure}"))) }
                }
                @for code in SHOWN_RATES {
                    dt { (rate_label(code)) } dd.rate data-rate=(code) { (rate(figures, code, "")) }
                }
            }
        }
    }
}

/// One table of the figures by `dimension` (line, category, unit): a row per key that counts anything,
/// largest intake first, at most [`MAX_BREAKDOWN_ROWS`].
fn breakdown(board: &Board, figures: &WorkFigures, dimension: &str, label: &str) -> Markup {
    let marker = format!("@{dimension}=");
    let mut keys: Vec<&str> = figures
        .keys()
        .filter(|cell| cell.starts_with("hotline."))
        .filter_map(|cell| cell.split_once(&marker).map(|(_, key)| key))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let received = |key: &str| {
        figures
            .get(&format!("hotline.received{marker}{key}"))
            .copied()
            .unwrap_or(0)
    };
    keys.sort_by_key(|key| std::cmp::Reverse(received(key)));
    let total = keys.len();
    html! {
        section.breakdown data-dimension=(dimension) {
            h2 { "按" (label) }
            table.breakdown {
                thead { tr { th { (label) } @for (_, heading) in COLUMNS { th { (heading) } } @for code in SHOWN_RATES { th { (rate_label(code)) } } } }
                tbody {
                    @for key in keys.iter().take(MAX_BREAKDOWN_ROWS) {
                        @let row = format!("{marker}{key}");
                        tr data-key=(key) {
                            th { (key_zh(dimension, key)) }
                            @for (measure, _) in COLUMNS { td { (figure(board, figures, &format!("hotline.{measure}{row}"))) } }
                            @for code in SHOWN_RATES { td.rate { (rate(figures, code, &row)) } }
                        }
                    }
                }
            }
            @if total > MAX_BREAKDOWN_ROWS { p { "仅列出受理量最多的 " (MAX_BREAKDOWN_ROWS) " 项（共 " (total) " 项）。" } }
        }
    }
}

/// A category by its Chinese name; a line or unit as it is recorded.
fn key_zh(dimension: &str, key: &str) -> String {
    let category = (dimension == "category")
        .then(|| {
            serde_json::from_value::<HotlineCategory>(serde_json::Value::String(key.to_owned()))
                .ok()
        })
        .flatten();
    category.map_or_else(|| key.to_owned(), |c| c.label_zh().to_owned())
}

/// Agency, year, month and roll-up: a GET form, so every view has an address.
fn selector(board: &Board) -> Markup {
    let target = &board.target;
    html! {
        form.filters method="get" action="/hotline" {
            label { "机关" input type="text" name="agency" value=(target.agency) maxlength=(MAX_AGENCY_CHARS); }
            label { "年度" input type="number" name="year" value=(target.year) min="2008" max="2100"; }
            label { "月份" select name="month" {
                option value="" selected[board.month.is_none()] { "全年" }
                @for m in 1..=12u32 { option value=(m) selected[board.month == Some(m)] { (m) "月" } }
            } }
            label { input type="checkbox" name="sub" value="1" checked[target.subtree]; "含下级单位" }
            button type="submit" { "查看" }
        }
    }
}
