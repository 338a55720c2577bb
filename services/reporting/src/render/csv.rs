//! CSV: one row per cell, `cell_code,label_zh,value`, in table order.

use crate::error::ReportingError;
use crate::report::Report;

pub const HEADER: [&str; 3] = ["cell_code", "label_zh", "value"];

pub fn to_csv(report: &Report) -> Result<String, ReportingError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| ReportingError::Csv(e.to_string());
    writer.write_record(HEADER).map_err(csv_error)?;
    for cell in report.cells() {
        let value = super::print_figure(cell.figure);
        writer
            .write_record([
                cell.spec.code.as_str(),
                cell.spec.label_zh.as_str(),
                value.as_str(),
            ])
            .map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportingError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportingError::Csv(e.to_string()))
}
