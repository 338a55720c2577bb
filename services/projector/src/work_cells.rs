//! Which cells of the year-end work figures (hotline-report.md) a case counts in for a period: a pure
//! function of the case's dated facts (the domain's `Work`), the period and the locality's rules. The figures
//! and the drill-down lists are both computed by [`cells_of`], so a figure and its list are the same set.
//!
//! A cell code is `{section}.{measure}` for the whole agency, or `{section}.{measure}@{dimension}={key}` for
//! one line, category, unit or kind, e.g. `hotline.closed_on_time@line=12345`. Rules (per period [s, e]):
//! - Ticket merged into another (并单): counts only in `hotline.merged`, the period it was merged; every other
//!   measure counts it once, in the ticket it was merged into.
//! - Ticket: `received` (received in the period); `answered_at_once`; `dispatched` (first dispatch, once per
//!   ticket); `returned` (one per 退单 leg: the weight); `closed`; `closed_on_time` / `closed_late` (closed,
//!   handling of the last round ended by / after its deadline, an approved extension included);
//!   `overdue` (closed late, or open at e and past its deadline then); `carried_over` (received before s,
//!   not closed before s); `open_at_end` (received by e, not closed by e); `rehandled` (re-handling ordered in
//!   the period); `followed_up` (closed, with a follow-up); `satisfied` (followed up, rated satisfied by the
//!   locality's rule, `work_rules.rs`).
//! - Tickets of category 投诉 and 举报 also count in the `petitions` section (complaints and reports):
//!   `received`, `handled` (= closed), `carried_over`, `open_at_end`.
//! - Suggestion or proposal: `received` (assigned), `answered`, `answered_on_time` / `answered_late` (by the
//!   3-month deadline, 6 when extended), `carried_over`, `open_at_end` (not answered by e), `published`.
//! - Tally of 信访 handled: `petitions.tallied`, its count, in the period holding its date.
//!
//! The sections, measures, rates and identities are reporting's (`casetrack_reporting::WORK_SECTIONS`, …):
//! carried_over + received = closed + open_at_end (and the petitions' and proposals' equivalents);
//! closed = closed_on_time + closed_late; answered = answered_on_time + answered_late.

use casetrack_domain::hotline::HotlineCategory;
use casetrack_domain::workload::{ProposalWork, TicketWork, Work};
use chrono::NaiveDate;

use crate::error::ProjectorError;
use crate::work_rules::WorkRules;

/// A period of the figures: a calendar year, or one month of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub month: Option<u32>,
    start: NaiveDate,
    end: NaiveDate,
}

impl Period {
    /// The year, or month `month` (1–12) of it.
    pub fn new(year: i32, month: Option<u32>) -> Result<Period, ProjectorError> {
        let bad = |field: &str, reason: String| ProjectorError::BadArgument {
            field: field.to_owned(),
            reason,
        };
        let (first, last) = match month {
            None => (1, 12),
            Some(m @ 1..=12) => (m, m),
            Some(m) => return Err(bad("month", format!("{m} is not a month (1–12)"))),
        };
        let start = NaiveDate::from_ymd_opt(year, first, 1)
            .ok_or_else(|| bad("year", format!("{year} is out of range")))?;
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, last + 1, 1)
        };
        let end = next
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| bad("year", format!("{year} is out of range")))?;
        Ok(Period {
            year,
            month,
            start,
            end,
        })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    fn holds(&self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }

    fn holds_any(&self, date: Option<NaiveDate>) -> bool {
        date.is_some_and(|d| self.holds(d))
    }
}

/// One cell a case counts in: `{section}.{measure}` and its weight (1, or the legs / the tallied count).
pub type Contribution = (String, u64);

/// Every cell code `work` counts in for `period`, the whole agency's and each of its dimensions'.
pub fn cells_of(work: &Work, period: &Period, rules: &WorkRules) -> Vec<Contribution> {
    let measures = match work {
        Work::Ticket(ticket) => ticket_measures(ticket, period, rules),
        Work::Proposal(proposal) => proposal_measures(proposal, period),
        Work::Petitions { handled, on, .. } if period.holds(*on) => {
            vec![("petitions.tallied".to_owned(), *handled)]
        }
        Work::Petitions { .. } => Vec::new(),
    };
    let dimensions = dimensions_of(work);
    let mut out = Vec::with_capacity(measures.len() * (dimensions.len() + 1));
    for (measure, weight) in measures {
        for (dimension, key) in &dimensions {
            out.push((format!("{measure}@{dimension}={key}"), weight));
        }
        out.push((measure, weight));
    }
    out
}

