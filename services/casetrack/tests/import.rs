//! `casetrack import` end to end: the real binary reads a CSV and an XLSX ledger written by the test, and the
//! event log it writes is read back. Proves: the rows become the expected domain events (agencies, applicant
//! types, outcomes, dates); a re-import changes nothing (log position unchanged); a file with bad rows is
//! refused with file, row and column, and writes nothing; --skip-invalid imports only the good rows and still
//! lists the bad ones; every imported case gets a tracking number of its year of receipt, indexed both ways
//! like intake's, and a re-import keeps it; 逾期不补正 / 逾期未缴费 rows import through their 补正 request or
//! fee notice column and count in table 三 （六）, and are refused naming that column when it is empty; the
//! imported ledger of a past year reports as of a day of that year by business date (`--as-of-date`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use casetrack_audit::AUDIT_STREAM;
use casetrack_domain::agency::AGENCIES_STREAM;
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

/// Asserts the command succeeded, naming `what` and its stderr otherwise.
fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed: {}",
        text(&output.stderr)
    );
}

/// Asserts stdout contains `expected`.
fn assert_stdout_contains(output: &Output, expected: &str) {
    assert!(
        text(&output.stdout).contains(expected),
        "{}",
        text(&output.stdout)
    );
}

/// Asserts every expected line is in stderr.
fn assert_stderr_lists(stderr: &str, expected: &[String]) {
    for expected in expected {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

/// The agencies the ledgers of these tests name.
const LEDGER_AGENCIES: [&str; 3] = ["simao/gov", "simao/education", "simao/finance"];

/// A data directory under `dir` whose log holds the registry of [`LEDGER_AGENCIES`] and nothing else, as an
/// administrator leaves it before the first import.
fn registered_data(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let log = EventLog::open(&data.join("log")).expect("create the log");
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(casetrack_tests::agencies::register_in_log(
            &log,
            &LEDGER_AGENCIES,
        ))
        .expect("register the ledger agencies");
    data
}

/// A temp dir holding the ledger `name` with `contents`, and the registered data dir to import into.
fn ledger_with(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ledger = dir.path().join(name);
    std::fs::write(&ledger, contents).expect("write ledger");
    let data = registered_data(dir.path());
    (dir, ledger, data)
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

/// Every imported case in the log, keyed by stream, plus the events the log holds after the registry (which
/// [`registered_data`] wrote first).
fn read_log(data: &Path) -> (BTreeMap<String, Imported>, u64) {
    let log = EventLog::open(&data.join("log")).expect("open the imported log");
    let recorded = log.read_all(0, 4096).expect("read the log");
    // Neither the agency registry nor the audit trail of the test's own reads is imported.
    let not_imported = |stream: &str| stream == AGENCIES_STREAM || stream == AUDIT_STREAM;
    let registry = recorded.iter().filter(|r| not_imported(&r.stream)).count() as u64;
    let mut cases: BTreeMap<String, Imported> = BTreeMap::new();
    for record in recorded
        .iter()
        .filter(|r| !is_tracking(&r.stream) && !not_imported(&r.stream))
    {
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
                    agency: agency.into(),
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
                    ApplicationEvent::Abandoned {
                        reason,
                        abandoned_on,
                    } => case.outcome = Some((reason.outcome(), abandoned_on)),
                    ApplicationEvent::Closed { closed_on } => case.closed_on = Some(closed_on),
                    _ => {}
                }
            }
        }
    }
    (cases, log.next_position() - registry)
}

fn is_tracking(stream: &str) -> bool {
    ["trackingcounter-", "casetracking-"]
        .iter()
        .any(|category| stream.starts_with(category))
}

