//! xlsx via rust_xlsxwriter: a sheet of report facts, then one sheet per table laid out like the HTML
//! (merged header cells, Chinese labels). Counts are numbers; money is written as exact 万元 text, since an
//! Excel number is a float.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::grid::{Content, Grid, grids};
use crate::figure::Figure;
use crate::narrative::NarrativeFigures;
use crate::published::PublishedReport;

/// Largest integer an Excel (IEEE double) number holds exactly; larger counts are written as text.
const MAX_EXACT_NUMBER: i128 = 1 << 53;
/// Rows above each table: its title and a blank line.
const TITLE_ROWS: u32 = 2;

fn xlsx_error(e: XlsxError) -> crate::ReportingError {
    crate::ReportingError::Xlsx(e.to_string())
}

pub fn to_xlsx(published: &PublishedReport) -> Result<Vec<u8>, crate::ReportingError> {
    let report = &published.report;
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let facts = [
        ("机关", published.agency_title()),
        ("年度", report.year().to_string()),
        ("格式", report.format().basis_zh().to_string()),
        ("状态", super::status_zh(published)),
        ("数据截至日志位置", published.as_of_position.to_string()),
        ("规则版本", published.rules_version.clone()),
        ("内容哈希", published.content_hash.clone()),
        (
            NarrativeFigures::heading_zh(report.format()),
            report.narrative().text_zh(),
        ),
    ];
    let sheet = workbook.add_worksheet();
    sheet.set_name("报告信息").map_err(xlsx_error)?;
    sheet.set_column_width(0, 24).map_err(xlsx_error)?;
    sheet.set_column_width(1, 80).map_err(xlsx_error)?;
    for (r, (key, value)) in (0u32..).zip(facts) {
        sheet
            .write_string_with_format(r, 0, key, &bold)
            .map_err(xlsx_error)?;
        sheet.write_string(r, 1, value).map_err(xlsx_error)?;
    }
    for grid in grids(report) {
        let sheet = workbook.add_worksheet();
        write_grid(sheet, &grid).map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn write_grid(sheet: &mut Worksheet, grid: &Grid) -> Result<(), XlsxError> {
    let boxed = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let header = boxed.clone().set_align(FormatAlign::Center);
    let label = boxed.clone().set_align(FormatAlign::Left);
    let number = boxed.clone().set_align(FormatAlign::Right);
    let title = Format::new().set_bold().set_align(FormatAlign::Center);

    sheet.set_name(&grid.title)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.merge_range(
        0,
        0,
        0,
        grid.width.saturating_sub(1).max(1),
        &grid.title,
        &title,
    )?;
    for c in 0..grid.width {
        sheet.set_column_width(c, 14)?;
    }
    for cell in &grid.cells {
        let (row, col) = (cell.row + TITLE_ROWS, cell.col);
        let (text, format) = match &cell.content {
            Content::Header(text) => (text.clone(), &header),
            Content::Label(text) => (text.clone(), &label),
            Content::Figure(figure) => (super::print_figure(*figure), &number),
        };
        if cell.rowspan > 1 || cell.colspan > 1 {
            let last_row = row + cell.rowspan - 1;
            let last_col = col + cell.colspan - 1;
            sheet.merge_range(row, col, last_row, last_col, &text, format)?;
        } else {
            sheet.write_string_with_format(row, col, &text, format)?;
        }
        // Counts overwrite the text of their (top-left) cell as numbers, so Excel can sum them.
        if let Content::Figure(Some(f @ (Figure::Count(_) | Figure::Change(_)))) = cell.content
            && f.as_i128().abs() <= MAX_EXACT_NUMBER
        {
            #[allow(clippy::cast_precision_loss)] // exact: |value| ≤ 2^53
            let value = f.as_i128() as f64;
            sheet.write_number_with_format(row, col, value, format)?;
        }
    }
    Ok(())
}
