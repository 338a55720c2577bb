//! 年度报告: the national tables of an agency and year (`Reporting.GetReport`, its JSON rendered here with the
//! reporting crate's own HTML renderer), the roll-up over the subtree when asked, as of a log position when
//! asked, or as of a business date (the facts' own dates); every figure of the latest report, or of one as of a
//! business date, links to the cases behind it (`drill.rs`); the identities' status,
//! the provenance, downloads in every format (`download.rs`), and publishing for the report officer.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use casetrack_api::v1 as pb;
use casetrack_api::v1::get_report_response::Rendered;
use casetrack_api::v1::reporting_server::Reporting;
use casetrack_projector::profile::ApplicationProfile;
use casetrack_reporting::{OutputFormat, PublishedReport, html as report_html, json};
use chrono::{Datelike, NaiveDate, Utc};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use tonic::{Code, Status};

use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::forms::Fields;
use crate::page::{REPORT_METHOD, page};
use crate::queue::encode;
use crate::router::Console;
use crate::staff::Staff;

pub const PUBLISH_METHOD: &str = "/casetrack.v1.Reporting/Publish";

/// Longest agency id accepted in a report's address (the registry's ids are far shorter).
pub const MAX_AGENCY_CHARS: usize = 128;

/// The formats offered for download: every format the reporting crate renders, with its name for staff.
pub const DOWNLOADS: [(OutputFormat, &str); 6] = [
    (OutputFormat::Xlsx, "Excel（xlsx）"),
    (OutputFormat::Html, "网页（html，可打印）"),
    (OutputFormat::Csv, "CSV"),
    (OutputFormat::Markdown, "Markdown"),
    (OutputFormat::Json, "JSON"),
    (
        OutputFormat::Kirogov,
        "KIROGOVCOMPARE 表格（json，2021年起）",
    ),
];

/// A report's address as a page's query gives it: every part optional, checked by [`ReportQuery::target`].
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportQuery {
    pub agency: String,
    pub year: String,
    /// `1`: the roll-up of the agency and every agency below it.
    pub sub: String,
    /// A log position: the report as of the first N events; empty for the latest.
    pub as_of: String,
    /// A business date (`YYYY-MM-DD`): the record as its facts date it; empty for the latest.
    pub as_of_date: String,
}

/// Which report: agency, year, roll-up, and as of which log position or business date (neither: the latest).
pub struct Target {
    pub agency: String,
    pub year: i32,
    pub subtree: bool,
    pub as_of: Option<u64>,
    pub as_of_date: Option<NaiveDate>,
}

impl ReportQuery {
    /// The report the query names for `staff` (their own agency and this year unless it says otherwise).
    pub fn target(&self, staff: &Staff) -> Result<Target, ConsoleError> {
        let agency = match (self.agency.trim(), &staff.identity.jurisdiction) {
            ("", Some(own)) => own.to_string(),
            (given, _) => given.to_owned(),
        };
        if agency.chars().count() > MAX_AGENCY_CHARS {
            return Err(ConsoleError::bad_request(format!(
                "机关代码不得超过 {MAX_AGENCY_CHARS} 个字符。"
            )));
        }
        let year = match self.year.trim() {
            "" => casetrack_domain::time::local_date(Utc::now()).year(),
            text => text.parse().map_err(|_| {
                ConsoleError::bad_request(format!("年度须为四位数字，收到“{text}”。"))
            })?,
        };
        let as_of = match self.as_of.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                ConsoleError::bad_request(format!("日志位置须为非负整数，收到“{text}”。"))
            })?),
        };
        let as_of_date = match self.as_of_date.trim() {
            "" => None,
            text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                ConsoleError::bad_request(format!("业务日期须为 YYYY-MM-DD，收到“{text}”。"))
            })?),
        };
        if as_of.is_some() && as_of_date.is_some() {
            return Err(ConsoleError::bad_request(
                "日志位置与业务日期只能选填其一。".to_owned(),
            ));
        }
        Ok(Target {
            agency,
            year,
            subtree: self.sub == "1",
            as_of,
            as_of_date,
        })
    }
}

impl Target {
    pub fn pb(&self) -> pb::ReportTarget {
        pb::ReportTarget {
            agency: self.agency.clone(),
            year: self.year,
            include_subagencies: self.subtree,
        }
    }

    /// The query string that names this report (`as_of` and `as_of_date` included when `with_as_of`).
    pub fn query(&self, with_as_of: bool) -> String {
        let mut query = format!(
            "agency={}&year={}&sub={}",
            encode(&self.agency),
            self.year,
            u8::from(self.subtree)
        );
        if let (true, Some(position)) = (with_as_of, self.as_of) {
            query.push_str(&format!("&as_of={position}"));
        }
        if let (true, Some(on)) = (with_as_of, self.as_of_date) {
            query.push_str(&format!("&as_of_date={on}"));
        }
        query
    }

