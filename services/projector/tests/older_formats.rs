//! The formats before 2021, from the same log and the same fold: generated histories over 2017–2021 (every
//! kind the report counts: applications with channels, extensions and fees; challenges; disclosure items on
//! several channels; documents issued and repealed; counted measures; fees collected) give, for each year, a
//! report in the format of that year — the statistical table for 2017–2018, the 2019 format for 2019–2020, the
//! 2021 format for 2021 — whose every base cell equals the figure computed here independently with plain loops
//! from the format's own wording; every identity holds (carry-over included, across the format change); and
//! every cell's drill-down adds up to the cell.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::challenge::ChallengeKind;
use casetrack_domain::fees::Fen;
use casetrack_domain::records::{CountedMeasure, DisclosureChannel, DocumentKind, RecordEvent};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, Event, EventBody, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, Reports};
use casetrack_reporting::{OutputFormat, PublishedReport, Report, ReportFormat, render};
use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use common::{Challenge, append, case_id, challenge_events, date, decided, fold, runtime};
use proptest::prelude::*;

const AGENCIES: [&str; 2] = ["simao", "simao/finance"];
/// Facts fall in 2017–2020; handling may end in 2021, which is reported in the 2021 format.
const FACT_YEARS: [i32; 4] = [2017, 2018, 2019, 2020];
const REPORT_YEARS: [i32; 5] = [2017, 2018, 2019, 2020, 2021];

#[derive(Debug, Clone)]
struct Application {
    agency: usize,
    applicant: ApplicantType,
    channel: Channel,
    received_on: NaiveDate,
    extended: bool,
    /// Fee paid (fen), days after receipt.
    fee: Option<(u64, u64)>,
    /// Days after receipt and the outcome, if handled.
    ended: Option<(u64, Outcome)>,
}

#[derive(Debug, Clone)]
enum Record {
    Disclosure {
        channels: BTreeSet<DisclosureChannel>,
        on: NaiveDate,
    },
    Document {
        kind: DocumentKind,
        issued_on: NaiveDate,
        repealed_after: Option<u64>,
    },
    Counted {
        measure: CountedMeasure,
        count: u64,
        on: NaiveDate,
    },
    Fees {
        fen: u64,
        on: NaiveDate,
    },
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0..FACT_YEARS.len(), 0u64..365).prop_map(|(y, d)| date(FACT_YEARS[y], 1, 1) + Days::new(d))
}

fn application() -> impl Strategy<Value = Application> {
    (
        0..AGENCIES.len(),
        prop::sample::select(ApplicantType::ALL.to_vec()),
        prop::sample::select(Channel::ALL.to_vec()),
        day(),
        any::<bool>(),
        prop::option::of((1u64..500_000, 0u64..30)),
        prop::option::of((30u64..400, prop::sample::select(Outcome::all().to_vec()))),
    )
        .prop_map(
            |(agency, applicant, channel, received_on, extended, fee, ended)| Application {
                agency,
                applicant,
                channel,
                received_on,
                extended,
                fee,
                ended,
            },
        )
}

fn challenge() -> impl Strategy<Value = Challenge> {
    common::challenge(AGENCIES.len(), day(), 400)
}

fn record() -> impl Strategy<Value = (usize, Record)> {
    let record = prop_oneof![
        (
            prop::sample::subsequence(DisclosureChannel::ALL.to_vec(), 1..=5),
            day()
        )
            .prop_map(|(channels, on)| Record::Disclosure {
                channels: channels.into_iter().collect(),
                on,
            }),
        (
            prop::sample::select(vec![DocumentKind::Rule, DocumentKind::NormativeDocument]),
            day(),
            prop::option::of(0u64..900),
        )
            .prop_map(|(kind, issued_on, repealed_after)| Record::Document {
                kind,
                issued_on,
                repealed_after,
            }),
        (
            prop::sample::select(CountedMeasure::ALL.to_vec()),
            1u64..50,
            day()
        )
            .prop_map(|(measure, count, on)| Record::Counted { measure, count, on }),
        (1u64..10_000_000, day()).prop_map(|(fen, on)| Record::Fees { fen, on }),
    ];
    (0..AGENCIES.len(), record)
}

