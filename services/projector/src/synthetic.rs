//! Synthetic but realistic case histories for the benchmark and the crash test: applications spread over the
//! agencies of one district and over a year, most decided within weeks with outcomes from the whole table,
//! some still open at year end, and a few challenges. Deterministic per seed (splitmix64), so a run repeats.

use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::challenge::{ChallengeEvent, ChallengeKind, ChallengeResult};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, Event, EventBody, Outcome, encode};
use casetrack_eventlog::{
    EventLog, ExpectedRevision, MAX_EVENTS_PER_APPEND, Metadata, NewEvent, StreamWrite,
};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::error::ProjectorError;

/// The agencies synthetic cases are spread over: a district and its departments.
pub const AGENCIES: [&str; 4] = [
    "simao",
    "simao/finance",
    "simao/education",
    "simao/natural-resources",
];
/// Challenges per this many applications.
const APPLICATIONS_PER_CHALLENGE: u64 = 50;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn event(case: CaseId, on: NaiveDate, body: EventBody) -> Event {
    let at = on
        .and_hms_opt(9, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t))
        .unwrap_or_default();
    Event::new(case, at, body)
}

/// The root of [`province`].
pub const PROVINCE: &str = "prov";
/// Prefectures of [`province`], and counties per prefecture: its units hang three levels below the root.
const PREFECTURES: usize = 16;
const COUNTIES_PER_PREFECTURE: usize = 8;

/// `units` agencies of a province, spread over its prefectures and counties (`prov/p3/c5/u1234`): a roll-up of
/// the root covers them all.
pub fn province(units: usize) -> Vec<AgencyId> {
    (0..units)
        .map(|unit| {
            let prefecture = unit % PREFECTURES;
            let county = unit / PREFECTURES % COUNTIES_PER_PREFECTURE;
            AgencyId::parse(&format!("{PROVINCE}/p{prefecture}/c{county}/u{unit}"))
                .expect("the synthetic province's ids are valid")
        })
        .collect()
}

/// `count` application histories received during `year` (each one case's events), plus challenges, spread
/// over the district's [`AGENCIES`].
pub fn year_of_cases(year: i32, count: u64, seed: u64) -> Vec<Vec<Event>> {
    let district: Vec<AgencyId> = AGENCIES
        .iter()
        .map(|id| AgencyId::parse(id).expect("the synthetic agencies are valid ids"))
        .collect();
    year_of_cases_in(&district, year, count, seed)
}

/// `count` application histories received during `year`, plus challenges, spread over `agencies` (at least
/// one).
pub fn year_of_cases_in(
    agencies: &[AgencyId],
    year: i32,
    count: u64,
    seed: u64,
) -> Vec<Vec<Event>> {
    assert!(!agencies.is_empty(), "cases need an agency to go to");
    let mut rng = SplitMix(seed);
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let outcomes = Outcome::all();
    let mut cases = Vec::new();
    for n in 0..count {
        let case = CaseId(Uuid::from_u64_pair(seed, n));
        let agency = agencies[rng.below(agencies.len() as u64) as usize].clone();
        let received_on = start + Days::new(rng.below(365));
        let applicant = ApplicantType::ALL[rng.below(ApplicantType::ALL.len() as u64) as usize];
        let mut events = vec![received(case, agency.clone(), applicant, received_on, n)];
        // Nine in ten are decided, within 60 days (some in the next year).
        if rng.below(10) != 0 {
            let outcome = outcomes[rng.below(outcomes.len() as u64) as usize];
            let decided_on = received_on + Days::new(rng.below(60));
            events.push(event(
                case,
                decided_on,
                EventBody::Application(ApplicationEvent::Decided {
                    outcome,
                    legal_reason: outcome.legal_basis().to_string(),
                    decided_on,
                }),
            ));
            events.push(event(
                case,
                decided_on,
                EventBody::Application(ApplicationEvent::Closed {
                    closed_on: decided_on,
                }),
            ));
            if n % APPLICATIONS_PER_CHALLENGE == 0 {
                let challenge = CaseId(Uuid::from_u64_pair(!seed, n));
                let kind = ChallengeKind::ALL[rng.below(3) as usize];
                let filed_on = decided_on + Days::new(rng.below(30));
                let mut history = vec![event(
                    challenge,
                    filed_on,
                    EventBody::Challenge(ChallengeEvent::Filed {
                        agency,
                        kind,
                        application: case,
                        prior_reconsideration: None,
                        filed_on,
                    }),
                )];
                if rng.below(2) == 0 {
                    let result = ChallengeResult::ALL[rng.below(3) as usize];
                    let concluded_on = filed_on + Days::new(rng.below(90));
                    history.push(event(
                        challenge,
                        concluded_on,
                        EventBody::Challenge(ChallengeEvent::Concluded {
                            result,
                            concluded_on,
                        }),
                    ));
                }
                cases.push(history);
            }
        }
        cases.push(events);
    }
    cases
}

