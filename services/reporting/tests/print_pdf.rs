//! The HTML report printed to PDF by headless Chromium, as an office prints it, and read back with poppler's
//! `pdftotext -bbox` (every word with its page): A4 pages, not too many; the Chinese title carries the agency's
//! registered name on page 1; no row of table 三 is split across pages (every row label, wrapped or not, stands
//! whole on one page); table 三's header is repeated on every page it continues on; its last row is never
//! alone; the 落款 and the colophon are printed, the provenance only in the colophon.
//!
//! Needs `chromium` and `pdftotext` (poppler-utils) and a CJK font; `.ci/run` installs them. Chromium is
//! `/usr/bin/chromium` unless `CASETRACK_CHROMIUM` names another.

mod common;

use std::path::Path;
use std::process::Command;

use casetrack_reporting::{PublishedReport, RowKind, html, layout};
use chrono::NaiveDate;
use common::balanced;

/// The agency's registered name, which the title must carry.
const NAME: &str = "普洱市思茅区人民政府";
/// A4 in PDF points (portrait), with a point of tolerance for rounding.
const A4_POINTS: (f64, f64) = (595.0, 842.0);
const POINT_TOLERANCE: f64 = 1.5;
/// The report of one agency fits on this many A4 pages (title, six parts, three tables, 落款, colophon).
const MAX_PAGES: usize = 6;
/// Row labels shorter than this (in characters) also occur elsewhere on a page ("其他"); longer ones are
/// unique, so where they are found is where their row is.
const MIN_LABEL_CHARS: usize = 6;

fn chromium() -> String {
    std::env::var("CASETRACK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// Prints `html_file` to `pdf` with headless Chromium, isolated from any profile and the network.
fn print_to_pdf(dir: &Path, html_file: &Path, pdf: &Path) {
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html_file.display()))
        .output()
        .expect("run chromium (install it: apt-get install chromium)");
    assert!(
        pdf.exists(),
        "chromium printed no PDF: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// One PDF page as pdftotext reads it: its size and its words, in reading order.
struct Page {
    width: f64,
    height: f64,
    words: Vec<String>,
}

impl Page {
    /// The page's text without spaces or line breaks, so a label wrapped over two lines reads whole.
    fn text(&self) -> String {
        self.words.concat()
    }
}

/// The pages of `pdf`, from `pdftotext -bbox` (an XHTML of `<page width height>` and `<word …>text</word>`).
fn pages(pdf: &Path) -> Vec<Page> {
    let output = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext (install it: apt-get install poppler-utils)");
    assert!(output.status.success(), "pdftotext failed");
    let xhtml = String::from_utf8(output.stdout).expect("pdftotext writes UTF-8");
    let mut pages = Vec::new();
    for chunk in xhtml.split("<page ").skip(1) {
        let number = |name: &str| -> f64 {
            let start = chunk.find(&format!("{name}=\"")).expect("page size") + name.len() + 2;
            let end = start + chunk[start..].find('"').expect("closing quote");
            chunk[start..end].parse().expect("a number")
        };
        let words = chunk
            .split("<word ")
            .skip(1)
            .filter_map(|w| Some(w[w.find('>')? + 1..w.find("</word>")?].to_owned()))
            .map(|w| {
                w.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
            })
            .collect();
        pages.push(Page {
            width: number("width"),
            height: number("height"),
            words,
        });
    }
    pages
}

/// The labels of table 三's printed rows that are long enough to be unique, in table order.
fn table_three_labels(year: i32) -> Vec<String> {
    let format = casetrack_reporting::ReportFormat::for_year(year);
    layout(format)
        .tables
        .iter()
        .filter(|t| t.code == "applications")
        .flat_map(|t| t.blocks.iter())
        .flat_map(|b| b.rows())
        .filter(|r| r.code.is_some() && !matches!(r.kind, RowKind::Sum { printed: false, .. }))
        .map(|r| r.label_zh.replace(' ', ""))
        .filter(|l| l.chars().count() >= MIN_LABEL_CHARS)
        .collect()
}

fn published(year: i32) -> PublishedReport {
    // Four-digit figures, so the figure columns are as wide as a large district's.
    let report = balanced("simao", year, &[1203, 7, 0, 3, 12, 0, 1, 88]);
    PublishedReport::publish(report, None, 6499, "rules-test")
        .expect("publish")
        .with_agency_name(Some(NAME.to_owned()))
        .with_signed_on(NaiveDate::from_ymd_opt(year + 1, 1, 20))
}

#[test]
fn the_printed_report_is_a4_with_no_row_split_and_the_named_title() {
    let year = 2025;
    let dir = tempfile::tempdir().expect("temp dir");
    let html_file = dir.path().join("report.html");
    std::fs::write(&html_file, html::to_html(&published(year))).expect("write html");
    let pdf = dir.path().join("report.pdf");
    print_to_pdf(dir.path(), &html_file, &pdf);
    let pages = pages(&pdf);

    assert!(
        (2..=MAX_PAGES).contains(&pages.len()),
        "{} pages",
        pages.len()
    );
    for page in &pages {
        assert!(
            (page.width - A4_POINTS.0).abs() < POINT_TOLERANCE
                && (page.height - A4_POINTS.1).abs() < POINT_TOLERANCE,
            "not A4: {}×{}",
            page.width,
            page.height
        );
    }
    let texts: Vec<String> = pages.iter().map(Page::text).collect();
    assert!(
        texts[0].contains(&format!("{NAME}{year}年政府信息公开工作年度报告")),
        "{}",
        texts[0]
    );

    let labels = table_three_labels(year);
    assert!(labels.len() > 15, "{labels:?}");
    let mut table_pages = Vec::new();
    for label in &labels {
        let on: Vec<usize> = (0..texts.len())
            .filter(|p| texts[*p].contains(label))
            .collect();
        assert_eq!(
            on.len(),
            1,
            "row {label:?} is not whole on exactly one page: {on:?}"
        );
        table_pages.push(on[0]);
    }
    for page in table_pages
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        assert!(
            texts[*page].contains("自然人"),
            "page {page}: table 三 continues without its header"
        );
    }
    let last = *table_pages.last().expect("rows");
    let with_last = table_pages.iter().filter(|p| **p == last).count();
    assert!(
        with_last > 1,
        "the last row of table 三 stands alone on page {last}"
    );

    let date = format!("{}年1月20日", year + 1);
    let signed = texts
        .iter()
        .rposition(|t| t.contains(&date))
        .expect("落款 date");
    assert!(
        texts[signed].contains(NAME),
        "落款 without the agency: {}",
        texts[signed]
    );
    let end = texts.last().expect("a page");
    assert!(signed >= table_pages[0], "落款 before the tables");
    assert!(
        end.contains("数据来源与校验") && end.contains("6499"),
        "colophon: {end}"
    );
    assert!(!texts[0].contains("6499"), "provenance printed in the body");
}