/// The statistical table's 申请答复数 category of each outcome, as annual-report.md's pre-2019 list reads
/// against the 2019 条例 (the mapping the projector documents; `None`: ended without an answer).
fn reply_category(outcome: Outcome) -> Option<&'static str> {
    match outcome.cell_row() {
        "disclosed" => Some("agreed"),
        "partly_disclosed" => Some("partly_agreed"),
        "withheld.state_secret" => Some("refused_state_secret"),
        "withheld.security_stability" => Some("refused_security_stability"),
        "withheld.third_party" => Some("refused_privacy"),
        "withheld.internal_affairs" | "withheld.process_info" => {
            Some("refused_not_government_information")
        }
        "withheld.prohibited_by_law"
        | "withheld.enforcement_file"
        | "not_processed.repeated"
        | "not_processed.excessive" => Some("refused_other_legal"),
        "withheld.query_matter"
        | "not_processed.petition_complaint"
        | "not_processed.publication"
        | "not_processed.confirm_existing" => Some("other_route"),
        "unavailable.not_held" | "unavailable.needs_creation" => Some("not_exist"),
        "unavailable.still_unclear" | "other.no_supplement" => Some("amend"),
        _ => None,
    }
}

type Expected = BTreeMap<(usize, i32), BTreeMap<String, i128>>;

/// Whether anything happens in a year by the expected cells: a figure other than those that last from
/// earlier years (cases carried, documents still in force), which alone make no report (the projector
/// refuses such a year as empty).
fn happens(cells: &BTreeMap<String, i128>) -> bool {
    cells
        .iter()
        .any(|(code, n)| *n != 0 && !code.contains(".carried_") && !code.ends_with(".in_force"))
}

