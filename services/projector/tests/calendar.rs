//! Holiday arrangements as events: loading next year's published arrangement moves exactly the open deadlines
//! it should, the queue then counts by it, and the queue as of a position before the load still shows the old
//! deadlines. A queue never fails whole: a case whose deadline cannot be computed is listed with the reason.

mod common;

use casetrack_domain::{AgencyId, ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::AgencyScope;
use casetrack_projector::calendar::moved_deadlines;
use casetrack_projector::queues::{Due, QueueEntry, queue};
use casetrack_projector::{ReadModel, as_of};
use chrono::NaiveDate;
use common::{append_each, arrangement_2027, case_id, clocks, date, decided, fold, load, received};

const AGENCY: &str = "simao/finance";

fn deadline_of(entries: &[QueueEntry], n: u128) -> Option<NaiveDate> {
    entries
        .iter()
        .find(|e| e.case.case_id == case_id(n))
        .and_then(|e| e.deadline)
}

#[tokio::test]
async fn a_loaded_arrangement_moves_exactly_the_open_deadlines_it_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let person = ApplicantType::NaturalPerson;
    append_each(
        &log,
        &[
            // Received Mon 25 Jan 2027. Provisional calendar (春节 5–8 Feb, no make-up days): 26–29 Jan = 1–4,
            // 1–4 Feb = 5–8, 9–12 Feb = 9–12, 15–19 Feb = 13–17, 22–24 Feb = 18–20 → Wed 24 Feb. Published:
            // 26–29 Jan = 1–4, 1–4 Feb = 5–8, 12 Feb = 9, Sat 13 Feb = 10, 15–19 Feb = 11–15, Sat 20 Feb = 16,
            // 22–25 Feb = 17–20 → Thu 25 Feb.
            received(case_id(1), AGENCY, person, date(2027, 1, 25)),
            // Received Mon 28 Dec 2026: 29–31 Dec = 1–3, 1 Jan off in both, 4–26 Jan = 4–20 → Tue 26 Jan. Unmoved.
            received(case_id(2), AGENCY, person, date(2026, 12, 28)),
            // Decided: its deadline is history, not a moved one.
            received(case_id(3), AGENCY, person, date(2027, 1, 25)),
            decided(case_id(3), Outcome::Disclosed, date(2027, 1, 26)),
            // Received in December 2029: its period runs into 2030, which no calendar covers, before the load
            // (provisional to 2028) or after it (to 2029).
            received(case_id(4), AGENCY, person, date(2029, 12, 20)),
        ],
    )
    .await;
    let before = log.next_position();
    let position = load(&log, &arrangement_2027()).await;
    let projector = fold(dir.path(), &log);
    let view = projector.store().view();
    let today = date(2026, 12, 28);

    let moved = moved_deadlines(&view, None).expect("moved");
    let summary: Vec<_> = moved.iter().map(|m| (m.case_id, m.old, m.new)).collect();
    assert_eq!(
        summary,
        vec![(case_id(1), Some(date(2027, 2, 24)), Some(date(2027, 2, 25)))]
    );
    assert_eq!(moved[0].position, position);
    assert_eq!(moved[0].notice, "https://www.gov.cn/test/2027-arrangement");
    let elsewhere = AgencyId::parse("simao/education").expect("agency");
    assert!(
        moved_deadlines(&view, Some(&elsewhere))
            .expect("moved")
            .is_empty()
    );

    // The queue counts by the calendar in force; a queue on 28 December 2026 answers, and the case whose
    // deadline cannot be computed is listed with why.
    let now = queue(
        &view,
        &clocks(),
        (AGENCY, AgencyScope::Own),
        None,
        today,
        Due::All,
    )
    .expect("queue");
    assert_eq!(deadline_of(&now, 1), Some(date(2027, 2, 25)));
    assert_eq!(deadline_of(&now, 2), Some(date(2027, 1, 26)));
    let uncomputable = now
        .iter()
        .find(|e| e.case.case_id == case_id(4))
        .expect("listed");
    assert_eq!(uncomputable.deadline, None);
    let reason = uncomputable
        .no_deadline_reason
        .as_deref()
        .unwrap_or_default();
    assert!(reason.contains("2030"), "{reason}");

    // As of the position before the load, the queue shows the provisional deadline, marked so.
    let then = as_of::fold_to(&log, ReadModel::Queues, before).expect("as of");
    let old = queue(
        &then,
        &clocks(),
        (AGENCY, AgencyScope::Own),
        None,
        today,
        Due::All,
    )
    .expect("queue");
    assert_eq!(deadline_of(&old, 1), Some(date(2027, 2, 24)));
    let provisional = old
        .iter()
        .find(|e| e.case.case_id == case_id(1))
        .expect("listed");
    assert!(provisional.deadline_provisional);
    let published = now
        .iter()
        .find(|e| e.case.case_id == case_id(1))
        .expect("listed");
    assert!(!published.deadline_provisional);
}
