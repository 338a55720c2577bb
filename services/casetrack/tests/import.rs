//! `casetrack import` end to end: the real binary reads a CSV and an XLSX ledger written by the test, and the
//! event log it writes is read back. Proves: the rows become the expected domain events (agencies, applicant
//! types, outcomes, dates); a re-import changes nothing (log position unchanged); a file with bad rows is
//! refused with file, row and column, and writes nothing; --skip-invalid imports only the good rows and still
//! lists the bad ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use casetrack_domain::application::ApplicationEvent;
use casetrack_domain::{ApplicantType, EventBody, Outcome, decode};
use casetrack_eventlog::EventLog;
use chrono::NaiveDate;

fn casetrack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .args(args)
        .output()
        .expect("run casetrack")
}

fn import(data: &Path, extra: &[&str], files: &[&Path]) -> Output {
    let mut args = vec![
        "import".to_owned(),
        "--data".to_owned(),
        data.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    casetrack(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What one imported case looks like once its events are read back.
#[derive(Debug, PartialEq, Eq)]
struct Imported {
    agency: String,
    applicant_type: ApplicantType,
    received_on: NaiveDate,
    outcome: Option<(Outcome, NaiveDate)>,
    closed_on: Option<NaiveDate>,
    events: usize,
}

/// Every imported case in the log, keyed by stream, plus the log's next position.
fn read_log(data: &Path) -> (BTreeMap<String, Imported>, u64) {
    let log = EventLog::open(&data.join("log")).expect("open the imported log");
    let recorded = log.read_all(0, 4096).expect("read the log");
    let mut cases: BTreeMap<String, Imported> = BTreeMap::new();
    for record in &recorded {
        let event = decode(&record.event_type, &record.data).expect("imported events decode");
        let EventBody::Application(body) = event.body else {
            panic!("only applications are imported")
        };
        match body {
            ApplicationEvent::Received {
                agency,
                applicant_type,
                handed_in_on,
                ..
            } => {
                let case = Imported {
                    agency: agency.0,
                    applicant_type,
                    received_on: handed_in_on,
                    outcome: None,
                    closed_on: None,
                    events: 1,
                };
                assert!(
                    cases.insert(record.stream.clone(), case).is_none(),
                    "one Received per case"
                );
            }
            other => {
                let case = cases.get_mut(&record.stream).expect("Received comes first");
                case.events += 1;
                match other {
                    ApplicationEvent::Decided {
                        outcome,
                        decided_on,
                        ..
                    } => case.outcome = Some((outcome, decided_on)),
                    ApplicationEvent::Closed { closed_on } => case.closed_on = Some(closed_on),
                    _ => {}
                }
            }
        }
    }
    (cases, log.next_position())
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

const CSV_LEDGER: &str = "\u{feff}编号,机关,收到日期,申请人类型,渠道,办理结果,理由,办结日期,送达日期,备注\n\
2023-001,simao/gov,2023-03-05,自然人,当面,予以公开,,2023-03-20,2023-03-21,first\n\
2023-002,simao/finance,2023/11/12,商业企业,网络,（三）4.保护第三方合法权益,涉及第三方商业秘密,2023-12-03,,\n\
2023-003,simao/gov,2023年12月27日,法律服务机构,信函,,,,,carried into 2024\n";

fn write_xlsx(path: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let headers = [
        "external_id",
        "received_on",
        "applicant_type",
        "channel",
        "outcome",
        "decided_on",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet
            .write_string(0, column as u16, *header)
            .expect("header");
    }
    // Row 2: a real date cell and a numeric id; row 3: text dates and the English codes.
    sheet.write_number(1, 0, 1001.0).expect("id");
    let received = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 6, 1).expect("date");
    sheet
        .write_datetime_with_format(1, 1, &received, &date_format)
        .expect("received");
    sheet.write_string(1, 2, "科研机构").expect("type");
    sheet.write_string(1, 3, "传真").expect("channel");
    sheet
        .write_string(1, 4, "unavailable.not_held")
        .expect("outcome");
    let decided = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 6, 15).expect("date");
    sheet
        .write_datetime_with_format(1, 5, &decided, &date_format)
        .expect("decided");
    for (column, value) in [
        "1002",
        "2023-07-02",
        "nonprofit",
        "internet",
        "partly_disclosed",
        "2023-07-20",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, column as u16, *value).expect("cell");
    }
    workbook.save(path).expect("save xlsx");
}

fn ledgers(dir: &Path) -> (PathBuf, PathBuf) {
    let csv = dir.join("ledger-2023.csv");
    std::fs::write(&csv, CSV_LEDGER).expect("write csv");
    let xlsx = dir.join("ledger-2023.xlsx");
    write_xlsx(&xlsx);
    (csv, xlsx)
}

#[test]
fn csv_and_xlsx_ledgers_import_as_domain_events_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv, xlsx) = ledgers(dir.path());
    let data = dir.path().join("data");

    let output = import(&data, &["--agency", "simao/education"], &[&csv, &xlsx]);
    assert!(
        output.status.success(),
        "import failed: {}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("5 cases written"),
        "{}",
        text(&output.stdout)
    );
    assert!(
        text(&output.stderr).contains("ignoring columns 备注"),
        "{}",
        text(&output.stderr)
    );

    let (cases, position) = read_log(&data);
    let mut got: Vec<&Imported> = cases.values().collect();
    got.sort_by_key(|case| case.received_on);
    let expected = [
        Imported {
            agency: "simao/gov".into(),
            applicant_type: ApplicantType::NaturalPerson,
            received_on: d(2023, 3, 5),
            outcome: Some((Outcome::Disclosed, d(2023, 3, 20))),
            closed_on: Some(d(2023, 3, 21)),
            events: 4,
        },
        Imported {
            agency: "simao/education".into(),
            applicant_type: ApplicantType::Research,
            received_on: d(2023, 6, 1),
            outcome: Some((Outcome::UnavailableNotHeld, d(2023, 6, 15))),
            closed_on: Some(d(2023, 6, 15)),
            events: 4,
        },
        Imported {
            agency: "simao/education".into(),
            applicant_type: ApplicantType::Nonprofit,
            received_on: d(2023, 7, 2),
            outcome: Some((Outcome::PartlyDisclosed, d(2023, 7, 20))),
            closed_on: Some(d(2023, 7, 20)),
            events: 4,
        },
        Imported {
            agency: "simao/finance".into(),
            applicant_type: ApplicantType::Business,
            received_on: d(2023, 11, 12),
            outcome: Some((Outcome::WithheldThirdParty, d(2023, 12, 3))),
            closed_on: Some(d(2023, 12, 3)),
            events: 4,
        },
        Imported {
            agency: "simao/gov".into(),
            applicant_type: ApplicantType::LegalService,
            received_on: d(2023, 12, 27),
            outcome: None,
            closed_on: None,
            events: 1,
        },
    ];
    assert_eq!(got, expected.iter().collect::<Vec<_>>());
    assert_eq!(position, 17);

    // The projector's annual table of the district (every agency rolled up) counts them where they belong.
    let report = casetrack(&[
        "report",
        "--data",
        &data.display().to_string(),
        "--agency",
        "simao",
        "--year",
        "2023",
        "--format",
        "json",
        "--include-subagencies",
    ]);
    assert!(
        report.status.success(),
        "report failed: {}",
        text(&report.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&report.stdout).expect("report JSON");
    assert_eq!(document["status"], serde_json::json!("final"), "{document}");
    let cell = |code: &str| {
        document["figures"][code]
            .as_u64()
            .unwrap_or_else(|| panic!("{code} in {document}"))
    };
    for (code, expected) in [
        ("applications.received.total", 5),
        ("applications.carried_over.total", 0),
        ("applications.disclosed.natural_person", 1),
        ("applications.partly_disclosed.nonprofit", 1),
        ("applications.withheld.third_party.business", 1),
        ("applications.unavailable.not_held.research", 1),
        ("applications.outcome_total.total", 4),
        ("applications.carried_forward.legal_service", 1),
        ("applications.carried_forward.total", 1),
    ] {
        assert_eq!(cell(code), expected, "{code}");
    }

    // The same files again (in the other order): nothing changes.
    let output = import(&data, &["--agency", "simao/education"], &[&xlsx, &csv]);
    assert!(
        output.status.success(),
        "re-import failed: {}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("0 cases written (0 events), 5 unchanged"),
        "{}",
        text(&output.stdout)
    );
    let (again, position_again) = read_log(&data);
    assert_eq!(position_again, position);
    assert_eq!(again, cases);

    // The open case is decided in an updated ledger: only its missing events are appended.
    let updated = dir.path().join("ledger-2023-updated.csv");
    let decided_later = CSV_LEDGER.replace(
        "2023-003,simao/gov,2023年12月27日,法律服务机构,信函,,,,,",
        "2023-003,simao/gov,2023年12月27日,法律服务机构,信函,重复申请,,2024-01-08,,",
    );
    std::fs::write(&updated, decided_later).expect("write updated ledger");
    let output = import(&data, &[], &[&updated]);
    assert!(
        output.status.success(),
        "update failed: {}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("1 cases written (3 events), 2 unchanged"),
        "{}",
        text(&output.stdout)
    );
    let (updated_cases, updated_position) = read_log(&data);
    assert_eq!(updated_position, position + 3);
    let carried = updated_cases
        .values()
        .find(|c| c.received_on == d(2023, 12, 27))
        .expect("case");
    assert_eq!(
        carried.outcome,
        Some((Outcome::NotProcessedRepeated, d(2024, 1, 8)))
    );
}