/// Expected base cells per (agency, year), from the wording of each year's format.
fn expected(
    apps: &[Application],
    challenges: &[Challenge],
    records: &[(usize, Record)],
) -> Expected {
    let mut out = Expected::new();
    for &year in &REPORT_YEARS {
        let format = ReportFormat::for_year(year);
        let statistical = format == ReportFormat::StatisticalTable;
        let jan1 = date(year, 1, 1);
        let dec31 = date(year, 12, 31);
        for app in apps {
            let cells = out.entry((app.agency, year)).or_default();
            let mut bump = |code: String, by: i128| *cells.entry(code).or_default() += by;
            let column = app.applicant.cell_column();
            let end = app
                .ended
                .map(|(days, outcome)| (app.received_on + Days::new(days), outcome));
            if let Some((fen, days)) = app.fee
                && statistical
                && (app.received_on + Days::new(days)).year() == year
            {
                bump("fees.applications.amount_10k_yuan".into(), i128::from(fen));
            }
            if statistical {
                if app.received_on.year() == year {
                    let row = match app.channel {
                        Channel::InPerson => "in_person",
                        Channel::Fax => "fax",
                        Channel::Internet | Channel::HotlineReferral => "online",
                        Channel::PostSigned | Channel::PostUnsigned => "letter",
                    };
                    bump(format!("applications.{row}.count"), 1);
                }
                if let Some((e, outcome)) = end
                    && e.year() == year
                {
                    let concluded = if app.extended {
                        "concluded_extended"
                    } else {
                        "concluded_on_time"
                    };
                    bump(format!("applications.{concluded}.count"), 1);
                    if let Some(category) = reply_category(outcome) {
                        bump(format!("applications.{category}.count"), 1);
                    }
                }
                continue;
            }
            let mut bump_row = |row: &str| bump(format!("applications.{row}.{column}"), 1);
            if app.received_on.year() == year {
                bump_row("received");
            }
            if app.received_on < jan1 && end.is_none_or(|(e, _)| e >= jan1) {
                bump_row("carried_over");
            }
            if let Some((e, outcome)) = end
                && e.year() == year
            {
                let row = outcome.cell_row();
                if format == ReportFormat::Format2019 && row.starts_with("other.") {
                    bump_row("other");
                } else {
                    bump_row(row);
                }
            }
            if app.received_on <= dec31 && end.is_none_or(|(e, _)| e > dec31) {
                bump_row("carried_forward");
            }
        }
        for ch in challenges {
            let cells = out.entry((ch.agency, year)).or_default();
            let conclusion = ch
                .concluded
                .map(|(days, result)| (ch.filed_on + Days::new(days), result));
            if statistical {
                if let Some((c, result)) = conclusion
                    && c.year() == year
                {
                    let group = match ch.kind {
                        ChallengeKind::Reconsideration => "reconsideration",
                        _ => "litigation",
                    };
                    let code = format!("challenges.{group}_{}.count", result.cell_column());
                    *cells.entry(code).or_default() += 1;
                }
                continue;
            }
            let row = ch.kind.cell_row();
            let mut bump = |column: &str| {
                *cells
                    .entry(format!("challenges.{row}.{column}"))
                    .or_default() += 1
            };
            if ch.filed_on.year() == year {
                match conclusion {
                    Some((c, result)) if c.year() == year => bump(result.cell_column()),
                    _ => bump("pending"),
                }
            } else if let Some((c, result)) = conclusion
                && c.year() == year
            {
                bump(result.cell_column());
            }
        }
        for (agency, record) in records {
            let cells = out.entry((*agency, year)).or_default();
            let mut bump = |code: String, by: i128| *cells.entry(code).or_default() += by;
            match record {
                Record::Disclosure { channels, on } => {
                    if statistical && on.year() == year {
                        bump("proactive.information.count".into(), 1);
                        for channel in channels {
                            let name = serde_json::to_value(channel).expect("channel name");
                            let name = name.as_str().expect("a string");
                            bump(format!("proactive.via_{name}.count"), 1);
                        }
                    }
                }
                Record::Document {
                    kind,
                    issued_on,
                    repealed_after,
                } => {
                    let repealed = repealed_after.map(|d| *issued_on + Days::new(d));
                    let issued_now = issued_on.year() == year;
                    let in_force =
                        issued_on.year() <= year && repealed.is_none_or(|r| r.year() > year);
                    let row = kind.cell_row();
                    match format {
                        ReportFormat::StatisticalTable => {
                            if issued_now && *kind == DocumentKind::NormativeDocument {
                                bump("proactive.normative_documents_issued.count".into(), 1);
                            }
                        }
                        ReportFormat::Format2019 => {
                            if issued_now {
                                bump(format!("proactive.{row}.new_made"), 1);
                                bump(format!("proactive.{row}.new_published"), 1);
                            }
                            if in_force {
                                bump(format!("proactive.{row}.total_published"), 1);
                            }
                        }
                        ReportFormat::Format2021 => {
                            if issued_now {
                                bump(format!("proactive.{row}.issued"), 1);
                            }
                            if repealed.is_some_and(|r| r.year() == year) {
                                bump(format!("proactive.{row}.repealed"), 1);
                            }
                            if in_force {
                                bump(format!("proactive.{row}.in_force"), 1);
                            }
                        }
                    }
                }
                Record::Counted { measure, count, on } if on.year() == year => {
                    let cell = match (statistical, measure) {
                        (false, CountedMeasure::LicensingDecisions) => {
                            "proactive.licensing.decisions"
                        }
                        (false, CountedMeasure::PenaltyDecisions) => "proactive.penalty.decisions",
                        (false, CountedMeasure::CompulsionDecisions) => {
                            "proactive.compulsion.decisions"
                        }
                        (true, CountedMeasure::PublicConcernResponses) => {
                            "responses.public_concerns.count"
                        }
                        (true, CountedMeasure::PressConferences) => {
                            "responses.press_conferences.count"
                        }
                        (true, CountedMeasure::PolicyInterpretations) => {
                            "responses.policy_interpretations.count"
                        }
                        (true, CountedMeasure::TrainingSessions) => "training.courses.count",
                        (true, CountedMeasure::TrainingParticipants) => "training.trainees.count",
                        _ => continue,
                    };
                    bump(cell.into(), i128::from(*count));
                }
                Record::Fees { fen, on }
                    if on.year() == year && format == ReportFormat::Format2021 =>
                {
                    bump("proactive.fees.amount_10k_yuan".into(), i128::from(*fen));
                }
                Record::Counted { .. } | Record::Fees { .. } => {}
            }
        }
    }
    out
}

