//! xlsx via rust_xlsxwriter: a sheet of report facts, then one sheet per table laid out like the HTML
//! (merged header cells, Chinese labels, columns as wide as their text), printed A4 landscape one page wide
//! with the header rows repeated. Every figure is a number: counts as integers, money in 万元 shown with at
//! least two and at most six decimals (exact to the fen, see `Fen::as_10k_yuan_number`).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::grid::{Content, Grid, GridCell, grids};
use crate::audit::FileHints;
use crate::error::ReportingError;
use crate::figure::{Fen, Figure, Unit};
use crate::layout::catalogue;
use crate::narrative::NarrativeFigures;
use crate::published::PublishedReport;
use crate::report::{Report, ReportBuilder};

/// Largest integer an Excel (IEEE double) number holds exactly; larger counts are written as text.
const MAX_EXACT_NUMBER: i128 = 1 << 53;
/// Rows above each table: its title and a blank line.
const TITLE_ROWS: u32 = 2;
/// The facts sheet: its name and the keys of the agency and year rows, which [`from_xlsx`] reads back.
const FACTS_SHEET: &str = "报告信息";
const AGENCY_KEY: &str = "机关";
const YEAR_KEY: &str = "年度";
/// Excel's paper size code for A4.
const PAPER_A4: u8 = 9;
/// Money in 万元: at least two decimals (0.04), at most six, which is the fen (0.038 for 380 元).
const MONEY_FORMAT: &str = "0.00####";
/// A rate of the work statistics: a fraction shown as a percentage with one decimal, as printed elsewhere.
const RATE_FORMAT: &str = "0.0%";
/// Characters of room beside a column's longest text, beyond the grid's own cell padding.
const COLUMN_PADDING: f64 = 1.0;

fn xlsx_error(e: XlsxError) -> crate::ReportingError {
    crate::ReportingError::Xlsx(e.to_string())
}

pub fn to_xlsx(published: &PublishedReport) -> Result<Vec<u8>, crate::ReportingError> {
    let report = &published.report;
    let mut facts = vec![
        ("标题", super::parts::title(published)),
        (AGENCY_KEY, published.agency_title()),
        (YEAR_KEY, report.year().to_string()),
        ("格式", report.format().basis_zh().to_string()),
        ("状态", super::status_zh(published)),
        ("数据截至日志位置", published.as_of_position.to_string()),
    ];
    facts.extend(super::parts::as_of_date_line(published));
    facts.extend([
        ("规则版本", published.rules_version.clone()),
        ("内容哈希", published.content_hash.clone()),
        (
            NarrativeFigures::heading_zh(report.format()),
            report.narrative().text_zh(),
        ),
    ]);
    if super::parts::has_six_parts(report.format()) {
        facts.push((
            super::parts::PART_SIX,
            super::parts::other_matters(published),
        ));
    }
    facts.extend(
        published
            .written
            .iter()
            .map(|w| (w.label_zh(), w.text.clone())),
    );
    facts.extend(crate::written::versions_line(&published.written));
    workbook_of(&facts, &grids(report))
}

