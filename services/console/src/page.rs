//! The page shell every console page shares (title, navigation by what the roles may read, the logged-in
//! identity, the logout form) and the error page. Templates are maud: checked by the compiler, every
//! interpolated value HTML-escaped.

use axum::http::StatusCode;
use axum::response::Html;
use casetrack_auth::Role;
use maud::{DOCTYPE, Markup, html};

use crate::backend::Backend;
use crate::staff::Staff;

/// The gRPC methods behind the navigation's pages: a link is shown when the policy lets the role call it.
pub const QUEUE_METHOD: &str = "/casetrack.v1.Reporting/Queue";
pub const REPORT_METHOD: &str = "/casetrack.v1.Reporting/GetReport";
pub const REGISTER_METHOD: &str = "/casetrack.v1.Intake/SubmitApplication";

/// A page of the console for `staff`, titled `title`.
pub fn page(staff: &Staff, title: &str, body: Markup) -> Html<String> {
    let who = &staff.identity;
    let roles: Vec<&str> = who.roles.iter().map(|role| role_zh(*role)).collect();
    Html(
        html! {
            (DOCTYPE)
            html lang="zh-CN" {
                (head(title))
                body {
                    header.top {
                        span.brand { "政务公开与热线办件台" }
                        nav {
                            @if Backend::may(who, QUEUE_METHOD) { a href="/queue" { "待办" } }
                            @if Backend::may(who, REGISTER_METHOD) { a href="/applications/new" { "登记申请" } }
                            @if Backend::may(who, REPORT_METHOD) { a href="/report" { "年度报告" } a href="/hotline" { "热线看板" } }
                        }
                        span.who { (who.name) "（" (roles.join("、")) "）" }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(staff.csrf);
                            button type="submit" { "退出" }
                        }
                    }
                    main { h1 { (title) } (body) }
                }
            }
        }
        .into_string(),
    )
}

/// The error page: the status and what went wrong, in Chinese; nothing of the server's internals.
pub fn error(code: StatusCode, message: &str) -> Html<String> {
    let title = match code {
        StatusCode::FORBIDDEN => "无权操作",
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::BAD_REQUEST => "请求有误",
        StatusCode::CONFLICT => "操作冲突",
        _ => "出错了",
    };
    Html(
        html! {
            (DOCTYPE)
            html lang="zh-CN" {
                (head(title))
                body {
                    main.error {
                        h1 { (code.as_u16()) " " (title) }
                        p.message { (message) }
                        p { a href="/" { "返回首页" } }
                    }
                }
            }
        }
        .into_string(),
    )
}

/// The document head: the stylesheet is the binary's own (`/assets/console.css`), never a CDN.
pub fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · casetrack" }
            link rel="stylesheet" href="/assets/console.css";
            link rel="stylesheet" href="/assets/report.css";
        }
    }
}

/// A role's name as staff call the job.
pub fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Hotline => "热线系统",
        Role::Clerk => "登记员",
        Role::Reviewer => "承办人",
        Role::Approver => "审批负责人",
        Role::ReplyOfficer => "答复专员",
        Role::ReportOfficer => "年报专员",
        Role::Auditor => "审计",
        Role::Admin => "系统管理员",
    }
}
