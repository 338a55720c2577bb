//! The actions a case page offers, each the form of one gRPC method: the console shows an action when the
//! policy lets the role call its method and the case is of the kind the method works on, and performs it by
//! calling that method's handler (`Backend::call`) — the same command path as a gRPC client's.

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::Intake;
use casetrack_api::v1::reply_server::Reply;
use casetrack_api::v1::review_server::Review;
use casetrack_auth::Identity;
use casetrack_domain::application::Channel;
use casetrack_domain::{ApplicantType, Outcome};
use tonic::Status;

use crate::backend::Backend;
use crate::forms::{Field, Fields, Input, invalid};

/// One action on a case: its gRPC method, the case kind (stream category) it works on, and its form.
pub struct Action {
    pub slug: &'static str,
    pub method: &'static str,
    pub kind: &'static str,
    pub title: &'static str,
    pub fields: &'static [Field],
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
};

const fn field(name: &'static str, label: &'static str, input: Input) -> Field {
    Field { name, label, input }
}

fn outcomes() -> Vec<(&'static str, String)> {
    Outcome::all()
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

/// Perform `action` on case `case_id` as `who` with the posted `form`: the handler's answer, or its refusal.
pub async fn perform(
    backend: &Backend,
    who: &Identity,
    action: &Action,
    case_id: &str,
    form: &Fields,
) -> Result<pb::CaseRef, Status> {
    let (command_id, case_id, occurred_at) = (form.get("command_id"), case_id.to_owned(), None);
    let method = action.method;
    match action.slug {
        "decide" => {
            let request = pb::DecideRequest {
                command_id,
                case_id,
                outcome: form.get("outcome"),
                legal_reason: form.get("legal_reason"),
                decided_on: form.get("decided_on"),
                occurred_at,
            };
            backend
                .call(who, method, request, |b, r| async move {
                    b.review.decide(r).await
                })
                .await
        }
        "deliver_reply" => {
            let request = pb::DeliverReplyRequest {
                command_id,
                case_id,
                delivered_on: form.get("delivered_on"),
                method: form.get("method"),
                occurred_at,
            };
            backend
                .call(who, method, request, |b, r| async move {
                    b.reply.deliver_reply(r).await
                })
                .await
        }
        "dispatch_ticket" => {
            let limit = form.get("time_limit_working_days");
            let request = pb::DispatchTicketRequest {
                command_id,
                case_id,
                unit: form.get("unit"),
                time_limit_working_days: limit.trim().parse().map_err(|_| {
                    invalid(
                        "time_limit_working_days",
                        format!("办理时限须为正整数工作日，收到 {limit:?}"),
                    )
                })?,
                dispatched_on: form.get("dispatched_on"),
                occurred_at,
            };
            backend
                .call(who, method, request, |b, r| async move {
                    b.review.dispatch_ticket(r).await
                })
                .await
        }
        _ => Err(Status::not_found(format!(
            "没有名为 {} 的操作",
            action.slug
        ))),
    }
}

/// Register an application as `who` with the posted `form` (`Intake.SubmitApplication`).
pub async fn register(
    backend: &Backend,
    who: &Identity,
    form: &Fields,
) -> Result<pb::CaseRef, Status> {
    let request = pb::SubmitApplicationRequest {
        applicant: None,
        external_id: form.get("external_id"),
        agency: form.get("agency"),
        applicant_type: form.get("applicant_type"),
        channel: form.get("channel"),
        handed_in_on: form.get("handed_in_on"),
        receipt_confirmed_on: form.get("receipt_confirmed_on"),
        content: form.get("content"),
        delivery_form: String::new(),
        referred_from: String::new(),
        occurred_at: None,
    };
    backend
        .call(who, REGISTER.method, request, |b, r| async move {
            b.intake.submit_application(r).await
        })
        .await
}
