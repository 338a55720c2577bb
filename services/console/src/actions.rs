//! The actions a case page offers, each the form of one gRPC method: the console shows an action when the
//! policy lets the role call its method and the case is of the kind the method works on, and performs it by
//! calling that method's handler (`Backend::call`) — the same command path as a gRPC client's.

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::Intake;
use casetrack_api::v1::reply_server::Reply;
use casetrack_api::v1::review_server::Review;
use casetrack_domain::application::Channel;
use casetrack_domain::{ApplicantType, Outcome as RowOutcome};

use crate::forms::{Field, Input};
use crate::submit::{Call, Outcome};

/// One action on a case: its gRPC method, the case kind (stream category) it works on, its form, and how the
/// form becomes that method's request (`perform`, through `Call::send`).
pub struct Action {
    pub slug: &'static str,
    pub method: &'static str,
    pub kind: &'static str,
    pub title: &'static str,
    pub fields: &'static [Field],
    pub perform: fn(Call<'_>) -> Outcome<'_>,
}

/// Every action a case page can offer.
pub const ACTIONS: &[Action] = &[
    Action {
        slug: "decide",
        method: "/casetrack.v1.Review/Decide",
        kind: "application",
        title: "作出答复决定",
        fields: &[
            field("outcome", "处理结果（表三行）", Input::Choice(outcomes)),
            field("legal_reason", "法律依据与理由", Input::TextArea),
            field("decided_on", "决定日期", Input::Date),
        ],
        perform: decide,
    },
    Action {
        slug: "deliver_reply",
        method: "/casetrack.v1.Reply/DeliverReply",
        kind: "application",
        title: "送达答复",
        fields: &[
            field("delivered_on", "送达日期", Input::Date),
            field("method", "送达方式", Input::Choice(delivery_methods)),
        ],
        perform: deliver_reply,
    },
    Action {
        slug: "dispatch_ticket",
        method: "/casetrack.v1.Review/DispatchTicket",
        kind: "hotline",
        title: "派单",
        fields: &[
            field("unit", "承办单位（机关代码，如 simao/roads）", Input::Text),
            field(
                "time_limit_working_days",
                "办理时限（工作日）",
                Input::Number,
            ),
            field("dispatched_on", "派单日期", Input::Date),
        ],
        perform: dispatch_ticket,
    },
];

/// The application register form (登记): `Intake.SubmitApplication`.
pub const REGISTER: Action = Action {
    slug: "register",
    method: "/casetrack.v1.Intake/SubmitApplication",
    kind: "application",
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

fn delivery_methods() -> Vec<(&'static str, String)> {
    [
        ("post", "邮寄"),
        ("email", "电子邮件"),
        ("in_person", "当面领取"),
    ]
    .into_iter()
    .map(|(code, label)| (code, label.to_owned()))
    .collect()
}

/// The action `slug` names, if the console offers it.
pub fn find(slug: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|action| action.slug == slug)
}

fn decide(call: Call<'_>) -> Outcome<'_> {
    Box::pin(async move {
        let request = pb::DecideRequest {
            command_id: call.form.get("command_id"),
            case_id: call.case_id.clone(),
            outcome: call.form.get("outcome"),
            legal_reason: call.form.get("legal_reason"),
            decided_on: call.form.get("decided_on"),
            occurred_at: None,
        };
        call.send(request, |b, r| async move { b.review.decide(r).await })
            .await
    })
}

fn deliver_reply(call: Call<'_>) -> Outcome<'_> {
    Box::pin(async move {
        let request = pb::DeliverReplyRequest {
            command_id: call.form.get("command_id"),
            case_id: call.case_id.clone(),
            delivered_on: call.form.get("delivered_on"),
            method: call.form.get("method"),
            occurred_at: None,
        };
        call.send(
            request,
            |b, r| async move { b.reply.deliver_reply(r).await },
        )
        .await
    })
}

fn dispatch_ticket(call: Call<'_>) -> Outcome<'_> {
    Box::pin(async move {
        let request = pb::DispatchTicketRequest {
            command_id: call.form.get("command_id"),
            case_id: call.case_id.clone(),
            unit: call.form.get("unit"),
            time_limit_working_days: call.working_days("time_limit_working_days")?,
            dispatched_on: call.form.get("dispatched_on"),
            occurred_at: None,
        };
        call.send(
            request,
            |b, r| async move { b.review.dispatch_ticket(r).await },
        )
        .await
    })
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
