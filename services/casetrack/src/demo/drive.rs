//! Pushing a generated year through the real public API: a tonic client of the running server's Intake,
//! Review and Reply services, authenticated as the district's staff (tickets as the 12345 hotline). Intake runs in script order, one case at
//! a time, so tracking numbers come out the same on every run; the later steps of different cases run
//! concurrently (each case's own steps in order); challenges go last, once the applications they name exist.

use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reply_client::ReplyClient;
use casetrack_api::v1::review_client::ReviewClient;
use tokio::task::JoinSet;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;

use super::district;
use super::script::{DemoYear, Step, Submit};
use casetrack_domain::AgencyId;

/// Cases whose steps run at once; enough for group commit to share fsyncs, few enough for a 2-core machine.
pub const DRIVE_CONCURRENCY: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    #[error("case {case} ({what}): the server refused the request: {status}")]
    Refused {
        case: usize,
        what: &'static str,
        status: tonic::Status,
    },
    #[error("registering agency {id}: the server refused it: {status}")]
    Registration { id: String, status: tonic::Status },
    #[error("invalid bearer token for the demo's callers")]
    Token,
    #[error("a driver task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The clients of one server, with the staff's and the hotline's tokens.
#[derive(Clone)]
pub struct Clients {
    intake: IntakeClient<Channel>,
    review: ReviewClient<Channel>,
    reply: ReplyClient<Channel>,
    agencies: AgenciesClient<Channel>,
    staff: MetadataValue<Ascii>,
    hotline: MetadataValue<Ascii>,
}

impl Clients {
    pub fn new(channel: Channel, staff: &str, hotline: &str) -> Result<Clients, DriveError> {
        let bearer = |token: &str| {
            format!("Bearer {token}")
                .parse()
                .map_err(|_| DriveError::Token)
        };
        Ok(Clients {
            intake: IntakeClient::new(channel.clone()),
            review: ReviewClient::new(channel.clone()),
            reply: ReplyClient::new(channel.clone()),
            agencies: AgenciesClient::new(channel),
            staff: bearer(staff)?,
            hotline: bearer(hotline)?,
        })
    }

    /// A request made by the staff.
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        authorized(message, &self.staff)
    }

    /// A request made by the hotline.
    fn hotline_request<T>(&self, message: T) -> tonic::Request<T> {
        authorized(message, &self.hotline)
    }
}

fn authorized<T>(message: T, bearer: &MetadataValue<Ascii>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", bearer.clone());
    request
}

/// Registers the district's agencies (parents first), as an administrator would before the first case;
/// registering them again changes nothing.
pub async fn register_agencies(clients: &Clients) -> Result<(), DriveError> {
    let mut agencies = clients.agencies.clone();
    for (id, name) in district::registry() {
        let parent = AgencyId::parse(&id)
            .ok()
            .and_then(|id| id.parent())
            .map(String::from)
            .unwrap_or_default();
        let entry = pb::AgencyEntry {
            id: id.clone(),
            name: name.to_owned(),
            parent,
            valid_from: district::REGISTERED_FROM.to_owned(),
            valid_to: String::new(),
        };
        agencies
            .register_agency(clients.request(entry))
            .await
            .map_err(|status| DriveError::Registration { id, status })?;
    }
    Ok(())
}

/// Runs every script of `year`; `progress` is told of each call made. Returns the log position after the last
/// event written (the report is computed as of it).
pub async fn drive(
    year: &DemoYear,
    clients: &Clients,
    progress: impl Fn(u64) + Clone + Send + 'static,
) -> Result<u64, DriveError> {
    let mut case_ids: Vec<String> = vec![String::new(); year.cases.len()];
    let mut next_position = 0;
    for (index, case) in year
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_challenge())
    {
        let created = submit(clients, index, &case.submit, &case_ids).await?;
        next_position = next_position.max(created.position + 1);
        case_ids[index] = created.case_id;
        progress(1);
    }

    let mut tasks: JoinSet<Result<u64, DriveError>> = JoinSet::new();
    for (index, case) in year
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_challenge() && !c.steps.is_empty())
    {
        if tasks.len() >= DRIVE_CONCURRENCY
            && let Some(done) = tasks.join_next().await
        {
            next_position = next_position.max(done??);
        }
        let (clients, steps, case_id, progress) = (
            clients.clone(),
            case.steps.clone(),
            case_ids[index].clone(),
            progress.clone(),
        );
        tasks.spawn(async move { run_steps(&clients, index, &case_id, steps, progress).await });
    }
    while let Some(done) = tasks.join_next().await {
        next_position = next_position.max(done??);
    }

    for (index, case) in year
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_challenge())
    {
        let created = submit(clients, index, &case.submit, &case_ids).await?;
        next_position = next_position.max(created.position + 1);
        case_ids[index] = created.case_id;
        progress(1);
        let done = run_steps(
            clients,
            index,
            &case_ids[index],
            case.steps.clone(),
            progress.clone(),
        )
        .await?;
        next_position = next_position.max(done);
    }
    Ok(next_position)
}

