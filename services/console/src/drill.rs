//! The cases behind one figure of the annual report (`Reporting.DrillDown`, which records the read in the audit
//! trail): their sum is the figure, each links to its case page; a page at a time.

use axum::extract::{Query, State};
use axum::response::Html;
use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_server::Reporting;
use maud::{Markup, html};
use serde::Deserialize;

use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::page::page;
use crate::queue::{encode, kind_zh};
use crate::report::ReportQuery;
use crate::router::Console;
use crate::staff::Staff;

const DRILL_DOWN_METHOD: &str = "/casetrack.v1.Reporting/DrillDown";

/// Cases listed on one page of a drill-down.
pub const DRILL_PAGE_SIZE: usize = 100;

/// Longest cell code accepted (the formats' longest is under 80 characters).
pub const MAX_CELL_CODE_CHARS: usize = 128;

/// The report's address (the latest report: a drill-down lists the cases behind the latest figure), the cell
/// and the page. Not a flattened `ReportQuery`: a flattened query reads every value as text, `page` too.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DrillQuery {
    agency: String,
    year: String,
    sub: String,
    cell: String,
    page: usize,
    /// The business date of the report the figure is of; empty for the latest.
    as_of_date: String,
}

pub async fn drill_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<DrillQuery>,
) -> Result<Html<String>, ConsoleError> {
    if query.cell.chars().count() > MAX_CELL_CODE_CHARS {
        return Err(ConsoleError::bad_request(format!(
            "单元格代码不得超过 {MAX_CELL_CODE_CHARS} 个字符。"
        )));
    }
    let report = ReportQuery {
        agency: query.agency.clone(),
        year: query.year.clone(),
        sub: query.sub.clone(),
        as_of: String::new(),
        as_of_date: query.as_of_date.clone(),
    };
    let target = report.target(&staff)?;
    let request = pb::DrillDownRequest {
        target: Some(target.pb()),
        cell_code: query.cell.clone(),
        as_of_date: query.as_of_date.clone(),
    };
    let call = |b: Backend, r| async move { b.reporting.drill_down(r).await };
    let answer = console
        .backend
        .call(&staff.identity, DRILL_DOWN_METHOD, request, call)
        .await?;
    let back = format!("/report?{}", target.query(true));
    let this = format!(
        "/report/drill?{}&cell={}",
        target.query(true),
        encode(&query.cell)
    );
    let body = html! {
        p { a href=(back) { "返回年度报告" } }
        (cases_listed(&answer, query.page, &this, html! {
            dt { "机关" } dd { (target.agency) @if target.subtree { "（含下级汇总）" } }
            dt { "年度" } dd { (target.year) }
            @if let Some(on) = target.as_of_date { dt { "截至业务日期" } dd { (on.to_string()) } }
            dt { "单元格" } dd { code { (query.cell) } }
        }))
    };
    Ok(page(&staff, "年度报告明细", body))
}

/// The cases behind a figure, page `page` of them (`this`: the listing's own address, for the page links),
/// under the figure's provenance (`about`: its agency, period and cell) with the figure and the case count.
pub fn cases_listed(
    answer: &pb::DrillDownResponse,
    page: usize,
    this: &str,
    about: Markup,
) -> Markup {
    let pages = answer.cases.len().div_ceil(DRILL_PAGE_SIZE).max(1);
    let page_no = page.min(pages - 1);
    let shown = answer
        .cases
        .iter()
        .skip(page_no * DRILL_PAGE_SIZE)
        .take(DRILL_PAGE_SIZE);
    html! {
        dl.provenance {
            (about)
            dt { "数值" } dd.figure { (answer.figure) }
            dt { "案件数" } dd { (answer.cases.len()) " 件，第 " (page_no + 1) "/" (pages) " 页" }
        }
        table.drill {
            thead { tr { th { "编号" } th { "类别" } th { "机关" } th { "计入单元格" } th { "申请人类型" } th { "收到日期" } th { "办结日期" } th { "结果" } th { "计数" } } }
            tbody {
                @for case in shown {
                    tr data-case=(case.case_id) {
                        td { a href={ "/cases/" (case.case_id) } { (case.tracking_number) } }
                        td { (kind_zh(&case.kind)) }
                        td { (case.agency) }
                        td { code { (case.cell_code) } }
                        td { (case.applicant_type) }
                        td { (case.received_on) }
                        td { (case.decided_on) }
                        td { (case.outcome) }
                        td { (case.weight) }
                    }
                }
            }
        }
        nav.pages {
            @for n in 0..pages { @if n == page_no { b { (n + 1) } } @else { a href={ (this) "&page=" (n) } { (n + 1) } } }
        }
    }
}
