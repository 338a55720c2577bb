//! How a report travels over gRPC: the format a client asks for and the rendering it gets back — one place for
//! the server, the CLI and the console, so they cannot disagree on a format's wire name.

use casetrack_api::v1 as pb;
use casetrack_reporting::OutputFormat;
use pb::get_report_response::Rendered;
use tonic::Status;

/// The wire value a client sends for `format`.
pub fn report_output(format: OutputFormat) -> pb::ReportOutput {
    match format {
        OutputFormat::Json => pb::ReportOutput::Json,
        OutputFormat::Csv => pb::ReportOutput::Csv,
        OutputFormat::Markdown => pb::ReportOutput::Md,
        OutputFormat::Html => pb::ReportOutput::Html,
        OutputFormat::Xlsx => pb::ReportOutput::Xlsx,
        OutputFormat::Kirogov => pb::ReportOutput::Kirogov,
    }
}

/// The format a request's `output` names; INVALID_ARGUMENT listing the allowed ones otherwise.
pub fn output_format(output: i32) -> Result<OutputFormat, Status> {
    Ok(match pb::ReportOutput::try_from(output) {
        Ok(pb::ReportOutput::Json) => OutputFormat::Json,
        Ok(pb::ReportOutput::Csv) => OutputFormat::Csv,
        Ok(pb::ReportOutput::Md) => OutputFormat::Markdown,
        Ok(pb::ReportOutput::Html) => OutputFormat::Html,
        Ok(pb::ReportOutput::Xlsx) => OutputFormat::Xlsx,
        Ok(pb::ReportOutput::Kirogov) => OutputFormat::Kirogov,
        Ok(pb::ReportOutput::Unspecified) | Err(_) => {
            return Err(Status::invalid_argument(format!(
                "output: {output} is not json, csv, md, html, xlsx or kirogov"
            )));
        }
    })
}

/// A rendered report as the response carries it: text for the text formats, bytes for the binary one.
pub fn rendered(bytes: Vec<u8>, output: OutputFormat) -> Result<Rendered, Status> {
    if output.is_binary() {
        return Ok(Rendered::Binary(bytes));
    }
    String::from_utf8(bytes)
        .map(Rendered::Text)
        .map_err(|e| Status::internal(format!("the rendered report is not UTF-8: {e}")))
}

/// The report a server rendered, as the bytes of its format (text is UTF-8; empty when none came).
pub fn rendered_bytes(response: &pb::GetReportResponse) -> &[u8] {
    match &response.rendered {
        Some(Rendered::Text(text)) => text.as_bytes(),
        Some(Rendered::Binary(bytes)) => bytes,
        None => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_travels_both_ways() {
        for name in ["json", "csv", "md", "html", "xlsx", "kirogov"] {
            let format: OutputFormat = name.parse().expect("format");
            assert_eq!(
                output_format(report_output(format) as i32).ok(),
                Some(format)
            );
        }
        let refused = output_format(pb::ReportOutput::Unspecified as i32).expect_err("unspecified");
        assert!(
            refused.message().contains("json, csv"),
            "{}",
            refused.message()
        );
    }

    #[test]
    fn text_formats_arrive_as_text_and_xlsx_as_bytes() {
        let text = rendered(b"{}".to_vec(), OutputFormat::Json).expect("json");
        assert_eq!(text, Rendered::Text("{}".to_owned()));
        let binary = pb::GetReportResponse {
            rendered: Some(rendered(b"PK".to_vec(), OutputFormat::Xlsx).expect("xlsx")),
            ..Default::default()
        };
        assert_eq!(rendered_bytes(&binary), b"PK");
    }
}