/// The tracking number of every case (by case stream), read from the `casetracking-{uuid}` index; checks that
/// the record just before it is its year's counter record naming the same case, as intake writes them, and
/// that the number leads back to that record.
fn read_numbers(data: &Path) -> BTreeMap<String, String> {
    let log = EventLog::open(&data.join("log")).expect("open the imported log");
    let recorded = log.read_all(0, 4096).expect("read the log");
    let stream_of = |data: &serde_json::Value| {
        data["stream"]
            .as_str()
            .unwrap_or_else(|| panic!("stream in {data}"))
            .to_owned()
    };
    let mut numbers = BTreeMap::new();
    for record in recorded
        .iter()
        .filter(|r| r.stream.starts_with("casetracking-"))
    {
        assert_eq!(record.event_type, "TrackingNumberAssigned");
        assert_eq!(
            record.stream,
            format!(
                "casetracking-{}",
                record.data["case_id"].as_str().expect("case_id")
            )
        );
        let counted = &recorded[record.position as usize - 1];
        assert_eq!(
            counted.data, record.data,
            "the counter record precedes the index"
        );
        let counter = counted
            .stream
            .strip_prefix("trackingcounter-")
            .expect("a counter record");
        let number = format!("{counter}-{:06}", counted.revision + 1);
        assert_eq!(counter_record(&log, &number), record.data, "{number}");
        assert!(
            numbers.insert(stream_of(&record.data), number).is_none(),
            "one number per case"
        );
    }
    numbers
}

/// PREFIX-YEAR-SEQUENCE: the counter of that prefix and year holds the sequence-th assignment.
fn counter_record(log: &EventLog, number: &str) -> serde_json::Value {
    let (counter, sequence) = number.rsplit_once('-').expect("PREFIX-YEAR-SEQUENCE");
    let sequence: u64 = sequence.parse().expect("sequence");
    let counted = log
        .read_stream(
            &format!("trackingcounter-{counter}"),
            sequence - 1,
            casetrack_eventlog::Direction::Forward,
            1,
        )
        .expect("read the counter");
    counted[0].data.clone()
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
    let data = registered_data(dir.path());

    let output = import(&data, &["--agency", "simao/education"], &[&csv, &xlsx]);
    assert_success(&output, "import");
    assert_stdout_contains(&output, "5 cases written");
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
    // 17 case events and, per case, the counter and case-index events of its tracking number.
    assert_eq!(position, 17 + 5 * 2);
    let numbers = read_numbers(&data);
    assert_eq!(
        numbers.keys().collect::<Vec<_>>(),
        cases.keys().collect::<Vec<_>>()
    );
    let mut sorted: Vec<&str> = numbers.values().map(String::as_str).collect();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "SM-2023-000001",
            "SM-2023-000002",
            "SM-2023-000003",
            "SM-2023-000004",
            "SM-2023-000005"
        ]
    );

    // The projector's annual table of the district (every agency rolled up) counts them where they belong.
    let document = report_2023(&data);
    assert_eq!(document["status"], serde_json::json!("final"), "{document}");
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
        assert_eq!(figure(&document, code), expected, "{code}");
    }

    // The same files again (in the other order): nothing changes.
    let output = import(&data, &["--agency", "simao/education"], &[&xlsx, &csv]);
    assert_success(&output, "re-import");
    assert_stdout_contains(&output, "0 cases written (0 events), 5 unchanged");
    let (again, position_again) = read_log(&data);
    assert_eq!(position_again, position);
    assert_eq!(again, cases);
    assert_eq!(
        read_numbers(&data),
        numbers,
        "a re-import keeps the numbers"
    );

    // The open case is decided in an updated ledger: only its missing events are appended.
    let updated = dir.path().join("ledger-2023-updated.csv");
    let decided_later = CSV_LEDGER.replace(
        "2023-003,simao/gov,2023年12月27日,法律服务机构,信函,,,,,",
        "2023-003,simao/gov,2023年12月27日,法律服务机构,信函,重复申请,,2024-01-08,,",
    );
    std::fs::write(&updated, decided_later).expect("write updated ledger");
    let output = import(&data, &[], &[&updated]);
    assert_success(&output, "update");
    assert_stdout_contains(&output, "1 cases written (3 events), 2 unchanged");
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
    assert_eq!(
        read_numbers(&data),
        numbers,
        "an update allocates no number"
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
    let (_dir, ledger, data) = ledger_with("bad.csv", BAD_LEDGER);

    let output = import(&data, &[], &[&ledger]);
    assert!(
        !output.status.success(),
        "a ledger with bad rows must be refused"
    );
    let stderr = text(&output.stderr);
    let file = ledger.display().to_string();
    assert_stderr_lists(
        &stderr,
        &[
            format!("{file}: row 3, column received_on: \"2024-02-30\" is not a valid date"),
            format!("{file}: row 4, column outcome: unknown outcome \"granted\""),
            format!(
                "{file}: row 5, column decided_on: 2023-05-01 is before the receipt date 2023-05-10"
            ),
            format!("{file}: row 6, column external_id: missing"),
            format!(
                "{file}: row 7, column supplement_requested_on: missing: other.no_supplement (逾期不补正) needs"
            ),
            "5 bad row(s)".to_owned(),
        ],
    );
    for good in ["row 2,", "row 8,"] {
        assert!(!stderr.contains(good), "{good} is a good row:\n{stderr}");
    }
    let (cases, position) = read_log(&data);
    assert_eq!(position, 0, "nothing may be written when a row is bad");
    assert!(cases.is_empty());

    // With --skip-invalid the good rows go in and the bad ones are still listed.
    let output = import(&data, &["--skip-invalid"], &[&ledger]);
    assert_success(&output, "skip-invalid import");
    assert!(
        text(&output.stderr).contains("row 3, column received_on"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains(
        "2 cases written (9 events), 0 unchanged, 5 bad rows skipped; 2 tracking numbers"
    ));
    let (cases, position) = read_log(&data);
    assert_eq!(cases.len(), 2);
    assert_eq!(position, 5 + 2 * 2);
    assert_eq!(read_numbers(&data).len(), 2);
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
        "supplement_requested_on / 补正日期",
        "fee_notice_on / 收费通知日期",
        "fee_yuan / 收费金额",
        "--tracking-prefix",
    ] {
        assert!(help.contains(column), "{column} missing from:\n{help}");
    }
}