async fn submit(
    clients: &Clients,
    index: usize,
    submit: &Submit,
    case_ids: &[String],
) -> Result<pb::CaseRef, DriveError> {
    let mut intake = clients.intake.clone();
    let refused = |what| {
        move |status| DriveError::Refused {
            case: index,
            what,
            status,
        }
    };
    let response = match submit.clone() {
        Submit::Application(r) => intake
            .submit_application(clients.request(r))
            .await
            .map_err(refused("SubmitApplication")),
        Submit::Hotline(r) => intake
            .submit_hotline_ticket(clients.hotline_request(r))
            .await
            .map_err(refused("SubmitHotlineTicket")),
        Submit::Proposal(r) => intake
            .submit_proposal(clients.request(r))
            .await
            .map_err(refused("SubmitProposal")),
        Submit::Disclosure(r) => intake
            .record_disclosure(clients.request(r))
            .await
            .map_err(refused("RecordDisclosure")),
        Submit::Document(r) => intake
            .record_document_issued(clients.request(r))
            .await
            .map_err(refused("RecordDocumentIssued")),
        Submit::Count(r) => intake
            .record_count(clients.request(r))
            .await
            .map_err(refused("RecordCount")),
        Submit::Fees(r) => intake
            .record_fees_collected(clients.request(r))
            .await
            .map_err(refused("RecordFeesCollected")),
        Submit::Challenge {
            mut request,
            application,
            prior,
        } => {
            // Scripts only name cases that come before them (the generator's invariant), so these are set.
            request.application_case_id = case_ids[application].clone();
            request.prior_reconsideration_case_id =
                prior.map(|p| case_ids[p].clone()).unwrap_or_default();
            intake
                .submit_challenge(clients.request(request))
                .await
                .map_err(refused("SubmitChallenge"))
        }
    }?;
    Ok(response.into_inner())
}

/// Runs one case's steps in order; returns the position after its last event.
async fn run_steps(
    clients: &Clients,
    index: usize,
    case_id: &str,
    steps: Vec<Step>,
    progress: impl Fn(u64),
) -> Result<u64, DriveError> {
    let mut next_position = 0;
    for step in steps {
        let reference = run_step(clients, index, case_id, step).await?;
        next_position = next_position.max(reference.position + 1);
        progress(1);
    }
    Ok(next_position)
}

/// One review or reply call, with the case id filled in.
async fn run_step(
    clients: &Clients,
    index: usize,
    case_id: &str,
    step: Step,
) -> Result<pb::CaseRef, DriveError> {
    let (mut review, mut reply) = (clients.review.clone(), clients.reply.clone());
    let refused = |what| {
        move |status| DriveError::Refused {
            case: index,
            what,
            status,
        }
    };
    // Every step request has a `case_id` the generator left empty; fill it and call the matching method.
    macro_rules! call {
        ($client:ident . $method:ident, $request:ident, $what:literal) => {{
            let mut request = $request;
            request.case_id = case_id.to_owned();
            $client
                .$method(clients.request(request))
                .await
                .map_err(refused($what))
        }};
    }
    let response = match step {
        Step::ConfirmReceipt(r) => call!(review.confirm_receipt, r, "ConfirmReceipt"),
        Step::RequestSupplement(r) => call!(review.request_supplement, r, "RequestSupplement"),
        Step::ReceiveSupplement(r) => call!(review.receive_supplement, r, "ReceiveSupplement"),
        Step::StartConsultation(r) => call!(review.start_consultation, r, "StartConsultation"),
        Step::AnswerConsultation(r) => call!(review.answer_consultation, r, "AnswerConsultation"),
        Step::ApproveExtension(r) => call!(review.approve_extension, r, "ApproveExtension"),
        Step::Decide(r) => call!(review.decide, r, "Decide"),
        Step::AnswerTicketAtOnce(r) => call!(review.answer_ticket_at_once, r, "AnswerTicketAtOnce"),
        Step::DispatchTicket(r) => call!(review.dispatch_ticket, r, "DispatchTicket"),
        Step::SignTicket(r) => call!(review.sign_ticket, r, "SignTicket"),
        Step::ReturnTicket(r) => call!(review.return_ticket, r, "ReturnTicket"),
        Step::ExtendTicket(r) => call!(review.extend_ticket, r, "ExtendTicket"),
        Step::HandleTicket(r) => call!(review.handle_ticket, r, "HandleTicket"),
        Step::RemindTicket(r) => call!(review.remind_ticket, r, "RemindTicket"),
        Step::ContactProposer(r) => call!(review.contact_proposer, r, "ContactProposer"),
        Step::ExtendProposal(r) => call!(review.extend_proposal, r, "ExtendProposal"),
        Step::DeliverReply(r) => call!(reply.deliver_reply, r, "DeliverReply"),
        Step::Abandon(r) => call!(reply.abandon, r, "Abandon"),
        Step::Close(r) => call!(reply.close, r, "Close"),
        Step::ReplyToCaller(r) => call!(reply.reply_to_caller, r, "ReplyToCaller"),
        Step::RecordFollowUp(r) => call!(reply.record_follow_up, r, "RecordFollowUp"),
        Step::OrderReHandling(r) => call!(reply.order_re_handling, r, "OrderReHandling"),
        Step::ReplyProposal(r) => call!(reply.reply_proposal, r, "ReplyProposal"),
        Step::PublishProposal(r) => call!(reply.publish_proposal, r, "PublishProposal"),
        Step::ConcludeChallenge(r) => call!(reply.conclude_challenge, r, "ConcludeChallenge"),
        Step::RepealDocument(mut r) => {
            // The repeal is an intake call on the document's record.
            r.case_id = case_id.to_owned();
            clients
                .intake
                .clone()
                .record_document_repealed(clients.request(r))
                .await
                .map_err(refused("RecordDocumentRepealed"))
        }
    }?;
    Ok(response.into_inner())
}
