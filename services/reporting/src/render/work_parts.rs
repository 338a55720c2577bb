//! The sentences of the annual report that quote the year's hotline, proposal and petition figures
//! (`PublishedReport::work`, counted by the projector like the statistics of `work.rs`): the hotline's year in
//! part 一, the suggestions, proposals and petitions in part 六 (in part 一 for the statistical table's years,
//! which have no part 六). Nothing is said of work the agency did not have. The words avoid the phrases by
//! which `audit/text.rs` finds the applications' figures (办结 … 件, 上年结转 …), so an audit of the narrative
//! never takes a hotline figure for an application one.

use std::collections::BTreeMap;

use crate::work::percent;

/// The figure of `code` (0 when no case counts in it).
fn at(figures: &BTreeMap<String, u64>, code: &str) -> u64 {
    figures.get(code).copied().unwrap_or(0)
}

/// A line as a sentence names it: a number is a 热线 ("12345热线"), a name is as it is ("政风行风热线").
fn line_name(line: &str) -> String {
    if line.chars().all(|c| c.is_ascii_digit()) {
        format!("{line}热线")
    } else {
        line.to_owned()
    }
}

/// "全年通过热线受理群众诉求X件，其中12345热线X件、…；办理完成X件，按时办结率X%，回访率X%，满意率X%。", when the
/// year has tickets; a rate whose denominator is zero is left out rather than printed as a dash.
pub(crate) fn hotline_sentence(figures: &BTreeMap<String, u64>) -> Option<String> {
    let received = at(figures, "hotline.received");
    if received == 0 {
        return None;
    }
    let mut lines: Vec<(u64, &str)> = figures
        .iter()
        .filter_map(|(code, figure)| Some((*figure, code.strip_prefix("hotline.received@line=")?)))
        .filter(|(figure, _)| *figure > 0)
        .collect();
    lines.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let mut text = format!("全年通过热线受理群众诉求{received}件");
    if lines.len() > 1 {
        let each: Vec<String> = lines
            .iter()
            .map(|(figure, line)| format!("{}{figure}件", line_name(line)))
            .collect();
        text.push_str(&format!("，其中{}", each.join("、")));
    }
    let closed = at(figures, "hotline.closed");
    text.push_str(&format!("；办理完成{closed}件"));
    let rates = [
        ("按时办结率", "hotline.closed_on_time", "hotline.closed"),
        ("回访率", "hotline.followed_up", "hotline.closed"),
        ("满意率", "hotline.satisfied", "hotline.followed_up"),
    ];
    for (label, numerator, denominator) in rates {
        let (n, d) = (at(figures, numerator), at(figures, denominator));
        if d > 0 {
            text.push_str(&format!("，{label}{}", percent((n, d))));
        }
    }
    text.push('。');
    Some(text)
}

/// The suggestions and proposals handled, the petitions (信访) tallied and the complaints and reports received by
/// the hotline, when the year has any: "承办人大代表建议94件、政协委员提案110件，全部按时限要求答复，答复全部公开。
/// 全年办理信访835件。"
pub(crate) fn proposals_sentence(figures: &BTreeMap<String, u64>) -> Option<String> {
    let mut text = String::new();
    let npc = at(figures, "proposals.received@kind=npc_suggestion");
    let cppcc = at(figures, "proposals.received@kind=cppcc_proposal");
    if npc + cppcc > 0 {
        text.push_str(&format!(
            "承办人大代表建议{npc}件、政协委员提案{cppcc}件，{}",
            proposals_answered(figures)
        ));
    }
    let tallied = at(figures, "petitions.tallied");
    if tallied > 0 {
        text.push_str(&format!("全年办理信访{tallied}件。"));
    }
    let complaints = at(figures, "petitions.received");
    if complaints > 0 {
        text.push_str(&format!(
            "通过热线受理群众投诉、举报{complaints}件，处理完成{}件。",
            at(figures, "petitions.handled")
        ));
    }
    (!text.is_empty()).then_some(text)
}

/// How the year's suggestions and proposals were answered: all on time and published, or the figures.
fn proposals_answered(figures: &BTreeMap<String, u64>) -> String {
    let answered = at(figures, "proposals.answered");
    let on_time = at(figures, "proposals.answered_on_time");
    let published = at(figures, "proposals.published");
    let open = at(figures, "proposals.open_at_end");
    if open == 0 && on_time == answered && published == answered {
        return "全部按时限要求办理答复，答复全部公开。".to_owned();
    }
    let mut text = format!("本年答复{answered}件，其中按时答复{on_time}件；公开答复{published}件");
    if open > 0 {
        text.push_str(&format!("；年末尚在办理{open}件"));
    }
    text.push('。');
    text
}
