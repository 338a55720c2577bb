//! Generated hotline and proposal histories, folded by the projector's workload model, give exactly the
//! year-end work figures recounted here with plain loops over the plans (hotline-report.md's definitions,
//! written out again); the section's identities hold and every cell's drill-down adds up to its figure.

mod common;

use std::collections::BTreeMap;

use casetrack_domain::hotline::{HotlineCategory, HotlineEvent, Satisfaction};
use casetrack_domain::proposal::{ProposalEvent, ProposalKind};
use casetrack_domain::tracking::{ASSIGNED_EVENT_TYPE, Assignment, counter_stream};
use casetrack_domain::{AgencyId, ApplicantType, Event, EventBody, Outcome};
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use casetrack_projector::AgencyScope;
use casetrack_projector::ReadModel;
use casetrack_projector::as_of::{fold_cases, fold_dated, fold_to};
use casetrack_projector::keys::prefix;
use casetrack_projector::kv::KvRead;
use casetrack_projector::work_cells::Period;
use casetrack_projector::work_rules::WorkRules;
use casetrack_projector::workload::{filed_cases, work_drill_down, work_figures};
use casetrack_reporting::WORK_IDENTITIES;
use chrono::{Days, Months, NaiveDate};
use common::{
    append, arrangement_2027, case_id, clocks, date, decided, fold, load, on_day, received, runtime,
};
use proptest::prelude::*;

const AGENCY: &str = "simao";
const LINES: [&str; 3] = ["12345", "12328", "96128"];
const UNITS: [&str; 2] = ["simao/roads", "simao/water"];

#[derive(Debug, Clone)]
struct Ticket {
    line: usize,
    category: HotlineCategory,
    received_on: NaiveDate,
    /// Answered during the call (and closed that day); otherwise dispatched.
    at_once: bool,
    /// Days each dispatch leg stayed before the unit returned it.
    returns: Vec<u64>,
    unit: usize,
    limit: u32,
    /// Days from the last dispatch to handling, and from handling to closure.
    handled_after: Option<u64>,
    closed_after: Option<u64>,
    follow_up: Option<Satisfaction>,
    /// Days after closure that re-handling was ordered (the ticket is open again).
    rehandled_after: Option<u64>,
    /// Days after receipt that it was merged into another ticket as a duplicate.
    merged_after: Option<u64>,
}

#[derive(Debug, Clone)]
struct Proposal {
    kind: ProposalKind,
    assigned_on: NaiveDate,
    extended: bool,
    replied_after: Option<u64>,
    published: bool,
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0u64..600).prop_map(|d| date(2023, 1, 1) + Days::new(d))
}

fn ticket() -> impl Strategy<Value = Ticket> {
    let satisfaction = prop::sample::select(vec![
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Unsatisfied,
    ]);
    (
        (
            0..LINES.len(),
            prop::sample::select(HotlineCategory::ALL.to_vec()),
            day(),
            any::<bool>(),
        ),
        (
            prop::collection::vec(0u64..6, 0..3),
            0..UNITS.len(),
            1u32..8,
        ),
        (prop::option::of(0u64..25), prop::option::of(0u64..5)),
        (prop::option::of(satisfaction), prop::option::of(0u64..40)),
        prop::option::weighted(0.1, 0u64..5),
    )
        .prop_map(
            |(
                (line, category, received_on, at_once),
                (returns, unit, limit),
                handling,
                after,
                merged,
            )| {
                Ticket {
                    line,
                    category,
                    received_on,
                    at_once,
                    returns,
                    unit,
                    limit,
                    handled_after: handling.0,
                    closed_after: handling.0.and(handling.1),
                    follow_up: after.0,
                    rehandled_after: after.1.filter(|d| d % 3 == 0),
                    merged_after: merged,
                }
            },
        )
}

fn proposal() -> impl Strategy<Value = Proposal> {
    (
        prop::sample::select(vec![
            ProposalKind::NpcSuggestion,
            ProposalKind::CppccProposal,
        ]),
        day(),
        any::<bool>(),
        prop::option::of(0u64..220),
        any::<bool>(),
    )
        .prop_map(
            |(kind, assigned_on, extended, replied_after, published)| Proposal {
                kind,
                assigned_on,
                extended,
                replied_after,
                published: published && replied_after.is_some(),
            },
        )
}

fn hotline(event: HotlineEvent) -> EventBody {
    EventBody::Hotline(event)
}

fn unit(i: usize) -> AgencyId {
    AgencyId::parse(UNITS[i]).unwrap()
}

