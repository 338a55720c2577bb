//! 待办: the open cases of a handling unit and every unit below it (`Reporting.Queue` with its subtree), each
//! with its deadline light; filtered by kind and state, searched by tracking number or case id, viewed as all,
//! due this week or overdue, most urgent first, a page at a time.

use axum::extract::{Query, State};
use axum::response::Html;
use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_server::Reporting;
use casetrack_domain::CaseKind;
use casetrack_domain::hotline::HotlineCategory;
use chrono::{Datelike, NaiveDate, Utc};
use maud::html;
use serde::Deserialize;

use crate::error::ConsoleError;
use crate::light::Light;
use crate::page::{QUEUE_METHOD, page};
use crate::router::Console;
use crate::staff::Staff;

/// Cases shown on one page of the queue.
pub const PAGE_SIZE: usize = 50;

/// Longest search text accepted (a tracking number or a case id is far shorter).
pub const MAX_QUERY_CHARS: usize = 64;

/// The queue page's query: every part optional.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    agency: String,
    /// `week` (due by Sunday) or `overdue`; anything else is every open case.
    view: String,
    kind: String,
    /// A hotline source line, e.g. `12345`.
    line: String,
    /// A hotline category code, e.g. `complaint`.
    category: String,
    state: String,
    q: String,
    page: usize,
}

pub async fn queue_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, ConsoleError> {
    if query.q.chars().count() > MAX_QUERY_CHARS {
        return Err(ConsoleError::bad_request(format!(
            "检索内容不得超过 {MAX_QUERY_CHARS} 个字符。"
        )));
    }
    let agency = match (&query.agency, &staff.identity.jurisdiction) {
        (a, _) if !a.is_empty() => a.clone(),
        (_, Some(own)) => own.to_string(),
        (_, None) => String::new(),
    };
    let request = pb::QueueRequest {
        agency: agency.clone(),
        state: query.state.clone(),
        today: String::new(),
        include_subagencies: true,
    };
    let answer = if agency.is_empty() {
        pb::QueueResponse::default()
    } else {
        let call = |b: crate::Backend, r| async move { b.reporting.queue(r).await };
        console
            .backend
            .call(&staff.identity, QUEUE_METHOD, request, call)
            .await?
    };
    let today = casetrack_domain::time::local_date(Utc::now());
    let kept: Vec<&pb::QueueCase> = answer
        .cases
        .iter()
        .filter(|c| keep(&query, c, today))
        .collect();
    let pages = kept.len().div_ceil(PAGE_SIZE).max(1);
    let page_no = query.page.min(pages - 1);
    let shown = kept.iter().skip(page_no * PAGE_SIZE).take(PAGE_SIZE);
    let body = html! {
        (filters(&query, &agency))
        p.count { "共 " (kept.len()) " 件，第 " (page_no + 1) "/" (pages) " 页" }
        table.queue {
            thead { tr { th { "灯" } th { "编号" } th { "类别" } th { "来源" } th { "承办单位" } th { "状态" } th { "收到日期" } th { "期限" } th { "剩余工作日" } } }
            tbody {
                @for case in shown {
                    @let summary = case.case.clone().unwrap_or_default();
                    @let left = case.has_deadline.then_some(case.working_days_left);
                    tr data-case=(summary.case_id) {
                        td { (Light::of(left).badge(&case.no_deadline_reason)) }
                        td { a href={ "/cases/" (summary.case_id) } { (summary.tracking_number) } }
                        td { (kind_zh(&summary.kind)) }
                        td { (case.line) " " (category_zh(&case.category)) }
                        td { @if case.handling_unit.is_empty() { (summary.agency) } @else { (case.handling_unit) } }
                        td { (case.state) }
                        td { (summary.received_on) }
                        td { (case.deadline) @if case.deadline_provisional { " （暂定日历）" } }
                        td { @if let Some(left) = left { (left) } @else { (case.no_deadline_reason) } }
                    }
                }
            }
        }
        nav.pages {
            @for n in 0..pages { @if n == page_no { b { (n + 1) } } @else { a href=(link(&query, &agency, n)) { (n + 1) } } }
        }
    };
    Ok(page(&staff, "待办", body))
}

/// Whether `case` passes the query's view, kind and search.
fn keep(query: &QueueQuery, case: &pb::QueueCase, today: NaiveDate) -> bool {
    let summary = case.case.as_ref();
    let in_view = match query.view.as_str() {
        "overdue" => case.has_deadline && case.working_days_left < 0,
        "week" => {
            let sunday =
                today + chrono::Days::new(u64::from(6 - today.weekday().num_days_from_monday()));
            case.has_deadline
                && case.working_days_left >= 0
                && case.deadline.as_str() <= sunday.to_string().as_str()
        }
        _ => true,
    };
    let kind = query.kind.is_empty() || summary.is_some_and(|s| s.kind == query.kind);
    let line = query.line.is_empty() || case.line == query.line;
    let category = query.category.is_empty() || case.category == query.category;
    let needle = query.q.trim();
    let found = needle.is_empty()
        || summary
            .is_some_and(|s| s.tracking_number.contains(needle) || s.case_id.contains(needle));
    in_view && kind && line && category && found
}

fn link(query: &QueueQuery, agency: &str, page: usize) -> String {
    let pairs = [
        ("agency", agency),
        ("view", &query.view),
        ("kind", &query.kind),
        ("state", &query.state),
        ("q", &query.q),
    ];
    let mut url = format!("/queue?page={page}");
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        url.push_str(&format!("&{key}={}", encode(value)));
    }
    url
}

/// Percent-encoding of a query value (agency ids and tracking numbers are ASCII; anything else is escaped).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn filters(query: &QueueQuery, agency: &str) -> maud::Markup {
    let views = [
        ("", "全部待办"),
        ("week", "本周到期"),
        ("overdue", "已逾期"),
    ];
    html! {
        nav.views { @for (code, label) in views {
            @if query.view == code { b { (label) } } @else { a href={ "/queue?view=" (code) "&agency=" (encode(agency)) } { (label) } }
        } }
        form.filters method="get" action="/queue" {
            input type="hidden" name="view" value=(query.view);
            label { "单位（含下级）" input type="text" name="agency" value=(agency); }
            label { "类别" select name="kind" {
                option value="" { "全部类别" }
                @for kind in CaseKind::ALL { option value=(kind.category()) selected[query.kind == kind.category()] { (kind.label_zh()) } }
            } }
            label { "热线" input type="text" name="line" value=(query.line) placeholder="如 12345" size="6"; }
            label { "诉求类别" select name="category" {
                option value="" { "全部" }
                @for category in HotlineCategory::ALL {
                    @let code = category_code(category);
                    option value=(code) selected[query.category == code] { (category.label_zh()) }
                }
            } }
            label { "状态" input type="text" name="state" value=(query.state) placeholder="如 under_review"; }
            label { "编号或案件号" input type="search" name="q" value=(query.q) maxlength=(MAX_QUERY_CHARS); }
            button type="submit" { "筛选" }
        }
    }
}

/// A hotline category's code, as the queue names it (its serde name).
fn category_code(category: HotlineCategory) -> String {
    serde_json::to_value(category)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A hotline category code as staff name it; empty for other kinds.
fn category_zh(code: &str) -> &'static str {
    serde_json::from_value::<HotlineCategory>(serde_json::Value::String(code.to_owned()))
        .map_or("", HotlineCategory::label_zh)
}

/// A case kind (stream category) as staff name it.
pub fn kind_zh(category: &str) -> &str {
    CaseKind::from_category(category).map_or(category, |kind| kind.label_zh())
}
