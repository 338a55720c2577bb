//! 撰写报告正文: the report officer writes one part (一–六) of an agency's annual report in their own words
//! (`Reporting.WriteNarrative`, through the one form step `submit::step`). The form shows the part's text and
//! version as the latest report holds them and sends the version it replaces, so an edit made meanwhile by
//! someone else is refused naming the version missed, never overwritten.

use axum::extract::{Query, State};
use axum::response::{Html, Response};
use casetrack_api::v1 as pb;
use casetrack_api::v1::get_report_response::Rendered;
use casetrack_api::v1::reporting_server::Reporting;
use casetrack_reporting::{WrittenPart, json};
use maud::html;
use serde::Deserialize;
use tonic::Status;

use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::forms::{Field, Fields, Input, Refusal, form, invalid};
use crate::page::page;
use crate::report::{ReportQuery, Target};
use crate::router::Console;
use crate::staff::Staff;
use crate::submit::step;

pub const WRITE_NARRATIVE_METHOD: &str = "/casetrack.v1.Reporting/WriteNarrative";

/// The form's one input; the version it replaces travels as the form's hidden field.
const FIELDS: &[Field] = &[Field {
    name: "text",
    label: "本部分正文（每行一段）",
    input: Input::TextArea,
}];

/// The parts' headings in the six-part report, by number.
const PARTS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Which part of which report: the report's address plus `part` (1–6).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NarrativeQuery {
    agency: String,
    year: String,
    sub: String,
    part: String,
}

impl NarrativeQuery {
    /// The report (latest, the agency's own) and the part's number and heading.
    fn target(&self, staff: &Staff) -> Result<(Target, u32, &'static str), ConsoleError> {
        let report = ReportQuery {
            agency: self.agency.clone(),
            year: self.year.clone(),
            sub: self.sub.clone(),
            ..ReportQuery::default()
        };
        let target = report.target(staff)?;
        let part = self.part.trim().parse::<u32>().ok();
        let heading = part
            .and_then(|n| PARTS.get(usize::try_from(n).ok()?.checked_sub(1)?))
            .ok_or_else(|| {
                ConsoleError::bad_request(format!("部分须为 1–6，收到“{}”。", self.part))
            })?;
        Ok((target, part.unwrap_or_default(), heading))
    }

    fn address(&self, target: &Target, part: u32) -> String {
        format!("/report/narrative?{}&part={part}", target.query(false))
    }
}

/// The part as the latest report holds it: its text and version, or none yet.
async fn current(
    staff: &Staff,
    backend: &Backend,
    target: &Target,
    part: u32,
) -> Result<Option<WrittenPart>, ConsoleError> {
    let answer = target.fetch(staff, backend, pb::ReportOutput::Json).await?;
    let Some(Rendered::Text(text)) = &answer.rendered else {
        return Err(Status::internal("the report's JSON came without text").into());
    };
    let published = json::from_json(text).map_err(|e| Status::internal(e.to_string()))?;
    Ok(published
        .written
        .into_iter()
        .find(|w| u32::from(w.part) == part))
}

pub async fn narrative_page(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<NarrativeQuery>,
) -> Result<Html<String>, ConsoleError> {
    let (target, part, heading) = query.target(&staff)?;
    let written = current(&staff, &console.backend, &target, part).await?;
    let mut values = Fields(Default::default());
    values.0.insert(
        "text".into(),
        written.as_ref().map(|w| w.text.clone()).unwrap_or_default(),
    );
    let version = written.map_or(0, |w| w.version);
    render(
        &staff,
        (&query, &target),
        (part, heading, version),
        &values,
        &Refusal::default(),
    )
}

pub async fn write(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<NarrativeQuery>,
    values: Fields,
) -> Result<Response, ConsoleError> {
    let (target, part, heading) = query.target(&staff)?;
    let sent = values.get("replaces_version");
    let parsed = sent.trim().parse::<u64>().ok();
    let performed = async {
        let replaces_version = parsed.ok_or_else(|| {
            invalid(
                "replaces_version",
                format!("版本须为非负整数，收到 {sent:?}"),
            )
        })?;
        let request = pb::WriteNarrativeRequest {
            agency: target.agency.clone(),
            year: target.year,
            part,
            text: values.get("text"),
            replaces_version,
        };
        let call = |b: Backend, r| async move { b.reporting.write_narrative(r).await };
        console
            .backend
            .call(&staff.identity, WRITE_NARRATIVE_METHOD, request, call)
            .await?;
        Ok(format!("/report?{}", target.query(false)))
    };
    let version = parsed.unwrap_or_default();
    step(&staff, (&values, FIELDS), performed, |refusal| {
        std::future::ready(render(
            &staff,
            (&query, &target),
            (part, heading, version),
            &values,
            &refusal,
        ))
    })
    .await
}

fn render(
    staff: &Staff,
    (query, target): (&NarrativeQuery, &Target),
    (part, heading, version): (u32, &str, u64),
    values: &Fields,
    refusal: &Refusal,
) -> Result<Html<String>, ConsoleError> {
    if !Backend::may(&staff.identity, WRITE_NARRATIVE_METHOD) {
        return Err(ConsoleError::forbidden(
            "您的角色不能撰写报告正文（需要报告员角色）。",
        ));
    }
    let version_text = version.to_string();
    let body = html! {
        p { a href={ "/report?" (target.query(false)) } { "返回年度报告" } }
        dl.provenance {
            dt { "机关" } dd { (target.agency) }
            dt { "年度" } dd { (target.year) }
            dt { "部分" } dd { (heading) }
            // The version this form replaces: the latest when opened; on a refusal, the one it was opened at.
            dt { "修改基于" } dd data-version=(version) { @if version == 0 { "尚未撰写" } @else { "第 " (version) " 版" } }
        }
        p.note { "本部分的统计数字由系统按台账计算，正文只能补充说明，不能替代或修改数字。" }
        (form(&query.address(target, part), &staff.csrf, ("replaces_version", &version_text), FIELDS, (values, refusal), "保存为新版本"))
    };
    Ok(page(staff, &format!("撰写：{heading}"), body))
}

/// The report page's links to write each part, for whoever may write them.
pub fn links(staff: &Staff, target: &Target) -> maud::Markup {
    html! {
        @if Backend::may(&staff.identity, WRITE_NARRATIVE_METHOD) && target.as_of.is_none() && target.as_of_date.is_none() {
            nav.narrative {
                "撰写正文："
                @for (i, heading) in PARTS.iter().enumerate() {
                    a href={ "/report/narrative?" (target.query(false)) "&part=" (i + 1) } data-part=(i + 1) { (heading) }
                }
            }
        }
    }
}
