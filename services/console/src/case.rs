//! The case page: what `Intake.GetCase` and `Intake.GetTimeline` say of one case — its stage, statutory
//! deadline with the domain's step-by-step explanation, and the Chinese timeline — and the forms of the
//! actions the role may take on it; a refused action is shown again with the refusal beside its field.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::Intake;
use maud::{Markup, html};

use crate::actions::{self, ACTIONS, Action};
use crate::backend::Backend;
use crate::error::ConsoleError;
use crate::forms::{Fields, Refusal, form};
use crate::light::Light;
use crate::page::page;
use crate::queue::kind_zh;
use crate::router::Console;
use crate::staff::Staff;
use crate::submit::submit;

const GET_CASE: &str = "/casetrack.v1.Intake/GetCase";
const GET_TIMELINE: &str = "/casetrack.v1.Intake/GetTimeline";

/// A refused action, shown again on the case page.
struct Refused<'a> {
    action: &'a Action,
    values: &'a Fields,
    refusal: Refusal,
}

pub async fn case_page(
    staff: Staff,
    State(console): State<Console>,
    Path(case_id): Path<String>,
) -> Result<Html<String>, ConsoleError> {
    render(&staff, &console.backend, &case_id, None).await
}

/// POST of an action's form: performed through its gRPC handler as the session's identity (`submit`).
pub async fn act(
    staff: Staff,
    State(console): State<Console>,
    Path((case_id, slug)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, ConsoleError> {
    let action = actions::find(&slug).ok_or_else(|| {
        ConsoleError::Page(StatusCode::NOT_FOUND, format!("没有“{slug}”这项操作。"))
    })?;
    let backend = &console.backend;
    submit(&staff, backend, (action, &case_id), &form, |refusal| {
        let refused = Refused {
            action,
            values: &form,
            refusal,
        };
        render(&staff, backend, &case_id, Some(refused))
    })
    .await
}

async fn render(
    staff: &Staff,
    backend: &Backend,
    case_id: &str,
    refused: Option<Refused<'_>>,
) -> Result<Html<String>, ConsoleError> {
    let who = &staff.identity;
    let info = backend
        .call(
            who,
            GET_CASE,
            pb::GetCaseRequest {
                case_id: case_id.to_owned(),
                ..Default::default()
            },
            |b, r| async move { b.intake.get_case(r).await },
        )
        .await?;
    let timeline = backend
        .call(
            who,
            GET_TIMELINE,
            pb::GetTimelineRequest {
                case_id: case_id.to_owned(),
                ..Default::default()
            },
            |b, r| async move { b.intake.get_timeline(r).await },
        )
        .await?;
    let reference = info.r#ref.clone().unwrap_or_default();
    let offered: Vec<&Action> = ACTIONS
        .iter()
        .filter(|a| info.accepts.iter().any(|act| act == a.slug) && Backend::may(who, a.method))
        .collect();
    let body = html! {
        (summary(&info))
        h2 { "办理经过" }
        ol.timeline {
            @for event in &timeline.events {
                li { time { (day_in_china(event.occurred_at.as_ref())) } " " (event.description) }
            }
        }
        @if !offered.is_empty() {
            h2 { "可办理的操作" }
            @for action in offered { (action_form(staff, &reference.case_id, action, refused.as_ref())) }
        }
    };
    Ok(page(
        staff,
        &format!("案件 {}", reference.tracking_number),
        body,
    ))
}

/// The day an RFC 3339 instant falls on in China, as staff date their records; the text itself if unparsable.
fn day_in_china(instant: Option<&prost_types::Timestamp>) -> String {
    instant
        .and_then(casetrack_api::instant::from_timestamp)
        .map(|at| casetrack_domain::time::local_date(at).to_string())
        .unwrap_or_default()
}

fn summary(info: &pb::CaseInfo) -> Markup {
    let running = info.clock == "running";
    let light = if running { Light::Green } else { Light::Grey };
    html! {
        dl.case {
            dt { "类别" } dd { (kind_zh(&info.kind)) }
            dt { "承办机关" } dd { (info.agency) }
            dt { "阶段" } dd { (info.stage) "（" @if info.status == "open" { "办理中" } @else { "已办结" } "）" }
            dt { "收到日期" } dd { (info.received_on) }
            @if let Some(person) = &info.person { (person_rows(person, info.person_masked)) }
            dt { "法定期限" } dd.deadline {
                @if running { (info.deadline) @if info.deadline_provisional { "（按暂定日历推算）" } }
                @else { (light.badge(&info.clock_explanation)) }
            }
        }
        details.explanation open {
            summary { "期限如何计算" }
            pre { (info.clock_explanation) }
        }
    }
}

/// The applicant or caller as GetCase gives them: whole, or masked for a role that does not handle the case
/// (the address is then withheld, and the page says so).
fn person_rows(person: &pb::Person, masked: bool) -> Markup {
    html! {
        dt { "当事人" } dd.person { (person.name) @if masked { "（已脱敏）" } }
        dt { "联系电话" } dd { (person.phone) }
        dt { "地址" } dd { @if masked { "不予显示" } @else { (person.address) } }
    }
}

fn action_form(
    staff: &Staff,
    case_id: &str,
    action: &Action,
    refused: Option<&Refused<'_>>,
) -> Markup {
    let empty = (Fields(Default::default()), Refusal::default());
    let (values, refusal) = match refused {
        // By slug: a `const` slice's items need not keep one address across uses.
        Some(r) if r.action.slug == action.slug => (r.values, &r.refusal),
        _ => (&empty.0, &empty.1),
    };
    let key = uuid::Uuid::new_v4().to_string();
    let target = format!("/cases/{case_id}/actions/{}", action.slug);
    html! {
        section.action data-action=(action.slug) {
            h3 { (action.title) }
            (form(&target, &staff.csrf, ("command_id", &key), action.fields, (values, refusal), "提交"))
        }
    }
}