fn at(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time"))
}

fn application_events(id: CaseId, app: &Application) -> Vec<Event> {
    let ev = |on: NaiveDate, body| Event::new(id, at(on), EventBody::Application(body));
    let on = app.received_on;
    let mut events = vec![ev(
        on,
        ApplicationEvent::Received {
            applicant: None,
            agency: AgencyId::parse(AGENCIES[app.agency]).unwrap(),
            applicant_type: app.applicant,
            channel: app.channel,
            handed_in_on: on,
            receipt_confirmed_on: app.channel.needs_receipt_confirmation().then_some(on),
            content: "请公开本机关年度预算执行情况".to_string(),
            delivery_form: DeliveryForm::Paper,
            referred_from: None,
        },
    )];
    if app.extended {
        events.push(ev(
            on,
            ApplicationEvent::ExtensionApproved {
                working_days: 20,
                approved_by: "公开办主任".to_string(),
                reason: "需要检索的档案量大".to_string(),
                approved_on: on,
            },
        ));
    }
    if let Some((fen, days)) = app.fee {
        let paid_on = on + Days::new(days);
        events.push(ev(
            paid_on,
            ApplicationEvent::FeePaid {
                amount: Fen(fen),
                paid_on,
            },
        ));
    }
    if let Some((days, outcome)) = app.ended {
        events.push(decided(id, outcome, on + Days::new(days)));
    }
    events
}

fn record_events(id: CaseId, agency: usize, record: &Record) -> Vec<Event> {
    let agency = AgencyId::parse(AGENCIES[agency]).unwrap();
    let ev = |on: NaiveDate, body| Event::new(id, at(on), EventBody::Record(body));
    match record {
        Record::Disclosure { channels, on } => vec![ev(
            *on,
            RecordEvent::DisclosurePublished {
                agency,
                title: "2018年部门预算".to_string(),
                channels: channels.clone(),
                published_on: *on,
            },
        )],
        Record::Document {
            kind,
            issued_on,
            repealed_after,
        } => {
            let mut events = vec![ev(
                *issued_on,
                RecordEvent::DocumentIssued {
                    agency,
                    kind: *kind,
                    title: "关于规范行政事业性收费的通知".to_string(),
                    issued_on: *issued_on,
                },
            )];
            if let Some(days) = repealed_after {
                let repealed_on = *issued_on + Days::new(*days);
                events.push(ev(
                    repealed_on,
                    RecordEvent::DocumentRepealed { repealed_on },
                ));
            }
            events
        }
        Record::Counted { measure, count, on } => vec![ev(
            *on,
            RecordEvent::Counted {
                agency,
                measure: *measure,
                count: *count,
                period_end: *on,
            },
        )],
        Record::Fees { fen, on } => vec![ev(
            *on,
            RecordEvent::FeesCollected {
                agency,
                amount: Fen(*fen),
                collected_on: *on,
            },
        )],
    }
}