/// An application received over the internet on `received_on` (receipt confirmed that day), the `n`th.
fn received(
    case: CaseId,
    agency: AgencyId,
    applicant: ApplicantType,
    received_on: NaiveDate,
    n: u64,
) -> Event {
    event(
        case,
        received_on,
        EventBody::Application(ApplicationEvent::Received {
            applicant: None,
            agency,
            applicant_type: applicant,
            channel: Channel::Internet,
            handed_in_on: received_on,
            receipt_confirmed_on: Some(received_on),
            content: format!("申请公开第{n}号政府信息"),
            delivery_form: DeliveryForm::Electronic,
            referred_from: None,
        }),
    )
}

/// Days back from today over which [`open_cases`] spreads the receipts: past the 20 working days of Art. 33,
/// so the queue holds cases due later, due soon and overdue.
const OPEN_SPREAD_DAYS: u64 = 40;

/// `count` applications received in the [`OPEN_SPREAD_DAYS`] up to `today` over the district's agencies and
/// still open: a busy 待办 queue. Deterministic per seed.
pub fn open_cases(today: NaiveDate, count: u64, seed: u64) -> Vec<Vec<Event>> {
    let mut rng = SplitMix(seed);
    (0..count)
        .map(|n| {
            let agency = AgencyId::parse(AGENCIES[rng.below(AGENCIES.len() as u64) as usize])
                .expect("the synthetic agencies are valid ids");
            let applicant = ApplicantType::ALL[rng.below(ApplicantType::ALL.len() as u64) as usize];
            let received_on = today - Days::new(rng.below(OPEN_SPREAD_DAYS));
            let case = CaseId(Uuid::from_u64_pair(seed, n));
            vec![received(case, agency, applicant, received_on, n)]
        })
        .collect()
}

/// Appends case histories, many cases per atomic append (within the log's per-append limit).
pub async fn append_cases(log: &EventLog, cases: &[Vec<Event>]) -> Result<(), ProjectorError> {
    let mut writes: Vec<StreamWrite> = Vec::new();
    let mut events_in_writes = 0;
    for case in cases {
        let Some(first) = case.first() else { continue };
        if events_in_writes + case.len() > MAX_EVENTS_PER_APPEND {
            log.append_multi(std::mem::take(&mut writes)).await?;
            events_in_writes = 0;
        }
        events_in_writes += case.len();
        writes.push(StreamWrite {
            stream: first.stream(),
            expected: ExpectedRevision::NoStream,
            events: case
                .iter()
                .map(|e| {
                    let encoded = encode(e);
                    NewEvent {
                        event_id: Uuid::new_v4(),
                        event_type: encoded.event_type,
                        data: encoded.data,
                        metadata: Metadata::default(),
                    }
                })
                .collect(),
        });
    }
    if !writes.is_empty() {
        log.append_multi(writes).await?;
    }
    Ok(())
}
