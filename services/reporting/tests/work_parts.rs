//! The annual report quotes the year's hotline, proposal and petition figures: the hotline's year in part 一,
//! suggestions, proposals and petitions in part 六 (in part 一 of the statistical table's years, which have no
//! part 六), in HTML, Markdown and KIROGOVCOMPARE's text sections alike; nothing is said of work there was
//! none of; and an audit of the narrative takes none of these figures for an application's.

mod common;

use std::collections::BTreeMap;

use casetrack_reporting::audit::quoted_figures;
use casetrack_reporting::{OutputFormat, PublishedReport, render};

const HOTLINE: &str = "全年通过热线受理群众诉求240件，其中12345热线150件、政风行风热线90件；办理完成200件，\
                       按时办结率99.0%，回访率50.0%，满意率98.0%。";
const PROPOSALS: &str = "承办人大代表建议94件、政协委员提案110件，全部按时限要求办理答复，答复全部公开。\
                         全年办理信访835件。";

/// The seed report's year of work (the hotline's figures made up around it).
fn work() -> BTreeMap<String, u64> {
    [
        ("hotline.received", 240),
        ("hotline.received@line=12345", 150),
        ("hotline.received@line=政风行风热线", 90),
        ("hotline.closed", 200),
        ("hotline.closed_on_time", 198),
        ("hotline.followed_up", 100),
        ("hotline.satisfied", 98),
        ("proposals.received", 204),
        ("proposals.received@kind=npc_suggestion", 94),
        ("proposals.received@kind=cppcc_proposal", 110),
        ("proposals.answered", 204),
        ("proposals.answered_on_time", 204),
        ("proposals.published", 204),
        ("petitions.tallied", 835),
    ]
    .into_iter()
    .map(|(code, figure)| (code.to_owned(), figure))
    .collect()
}

fn published(year: i32, work: BTreeMap<String, u64>) -> PublishedReport {
    let report = common::balanced("simao", year, &[3, 1, 4]);
    PublishedReport::publish(report, None, 7, "test-rules")
        .expect("publish")
        .with_work(work)
}

fn text(published: &PublishedReport, format: OutputFormat) -> String {
    String::from_utf8(render(published, format).expect("render")).expect("UTF-8")
}

#[test]
fn parts_one_and_six_quote_the_years_work_in_every_printed_format() {
    let report = published(2024, work());
    for format in [OutputFormat::Html, OutputFormat::Markdown] {
        let text = text(&report, format);
        let six = text.find("六、其他需要报告的事项").expect("part 六");
        let (one, rest) = (
            text.find(HOTLINE).expect("hotline"),
            text.find(PROPOSALS).expect("proposals"),
        );
        assert!(one < six && six < rest, "{format:?}: {text}");
        assert!(
            text[rest..].contains("本年度未发出信息处理费缴费通知"),
            "{format:?}: {text}"
        );
    }
    let kirogov: serde_json::Value =
        serde_json::from_str(&text(&report, OutputFormat::Kirogov)).expect("json");
    let sections = kirogov["sections"].as_array().expect("sections");
    let part = |title: &str| {
        sections
            .iter()
            .find(|s| s["title"] == title)
            .and_then(|s| s["content"].as_str())
            .expect(title)
    };
    assert!(part("一、总体情况").ends_with(HOTLINE));
    assert!(part("六、其他需要报告的事项").starts_with(PROPOSALS));
}

#[test]
fn the_statistical_table_quotes_all_of_it_in_its_overview() {
    let md = text(&published(2018, work()), OutputFormat::Markdown);
    assert!(md.contains(&format!("{HOTLINE}{PROPOSALS}")), "{md}");
    assert!(!md.contains("六、其他需要报告的事项"), "{md}");
}

#[test]
fn nothing_is_said_of_work_there_was_none_of() {
    let md = text(&published(2020, BTreeMap::new()), OutputFormat::Markdown);
    assert!(
        md.contains("## 六、其他需要报告的事项\n\n无其他需要报告的事项。"),
        "{md}"
    );
    assert!(!md.contains("热线"), "{md}");
    let mut late = work();
    late.insert("proposals.answered_on_time".to_owned(), 200);
    late.insert("proposals.answered_late".to_owned(), 4);
    late.insert("proposals.published".to_owned(), 150);
    late.insert("hotline.followed_up".to_owned(), 0);
    let md = text(&published(2020, late), OutputFormat::Markdown);
    assert!(
        md.contains("本年答复204件，其中按时答复200件；公开答复150件。"),
        "{md}"
    );
    assert!(
        md.contains("按时办结率99.0%，回访率0.0%。"),
        "a rate of nothing is left out: {md}"
    );
}

#[test]
fn an_audit_of_the_narrative_takes_no_work_figure_for_an_applications_one() {
    for year in [2018, 2024] {
        let with = text(&published(year, work()), OutputFormat::Markdown);
        let without = text(&published(year, BTreeMap::new()), OutputFormat::Markdown);
        let format = casetrack_reporting::ReportFormat::for_year(year);
        assert_eq!(
            quoted_figures(format, &with),
            quoted_figures(format, &without),
            "{year}"
        );
    }
}
