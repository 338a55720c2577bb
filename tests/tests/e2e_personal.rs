//! Personal data over gRPC (issue 17, the house rule that personal data is read only by those who need it):
//! a ticket's caller is shown whole to the staff who handle it and masked to the auditor; a too-long phone is
//! refused naming its field; a retry that changes the caller is refused naming `caller`.

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::agencies::register;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{
    ADMIN_TOKEN, AUDITOR_TOKEN, DISTRICT, HOTLINE_TOKEN, STAFF_TOKEN, authed, today,
};
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;

fn caller(phone: &str) -> pb::Person {
    pb::Person {
        name: "张三丰".into(),
        phone: phone.into(),
        address: "思茅区振兴大道 1 号".into(),
    }
}

fn ticket(external_id: &str, phone: &str) -> pb::SubmitHotlineTicketRequest {
    pb::SubmitHotlineTicketRequest {
        external_id: external_id.into(),
        agency: DISTRICT.into(),
        line: "12345".into(),
        category: "complaint".into(),
        received_on: today(),
        summary: "夜间施工噪音".into(),
        occurred_at: None,
        caller: Some(caller(phone)),
    }
}

/// The case `case_id` as `token` reads it.
async fn get_case(
    intake: &mut IntakeClient<Channel>,
    case_id: &str,
    token: &str,
) -> anyhow::Result<pb::CaseInfo> {
    let request = pb::GetCaseRequest {
        case_id: case_id.into(),
        ..Default::default()
    };
    Ok(intake.get_case(authed(request, token)).await?.into_inner())
}

/// The field a refusal names in its google.rpc.BadRequest details.
fn refused_field(status: &tonic::Status) -> Option<String> {
    let details = status.get_details_bad_request()?;
    details.field_violations.first().map(|v| v.field.clone())
}

#[tokio::test]
async fn personal_data_is_whole_for_handlers_masked_for_others_and_bounded() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::new(dir.path());
    let server = serve.spawn("serve")?;
    register(&server.url(), ADMIN_TOKEN, &[DISTRICT]).await?;
    let mut intake = IntakeClient::connect(server.url()).await?;

    let submitted = intake
        .submit_hotline_ticket(authed(ticket("WO-PII-1", "13812341234"), HOTLINE_TOKEN))
        .await?
        .into_inner();

    // The district's staff (clerk, reviewer, approver, reply officer …) handle the case: whole.
    let staff = get_case(&mut intake, &submitted.case_id, STAFF_TOKEN).await?;
    assert_eq!(staff.person, Some(caller("13812341234")));
    assert!(!staff.person_masked);
    let hotline = get_case(&mut intake, &submitted.case_id, HOTLINE_TOKEN).await?;
    assert_eq!(hotline.person, Some(caller("13812341234")));

    // The auditor judges the log, not the person: masked, the address withheld.
    let auditor = get_case(&mut intake, &submitted.case_id, AUDITOR_TOKEN).await?;
    let masked = pb::Person {
        name: "张*".into(),
        phone: "138****1234".into(),
        address: String::new(),
    };
    assert_eq!(auditor.person, Some(masked));
    assert!(auditor.person_masked);

    // A retry under the same key with another phone is new content: refused, naming the request field.
    let changed = intake
        .submit_hotline_ticket(authed(ticket("WO-PII-1", "13900000000"), HOTLINE_TOKEN))
        .await
        .expect_err("the same key with another caller");
    assert_eq!(changed.code(), Code::AlreadyExists, "{changed:?}");
    assert!(changed.message().contains("caller"), "{changed:?}");

    // A phone longer than the limit is refused naming its field, and writes nothing.
    let too_long = "1".repeat(33);
    let refused = intake
        .submit_hotline_ticket(authed(ticket("WO-PII-2", &too_long), HOTLINE_TOKEN))
        .await
        .expect_err("too long a phone");
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    assert_eq!(refused_field(&refused).as_deref(), Some("caller.phone"));
    let applicant = pb::SubmitApplicationRequest {
        external_id: "APP-PII-1".into(),
        agency: DISTRICT.into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "本区 2025 年预算".into(),
        applicant: Some(caller(&too_long)),
        ..Default::default()
    };
    let refused = intake
        .submit_application(authed(applicant, STAFF_TOKEN))
        .await
        .expect_err("too long a phone");
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    assert_eq!(refused_field(&refused).as_deref(), Some("applicant.phone"));
    Ok(())
}