fn run(apps: Vec<Application>, challenges: Vec<Challenge>, records: Vec<(usize, Record)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = runtime();
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime.block_on(async {
        for (i, app) in apps.iter().enumerate() {
            append(&log, &application_events(case_id(i as u128), app)).await;
        }
        for (i, ch) in challenges.iter().enumerate() {
            let id = case_id(10_000 + i as u128);
            append(&log, &challenge_events(id, AGENCIES[ch.agency], ch)).await;
        }
        for (i, (agency, record)) in records.iter().enumerate() {
            let id = case_id(20_000 + i as u128);
            append(&log, &record_events(id, *agency, record)).await;
        }
    });
    let reports = Reports::new(fold(dir.path(), &log), log);
    let expected = expected(&apps, &challenges, &records);

    for (agency_index, agency) in AGENCIES.iter().enumerate() {
        for &year in &REPORT_YEARS {
            let want = expected
                .get(&(agency_index, year))
                .cloned()
                .unwrap_or_default();
            let generated = match reports.report(agency, year, AgencyScope::Own, AsOf::Latest) {
                // Without a registry, an agency without any case is unknown.
                Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. }) => {
                    assert!(!happens(&want), "{agency} {year} refused: {want:?}");
                    continue;
                }
                other => other.expect("report"),
            };
            let report = &generated.published.report;
            assert_eq!(report.format(), ReportFormat::for_year(year), "{year}");
            assert!(
                generated.published.is_final(),
                "{agency} {year}: {:?}",
                generated.published.status
            );
            for cell in report.cells().filter(|c| !c.spec.derived) {
                let code = &cell.spec.code;
                assert_eq!(
                    cell.figure.expect("no blank").as_i128(),
                    want.get(code).copied().unwrap_or(0),
                    "{agency} {year} {code}"
                );
            }
            // Every expected figure names a cell of the year's format.
            for code in want.keys() {
                assert!(report.get(code).is_some(), "{year}: no cell {code}");
            }
            // The figure and its drill-down always agree, for derived cells too.
            for cell in report.cells() {
                let cases = reports
                    .drill_down(
                        agency,
                        year,
                        &cell.spec.code,
                        AgencyScope::Own,
                        AsOf::Latest,
                    )
                    .expect("drill-down");
                let total: i128 = cases.iter().map(|c| i128::from(c.weight)).sum();
                assert_eq!(
                    total,
                    cell.figure.expect("no blank").as_i128(),
                    "{agency} {year} drill-down {}",
                    cell.spec.code
                );
            }
        }
    }
    for &year in &REPORT_YEARS {
        let rolled = match reports.report("simao", year, AgencyScope::Tree, AsOf::Latest) {
            Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. }) => {
                let parts = (0..AGENCIES.len()).filter_map(|a| expected.get(&(a, year)));
                assert!(!parts.into_iter().any(happens), "roll-up {year} refused");
                continue;
            }
            other => other.expect("roll-up"),
        };
        assert!(
            rolled.published.is_final(),
            "roll-up {year}: {:?}",
            rolled.published.status
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn each_year_is_reported_in_its_own_format_with_independent_counts(
        apps in prop::collection::vec(application(), 1..30),
        challenges in prop::collection::vec(challenge(), 0..10),
        records in prop::collection::vec(record(), 0..30),
    ) {
        run(apps, challenges, records);
    }
}

/// simao's own report of `year`, which must be final.
fn final_report(reports: &Reports, year: i32) -> PublishedReport {
    let generated = reports
        .report("simao", year, AgencyScope::Own, AsOf::Latest)
        .unwrap_or_else(|error| panic!("{year}: {error}"));
    assert!(
        generated.published.is_final(),
        "{:?}",
        generated.published.status
    );
    generated.published
}

/// The figure of a cell that must be in the report.
fn figure(report: &Report, code: &str) -> i128 {
    report.get(code).expect(code).as_i128()
}