/// Two 逾期不补正 rows (one received in 2022, numbered in 2022's sequence) and one 逾期未缴费 row.
const ABANDONED_LEDGER: &str = "编号,机关,收到日期,申请人类型,渠道,办理结果,办结日期,补正日期,收费通知日期,收费金额\n\
A-1,simao/gov,2022-12-28,自然人,当面,逾期不补正,2023-01-20,2022-12-30,,\n\
A-2,simao/gov,2023-05-04,商业企业,当面,other.fee_unpaid,2023-06-20,,2023-05-08,300\n\
A-3,simao/gov,2023-03-01,科研机构,当面,other.no_supplement,2023-04-10,2023-03-03,,\n";

/// `Intake.GetCase` of a tracking number, served by the real intake service over the imported log.
fn get_case(data: &Path, number: &str) -> casetrack_api::v1::CaseInfo {
    use casetrack_api::v1::intake_server::Intake;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let log = EventLog::open(&data.join("log")).expect("open the imported log");
        let calendar = casetrack_domain::Calendar::embedded().expect("calendar");
        let log: std::sync::Arc<dyn casetrack_eventlog::Log> = std::sync::Arc::new(log);
        let commands = casetrack_handlers::Commands::new(
            std::sync::Arc::clone(&log),
            casetrack_domain::deadline::Clocks::new(calendar),
            "SM".parse().expect("prefix"),
        );
        let (auditor, mut writer) = casetrack_audit::Auditor::new(std::sync::Arc::clone(&log));
        tokio::spawn(async move { writer.run().await });
        let intake = casetrack_handlers::IntakeService::new(
            commands,
            casetrack_handlers::Watchers::new(log, data.join("watch")),
            auditor,
        );
        let mut request = tonic::Request::new(casetrack_api::v1::GetCaseRequest {
            tracking_number: number.to_owned(),
            case_id: String::new(),
        });
        // As the auth layer passes an auditor, who reads every case of the deployment.
        request.extensions_mut().insert(casetrack_auth::Identity {
            name: "test".into(),
            roles: [casetrack_auth::Role::Auditor].into(),
            source_system: "test".into(),
            jurisdiction: None,
        });
        intake
            .get_case(request)
            .await
            .unwrap_or_else(|status| panic!("GetCase {number}: {status}"))
            .into_inner()
    })
}

/// Report 2023 of the whole district, as JSON.
fn report_2023(data: &Path) -> serde_json::Value {
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
    assert_success(&report, "report");
    serde_json::from_slice(&report.stdout).expect("report JSON")
}

/// One figure of a JSON report.
fn figure(document: &serde_json::Value, code: &str) -> u64 {
    document["figures"][code]
        .as_u64()
        .unwrap_or_else(|| panic!("{code} in {document}"))
}

