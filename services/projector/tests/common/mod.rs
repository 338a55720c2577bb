//! Shared helpers: building domain events and appending them to a real event log.
#![allow(dead_code)] // each test file uses a different subset

use std::path::Path;

use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::calendar::{ARRANGEMENT_EVENT_TYPE, Arrangement, CALENDAR_STREAM};
use casetrack_domain::challenge::{ChallengeEvent, ChallengeKind, ChallengeResult};
use casetrack_domain::deadline::Clocks;
use casetrack_domain::fees::{FeeBasis, Fen as DomainFen};
use casetrack_domain::{
    AgencyId, ApplicantType, Calendar, CaseId, Event, EventBody, Outcome, encode,
};
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use casetrack_projector::kv::{Entry, KvRead};
use casetrack_projector::{Projector, ProjectorError, projections_dir};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time"))
}

/// A deterministic case id from a test number.
pub fn case_id(n: u128) -> CaseId {
    CaseId(Uuid::from_u128(
        0x5eed_0000_0000_0000_0000_0000_0000_0000 | n,
    ))
}

pub fn received(case: CaseId, agency: &str, applicant: ApplicantType, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Application(ApplicationEvent::Received {
            applicant: None,
            agency: AgencyId::parse(agency).unwrap(),
            applicant_type: applicant,
            channel: Channel::InPerson,
            handed_in_on: on,
            receipt_confirmed_on: None,
            content: "请公开本机关2023年度预算执行情况".to_string(),
            delivery_form: DeliveryForm::Electronic,
            referred_from: None,
        }),
    )
}

/// An event of `case` on day `on`.
pub fn on_day(case: CaseId, on: NaiveDate, body: EventBody) -> Event {
    Event::new(case, at(on), body)
}

/// A fee notice of `fen` issued on `issued_on` (part 六's 信息处理费).
pub fn notice(case: CaseId, fen: u64, issued_on: NaiveDate) -> Event {
    let body = ApplicationEvent::FeeNoticeIssued {
        basis: FeeBasis::PerPage { pages: 120 },
        amount: DomainFen(fen),
        issued_on,
        pay_by: issued_on + Days::new(20),
    };
    on_day(case, issued_on, EventBody::Application(body))
}

/// A payment of `fen` on `paid_on`.
pub fn paid(case: CaseId, fen: u64, paid_on: NaiveDate) -> Event {
    let body = ApplicationEvent::FeePaid {
        amount: DomainFen(fen),
        paid_on,
    };
    on_day(case, paid_on, EventBody::Application(body))
}

pub fn decided(case: CaseId, outcome: Outcome, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Application(ApplicationEvent::Decided {
            outcome,
            legal_reason: outcome.legal_basis().to_string(),
            decided_on: on,
        }),
    )
}

pub fn filed(
    case: CaseId,
    agency: &str,
    kind: ChallengeKind,
    application: CaseId,
    on: NaiveDate,
) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Challenge(ChallengeEvent::Filed {
            agency: AgencyId::parse(agency).unwrap(),
            kind,
            application,
            prior_reconsideration: None,
            filed_on: on,
        }),
    )
}

pub fn concluded(case: CaseId, result: ChallengeResult, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Challenge(ChallengeEvent::Concluded {
            result,
            concluded_on: on,
        }),
    )
}

/// Appends the events of one case to its stream, in one atomic append.
pub async fn append(log: &EventLog, events: &[Event]) {
    let Some(first) = events.first() else { return };
    let new_events = events
        .iter()
        .map(|event| {
            let encoded = encode(event);
            NewEvent {
                event_id: Uuid::new_v4(),
                event_type: encoded.event_type,
                data: encoded.data,
                metadata: Metadata::default(),
            }
        })
        .collect();
    log.append(&first.stream(), ExpectedRevision::Any, new_events)
        .await
        .expect("append");
}

/// Appends each event on its own, one append per event, in order.
pub async fn append_each(log: &EventLog, events: &[Event]) {
    for event in events {
        append(log, std::slice::from_ref(event)).await;
    }
}

