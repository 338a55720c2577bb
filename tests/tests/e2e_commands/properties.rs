//! Arbitrary field values sent to the command RPCs: whatever a caller sends, the answer is never INTERNAL (a
//! bad value is the caller's error, named as such), and the log head moves only when the call is accepted.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::*;

/// Commands tried per run: each is a gRPC call and, when accepted, an fsynced append.
const CASES: u32 = 96;

/// One command RPC with its request.
#[derive(Debug, Clone)]
enum Call {
    Submit(pb::SubmitApplicationRequest),
    Ticket(pb::SubmitHotlineTicketRequest),
    Fees(pb::RecordFeesCollectedRequest),
    Decide(pb::DecideRequest),
    Dispatch(pb::DispatchTicketRequest),
    FeeNotice(pb::IssueFeeNoticeRequest),
}

/// Text from the plausible to the hostile: empty, id- and path-shaped, any printable text, anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z0-9/_-]{1,12}",
        "\\PC{0,24}",
        any::<String>(),
        Just("\0".to_owned()),
    ]
}

fn one_of(values: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![proptest::sample::select(values), text()]
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![Just(today()), "[0-9]{4}-[0-9]{2}-[0-9]{2}", text()]
}

/// Instants from year 1 to 9999, absent, and any seconds and nanoseconds (beyond any calendar, negative).
fn instant() -> impl Strategy<Value = Option<prost_types::Timestamp>> {
    let stamp = |(seconds, nanos)| Some(prost_types::Timestamp { seconds, nanos });
    let calendar = (-62_135_596_800i64..253_402_300_799, 0..1_000_000_000i32).prop_map(stamp);
    let any = (any::<i64>(), any::<i32>()).prop_map(stamp);
    prop_oneof![Just(None), calendar, any]
}

/// A request of every RPC, its ids drawn from `cases` (existing cases) and `command_ids` (so that some
/// repeat and some conflict) or arbitrary.
fn call(cases: Vec<String>, command_ids: Vec<String>) -> impl Strategy<Value = Call> {
    let agency = || one_of(vec!["simao".into(), "simao/finance".into()]);
    let case = move || one_of(cases.clone());
    let command = move || one_of(command_ids.clone());
    let submit = (text(), agency(), text(), text(), date(), text(), instant()).prop_map(
        |(external_id, agency, applicant_type, channel, handed_in_on, content, occurred_at)| {
            Call::Submit(pb::SubmitApplicationRequest {
                applicant: None,
                external_id,
                agency,
                applicant_type,
                channel,
                handed_in_on,
                receipt_confirmed_on: String::new(),
                content,
                delivery_form: String::new(),
                referred_from: String::new(),
                occurred_at,
            })
        },
    );
    let ticket = (text(), agency(), text(), text(), date(), text(), instant()).prop_map(
        |(external_id, agency, line, category, received_on, summary, occurred_at)| {
            Call::Ticket(pb::SubmitHotlineTicketRequest {
                caller: None,
                external_id,
                agency,
                line,
                category,
                received_on,
                summary,
                occurred_at,
            })
        },
    );
    let fees = (text(), agency(), any::<u64>(), date(), instant()).prop_map(
        |(external_id, agency, amount_fen, collected_on, occurred_at)| {
            Call::Fees(pb::RecordFeesCollectedRequest {
                external_id,
                agency,
                amount_fen,
                collected_on,
                occurred_at,
            })
        },
    );
    let decide = (command(), case(), text(), text(), date(), instant()).prop_map(
        |(command_id, case_id, outcome, legal_reason, decided_on, occurred_at)| {
            Call::Decide(pb::DecideRequest {
                command_id,
                case_id,
                outcome,
                legal_reason,
                decided_on,
                occurred_at,
            })
        },
    );
    let dispatch = (command(), case(), agency(), any::<u32>(), date(), instant()).prop_map(
        |(command_id, case_id, unit, time_limit_working_days, dispatched_on, occurred_at)| {
            Call::Dispatch(pb::DispatchTicketRequest {
                command_id,
                case_id,
                unit,
                time_limit_working_days,
                dispatched_on,
                occurred_at,
            })
        },
    );
    let notice = (command(), case(), text(), any::<u32>(), date(), instant()).prop_map(
        |(command_id, case_id, basis, quantity, issued_on, occurred_at)| {
            Call::FeeNotice(pb::IssueFeeNoticeRequest {
                command_id,
                case_id,
                basis,
                quantity,
                issued_on,
                occurred_at,
            })
        },
    );
    prop_oneof![submit, ticket, fees, decide, dispatch, notice]
}

/// Makes `call`; the status it was refused with, if it was.
async fn make(h: &Harness, call: Call) -> Option<Status> {
    let (mut intake, mut review, mut reply) = (h.intake.clone(), h.review.clone(), h.reply.clone());
    let answer = match call {
        Call::Submit(r) => intake
            .submit_application(authed(r, STAFF_TOKEN))
            .await
            .map(drop),
        Call::Ticket(r) => intake
            .submit_hotline_ticket(authed(r, HOTLINE_TOKEN))
            .await
            .map(drop),
        Call::Fees(r) => intake
            .record_fees_collected(authed(r, STAFF_TOKEN))
            .await
            .map(drop),
        Call::Decide(r) => review.decide(authed(r, STAFF_TOKEN)).await.map(drop),
        Call::Dispatch(r) => review
            .dispatch_ticket(authed(r, STAFF_TOKEN))
            .await
            .map(drop),
        Call::FeeNotice(r) => reply
            .issue_fee_notice(authed(r, STAFF_TOKEN))
            .await
            .map(drop),
    };
    answer.err()
}

#[test]
fn arbitrary_fields_never_yield_internal_and_move_the_head_only_when_accepted() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut h = runtime.block_on(start());
    let cases = runtime.block_on(async {
        let application = h.submit("P-1").await;
        let ticket = h
            .intake
            .submit_hotline_ticket(authed(super::refused::ticket("P-2"), HOTLINE_TOKEN))
            .await
            .expect("ticket")
            .into_inner();
        vec![application.case_id, ticket.case_id]
    });
    let command_ids = vec![new_id(), new_id()];
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        ..Config::default()
    });
    runner
        .run(&call(cases, command_ids), |call| {
            let head = h.log.next_position();
            let described = format!("{call:?}");
            let refused = runtime.block_on(make(&h, call));
            if let Some(status) = refused {
                prop_assert!(
                    !matches!(
                        status.code(),
                        Code::Internal | Code::Unknown | Code::DataLoss
                    ),
                    "{described}: {status:?}"
                );
                prop_assert_eq!(
                    h.log.next_position(),
                    head,
                    "refused yet written: {}",
                    described
                );
            }
            Ok::<(), TestCaseError>(())
        })
        .expect("every call answered as its input deserves");
}