#[test]
fn abandonment_rows_import_through_their_request_and_count_in_table_three() {
    let (_dir, ledger, data) = ledger_with("abandoned.csv", ABANDONED_LEDGER);

    let output = import(&data, &["--tracking-prefix", "AB"], &[&ledger]);
    assert_success(&output, "import");
    let (cases, position) = read_log(&data);
    let mut got: Vec<(Outcome, NaiveDate, usize)> = cases
        .values()
        .map(|c| {
            let (outcome, on) = c.outcome.expect("abandoned");
            (outcome, on, c.events)
        })
        .collect();
    got.sort_by_key(|(_, on, _)| *on);
    // Received, 补正 requested / fee notice issued, abandoned, reply delivered, closed.
    assert_eq!(
        got,
        [
            (Outcome::OtherNoSupplement, d(2023, 1, 20), 5),
            (Outcome::OtherNoSupplement, d(2023, 4, 10), 5),
            (Outcome::OtherFeeUnpaid, d(2023, 6, 20), 5),
        ]
    );
    let numbers = read_numbers(&data);
    let mut sorted: Vec<&str> = numbers.values().map(String::as_str).collect();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        ["AB-2022-000001", "AB-2023-000001", "AB-2023-000002"]
    );
    for (stream, number) in &numbers {
        let info = get_case(&data, number);
        let found = info.r#ref.expect("case ref");
        assert_eq!((&found.stream, &found.tracking_number), (stream, number));
        assert_eq!((info.status.as_str(), info.events), ("closed", 5));
        assert_eq!(info.source_system, "ledger-import");
    }

    let document = report_2023(&data);
    for (code, expected) in [
        ("applications.received.total", 2),
        ("applications.carried_over.total", 1),
        ("applications.other.no_supplement.natural_person", 1),
        ("applications.other.no_supplement.research", 1),
        ("applications.other.fee_unpaid.business", 1),
        ("applications.other.total", 3),
        ("applications.outcome_total.total", 3),
        ("applications.carried_forward.total", 0),
    ] {
        assert_eq!(figure(&document, code), expected, "{code}");
    }

    // Again: nothing changes, no number is allocated.
    let output = import(&data, &["--tracking-prefix", "AB"], &[&ledger]);
    assert!(
        text(&output.stdout).contains("0 cases written (0 events), 3 unchanged"),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert_eq!(read_log(&data), (cases, position));
    assert_eq!(read_numbers(&data), numbers);
}

const ABANDONED_WITHOUT_STEPS: &str = "external_id,agency,received_on,applicant_type,channel,outcome,decided_on,fee_notice_on\n\
B-1,simao/gov,2023-03-01,natural_person,in_person,other.no_supplement,2023-04-10,\n\
B-2,simao/gov,2023-05-04,business,in_person,逾期未缴费,2023-06-20,\n\
B-3,simao/gov,2023-05-04,business,in_person,other.fee_unpaid,2023-05-20,2023-05-08\n";

#[test]
fn abandonment_rows_without_their_step_are_refused_naming_the_column() {
    let (_dir, ledger, data) = ledger_with("abandoned.csv", ABANDONED_WITHOUT_STEPS);

    let output = import(&data, &[], &[&ledger]);
    assert!(!output.status.success(), "the rows must be refused");
    let stderr = text(&output.stderr);
    let file = ledger.display().to_string();
    assert_stderr_lists(
        &stderr,
        &[
            format!("{file}: row 2, column supplement_requested_on: missing"),
            format!("{file}: row 3, column fee_notice_on: missing"),
            // The notice is there, but the 20 working days to pay had not run out by the decision date.
            format!("{file}: row 4, column decided_on:"),
            "3 bad row(s)".to_owned(),
        ],
    );
    let (cases, position) = read_log(&data);
    assert!(cases.is_empty());
    assert_eq!(position, 0, "nothing may be written when a row is bad");
}