/// A single-threaded runtime for the property tests, which are plain (not async) tests.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Opens the projector next to the log in `dir` and folds the whole log into it.
pub fn fold(dir: &Path, log: &EventLog) -> Projector {
    let projector = Projector::open(&projections_dir(dir)).expect("open projector");
    projector.catch_up(log, &mut |_, _| {}).expect("fold");
    projector
}

/// The statutory clocks over the embedded calendar.
pub fn clocks() -> Clocks {
    Clocks::new(Calendar::embedded().expect("calendar"))
}

/// A store read as if it kept no subtree sums: every roll-up adds its agencies at query time.
pub struct Added<'a>(pub &'a dyn KvRead);

impl KvRead for Added<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        self.0.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        self.0.scan_prefix(prefix)
    }

    fn keeps_tree_sums(&self) -> bool {
        false
    }
}

/// An agency tree of at most `max` agencies under `prov`: agency `i` > 0 hangs under a generated earlier
/// agency, so depths and fan-outs vary.
pub fn agency_tree(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(any::<prop::sample::Index>(), 1..max).prop_map(|parents| {
        let mut ids = vec!["prov".to_string()];
        for (i, parent) in parents.iter().enumerate() {
            let parent = ids[parent.index(ids.len())].clone();
            ids.push(format!("{parent}/u{i}"));
        }
        ids
    })
}

/// A generated application to one of the test's agencies (by index).
#[derive(Debug, Clone)]
pub struct Application {
    pub agency: usize,
    pub applicant: ApplicantType,
    pub received_on: NaiveDate,
    /// Days after receipt and the outcome, if handled.
    pub ended: Option<(u64, Outcome)>,
}

/// Applications to `agencies` agencies received on a day from `day`, handled within `max_days` if at all.
pub fn application(
    agencies: usize,
    day: impl Strategy<Value = NaiveDate>,
    max_days: u64,
) -> impl Strategy<Value = Application> {
    (
        0..agencies,
        prop::sample::select(ApplicantType::ALL.to_vec()),
        day,
        prop::option::of((
            0u64..max_days,
            prop::sample::select(Outcome::all().to_vec()),
        )),
    )
        .prop_map(|(agency, applicant, received_on, ended)| Application {
            agency,
            applicant,
            received_on,
            ended,
        })
}

/// A generated challenge (reconsideration or lawsuit) against one of the test's agencies (by index).
#[derive(Debug, Clone)]
pub struct Challenge {
    pub agency: usize,
    pub kind: ChallengeKind,
    pub filed_on: NaiveDate,
    /// Days after filing and the result, if concluded.
    pub concluded: Option<(u64, ChallengeResult)>,
}

/// Challenges of `agencies` agencies filed on a day from `day`, concluded within `max_days` if at all.
pub fn challenge(
    agencies: usize,
    day: impl Strategy<Value = NaiveDate>,
    max_days: u64,
) -> impl Strategy<Value = Challenge> {
    (
        0..agencies,
        prop::sample::select(ChallengeKind::ALL.to_vec()),
        day,
        prop::option::of((
            0u64..max_days,
            prop::sample::select(ChallengeResult::ALL.to_vec()),
        )),
    )
        .prop_map(|(agency, kind, filed_on, concluded)| Challenge {
            agency,
            kind,
            filed_on,
            concluded,
        })
}

/// The events of one generated application to `agency`.
pub fn application_events(id: CaseId, agency: &str, app: &Application) -> Vec<Event> {
    let mut events = vec![received(id, agency, app.applicant, app.received_on)];
    if let Some((days, outcome)) = app.ended {
        events.push(decided(id, outcome, app.received_on + Days::new(days)));
    }
    events
}

/// Each generated case's events in order, applications first (cases 0, 1, …), then challenges (cases 10,000,
/// 10,001, …), to `agencies` by index.
pub fn case_events(
    agencies: &[&str],
    apps: &[Application],
    challenges: &[Challenge],
) -> Vec<Vec<Event>> {
    let applications = apps
        .iter()
        .enumerate()
        .map(|(i, app)| application_events(case_id(i as u128), agencies[app.agency], app));
    let challenges = challenges
        .iter()
        .enumerate()
        .map(|(i, ch)| challenge_events(case_id(10_000 + i as u128), agencies[ch.agency], ch));
    applications.chain(challenges).collect()
}