/// The events of a ticket, and (as the recount needs them) its dates: (last dispatch, handled, closed).
fn ticket_events(n: usize, t: &Ticket) -> Vec<Event> {
    let id = case_id(n as u128);
    let ev = |on: NaiveDate, body: HotlineEvent| on_day(id, on, hotline(body));
    let r = t.received_on;
    let mut events = vec![ev(
        r,
        HotlineEvent::Received {
            agency: AgencyId::parse(AGENCY).unwrap(),
            line: LINES[t.line].to_owned(),
            category: t.category,
            received_on: r,
            summary: "反映道路积水".to_owned(),
            caller: None,
        },
    )];
    if let Some(d) = t.merged_after {
        let primary = case_id(1_000_000);
        events.push(ev(
            r + Days::new(d),
            HotlineEvent::MergedInto {
                primary,
                merged_on: r + Days::new(d),
            },
        ));
        return events;
    }
    if t.at_once {
        events.push(ev(
            r,
            HotlineEvent::AnsweredAtOnce {
                answered_on: r,
                answer: "当场解答".to_owned(),
            },
        ));
        events.push(ev(r, HotlineEvent::Closed { closed_on: r }));
        return events;
    }
    let mut day = r;
    let dispatch = |on: NaiveDate| HotlineEvent::Dispatched {
        unit: unit(t.unit),
        time_limit_working_days: t.limit,
        dispatched_on: on,
    };
    for &d in &t.returns {
        events.push(ev(day, dispatch(day)));
        day = day + Days::new(d);
        events.push(ev(
            day,
            HotlineEvent::Returned {
                unit: unit(t.unit),
                reason: "非本单位职责".to_owned(),
                returned_on: day,
            },
        ));
    }
    events.push(ev(day, dispatch(day)));
    let Some(h) = t.handled_after else {
        return events;
    };
    let handled = day + Days::new(h);
    events.push(ev(
        handled,
        HotlineEvent::Handled {
            result: "已处理".to_owned(),
            handled_on: handled,
        },
    ));
    let Some(c) = t.closed_after else {
        return events;
    };
    let closed = handled + Days::new(c);
    events.push(ev(closed, HotlineEvent::Closed { closed_on: closed }));
    if let Some(satisfaction) = t.follow_up {
        events.push(ev(
            closed,
            HotlineEvent::FollowedUp {
                satisfaction,
                followed_up_on: closed,
            },
        ));
    }
    if let Some(k) = t.rehandled_after {
        let on = closed + Days::new(k);
        events.push(ev(
            on,
            HotlineEvent::ReHandlingOrdered {
                reason: "回访不满意".to_owned(),
                ordered_on: on,
            },
        ));
    }
    events
}

fn proposal_events(n: usize, p: &Proposal) -> Vec<Event> {
    let id = case_id(500_000 + n as u128);
    let ev = |on: NaiveDate, body: ProposalEvent| on_day(id, on, EventBody::Proposal(body));
    let a = p.assigned_on;
    let mut events = vec![ev(
        a,
        ProposalEvent::Assigned {
            agency: AgencyId::parse(AGENCY).unwrap(),
            kind: p.kind,
            number: format!("{n}"),
            title: "关于增设公交站点的建议".to_owned(),
            lead_unit: unit(0),
            co_units: Vec::new(),
            assigned_on: a,
        },
    )];
    if p.extended {
        events.push(ev(
            a,
            ProposalEvent::ExtendedToSixMonths {
                reason: "涉及面广".to_owned(),
                extended_on: a,
            },
        ));
    }
    if let Some(d) = p.replied_after {
        let on = a + Days::new(d);
        events.push(ev(
            on,
            ProposalEvent::Replied {
                result_class: "A".to_owned(),
                replied_on: on,
            },
        ));
        if p.published {
            events.push(ev(on, ProposalEvent::Published { published_on: on }));
        }
    }
    events
}

