//! The actions a case page offers, each the form of one gRPC method: the console shows an action when the
//! policy lets the role call its method and the case's state accepts it (`CaseInfo.accepts`, the domain's
//! own rules asked, by the action's slug = the act's code), and performs it by calling that method's handler
//! (`Backend::call`) — the same command path as a gRPC client's.

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::Intake;
use casetrack_api::v1::reply_server::Reply;
use casetrack_api::v1::review_server::Review;
use casetrack_domain::application::Channel;
use casetrack_domain::hotline::Satisfaction;
use casetrack_domain::{ApplicantType, Outcome as RowOutcome};

use crate::forms::{Field, Input};
use crate::submit::{Call, Outcome};

/// One action on a case: its gRPC method, its form, and how the form becomes that method's request
/// (`perform`, through `Call::send`). The slug is the domain act's code (`casetrack_domain::Act::code`).
pub struct Action {
    pub slug: &'static str,
    pub method: &'static str,
    pub title: &'static str,
    pub fields: &'static [Field],
    pub perform: fn(Call<'_>) -> Outcome<'_>,
}

/// A perform function: the request `$request` of the case's `command_id` and `case_id`, each further field
/// read from the form field of the same name by the `Call` getter named beside it (`text`, `working_days`),
/// sent to `$service.$method`.
macro_rules! perform {
    ($name:ident, $request:ident { $($field:ident: $get:ident),* $(,)? }, $service:ident . $method:ident) => {
        fn $name(call: Call<'_>) -> Outcome<'_> {
            Box::pin(async move {
                let request = pb::$request {
                    command_id: call.form.get("command_id"),
                    case_id: call.case_id.clone(),
                    $($field: call.$get(stringify!($field))?,)*
                    occurred_at: None,
                };
                call.send(request, |b, r| async move { b.$service.$method(r).await }).await
            })
        }
    };
}

/// One action of `method` (`/casetrack.v1.{method}`).
macro_rules! action {
    ($slug:ident, $method:literal, $title:literal, [$($field:expr),* $(,)?]) => {
        Action {
            slug: stringify!($slug),
            method: concat!("/casetrack.v1.", $method),
            title: $title,
            fields: &[$($field),*],
            perform: $slug,
        }
    };
}

/// Every action a case page can offer, applications' first, in the order a case meets them.
pub const ACTIONS: &[Action] = &[
    action!(
        confirm_receipt,
        "Review/ConfirmReceipt",
        "确认收到申请",
        [field("confirmed_on", "双方确认收到日期", Input::Date),]
    ),
    action!(
        request_supplement,
        "Review/RequestSupplement",
        "要求补正",
        [
            field("what", "需补正的内容", Input::TextArea),
            field("requested_on", "补正告知日期", Input::Date),
            field("supplement_by", "补正期限", Input::Date),
        ]
    ),
    action!(
        receive_supplement,
        "Review/ReceiveSupplement",
        "收到补正",
        [field("received_on", "收到补正日期", Input::Date),]
    ),
    action!(
        start_consultation,
        "Review/StartConsultation",
        "征求意见",
        [
            field("party", "征求意见对象", Input::Text),
            field("party_kind", "对象类别", Input::Choice(consulted_parties)),
            field("started_on", "征求意见日期", Input::Date),
        ]
    ),
    action!(
        answer_consultation,
        "Review/AnswerConsultation",
        "收到征求意见答复",
        [
            field("party", "征求意见对象", Input::Text),
            field("answered_on", "答复日期", Input::Date),
        ]
    ),
    action!(
        approve_extension,
        "Review/ApproveExtension",
        "批准延期答复",
        [
            field("working_days", "延长工作日数", Input::Number),
            field(
                "approved_by",
                "批准人（政府信息公开工作机构负责人）",
                Input::Text
            ),
            field("reason", "延期理由", Input::TextArea),
            field("approved_on", "批准日期", Input::Date),
        ]
    ),
    action!(
        decide,
        "Review/Decide",
        "作出答复决定",
        [
            field("outcome", "处理结果（表三行）", Input::Choice(outcomes)),
            field("legal_reason", "法律依据与理由", Input::TextArea),
            field("decided_on", "决定日期", Input::Date),
        ]
    ),
    action!(
        deliver_reply,
        "Reply/DeliverReply",
        "送达答复",
        [
            field("delivered_on", "送达日期", Input::Date),
            field("method", "送达方式", Input::Choice(delivery_methods)),
        ]
    ),
    action!(
        dispatch_ticket,
        "Review/DispatchTicket",
        "派单",
        [
            field("unit", "承办单位（机关代码，如 simao/roads）", Input::Text),
            field(
                "time_limit_working_days",
                "办理时限（工作日）",
                Input::Number
            ),
            field("dispatched_on", "派单日期", Input::Date),
        ]
    ),
    action!(
        sign_ticket,
        "Review/SignTicket",
        "签收工单",
        [
            field("unit", "签收单位（机关代码）", Input::Text),
            field("signed_on", "签收日期", Input::Date),
        ]
    ),
    action!(
        return_ticket,
        "Review/ReturnTicket",
        "退单",
        [
            field("unit", "退单单位（机关代码）", Input::Text),
            field("reason", "退单理由", Input::TextArea),
            field("returned_on", "退单日期", Input::Date),
        ]
    ),
    action!(
        extend_ticket,
        "Review/ExtendTicket",
        "批准工单延期",
        [
            field("working_days", "延长工作日数", Input::Number),
            field("reason", "延期理由", Input::TextArea),
            field("granted_on", "批准日期", Input::Date),
        ]
    ),
    action!(
        handle_ticket,
        "Review/HandleTicket",
        "办理完毕",
        [
            field("result", "办理结果", Input::TextArea),
            field("handled_on", "办结日期", Input::Date),
        ]
    ),
    action!(
        merge_tickets,
        "Review/MergeTickets",
        "并单（本工单并入主工单）",
        [
            field("primary_case_id", "主工单案件编号（UUID）", Input::Text),
            field("merged_on", "并单日期", Input::Date),
        ]
    ),
    action!(
        record_follow_up,
        "Reply/RecordFollowUp",
        "记录回访",
        [
            field("satisfaction", "满意度", Input::Choice(satisfactions)),
            field("followed_up_on", "回访日期", Input::Date),
        ]
    ),
];

perform!(
    confirm_receipt,
    ConfirmReceiptRequest { confirmed_on: text },
    review.confirm_receipt
);
perform!(
    request_supplement,
    RequestSupplementRequest {
        requested_on: text,
        what: text,
        supplement_by: text
    },
    review.request_supplement
);
perform!(
    receive_supplement,
    ReceiveSupplementRequest { received_on: text },
    review.receive_supplement
);
perform!(
    start_consultation,
    StartConsultationRequest {
        party: text,
        party_kind: text,
        started_on: text
    },
    review.start_consultation
);
perform!(
    answer_consultation,
    AnswerConsultationRequest {
        party: text,
        answered_on: text
    },
    review.answer_consultation
);
perform!(
    approve_extension,
    ApproveExtensionRequest {
        working_days: working_days,
        approved_by: text,
        reason: text,
        approved_on: text
    },
    review.approve_extension
);
perform!(
    decide,
    DecideRequest {
        outcome: text,
        legal_reason: text,
        decided_on: text
    },
    review.decide
);
perform!(
    deliver_reply,
    DeliverReplyRequest {
        delivered_on: text,
        method: text
    },
    reply.deliver_reply
);
perform!(
    dispatch_ticket,
    DispatchTicketRequest {
        unit: text,
        time_limit_working_days: working_days,
        dispatched_on: text
    },
    review.dispatch_ticket
);
perform!(
    sign_ticket,
    SignTicketRequest {
        unit: text,
        signed_on: text
    },
    review.sign_ticket
);
perform!(
    return_ticket,
    ReturnTicketRequest {
        unit: text,
        reason: text,
        returned_on: text
    },
    review.return_ticket
);
perform!(
    extend_ticket,
    ExtendTicketRequest {
        working_days: working_days,
        reason: text,
        granted_on: text
    },
    review.extend_ticket
);
perform!(
    handle_ticket,
    HandleTicketRequest {
        result: text,
        handled_on: text
    },
    review.handle_ticket
);
perform!(
    merge_tickets,
    MergeTicketsRequest {
        primary_case_id: text,
        merged_on: text
    },
    review.merge_tickets
);
perform!(
    record_follow_up,
    RecordFollowUpRequest {
        satisfaction: text,
        followed_up_on: text
    },
    reply.record_follow_up
);

/// The application register form (登记): `Intake.SubmitApplication`.
pub const REGISTER: Action = Action {
    slug: "register",
    method: "/casetrack.v1.Intake/SubmitApplication",
    title: "登记政府信息公开申请",
    fields: &[
        field("agency", "受理机关（机关代码）", Input::Text),
        field(
            "applicant_type",
            "申请人类型",
            Input::Choice(applicant_types),
        ),
        field("channel", "提交方式", Input::Choice(channels)),
        field("handed_in_on", "提交/签收日期", Input::Date),
        field(
            "receipt_confirmed_on",
            "双方确认收到日期（网络、传真、无需签收的信函）",
            Input::OptionalDate,
        ),
        field("content", "所需信息", Input::TextArea),
    ],
    perform: register,
};

const fn field(name: &'static str, label: &'static str, input: Input) -> Field {
    Field { name, label, input }
}

fn outcomes() -> Vec<(&'static str, String)> {
    RowOutcome::all()
        .into_iter()
        .map(|o| (o.cell_row(), o.label_zh().to_owned()))
        .collect()
}

fn applicant_types() -> Vec<(&'static str, String)> {
    ApplicantType::ALL
        .into_iter()
        .map(|t| (t.cell_column(), t.label_zh().to_owned()))
        .collect()
}

fn channels() -> Vec<(&'static str, String)> {
    Channel::ALL
        .into_iter()
        .map(|c| (c.code(), c.label_zh().to_owned()))
        .collect()
}

/// Fixed codes with their labels, as a choice's options.
fn labelled(options: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    options
        .iter()
        .map(|(code, label)| (*code, (*label).to_owned()))
        .collect()
}

fn delivery_methods() -> Vec<(&'static str, String)> {
    labelled(&[
        ("post", "邮寄"),
        ("email", "电子邮件"),
        ("in_person", "当面领取"),
    ])
}

/// The codes of `ConsultedParty` (条例 第三十二条、第三十四条).
fn consulted_parties() -> Vec<(&'static str, String)> {
    labelled(&[("third_party", "第三方"), ("agency", "其他行政机关")])
}

/// The codes of `Satisfaction` (its serde names, which the handler parses), with the domain's labels.
fn satisfactions() -> Vec<(&'static str, String)> {
    [
        ("satisfied", Satisfaction::Satisfied),
        ("basically_satisfied", Satisfaction::BasicallySatisfied),
        ("unsatisfied", Satisfaction::Unsatisfied),
    ]
    .into_iter()
    .map(|(code, s)| (code, s.label_zh().to_owned()))
    .collect()
}

/// The action `slug` names, if the console offers it.
pub fn find(slug: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|action| action.slug == slug)
}

/// Register an application (`Intake.SubmitApplication`); its form's `external_id` is the idempotency key.
fn register(call: Call<'_>) -> Outcome<'_> {
    Box::pin(async move {
        let request = pb::SubmitApplicationRequest {
            applicant: None,
            external_id: call.form.get("external_id"),
            agency: call.form.get("agency"),
            applicant_type: call.form.get("applicant_type"),
            channel: call.form.get("channel"),
            handed_in_on: call.form.get("handed_in_on"),
            receipt_confirmed_on: call.form.get("receipt_confirmed_on"),
            content: call.form.get("content"),
            delivery_form: String::new(),
            referred_from: String::new(),
            occurred_at: None,
        };
        call.send(request, |b, r| async move {
            b.intake.submit_application(r).await
        })
        .await
    })
}

#[cfg(test)]
mod tests {
    use casetrack_domain::Act;

    use super::ACTIONS;

    /// The page offers an action when the case accepts the act of its slug: every act has its action and
    /// every action is an act, or a form would never show (or show regardless of the state).
    #[test]
    fn every_act_has_its_action() {
        let slugs: Vec<&str> = ACTIONS.iter().map(|a| a.slug).collect();
        let codes: Vec<&str> = Act::ALL.into_iter().map(Act::code).collect();
        assert_eq!(slugs, codes);
        assert!(
            ACTIONS
                .iter()
                .all(|a| casetrack_auth::policy::roles_for(a.method).is_some())
        );
    }
}