/// The events of one generated challenge, filed against `agency` about case 0.
pub fn challenge_events(id: CaseId, agency: &str, ch: &Challenge) -> Vec<Event> {
    let mut events = vec![filed(id, agency, ch.kind, case_id(0), ch.filed_on)];
    if let Some((days, result)) = ch.concluded {
        events.push(concluded(id, result, ch.filed_on + Days::new(days)));
    }
    events
}

/// The events of generated applications and challenges to `agencies` (by index): every case's first event,
/// then every case's later events, so as-of positions fall between a case's events.
pub fn history(agencies: &[&str], apps: &[Application], challenges: &[Challenge]) -> Vec<Event> {
    let cases = case_events(agencies, apps, challenges);
    let firsts = cases.iter().filter_map(|events| events.first().cloned());
    let laters = cases
        .iter()
        .flat_map(|events| events.iter().skip(1).cloned());
    firsts.chain(laters.collect::<Vec<_>>()).collect()
}

/// Serves the Reporting service over `log` and its folded `projector` on a free loopback port, behind the token
/// layer admitting `identities` (a token file's `identities` array), with its audit writer running; returns a
/// connected channel and the server's task.
pub async fn serve_reporting(
    log: EventLog,
    projector: Projector,
    identities: serde_json::Value,
) -> (
    tonic::transport::Channel,
    tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
) {
    let (auditor, mut writer) = casetrack_audit::Auditor::new(std::sync::Arc::new(log.clone()));
    tokio::spawn(async move { writer.run().await });
    let reports = casetrack_projector::Reports::new(projector, log.clone());
    let service = casetrack_projector::grpc::ReportingService::new(
        reports,
        clocks(),
        auditor,
        std::sync::Arc::new(log),
    );
    let incoming =
        tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse().expect("address"))
            .expect("bind");
    let address = incoming.local_addr().expect("address");
    let tokens = serde_json::json!({ "identities": identities }).to_string();
    let tokens = casetrack_auth::Tokens::parse("test", &tokens).expect("tokens");
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .layer(casetrack_auth::AuthLayer::new(
                casetrack_auth::TokenSource::fixed(tokens),
            ))
            .add_service(service.into_server())
            .serve_with_incoming(incoming),
    );
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .expect("url")
        .connect()
        .await
        .expect("connect");
    (channel, server)
}

/// A 2027 arrangement as the State Council might publish it (the real one is not out yet): 春节 from 除夕,
/// Friday 5 February, to Thursday 11 February, with Saturdays 13 and 20 February made working days.
pub fn arrangement_2027() -> Arrangement {
    let day = |date: &str, off: bool| {
        format!(r#"{{"name": "春节", "date": "{date}", "isOffDay": {off}}}"#)
    };
    let mut days = vec![r#"{"name": "元旦", "date": "2027-01-01", "isOffDay": true}"#.to_owned()];
    days.extend(
        ["05", "06", "07", "08", "09", "10", "11"].map(|d| day(&format!("2027-02-{d}"), true)),
    );
    days.extend([day("2027-02-13", false), day("2027-02-20", false)]);
    let file = format!(
        r#"{{"year": 2027, "papers": ["https://www.gov.cn/test/2027-arrangement"], "days": [{}]}}"#,
        days.join(",")
    );
    Arrangement::from_year_file(&file).expect("a year file")
}

pub async fn load(log: &EventLog, arrangement: &Arrangement) -> u64 {
    let event = NewEvent {
        event_id: uuid::Uuid::new_v4(),
        event_type: ARRANGEMENT_EVENT_TYPE.to_owned(),
        data: serde_json::to_value(arrangement).expect("json"),
        metadata: Metadata::default(),
    };
    log.append(CALENDAR_STREAM, ExpectedRevision::Any, vec![event])
        .await
        .expect("append")
        .last_position
}