/// The rows of the breakdowns a case appears in: (dimension, key).
fn dimensions_of(work: &Work) -> Vec<(&'static str, String)> {
    match work {
        Work::Ticket(t) => {
            let mut out = vec![("line", t.line.clone()), ("category", code(t.category))];
            out.extend(t.unit.iter().map(|u| ("unit", u.to_string())));
            out
        }
        Work::Proposal(p) => vec![("kind", code(p.kind)), ("unit", p.lead_unit.to_string())],
        Work::Petitions { .. } => Vec::new(),
    }
}

/// The serde code of a domain enum (`complaint`, `npc_suggestion`, …).
fn code<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The hotline measures (and the petitions' for complaints and reports) of a ticket in the period.
fn ticket_measures(t: &TicketWork, period: &Period, rules: &WorkRules) -> Vec<Contribution> {
    let mut out: Vec<(&str, u64)> = Vec::new();
    if let Some(merged_on) = t.merged_on {
        if period.holds(merged_on) {
            out.push(("merged", 1));
        }
        return prefixed("hotline", out);
    }
    let flow = Flow::of(t.received_on, t.closed_on, period);
    let closed = period.holds_any(t.closed_on);
    let late_at_close = t.closed_on.is_some_and(|c| t.late_on(c));
    let returns = t.returned_on.iter().filter(|d| period.holds(**d)).count() as u64;
    let followed_up = closed && t.follow_up.is_some();
    let satisfied = t
        .follow_up
        .is_some_and(|(s, _)| rules.satisfied(&t.agency).contains(&s));
    let flags = [
        ("carried_over", flow.carried_over),
        ("received", flow.received),
        ("answered_at_once", period.holds_any(t.answered_at_once_on)),
        ("dispatched", period.holds_any(t.first_dispatched_on)),
        ("closed", closed),
        ("closed_on_time", closed && !late_at_close),
        ("closed_late", closed && late_at_close),
        (
            "overdue",
            (closed && late_at_close) || (flow.open_at_end && t.late_on(period.end())),
        ),
        ("open_at_end", flow.open_at_end),
        ("rehandled", t.rehandled_on.iter().any(|d| period.holds(*d))),
        ("followed_up", followed_up),
        ("satisfied", followed_up && satisfied),
    ];
    out.extend(flags.into_iter().filter(|(_, on)| *on).map(|(m, _)| (m, 1)));
    if returns > 0 {
        out.push(("returned", returns));
    }
    let mut cells = prefixed("hotline", out);
    if matches!(
        t.category,
        HotlineCategory::Complaint | HotlineCategory::Report
    ) {
        let petitions = [
            ("carried_over", flow.carried_over),
            ("received", flow.received),
            ("handled", closed),
            ("open_at_end", flow.open_at_end),
        ];
        cells.extend(prefixed(
            "petitions",
            petitions
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(m, _)| (m, 1)),
        ));
    }
    cells
}

fn proposal_measures(p: &ProposalWork, period: &Period) -> Vec<Contribution> {
    let flow = Flow::of(p.assigned_on, p.replied_on, period);
    let answered = period.holds_any(p.replied_on);
    let on_time = p
        .replied_on
        .is_some_and(|r| p.due.is_none_or(|due| r <= due));
    let flags = [
        ("carried_over", flow.carried_over),
        ("received", flow.received),
        ("answered", answered),
        ("answered_on_time", answered && on_time),
        ("answered_late", answered && !on_time),
        ("open_at_end", flow.open_at_end),
        ("published", period.holds_any(p.published_on)),
    ];
    prefixed(
        "proposals",
        flags.into_iter().filter(|(_, on)| *on).map(|(m, _)| (m, 1)),
    )
}

/// Where a case stands in the period's flow: open at its start, come in during it, open at its end.
struct Flow {
    carried_over: bool,
    received: bool,
    open_at_end: bool,
}

impl Flow {
    fn of(started: NaiveDate, ended: Option<NaiveDate>, period: &Period) -> Flow {
        Flow {
            carried_over: started < period.start() && ended.is_none_or(|e| e >= period.start()),
            received: period.holds(started),
            open_at_end: started <= period.end() && ended.is_none_or(|e| e > period.end()),
        }
    }
}

fn prefixed<'a>(
    section: &str,
    measures: impl IntoIterator<Item = (&'a str, u64)>,
) -> Vec<Contribution> {
    measures
        .into_iter()
        .map(|(m, w)| (format!("{section}.{m}"), w))
        .collect()
}
