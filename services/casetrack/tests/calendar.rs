//! `casetrack calendar load` as an operator runs it each November: the published arrangement goes into the log,
//! the open deadlines it moves are listed, each moved case records the move on its own stream, and loading the
//! same file again changes nothing.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use casetrack_auth::{Identity, Role};
use casetrack_domain::application::{ApplicationCommand, Channel, DeliveryForm};
use casetrack_domain::deadline::Clocks;
use casetrack_domain::{AgencyId, ApplicantType, Calendar, CaseId};
use casetrack_eventlog::{Direction, EventLog};
use casetrack_handlers::Commands;
use chrono::{DateTime, NaiveDate, Utc};

fn casetrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .args(args)
        .output()
        .expect("run casetrack")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A 2027 arrangement as the State Council might publish it: 春节 5–11 February, Saturdays 13 and 20 February
/// made working days.
const ARRANGEMENT_2027: &str = r#"{"year": 2027, "papers": ["https://www.gov.cn/test/2027"], "days": [
 {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
 {"name": "春节", "date": "2027-02-05", "isOffDay": true}, {"name": "春节", "date": "2027-02-06", "isOffDay": true},
 {"name": "春节", "date": "2027-02-07", "isOffDay": true}, {"name": "春节", "date": "2027-02-08", "isOffDay": true},
 {"name": "春节", "date": "2027-02-09", "isOffDay": true}, {"name": "春节", "date": "2027-02-10", "isOffDay": true},
 {"name": "春节", "date": "2027-02-11", "isOffDay": true}, {"name": "春节", "date": "2027-02-13", "isOffDay": false},
 {"name": "春节", "date": "2027-02-20", "isOffDay": false}]}"#;

/// An application handed in on Monday 25 January 2027, through the command path, as of the next day.
fn receive_application(data: &Path) -> CaseId {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let log = Arc::new(EventLog::open(&data.join("log")).expect("log"));
        casetrack_tests::agencies::register_in_log(log.as_ref(), &["simao/finance"])
            .await
            .expect("register the agency");
        let clocks = Clocks::new(Calendar::embedded().expect("calendar"));
        let commands = Commands::new(log, clocks, "SM".parse().expect("prefix"));
        let caller = Identity {
            name: "test".to_owned(),
            roles: [Role::Clerk].into(),
            source_system: "console".to_owned(),
            jurisdiction: Some(AgencyId::parse("simao").expect("agency")),
        };
        let now: DateTime<Utc> = "2027-01-26T02:00:00Z".parse().expect("instant");
        let handed_in_on = NaiveDate::from_ymd_opt(2027, 1, 25).expect("date");
        let refs = commands
            .create(&caller, "2027-001", now, |case_id| {
                ApplicationCommand::Receive {
                    applicant: None,
                    case_id,
                    agency: AgencyId::parse("simao/finance").expect("agency"),
                    applicant_type: ApplicantType::NaturalPerson,
                    channel: Channel::InPerson,
                    handed_in_on,
                    receipt_confirmed_on: None,
                    content: "2026年度部门决算".to_owned(),
                    delivery_form: DeliveryForm::Paper,
                    referred_from: None,
                }
                .into()
            })
            .await
            .expect("receive");
        refs.case_id
    })
}

fn event_types(data: &Path, case_id: CaseId) -> Vec<String> {
    let log = EventLog::open(&data.join("log")).expect("log");
    let stream = format!("application-{}", case_id.0);
    log.read_stream(&stream, 0, Direction::Forward, 100)
        .expect("read")
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

#[test]
fn loading_an_arrangement_lists_and_records_the_moved_deadlines_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let case_id = receive_application(&data);
    let file = dir.path().join("2027.json");
    std::fs::write(&file, ARRANGEMENT_2027).expect("write");
    let args = [
        "calendar",
        "load",
        file.to_str().expect("path"),
        "--data",
        data.to_str().expect("path"),
    ];

    let first = casetrack(&args);
    let out = text(&first.stdout);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(out.contains("2027 年放假安排已载入"), "{out}");
    // Provisionally due Wednesday 24 February; by the published arrangement Thursday 25 February.
    assert!(out.contains("期限变动的在办案件：1 件"), "{out}");
    assert!(out.contains("2027-02-24 → 2027-02-25"), "{out}");
    let types = event_types(&data, case_id);
    assert_eq!(
        types.last().map(String::as_str),
        Some("ApplicationDeadlineMoved")
    );

    let again = casetrack(&args);
    let out = text(&again.stdout);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(out.contains("此前已载入"), "{out}");
    assert_eq!(
        event_types(&data, case_id),
        types,
        "a second load writes nothing"
    );

    let listed = casetrack(&["calendar", "moved", "--data", data.to_str().expect("path")]);
    assert!(text(&listed.stdout).contains("2027-02-24 → 2027-02-25"));

    let bad = casetrack(&[
        "calendar",
        "moved",
        "--data",
        dir.path().join("nowhere").to_str().expect("path"),
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("no event log here"),
        "{}",
        text(&bad.stderr)
    );
}