#[test]
fn rows_of_an_unregistered_agency_are_refused_naming_the_column() {
    let ledger_text = "external_id,agency,received_on,applicant_type,channel,outcome,decided_on\n\
        T-1,simao/gov,2023-03-05,natural_person,in_person,disclosed,2023-03-09\n\
        T-2,simao/tax,2023-03-05,natural_person,in_person,disclosed,2023-03-09\n";
    let (_dir, ledger, data) = ledger_with("unregistered.csv", ledger_text);

    let output = import(&data, &[], &[&ledger]);
    assert!(!output.status.success(), "the row must be refused");
    let file = ledger.display().to_string();
    assert_stderr_lists(
        &text(&output.stderr),
        &[format!(
            "{file}: row 3, column agency: agency: 机关 simao/tax 未登记"
        )],
    );
    assert_eq!(read_log(&data), (BTreeMap::new(), 0), "nothing is written");
}

/// What Excel on Chinese Windows writes: the ledger in GBK; and a UTF-8 file without a byte-order mark. Both
/// import exactly as the UTF-8 file with its mark; a file in neither encoding is refused, naming both.
#[test]
fn a_gbk_or_unmarked_utf8_ledger_imports_like_the_marked_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = CSV_LEDGER
        .strip_prefix('\u{feff}')
        .expect("the ledger has a mark");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(body);
    assert!(
        !unmappable && std::str::from_utf8(&gbk).is_err(),
        "really GBK"
    );
    let mut imported = Vec::new();
    for (name, bytes) in [
        ("utf8-bom", CSV_LEDGER.as_bytes().to_vec()),
        ("utf8", body.as_bytes().to_vec()),
        ("gbk", gbk.into_owned()),
    ] {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).expect("dir");
        let ledger = sub.join("ledger.csv");
        std::fs::write(&ledger, bytes).expect("write ledger");
        let data = registered_data(&sub);
        assert_success(&import(&data, &[], &[&ledger]), name);
        imported.push(read_log(&data).0);
    }
    assert_eq!(imported[0].len(), 3);
    assert_eq!(imported[1], imported[0], "UTF-8 without a mark");
    assert_eq!(imported[2], imported[0], "GBK");

    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, b"\xFF\xFE\xFF,1\n").expect("write");
    let data = registered_data(&dir.path().join("broken"));
    let output = import(&data, &[], &[&broken]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("既不是 UTF-8 也不是 GBK"),
        "{}",
        text(&output.stderr)
    );
}

/// The district's report for 2023 with `as_of` flags: its exit status, JSON (when it succeeded) and stderr.
fn report_2023_as_of(data: &Path, as_of: &[&str]) -> (bool, serde_json::Value, String) {
    let data = data.display().to_string();
    let mut args = vec![
        "report",
        "--data",
        &data,
        "--agency",
        "simao",
        "--year",
        "2023",
        "--format",
        "json",
        "--include-subagencies",
    ];
    args.extend_from_slice(as_of);
    let report = casetrack(&args);
    let document = serde_json::from_slice(&report.stdout).unwrap_or_default();
    (report.status.success(), document, text(&report.stderr))
}

/// Last year's ledger imported today: as of a day of that year by the facts' own dates the report counts
/// what had happened by then; by the time events were recorded nothing had, and the report is refused.
#[test]
fn an_imported_ledger_reports_as_of_a_business_date_and_not_by_recorded_time() {
    let (_dir, ledger, data) = ledger_with("ledger-2023.csv", CSV_LEDGER);
    assert_success(&import(&data, &[], &[&ledger]), "import");

    let (ok, mid_year, stderr) = report_2023_as_of(&data, &["--as-of-date", "2023-06-30"]);
    assert!(ok, "{stderr}");
    assert_eq!(figure(&mid_year, "applications.received.total"), 1);
    assert_eq!(mid_year["as_of_date"], "2023-06-30");
    assert!(stderr.contains("business date 2023-06-30"), "{stderr}");
    let (ok, year_end, stderr) = report_2023_as_of(&data, &["--as-of-date", "2023-12-31"]);
    assert!(ok, "{stderr}");
    assert_eq!(figure(&year_end, "applications.received.total"), 3);
    assert_eq!(figure(&year_end, "applications.carried_forward.total"), 1);

    let (ok, _, stderr) = report_2023_as_of(&data, &["--as-of", "2024-01-01T00:00:00+08:00"]);
    assert!(!ok, "nothing was recorded by then: {stderr}");
    assert!(stderr.contains("没有任何记录"), "{stderr}");
    let (ok, _, stderr) = report_2023_as_of(&data, &["--as-of-date", "2023-13-01"]);
    assert!(!ok && stderr.contains("--as-of-date"), "{stderr}");
}