fn markdown(published: &PublishedReport) -> String {
    String::from_utf8(render(published, OutputFormat::Markdown).expect("render")).expect("UTF-8")
}

/// A hand-built 2018 (the seed report's year, statistical table) and 2019 (2019 format): the figures a reader
/// would count by hand, and the Markdown in each year's format.
#[test]
fn the_seed_year_2018_and_2019_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = runtime();
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    let app = |agency: usize, channel, received_on, extended, ended| Application {
        agency,
        applicant: ApplicantType::NaturalPerson,
        channel,
        received_on,
        extended,
        fee: None,
        ended,
    };
    // 2018: the seed report's two applications, received and handled in the year; a third received in
    // December and decided in 2019 (withdrawn: 三（六） in the 2019 format's single row).
    let apps = [
        app(
            0,
            Channel::InPerson,
            date(2018, 3, 5),
            false,
            Some((10, Outcome::Disclosed)),
        ),
        app(
            0,
            Channel::Internet,
            date(2018, 6, 1),
            true,
            Some((30, Outcome::WithheldThirdParty)),
        ),
        app(
            0,
            Channel::PostSigned,
            date(2018, 12, 20),
            false,
            Some((20, Outcome::OtherOther)),
        ),
    ];
    let disclosure = Record::Disclosure {
        channels: [DisclosureChannel::Website, DisclosureChannel::Wechat]
            .into_iter()
            .collect(),
        on: date(2018, 4, 2),
    };
    runtime.block_on(async {
        for (i, a) in apps.iter().enumerate() {
            append(&log, &application_events(case_id(i as u128), a)).await;
        }
        append(&log, &record_events(case_id(100), 0, &disclosure)).await;
    });
    let reports = Reports::new(fold(dir.path(), &log), log);

    let y2018 = final_report(&reports, 2018);
    let n = |code: &str| figure(&y2018.report, code);
    assert_eq!(n("applications.received.count"), 3);
    assert_eq!(n("applications.in_person.count"), 1);
    assert_eq!(n("applications.online.count"), 1);
    assert_eq!(n("applications.letter.count"), 1);
    assert_eq!(n("applications.concluded.count"), 2);
    assert_eq!(n("applications.concluded_on_time.count"), 1);
    assert_eq!(n("applications.concluded_extended.count"), 1);
    assert_eq!(n("applications.agreed.count"), 1);
    assert_eq!(n("applications.refused.count"), 1);
    assert_eq!(n("applications.refused_privacy.count"), 1);
    // One item on two channels: counted once, and once per channel.
    assert_eq!(n("proactive.information.count"), 1);
    assert_eq!(n("proactive.via_website.count"), 1);
    assert_eq!(n("proactive.via_wechat.count"), 1);
    assert_eq!(n("proactive.via_gazette.count"), 0);
    assert_eq!(y2018.report.narrative().applications_received, 3);
    let md = markdown(&y2018);
    assert!(md.contains("依申请公开情况"), "{md}");
    assert!(!md.contains("本年新收政府信息公开申请数量"), "{md}");

    let y2019 = final_report(&reports, 2019);
    let n = |code: &str| figure(&y2019.report, code);
    assert_eq!(n("applications.carried_over.natural_person"), 1);
    assert_eq!(n("applications.other.natural_person"), 1);
    assert_eq!(n("applications.outcome_total.total"), 1);
    assert_eq!(n("applications.received.total"), 0);
    let drill = reports
        .drill_down(
            "simao",
            2019,
            "applications.other.total",
            AgencyScope::Own,
            AsOf::Latest,
        )
        .expect("drill-down");
    assert_eq!(drill.len(), 1);
    assert_eq!(drill[0].case_id, case_id(2));
    let md = markdown(&y2019);
    assert!(md.contains("本年新收政府信息公开申请数量"), "{md}");
    assert!(md.contains("本年新制作数量"), "{md}");
}
