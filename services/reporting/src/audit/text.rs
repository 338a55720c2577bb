//! The figures a narrative states (parts 一 and 六: "本年度新收政府信息公开申请12件"), found by the phrases
//! published reports use, each tied to the cells it restates: the narrative cells the format's layout names
//! (identity 6) and the 总计 column of the table 三 rows part 一 quotes.

use crate::error::ReportingError;
use crate::figure::Fen;
use crate::format::ReportFormat;
use crate::layout::catalogue;

/// Largest narrative file read: a published report's text is a few tens of kilobytes.
pub const MAX_NARRATIVE_BYTES: usize = 16 * 1024 * 1024;
/// Characters allowed between a phrase and its figure ("行政复议共3件"); more, and the figure belongs to
/// something else.
const MAX_GAP_CHARS: usize = 4;

/// A figure the narrative states and the cells it restates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub quote: String,
    /// Counts as they are; money in fen.
    pub stated: i128,
    pub cells: Vec<String>,
}

/// What a phrase restates.
#[derive(Clone, Copy)]
enum Restates {
    Received,
    Reconsiderations,
    Lawsuits,
    Fees,
    /// The 总计 column of a table 三 row.
    Total(&'static str),
}

/// Phrases in the order they claim a figure; longer before shorter where one begins another.
const PHRASES: &[(&str, Restates)] = &[
    ("新收政府信息公开申请", Restates::Received),
    ("上年结转", Restates::Total("carried_over")),
    ("结转下年度继续办理", Restates::Total("carried_forward")),
    ("办结", Restates::Total("outcome_total")),
    ("予以公开", Restates::Total("disclosed")),
    ("部分公开", Restates::Total("partly_disclosed")),
    ("行政复议", Restates::Reconsiderations),
    ("行政诉讼", Restates::Lawsuits),
    ("收费金额", Restates::Fees),
];

fn cells_of(format: ReportFormat, restates: Restates) -> Vec<String> {
    let catalogue = catalogue(format);
    let source = &catalogue.layout.narrative;
    let codes: Vec<String> = match restates {
        Restates::Received => owned(source.applications_received),
        Restates::Reconsiderations => owned(source.reconsiderations),
        Restates::Lawsuits => owned(source.lawsuits),
        Restates::Fees => source
            .fees_collected
            .map(str::to_owned)
            .into_iter()
            .collect(),
        Restates::Total(row) => vec![format!("applications.{row}.total")],
    };
    // A phrase whose cells the format lacks (the statistical table has no 上年结转) restates nothing.
    if codes.iter().all(|code| catalogue.index_of(code).is_some()) {
        codes
    } else {
        Vec::new()
    }
}

fn owned(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

/// Every figure `text` states by a known phrase, in the order the phrases are listed.
pub fn quoted_figures(format: ReportFormat, text: &str) -> Vec<Quoted> {
    let mut claimed = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for (phrase, restates) in PHRASES {
        let cells = cells_of(format, *restates);
        if cells.is_empty() {
            continue;
        }
        let money = matches!(restates, Restates::Fees);
        for (start, _) in text.match_indices(phrase) {
            let after = start + phrase.len();
            let Some((at, end, stated)) = figure_after(&text[after..], money) else {
                continue;
            };
            if claimed.insert(after + at) {
                out.push(Quoted {
                    quote: text[start..after + end].to_owned(),
                    stated,
                    cells: cells.clone(),
                });
            }
        }
    }
    out
}

fn stops(c: char) -> bool {
    c.is_ascii_punctuation() || c == '\n' || "，。；、：！？（）《》“”‘’【】…—".contains(c)
}

/// The figure right after a phrase: (its offset, the end of its unit, its value); counts end in 件, money
/// in 万元 (kept in fen).
fn figure_after(rest: &str, money: bool) -> Option<(usize, usize, i128)> {
    let mut at = None;
    for (gap, (i, c)) in rest.char_indices().enumerate() {
        if c.is_ascii_digit() {
            at = Some(i);
            break;
        }
        if gap >= MAX_GAP_CHARS || stops(c) {
            return None;
        }
    }
    let at = at?;
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut end = at + digits(&rest[at..]);
    if money && rest[end..].starts_with('.') {
        end += 1 + digits(&rest[end + 1..]);
    }
    let number = &rest[at..end];
    let unit_at = end + (rest[end..].len() - rest[end..].trim_start().len());
    let (unit, value) = if money {
        ("万元", i128::from(Fen::parse_10k_yuan(number).ok()?.0))
    } else {
        ("件", number.parse::<i128>().ok()?)
    };
    rest[unit_at..]
        .starts_with(unit)
        .then_some((at, unit_at + unit.len(), value))
}

/// The narrative words of a file: an HTML document without its tables, styles and tags; Markdown without
/// its table lines; any other file as text. UTF-8 (with or without a byte-order mark) or GBK.
pub fn narrative_text(bytes: &[u8], file_name: &str) -> Result<String, ReportingError> {
    if bytes.len() > MAX_NARRATIVE_BYTES {
        return Err(ReportingError::AuditFile {
            file: file_name.to_owned(),
            reason: format!("超过 {MAX_NARRATIVE_BYTES} 字节（too large）"),
        });
    }
    let text = decode_text(bytes);
    let lower = file_name.to_lowercase();
    Ok(if lower.ends_with(".html") || lower.ends_with(".htm") {
        html_text(&text)
    } else if lower.ends_with(".md") {
        text.lines()
            .filter(|line| !line.trim_start().starts_with('|'))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text
    })
}

/// UTF-8 with or without a byte-order mark, else GBK (what Excel and Word on Chinese Windows write).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

/// Elements whose content is not narrative: the tables (judged as tables), styles and scripts.
const SKIPPED_ELEMENTS: [&str; 3] = ["table", "style", "script"];

fn html_text(html: &str) -> String {
    let mut text = html.to_owned();
    for element in SKIPPED_ELEMENTS {
        text = without_element(&text, element);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |text, (entity, c)| text.replace(entity, c))
}

/// `html` without every `<element …>…</element>` (ASCII case-insensitive).
fn without_element(html: &str, element: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let (open, close) = (format!("<{element}"), format!("</{element}>"));
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    while let Some(start) = lower[from..].find(&open).map(|i| from + i) {
        out.push_str(&html[from..start]);
        from = match lower[start..].find(&close) {
            Some(end) => start + end + close.len(),
            None => html.len(),
        };
    }
    out.push_str(&html[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_find_their_figures_and_nothing_else() {
        let text = "本年度新收政府信息公开申请12件，上年结转 3 件；办结14件，其中予以公开9件、部分公开2件；\
                    结转下年度继续办理1件。因政府信息公开申请引起行政复议共2件、行政诉讼0件。\
                    四、政府信息公开行政复议、行政诉讼情况。收费金额0.038万元。";
        let found: Vec<(String, i128)> = quoted_figures(ReportFormat::Format2021, text)
            .into_iter()
            .map(|q| (q.cells.join("+"), q.stated))
            .collect();
        let expected = [
            ("applications.received.total", 12),
            ("applications.carried_over.total", 3),
            ("applications.carried_forward.total", 1),
            ("applications.outcome_total.total", 14),
            ("applications.disclosed.total", 9),
            ("applications.partly_disclosed.total", 2),
            ("challenges.reconsideration.total", 2),
            (
                "challenges.litigation_direct.total+challenges.litigation_after_reconsideration.total",
                0,
            ),
            ("proactive.fees.amount_10k_yuan", 38_000),
        ];
        let expected: Vec<(String, i128)> =
            expected.iter().map(|(c, v)| (c.to_string(), *v)).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn html_loses_its_tables_and_tags() {
        let html = "<p>新收政府信息公开申请<b>7</b>件</p><TABLE><tr><td>新收政府信息公开申请</td><td>9件</td></tr>\
                    </table><style>p{}</style><p>A&amp;B</p>";
        assert_eq!(html_text(html), "新收政府信息公开申请7件A&B");
    }
}