    /// The profile of the year's applications behind the charts, read under `Reporting.GetReport`'s policy; none
    /// as of a past position (the profile is of the latest figures only).
    pub async fn profile(
        &self,
        staff: &Staff,
        backend: &Backend,
    ) -> Result<Option<ApplicationProfile>, Status> {
        if self.as_of.is_some() {
            return Ok(None);
        }
        let call = |b: Backend, r| async move { b.reporting.application_profile(r).await };
        let profile = backend
            .call(&staff.identity, REPORT_METHOD, self.pb(), call)
            .await?;
        Ok(Some(profile))
    }

    /// `Reporting.GetReport` of this report in `output`, as `staff`.
    pub async fn fetch(
        &self,
        staff: &Staff,
        backend: &Backend,
        output: pb::ReportOutput,
    ) -> Result<pb::GetReportResponse, Status> {
        let request = pb::GetReportRequest {
            target: Some(self.pb()),
            output: output as i32,
            as_of: match (self.as_of, self.as_of_date) {
                (_, Some(on)) => Some(pb::get_report_request::AsOf::AsOfDate(on.to_string())),
                (position, None) => position.map(pb::get_report_request::AsOf::AsOfPosition),
            },
        };
        let call = |b: Backend, r| async move { b.reporting.get_report(r).await };
        backend
            .call(&staff.identity, REPORT_METHOD, request, call)
            .await
    }
}

pub async fn report_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<ReportQuery>,
) -> Result<(StatusCode, Html<String>), ConsoleError> {
    let target = query.target(&staff)?;
    let answer = if target.agency.is_empty() {
        Err(Status::invalid_argument("请填写机关代码。"))
    } else {
        target
            .fetch(&staff, &console.backend, pb::ReportOutput::Json)
            .await
    };
    let (code, shown) = match answer {
        Ok(answer) => {
            let profile = target.profile(&staff, &console.backend).await;
            let shown = shown_report(&staff, &target, &answer, &profile)?;
            (StatusCode::OK, shown)
        }
        // No report for this agency and year (or a malformed request): say so above the selector.
        Err(status) if matches!(status.code(), Code::NotFound | Code::InvalidArgument) => (
            StatusCode::NOT_FOUND,
            html! { p.refusal.report-missing { (status.message()) } },
        ),
        Err(status) => return Err(status.into()),
    };
    let body = html! { (selector(&target)) (shown) };
    Ok((code, page(&staff, "年度报告", body)))
}

/// The report's status, provenance, downloads, publish form, and the report itself with its figures linked.
fn shown_report(
    staff: &Staff,
    target: &Target,
    answer: &pb::GetReportResponse,
    profile: &Result<Option<ApplicationProfile>, Status>,
) -> Result<Markup, ConsoleError> {
    let Some(Rendered::Text(text)) = &answer.rendered else {
        return Err(Status::internal("the report's JSON came without text").into());
    };
    let published: PublishedReport =
        json::from_json(text).map_err(|e| Status::internal(e.to_string()))?;
    // A figure as of a past position is not linked: the drill-down lists the cases behind the latest figure, or
    // behind the figure as of a business date.
    let base = format!("/report/drill?{}&cell=", target.query(true));
    let link = |cell: &str| {
        target
            .as_of
            .is_none()
            .then(|| format!("{base}{}", encode(cell)))
    };
    let report = report_html::fragment_linked(&published, &link);
    Ok(html! {
        (status(answer))
        (provenance(target, answer))
        @if Backend::may(&staff.identity, PUBLISH_METHOD) && target.as_of.is_none() {
            (publish_form(staff, target))
        }
        (crate::narrative::links(staff, target))
        @if target.as_of.is_some() { p.note { "历史时点的报告不链接明细：明细按最新数据列出。" } }
        (crate::charts::charts(&published))
        (crate::charts::profile_section(profile))
        (PreEscaped(report))
    })
}

/// 勾稽关系: every identity holds, or which fail; and the events the report could not count.
fn status(answer: &pb::GetReportResponse) -> Markup {
    html! {
        section.identities {
            h2 { "勾稽关系" }
            @if answer.problems.is_empty() {
                p.identities-ok data-status="ok" { "全部勾稽关系校验通过。" }
            } @else {
                p.refusal data-status="failed" { "勾稽关系校验未通过（" (answer.problems.len()) "处），不得作为正式报告发布：" }
                ul { @for problem in &answer.problems { li { (problem.identity) } } }
            }
            @if !answer.skipped.is_empty() {
                p.refusal { "有 " (answer.skipped.len()) " 个事件未能计入（报告不完整），日志位置：" }
                ul { @for event in &answer.skipped { li { (event.position) "：" (event.reason) } } }
            }
        }
    }
}

