//! The words around the tables, in Chinese, each figure read from the same cells the tables print
//! (identity 6): the title, the opening paragraph, parts 一, 五 and 六 of the 2019 and 2021 formats, the 落款
//! and the colophon (where the report's provenance — log position, rules, content hash — is printed, out of
//! the body). The HTML and Markdown renderers print the same words.

use chrono::Datelike;

use crate::format::ReportFormat;
use crate::published::PublishedReport;
use crate::report::Report;

use super::work_parts::{hotline_sentence, proposals_sentence};

/// Part 一's heading in the 2019 and 2021 formats.
pub(crate) const PART_ONE: &str = "一、总体情况";
/// Part 五's heading.
pub(crate) const PART_FIVE: &str = "五、存在的主要问题及改进情况";
/// Part 六's heading.
pub(crate) const PART_SIX: &str = "六、其他需要报告的事项";
/// What part 五 says until the agency's own words are recorded.
pub(crate) const PART_FIVE_PENDING: &str = "（本部分由本机关结合本年度工作撰写。）";
/// The colophon's heading.
pub(crate) const COLOPHON: &str = "附：数据来源与校验";

/// The title: the agency's registered name, the year, the document's name.
pub(crate) fn title(published: &PublishedReport) -> String {
    format!(
        "{}{}年政府信息公开工作年度报告",
        published.display_name(),
        published.year()
    )
}

/// Whether the format is the six-part report (2019 and 2021); the statistical table numbers its own sections.
pub(crate) fn has_six_parts(format: ReportFormat) -> bool {
    matches!(format, ReportFormat::Format2019 | ReportFormat::Format2021)
}

/// The opening paragraph: the basis and the period of the figures.
pub(crate) fn opening(published: &PublishedReport) -> String {
    let year = published.year();
    format!(
        "本报告依据《中华人民共和国政府信息公开条例》和{}的要求编制，所列数据的统计期限为{year}年1月1日至{year}年\
         12月31日。报告中的数字由政府信息公开办理台账逐件计算生成，每个数字均可追溯到具体案件。",
        published.format().basis_zh()
    )
}

/// The total column of a row of table 三, or `None` when the format has no such row.
fn applications(report: &Report, row: &str) -> Option<String> {
    report
        .get(&format!("applications.{row}.total"))
        .map(|f| f.to_string())
}

/// Part 一's figures: applications received, carried over, handled (disclosed, partly), carried forward,
/// reconsiderations and suits (in the statistical table's years, the narrative figures' sentence); then the
/// hotline's year, and in a format without part 六 the suggestions, proposals and petitions too.
pub(crate) fn overview(published: &PublishedReport) -> String {
    let mut text = applications_overview(&published.report);
    text.extend(hotline_sentence(&published.work));
    if !has_six_parts(published.format()) {
        text.extend(proposals_sentence(&published.work));
    }
    text
}

fn applications_overview(report: &Report) -> String {
    let rows = [
        "received",
        "carried_over",
        "outcome_total",
        "disclosed",
        "partly_disclosed",
        "carried_forward",
    ]
    .map(|row| applications(report, row));
    let narrative = report.narrative();
    match rows {
        [Some(r), Some(c), Some(o), Some(d), Some(p), Some(f)] => format!(
            "本年度新收政府信息公开申请{r}件，上年结转{c}件；办结{o}件，其中予以公开{d}件、部分公开{p}件；\
             结转下年度继续办理{f}件。因政府信息公开申请引起行政复议{}件、行政诉讼{}件。",
            narrative.reconsiderations, narrative.lawsuits
        ),
        _ => narrative.text_zh(),
    }
}

/// Part 六: the year's suggestions, proposals and petitions; in the 2021 format also the 信息处理费
/// (国办函〔2020〕109号), apart from table 二's 行政事业性收费 — the figures, or that none were charged (a
/// report carries them whenever a notice was issued or a fee charged or paid in the year).
pub(crate) fn other_matters(published: &PublishedReport) -> String {
    let work = proposals_sentence(&published.work);
    let fees = match (published.format(), published.information_fees) {
        (ReportFormat::Format2021, Some(fees)) => Some(fees.text_zh()),
        (ReportFormat::Format2021, None) => Some(
            "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度未发出信息处理费缴费通知，\
             未收取信息处理费。"
                .to_owned(),
        ),
        (ReportFormat::Format2019 | ReportFormat::StatisticalTable, _) => None,
    };
    match (work, fees) {
        (None, None) => "无其他需要报告的事项。".to_owned(),
        (work, fees) => format!("{}{}", work.unwrap_or_default(), fees.unwrap_or_default()),
    }
}

/// The 落款 date in Chinese (2026年1月20日), when the report carries one.
pub(crate) fn signature_date(published: &PublishedReport) -> Option<String> {
    published
        .signed_on
        .map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

/// The colophon: what the figures are, as of where, under which rules, sealed by which hash, and whether
/// they passed the identity checks.
pub(crate) fn colophon(published: &PublishedReport) -> Vec<(&'static str, String)> {
    let mut lines = vec![
        ("机关代码", published.agency().to_owned()),
        ("报告格式", published.format().basis_zh().to_owned()),
        (
            "数据截至",
            format!("事件日志第 {} 条事件之前", published.as_of_position),
        ),
    ];
    lines.extend(as_of_date_line(published));
    lines.extend(crate::written::versions_line(&published.written));
    lines.extend([
        ("计算规则版本", published.rules_version.clone()),
        ("内容哈希（SHA-256）", published.content_hash.clone()),
        ("勾稽关系", super::status_zh(published)),
    ]);
    lines
}

/// The business date a report is as of, as the colophon and the xlsx facts print it; none for a report by log
/// position alone.
pub(crate) fn as_of_date_line(published: &PublishedReport) -> Option<(&'static str, String)> {
    published.as_of_date.map(|on| {
        (
            "业务日期截至",
            format!("{on}（只计发生日期在此日及以前的事实）"),
        )
    })
}
