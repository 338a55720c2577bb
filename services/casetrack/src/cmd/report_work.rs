//! `casetrack report --work [--month M]`: the hotline, proposal and petition statistics of a year or a month
//! instead of the annual report, embedded or from a running server (`Reporting.GetWorkReport`), in the same
//! formats. Exits non-zero when an identity of the statistics fails, after naming each with its row; an
//! unknown agency or a period without such work is refused by the projector (`NoWorkData`).

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::get_work_report_response::Rendered;
use casetrack_projector::work_cells::Period;
use casetrack_projector::{AsOf, Reports};
use casetrack_reporting::{OutputFormat, render_work};

use crate::cmd::report::{Args, Client, scope, write_output};

/// The statistics from the data directory's own projections.
pub fn embedded(
    reports: &Reports,
    args: &Args,
    output: OutputFormat,
    as_of: AsOf,
) -> anyhow::Result<()> {
    let period = Period::new(args.year, args.month)?;
    let report = reports.work_report(&args.agency, period, scope(args), as_of)?;
    write_output(args, &render_work(&report, output)?)?;
    eprintln!("as of log position {}", report.as_of_position);
    let failures = report.identity_failures();
    explain_failures(
        failures
            .iter()
            .map(|f| (f.cell.as_str(), f.text_zh.as_str())),
    )
}

/// The statistics from a running server.
pub async fn remote(
    client: &mut Client,
    args: &Args,
    output: pb::ReportOutput,
    as_of: AsOf,
) -> anyhow::Result<()> {
    use pb::get_work_report_request::AsOf as At;
    let as_of = match as_of {
        AsOf::Latest => None,
        AsOf::Position(position) => Some(At::AsOfPosition(position)),
        AsOf::Time(at) => Some(At::AsOfTime(casetrack_api::instant::to_timestamp(at))),
        AsOf::Date { on, .. } => Some(At::AsOfDate(on.to_string())),
    };
    let response = client
        .get_work_report(pb::GetWorkReportRequest {
            target: Some(pb::ReportTarget {
                agency: args.agency.clone(),
                year: args.year,
                include_subagencies: args.include_subagencies,
            }),
            month: args.month.unwrap_or(0),
            output: output as i32,
            as_of,
        })
        .await
        // The server's message names what is missing; the status code adds nothing for a person.
        .map_err(|status| anyhow::anyhow!("{}", status.message()))?
        .into_inner();
    let bytes = match &response.rendered {
        Some(Rendered::Text(text)) => text.as_bytes(),
        Some(Rendered::Binary(bytes)) => bytes,
        None => anyhow::bail!("the server sent no statistics"),
    };
    write_output(args, bytes).context("write the statistics")?;
    eprintln!("as of log position {}", response.as_of_position);
    let failures = &response.identity_failures;
    explain_failures(
        failures
            .iter()
            .map(|f| (f.cell_code.as_str(), f.text.as_str())),
    )
}

/// Names every failing identity (its first cell and its text) and fails when there is any.
fn explain_failures<'a>(failures: impl Iterator<Item = (&'a str, &'a str)>) -> anyhow::Result<()> {
    let mut count = 0;
    for (cell, text) in failures {
        eprintln!("勾稽关系不成立 {cell}: {text}");
        count += 1;
    }
    anyhow::ensure!(
        count == 0,
        "统计表有 {count} 处勾稽关系不成立（the statistics fail {count} identities）"
    );
    Ok(())
}