/// The recount: each figure of the whole agency, by the definitions, straight from the plans.
fn expected(tickets: &[Ticket], proposals: &[Proposal], period: &Period) -> BTreeMap<String, u64> {
    let calendar = clocks().calendar;
    let (s, e) = (period.start(), period.end());
    let inside = |d: NaiveDate| s <= d && d <= e;
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |code: &str, n: u64| {
        if n > 0 {
            *out.entry(code.to_owned()).or_default() += n;
        }
    };
    for t in tickets {
        let r = t.received_on;
        if let Some(d) = t.merged_after {
            add("hotline.merged", u64::from(inside(r + Days::new(d))));
            continue;
        }
        let last_dispatch = r + Days::new(t.returns.iter().sum());
        let handled = t.handled_after.map(|h| last_dispatch + Days::new(h));
        let closed_once = t
            .closed_after
            .and_then(|c| handled.map(|h| h + Days::new(c)));
        let rehandled = closed_once
            .filter(|_| !t.at_once)
            .and_then(|c| t.rehandled_after.map(|k| c + Days::new(k)));
        let (handling_end, closed) = match (t.at_once, rehandled) {
            (true, _) => (Some(r), Some(r)),
            (false, Some(_)) => (None, None),
            (false, None) => (handled, closed_once),
        };
        let due = if t.at_once {
            None
        } else {
            let start = rehandled.unwrap_or(last_dispatch);
            Some(calendar.add_working_days(start, t.limit).unwrap())
        };
        let late_on = |on: NaiveDate| match (due, handling_end) {
            (None, _) => false,
            (Some(due), Some(end)) if end <= on => end > due,
            (Some(due), _) => due < on,
        };
        let is_closed = closed.is_some_and(inside);
        let late = closed.is_some_and(late_on);
        let open_at_end = r <= e && closed.is_none_or(|c| c > e);
        let carried = r < s && closed.is_none_or(|c| c >= s);
        let followed = is_closed && t.follow_up.is_some() && !t.at_once;
        let petition = matches!(
            t.category,
            HotlineCategory::Complaint | HotlineCategory::Report
        );
        add("hotline.received", u64::from(inside(r)));
        add("hotline.carried_over", u64::from(carried));
        add(
            "hotline.answered_at_once",
            u64::from(t.at_once && inside(r)),
        );
        add("hotline.dispatched", u64::from(!t.at_once && inside(r)));
        if !t.at_once {
            let mut leg_end = r;
            for d in &t.returns {
                leg_end = leg_end + Days::new(*d);
                add("hotline.returned", u64::from(inside(leg_end)));
            }
        }
        add("hotline.closed", u64::from(is_closed));
        add("hotline.closed_on_time", u64::from(is_closed && !late));
        add("hotline.closed_late", u64::from(is_closed && late));
        add(
            "hotline.overdue",
            u64::from((is_closed && late) || (open_at_end && late_on(e))),
        );
        add("hotline.open_at_end", u64::from(open_at_end));
        add(
            "hotline.rehandled",
            u64::from(rehandled.is_some_and(inside)),
        );
        add("hotline.followed_up", u64::from(followed));
        let satisfied = matches!(
            t.follow_up,
            Some(Satisfaction::Satisfied | Satisfaction::BasicallySatisfied)
        );
        add("hotline.satisfied", u64::from(followed && satisfied));
        if petition {
            add("petitions.received", u64::from(inside(r)));
            add("petitions.carried_over", u64::from(carried));
            add("petitions.handled", u64::from(is_closed));
            add("petitions.open_at_end", u64::from(open_at_end));
        }
    }
    for p in proposals {
        let a = p.assigned_on;
        let replied = p.replied_after.map(|d| a + Days::new(d));
        let due = a + Months::new(if p.extended { 6 } else { 3 });
        let answered = replied.is_some_and(inside);
        let on_time = replied.is_some_and(|r| r <= due);
        add("proposals.received", u64::from(inside(a)));
        add(
            "proposals.carried_over",
            u64::from(a < s && replied.is_none_or(|r| r >= s)),
        );
        add("proposals.answered", u64::from(answered));
        add("proposals.answered_on_time", u64::from(answered && on_time));
        add("proposals.answered_late", u64::from(answered && !on_time));
        add(
            "proposals.open_at_end",
            u64::from(a <= e && replied.is_none_or(|r| r > e)),
        );
        add("proposals.published", u64::from(p.published && answered));
    }
    out
}

