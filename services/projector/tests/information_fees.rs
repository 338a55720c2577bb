//! Part 六's 信息处理费 (国办函〔2020〕109号) from the fee events: notices issued in the year with what they
//! charged, what was paid in the year (a notice of December paid in January counts its payment next year), the
//! agency's own cases or its tree, exact to the fen; an agency without fee events keeps part 六's sentence and
//! its hash; the fees are sealed in the content hash, and a published report with them verifies.

mod common;

use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::{AgencyScope, AsOf, Reports};
use casetrack_reporting::{Fen, InformationFees, content_hash, html};
use common::{append_each, case_id, date, decided, fold, notice, paid, received};

#[test]
fn fees_of_the_year_come_from_the_fee_events() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let (a, b, c, d) = (case_id(1), case_id(2), case_id(3), case_id(4));
    let natural = ApplicantType::NaturalPerson;
    common::runtime().block_on(append_each(
        &log,
        &[
            received(a, "simao", natural, date(2024, 3, 1)),
            notice(a, 10_000, date(2024, 3, 5)),
            paid(a, 10_000, date(2024, 3, 10)),
            decided(a, Outcome::Disclosed, date(2024, 3, 15)),
            received(b, "simao", natural, date(2024, 11, 20)),
            notice(b, 5_050, date(2024, 12, 20)),
            paid(b, 5_050, date(2025, 1, 5)),
            decided(b, Outcome::Disclosed, date(2025, 1, 10)),
            received(c, "simao/finance", natural, date(2024, 6, 1)),
            notice(c, 3_001, date(2024, 6, 3)),
            decided(c, Outcome::Disclosed, date(2024, 6, 20)),
            received(d, "simao/education", natural, date(2024, 6, 1)),
            decided(d, Outcome::Disclosed, date(2024, 6, 20)),
        ],
    ));
    let reports = Reports::new(fold(dir.path(), &log), log);
    let fees = |agency, year, scope| {
        reports
            .report(agency, year, scope, AsOf::Latest)
            .expect("report")
            .published
    };
    let own = fees("simao", 2024, AgencyScope::Own);
    assert_eq!(
        own.information_fees,
        Some(InformationFees {
            notices_issued: 2,
            charged: Fen(15_050),
            collected: Fen(10_000),
        })
    );
    let page = html::to_html(&own);
    assert!(
        page.contains(
            "本年度发出信息处理费缴费通知2件，应收信息处理费150.5元，实际收取信息处理费100元"
        ),
        "part 六 does not print the fees"
    );
    // The December notice's payment counts in January's year; the tree adds the department's 30.01 元.
    let next = fees("simao", 2025, AgencyScope::Own)
        .information_fees
        .expect("fees");
    assert_eq!(
        next,
        InformationFees {
            notices_issued: 0,
            charged: Fen(0),
            collected: Fen(5_050)
        }
    );
    let tree = fees("simao", 2024, AgencyScope::Tree)
        .information_fees
        .expect("fees");
    assert_eq!(
        tree,
        InformationFees {
            notices_issued: 3,
            charged: Fen(18_051),
            collected: Fen(10_000)
        }
    );
    assert!(
        html::to_html(&fees("simao", 2024, AgencyScope::Tree)).contains("应收信息处理费180.51元")
    );

    // An agency without fee events: no fee figures, part 六 says none were charged, the tables' hash.
    let none = fees("simao/education", 2024, AgencyScope::Own);
    assert_eq!(none.information_fees, None);
    assert!(html::to_html(&none).contains("本年度未发出信息处理费缴费通知，未收取信息处理费"));
    assert_eq!(none.content_hash, content_hash(&none.report));

    // The fees are sealed: the same tables with other fees have another hash, and a published report verifies.
    assert_ne!(own.content_hash, content_hash(&own.report));
    let published = reports
        .publish("simao", 2024, AgencyScope::Own, None)
        .expect("publish");
    assert!(
        reports
            .verify_published(&published.published, AgencyScope::Own)
            .expect("verify")
    );
}