/// Where the figures come from, and the downloads of exactly this report.
fn provenance(target: &Target, answer: &pb::GetReportResponse) -> Markup {
    let query = target.query(true);
    html! {
        dl.provenance {
            dt { "截至日志位置" } dd data-position=(answer.as_of_position) { (answer.as_of_position) }
            @if !answer.as_of_date.is_empty() {
                dt { "截至业务日期" } dd data-as-of-date=(answer.as_of_date) { (answer.as_of_date) }
            }
            dt { "规则版本" } dd { (answer.rules_version) }
            dt { "内容哈希" } dd.hash { (answer.content_hash) }
        }
        nav.downloads {
            "下载："
            @for (format, label) in DOWNLOADS {
                a href={ "/report/download?" (query) "&format=" (format.extension()) } data-format=(format.extension()) { (label) }
            }
        }
    }
}

/// Agency, year, roll-up and as-of position or business date: a GET form, so every report has an address.
fn selector(target: &Target) -> Markup {
    let as_of = target.as_of.map(|p| p.to_string()).unwrap_or_default();
    let as_of_date = target.as_of_date.map(|d| d.to_string()).unwrap_or_default();
    html! {
        form.filters method="get" action="/report" {
            label { "机关" input type="text" name="agency" value=(target.agency) maxlength=(MAX_AGENCY_CHARS); }
            label { "年度" input type="number" name="year" value=(target.year) min="2008" max="2100"; }
            label { input type="checkbox" name="sub" value="1" checked[target.subtree]; "含下级单位（汇总）" }
            label { "截至日志位置" input type="number" name="as_of" min="0" value=(as_of) placeholder="留空为最新"; }
            label { "或截至业务日期" input type="date" name="as_of_date" value=(as_of_date); }
            button type="submit" { "查看" }
        }
    }
}

fn publish_form(staff: &Staff, target: &Target) -> Markup {
    html! {
        form.publish method="post" action="/report/publish" {
            input type="hidden" name="csrf" value=(staff.csrf);
            input type="hidden" name="agency" value=(target.agency);
            input type="hidden" name="year" value=(target.year);
            input type="hidden" name="sub" value=(u8::from(target.subtree));
            @if let Some(on) = target.as_of_date {
                input type="hidden" name="as_of_date" value=(on.to_string());
                button type="submit" { "发布截至业务日期 " (on.to_string()) " 的报告（锁定当前日志位置与业务日期）" }
            } @else {
                button type="submit" { "发布本年度报告（锁定当前日志位置）" }
            }
        }
    }
}

/// POST of the publish form: `Reporting.Publish` as the session's identity, then the pinned position and hash.
pub async fn publish(
    staff: Staff,
    State(console): State<Console>,
    form: Fields,
) -> Result<Html<String>, ConsoleError> {
    staff.check_csrf(&form.get("csrf"))?;
    let query = ReportQuery {
        agency: form.get("agency"),
        year: form.get("year"),
        sub: form.get("sub"),
        as_of: String::new(),
        as_of_date: form.get("as_of_date"),
    };
    let target = query.target(&staff)?;
    let request = pb::PublishRequest {
        target: Some(target.pb()),
        as_of_date: target.as_of_date.map(|d| d.to_string()).unwrap_or_default(),
    };
    let call = |b: Backend, r| async move { b.reporting.publish(r).await };
    let done = console
        .backend
        .call(&staff.identity, PUBLISH_METHOD, request, call)
        .await?;
    // A report as of a business date is shown again by that date (a request names a position or a date).
    let pinned = Target {
        as_of: target.as_of_date.is_none().then_some(done.as_of_position),
        ..target
    };
    let body = html! {
        p { "报告已发布并锁定：日后按同一日志位置（及业务日期）重新生成，内容哈希必须一致。" }
        dl.published {
            dt { "机关" } dd { (pinned.agency) @if pinned.subtree { "（含下级汇总）" } }
            dt { "年度" } dd { (pinned.year) }
            dt { "日志位置" } dd data-position=(done.as_of_position) { (done.as_of_position) }
            @if !done.as_of_date.is_empty() {
                dt { "业务日期" } dd data-as-of-date=(done.as_of_date) { (done.as_of_date) }
            }
            dt { "规则版本" } dd { (done.rules_version) }
            dt { "内容哈希" } dd.hash { (done.content_hash) }
        }
        p { a href={ "/report?" (pinned.query(true)) } { "查看已发布的报告" } }
    };
    Ok(page(&staff, "年度报告已发布", body))
}