fn run(tickets: Vec<Ticket>, proposals: Vec<Proposal>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime().block_on(async {
        for (n, t) in tickets.iter().enumerate() {
            let events = ticket_events(n, t);
            append(&log, &events).await;
            number(&log, &events[0]).await;
        }
        // An arrangement amid the cases: every fold as of a later position keeps it.
        load(&log, &arrangement_2027()).await;
        for (n, p) in proposals.iter().enumerate() {
            append(&log, &proposal_events(n, p)).await;
        }
        // Applications of the same agency count in no work figure, and the workload model keeps none of them.
        for n in 0..tickets.len() {
            let case = case_id(2_000_000 + n as u128);
            let on = date(2023, 3, 1) + Days::new(n as u64);
            let events = [
                received(case, AGENCY, ApplicantType::NaturalPerson, on),
                decided(case, Outcome::Disclosed, on + Days::new(5)),
            ];
            append(&log, &events).await;
        }
    });
    let projector = fold(dir.path(), &log);
    let view = projector.store().view();
    let kept = view.scan_prefix(&prefix(&["workload", "s"])).expect("scan");
    assert_eq!(
        kept.len(),
        tickets.len() + proposals.len(),
        "cases the workload model keeps"
    );
    let (clocks, rules) = (clocks(), WorkRules::embedded().expect("rules"));
    let scope = (AGENCY, AgencyScope::Own);
    let periods = [
        Period::new(2023, None),
        Period::new(2024, None),
        Period::new(2024, Some(2)),
    ];
    let periods = periods.map(|p| p.expect("period"));
    let head = log.next_position();
    for upto in (0..head).step_by((head / 5).max(1) as usize) {
        as_of_agrees(&log, &view, upto, &periods);
    }
    for period in periods {
        let figures = work_figures(&view, &clocks, scope, &period, &rules).expect("figures");
        let whole: BTreeMap<String, u64> = figures
            .iter()
            .filter(|(c, _)| !c.contains('@'))
            .map(|(c, f)| (c.clone(), *f))
            .collect();
        assert_eq!(whole, expected(&tickets, &proposals, &period), "{period:?}");
        for (cell, figure) in &figures {
            let cases =
                work_drill_down(&view, &clocks, scope, &period, &rules, cell).expect("drill");
            assert_eq!(
                cases.iter().map(|c| c.weight).sum::<u64>(),
                *figure,
                "drill-down of {cell}"
            );
            if !cell.starts_with("hotline.returned") {
                assert_eq!(cases.len() as u64, *figure, "cases behind {cell}");
            }
        }
        let rows: Vec<String> = figures
            .keys()
            .filter_map(|c| c.split_once('@'))
            .map(|(_, r)| format!("@{r}"))
            .chain([String::new()])
            .collect();
        for row in rows {
            for (section, left, right) in WORK_IDENTITIES {
                let sum = |side: &[&str]| -> u64 {
                    side.iter()
                        .map(|m| {
                            figures
                                .get(&format!("{section}.{m}{row}"))
                                .copied()
                                .unwrap_or(0)
                        })
                        .sum()
                };
                assert_eq!(
                    sum(left),
                    sum(right),
                    "{section} {left:?} = {right:?} in row {row:?}"
                );
            }
        }
    }
}

/// Numbers the case `created` opens, as intake does: a record in the counter stream, appended after it.
async fn number(log: &EventLog, created: &Event) {
    let assignment = Assignment {
        case_id: created.case_id,
        stream: created.stream(),
        number: None,
    };
    let record = NewEvent {
        event_id: uuid::Uuid::new_v4(),
        event_type: ASSIGNED_EVENT_TYPE.to_owned(),
        data: serde_json::to_value(&assignment).expect("json"),
        metadata: Metadata::default(),
    };
    let counter = counter_stream(&"SM".parse().expect("prefix"), 2023);
    log.append(&counter, ExpectedRevision::Any, vec![record])
        .await
        .expect("append");
}

/// The work figures and their cases as of `upto`, and as of a business date within it, folded from the
/// streams of the agency's filed cases (`fold_cases`, what a report as of a past point does), equal those of
/// the whole log folded to that point: tracking numbers, holiday arrangements and the cases of other agencies
/// included.
fn as_of_agrees(log: &EventLog, latest: &dyn KvRead, upto: u64, periods: &[Period]) {
    let cases = filed_cases(latest, AGENCY, AgencyScope::Own).expect("filed");
    let fold = |on| fold_cases(log, latest, ReadModel::Workload, &cases, (upto, on));
    let whole = fold_to(log, ReadModel::Workload, upto).expect("whole log");
    same_work(&fold(None).expect("by cases"), &whole, periods, upto);
    let on = date(2023, 9, 30);
    let (dated, _) = fold_dated(log, ReadModel::Workload, on, Some(upto)).expect("dated");
    same_work(
        &fold(Some(on)).expect("by cases, dated"),
        &dated,
        periods,
        upto,
    );
}

/// `by_cases` and `whole` hold the same arrangements, figures and cases behind each figure.
fn same_work(by_cases: &dyn KvRead, whole: &dyn KvRead, periods: &[Period], upto: u64) {
    let (clocks, rules) = (clocks(), WorkRules::embedded().expect("rules"));
    let arrangements =
        |kv: &dyn KvRead| kv.scan_prefix(&prefix(&["workload", "cal"])).expect("scan");
    assert_eq!(arrangements(by_cases), arrangements(whole), "as of {upto}");
    let scope = (AGENCY, AgencyScope::Own);
    for period in periods {
        let figures = work_figures(whole, &clocks, scope, period, &rules).expect("figures");
        assert_eq!(
            work_figures(by_cases, &clocks, scope, period, &rules).expect("figures"),
            figures,
            "as of {upto}, {period:?}"
        );
        for cell in figures.keys() {
            let drill = |kv: &dyn KvRead| {
                work_drill_down(kv, &clocks, scope, period, &rules, cell).expect("drill")
            };
            assert_eq!(drill(by_cases), drill(whole), "{cell} as of {upto}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn work_figures_equal_independent_recounts(
        tickets in prop::collection::vec(ticket(), 1..40),
        proposals in prop::collection::vec(proposal(), 0..15),
    ) {
        run(tickets, proposals);
    }
}
