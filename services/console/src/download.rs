//! A report as a file, in any format the reporting crate renders (`Reporting.GetReport` with that output), as
//! of the position the report page shows.

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use casetrack_projector::wire::{rendered_bytes, report_output};
use casetrack_reporting::OutputFormat;
use serde::Deserialize;

use crate::error::ConsoleError;
use crate::report::ReportQuery;
use crate::router::Console;
use crate::staff::Staff;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadQuery {
    #[serde(flatten)]
    report: ReportQuery,
    format: String,
}

pub async fn download(
    staff: Staff,
    State(console): State<Console>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, ConsoleError> {
    let target = query.report.target(&staff)?;
    let format: OutputFormat = query.format.parse().map_err(|_| {
        ConsoleError::bad_request("没有这种下载格式（可选 xlsx、html、csv、md、json、kirogov）。")
    })?;
    let answer = target
        .fetch(&staff, &console.backend, report_output(format))
        .await?;
    let file = format!(
        "annual-report-{}-{}{}.{}",
        target.agency.replace('/', "-"),
        target.year,
        if target.subtree { "-rollup" } else { "" },
        format.extension()
    );
    let headers = [
        (CONTENT_TYPE, content_type(format).to_owned()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ),
    ];
    let body = rendered_bytes(&answer).to_vec();
    Ok((headers, body).into_response())
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Json | OutputFormat::Kirogov => "application/json; charset=utf-8",
        OutputFormat::Csv => "text/csv; charset=utf-8",
        OutputFormat::Markdown => "text/markdown; charset=utf-8",
        OutputFormat::Html => "text/html; charset=utf-8",
        OutputFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}