const BAD_LEDGER: &str = "external_id,agency,received_on,applicant_type,channel,outcome,decided_on\n\
ok-1,simao/gov,2023-03-05,natural_person,in_person,disclosed,2023-03-09\n\
bad-2,simao/gov,2024-02-30,natural_person,in_person,,\n\
bad-3,simao/gov,2023-05-10,natural_person,in_person,granted,2023-05-20\n\
bad-4,simao/gov,2023-05-10,business,in_person,disclosed,2023-05-01\n\
,simao/gov,2023-05-10,business,in_person,,\n\
ok-6,simao/gov,2023-06-01,business,fax,other.no_supplement,2023-07-01\n\
ok-7,simao/gov,2023-06-01,research,fax,,\n";

#[test]
fn bad_rows_are_listed_with_row_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ledger = dir.path().join("bad.csv");
    std::fs::write(&ledger, BAD_LEDGER).expect("write ledger");
    let data = dir.path().join("data");

    let output = import(&data, &[], &[&ledger]);
    assert!(
        !output.status.success(),
        "a ledger with bad rows must be refused"
    );
    let stderr = text(&output.stderr);
    let file = ledger.display().to_string();
    for expected in [
        format!("{file}: row 3, column received_on: \"2024-02-30\" is not a valid date"),
        format!("{file}: row 4, column outcome: unknown outcome \"granted\""),
        format!(
            "{file}: row 5, column decided_on: 2023-05-01 is before the receipt date 2023-05-10"
        ),
        format!("{file}: row 6, column external_id: missing"),
        format!("{file}: row 7, column outcome:"),
        "5 bad row(s)".to_owned(),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    for good in ["row 2,", "row 8,"] {
        assert!(!stderr.contains(good), "{good} is a good row:\n{stderr}");
    }
    let (cases, position) = read_log(&data);
    assert_eq!(position, 0, "nothing may be written when a row is bad");
    assert!(cases.is_empty());

    // With --skip-invalid the good rows go in and the bad ones are still listed.
    let output = import(&data, &["--skip-invalid"], &[&ledger]);
    assert!(
        output.status.success(),
        "skip-invalid import failed: {}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stderr).contains("row 3, column received_on"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout)
            .contains("2 cases written (5 events), 0 unchanged, 5 bad rows skipped")
    );
    let (cases, position) = read_log(&data);
    assert_eq!(cases.len(), 2);
    assert_eq!(position, 5);
}

#[test]
fn help_prints_the_column_layout() {
    let output = casetrack(&["import", "--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    for column in [
        "received_on / 收到日期",
        "applicant_type / 申请人类型",
        "outcome / 办理结果",
        "external_id / 编号",
    ] {
        assert!(help.contains(column), "{column} missing from:\n{help}");
    }
}