/// A workbook of a facts sheet (key, value) and a sheet per grid.
pub(crate) fn workbook_of(
    facts: &[(&str, String)],
    grids: &[Grid],
) -> Result<Vec<u8>, crate::ReportingError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(FACTS_SHEET).map_err(xlsx_error)?;
    sheet.set_column_width(0, 24).map_err(xlsx_error)?;
    sheet.set_column_width(1, 80).map_err(xlsx_error)?;
    for (r, (key, value)) in (0u32..).zip(facts) {
        sheet
            .write_string_with_format(r, 0, *key, &bold)
            .map_err(xlsx_error)?;
        sheet.write_string(r, 1, value).map_err(xlsx_error)?;
    }
    for grid in grids {
        let sheet = workbook.add_worksheet();
        write_grid(sheet, grid).map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn write_grid(sheet: &mut Worksheet, grid: &Grid) -> Result<(), XlsxError> {
    let boxed = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let formats = CellFormats {
        header: boxed.clone().set_align(FormatAlign::Center),
        label: boxed.clone().set_align(FormatAlign::Left),
        number: boxed.clone().set_align(FormatAlign::Right),
        rate: boxed
            .clone()
            .set_align(FormatAlign::Right)
            .set_num_format(RATE_FORMAT),
        money: boxed
            .set_align(FormatAlign::Right)
            .set_num_format(MONEY_FORMAT),
    };
    let title = Format::new().set_bold().set_align(FormatAlign::Center);

    sheet.set_name(&grid.title)?;
    page_setup(sheet, grid)?;
    sheet.merge_range(
        0,
        0,
        0,
        grid.width.saturating_sub(1).max(1),
        &grid.title,
        &title,
    )?;
    for (c, units) in (0u16..).zip(grid.column_units()) {
        #[allow(clippy::cast_precision_loss)] // a few dozen units
        sheet.set_column_width(c, units as f64 + COLUMN_PADDING)?;
    }
    for cell in &grid.cells {
        write_cell(sheet, cell, &formats)?;
    }
    Ok(())
}

/// A4 landscape, one page wide, the table's header rows repeated on every page.
fn page_setup(sheet: &mut Worksheet, grid: &Grid) -> Result<(), XlsxError> {
    sheet.set_paper_size(PAPER_A4);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    if grid.head_rows > 0 {
        sheet.set_repeat_rows(TITLE_ROWS, TITLE_ROWS + grid.head_rows - 1)?;
    }
    Ok(())
}

struct CellFormats {
    header: Format,
    label: Format,
    number: Format,
    rate: Format,
    money: Format,
}

/// One grid cell below the title rows: text as text, counts and money as numbers (money in 万元 under
/// [`MONEY_FORMAT`]), a figure too large for an exact number as its exact text.
fn write_cell(
    sheet: &mut Worksheet,
    cell: &GridCell,
    formats: &CellFormats,
) -> Result<(), XlsxError> {
    let (row, col) = (cell.row + TITLE_ROWS, cell.col);
    let (text, format) = match &cell.content {
        Content::Header(text) => (text.clone(), &formats.header),
        Content::Label(text) => (text.clone(), &formats.label),
        Content::Figure(Some(Figure::Money(_)), _) => (String::new(), &formats.money),
        Content::Figure(figure, _) => (super::print_figure(*figure), &formats.number),
        Content::Rate(n, d, _) => (crate::work::percent((*n, *d)), &formats.rate),
    };
    if cell.rowspan > 1 || cell.colspan > 1 {
        let last_row = row + cell.rowspan - 1;
        let last_col = col + cell.colspan - 1;
        sheet.merge_range(row, col, last_row, last_col, &text, format)?;
    }
    match number(&cell.content) {
        Some(value) => sheet.write_number_with_format(row, col, value, format)?,
        None => match &cell.content {
            Content::Figure(Some(Figure::Money(fen)), _) => {
                sheet.write_string_with_format(row, col, fen.to_10k_yuan(), format)?
            }
            _ => sheet.write_string_with_format(row, col, &text, format)?,
        },
    };
    Ok(())
}

/// The figure as an exact Excel number, if it is a figure that fits one.
fn number(content: &Content) -> Option<f64> {
    match content {
        Content::Figure(Some(Figure::Money(fen)), _) => fen.as_10k_yuan_number(),
        Content::Figure(Some(f @ (Figure::Count(_) | Figure::Change(_))), _)
            if f.as_i128().abs() <= MAX_EXACT_NUMBER =>
        {
            #[allow(clippy::cast_precision_loss)] // exact: |value| ≤ 2^53
            let value = f.as_i128() as f64;
            Some(value)
        }
        Content::Rate(n, d, _) if *d > 0 => Some(fraction(*n, *d)),
        _ => None,
    }
}

/// A rate as the fraction Excel shows as a percentage.
#[allow(clippy::cast_precision_loss)] // counts of cases: a double's rounding is far below the printed 0.1%
fn fraction(numerator: u64, denominator: u64) -> f64 {
    numerator as f64 / denominator as f64
}

/// Reads a workbook written by [`to_xlsx`] (or one laid out the same way): the agency and year from its facts
/// sheet (or `hints`), each figure from where the table sheets print it; an empty cell is blank.
pub fn from_xlsx(bytes: &[u8], hints: &FileHints, file: &str) -> Result<Report, ReportingError> {
    let bad = |reason: String| ReportingError::AuditFile {
        file: file.to_owned(),
        reason,
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let facts = workbook.worksheet_range(FACTS_SHEET).ok();
    let fact = |key: &str| {
        let facts = facts.as_ref()?;
        (0..facts.height()).find_map(|r| match (facts.get((r, 0)), facts.get((r, 1))) {
            (Some(Data::String(k)), Some(value)) if k == key => Some(value.to_string()),
            _ => None,
        })
    };
    let agency = hints.agency_or(fact(AGENCY_KEY).map(|title| agency_of_title(&title)));
    let year = hints.year_or(fact(YEAR_KEY).and_then(|y| y.trim().parse().ok()), file)?;
    // Where each figure is printed is where the renderer puts it: the grids of an empty report of the format.
    let layout = ReportBuilder::new(agency.clone(), year)?.build()?;
    let catalogue = catalogue(layout.format());
    let mut figures = Vec::new();
    for grid in grids(&layout) {
        let range = workbook
            .worksheet_range(&grid.title)
            .map_err(|e| bad(format!("工作表 {}：{e}", grid.title)))?;
        for cell in &grid.cells {
            let Content::Figure(_, code) = &cell.content else {
                continue;
            };
            let Some(i) = catalogue.index_of(code) else {
                continue;
            };
            let unit = catalogue.cells()[i].unit;
            let data = range.get_value((cell.row + TITLE_ROWS, u32::from(cell.col)));
            match data.map(|d| figure_of(unit, d)) {
                None | Some(Ok(None)) => {}
                Some(Ok(Some(figure))) => figures.push((code.clone(), figure)),
                Some(Err(text)) => {
                    return Err(bad(format!(
                        "{}：{code} 的值 {text:?} 不是数字",
                        grid.title
                    )));
                }
            }
        }
    }
    Report::from_printed(agency, year, layout.format(), figures)
}

/// The id in a printed agency title "思茅区财政局（simao/finance）", or the title itself.
fn agency_of_title(title: &str) -> String {
    title
        .strip_suffix('）')
        .and_then(|t| t.rsplit_once('（'))
        .map_or(title, |(_, id)| id)
        .to_owned()
}

/// The figure an xlsx cell holds: `Ok(None)` when empty, `Err(text)` when it is not a figure of `unit`.
fn figure_of(unit: Unit, data: &Data) -> Result<Option<Figure>, String> {
    let figure = match (unit, data) {
        (_, Data::Empty) => return Ok(None),
        (_, Data::String(text)) if text.trim().is_empty() => return Ok(None),
        (_, Data::String(text)) => Figure::parse(unit, text),
        (Unit::Money, Data::Float(x)) => Fen::from_10k_yuan_number(*x).map(Figure::Money),
        (Unit::Money, Data::Int(n)) => u64::try_from(*n)
            .ok()
            .and_then(|n| n.checked_mul(crate::FEN_PER_10K_YUAN))
            .map(|fen| Figure::Money(Fen(fen))),
        (_, Data::Int(n)) => Figure::from_i128(unit, i128::from(*n)),
        (_, Data::Float(x)) if x.fract() == 0.0 && x.abs() <= MAX_EXACT_NUMBER as f64 => {
            #[allow(clippy::cast_possible_truncation)] // integral and within ±2^53
            let n = *x as i64;
            Figure::from_i128(unit, i128::from(n))
        }
        _ => None,
    };
    figure.map(Some).ok_or_else(|| data.to_string())
}
