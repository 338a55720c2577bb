//! The `Intake` service: cases enter here, idempotent per (authenticated source system, external id).

use std::collections::BTreeSet;

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::{Intake, IntakeServer};
use casetrack_audit::{Auditor, Read};
use casetrack_domain::application::ApplicationCommand;
use casetrack_domain::challenge::{ChallengeCommand, ChallengeKind};
use casetrack_domain::hotline::HotlineCommand;
use casetrack_domain::proposal::ProposalCommand;
use casetrack_domain::records::{DocumentKind, RecordCommand};
use casetrack_domain::{ApplicantType, CaseKind};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::codes;
use crate::command::{Commands, RecordedAt};
use crate::lookup;
use crate::parse;
use crate::rpc::Rpc;
use crate::server::MAX_REQUEST_BYTES;
use crate::watch::Watchers;
use casetrack_auth::Identity;
use casetrack_domain::CaseCommand;

/// The reads of this service, as audit records name them.
const GET_CASE: &str = "/casetrack.v1.Intake/GetCase";
const GET_TIMELINE: &str = "/casetrack.v1.Intake/GetTimeline";
const WATCH_STATUS: &str = "/casetrack.v1.Intake/WatchStatus";

#[derive(Clone)]
pub struct IntakeService {
    rpc: Rpc,
    watchers: Watchers,
    auditor: Auditor,
}

impl IntakeService {
    /// The service over `commands`; `WatchStatus` streams come from `watchers`; the reads of cases are
    /// recorded by `auditor`.
    pub fn new(commands: Commands, watchers: Watchers, auditor: Auditor) -> IntakeService {
        IntakeService {
            rpc: Rpc::new(commands),
            watchers,
            auditor,
        }
    }

    /// The tonic server, refusing requests larger than [`MAX_REQUEST_BYTES`].
    pub fn into_server(self) -> IntakeServer<IntakeService> {
        IntakeServer::new(self).max_decoding_message_size(MAX_REQUEST_BYTES)
    }

    async fn create(
        &self,
        caller: &Identity,
        external_id: &str,
        occurred_at: Option<&prost_types::Timestamp>,
        command: impl Fn(casetrack_domain::CaseId) -> CaseCommand,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let at = parse::occurred_at(occurred_at, chrono::Utc::now())?;
        let refs = self
            .rpc
            .commands()
            .create(caller, external_id, at, command)
            .await?;
        Ok(Response::new(refs.into()))
    }

    /// Record that `caller` read the case `found` through `method`, asked for by `key`; a read that cannot
    /// be recorded is refused.
    fn audit(
        &self,
        caller: &Identity,
        method: &str,
        found: &lookup::Found,
        key: &impl lookup::CaseKey,
    ) -> Result<(), Status> {
        let query = match key.key() {
            ("", number) => format!("tracking_number={number}"),
            (case_id, _) => format!("case_id={case_id}"),
        };
        let read = Read::new(method, vec![found.case_id.to_string()], query);
        Ok(self.auditor.record(caller, read)?)
    }
}

#[tonic::async_trait]
impl Intake for IntakeService {
    async fn submit_application(
        &self,
        request: Request<pb::SubmitApplicationRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let applicant_type = parse::lookup(
            "applicant_type",
            &r.applicant_type,
            ApplicantType::from_cell_column,
        )?;
        let channel = parse::code("channel", &r.channel)?;
        let handed_in_on = parse::date("handed_in_on", &r.handed_in_on)?;
        let receipt_confirmed_on =
            parse::optional_date("receipt_confirmed_on", &r.receipt_confirmed_on)?;
        let delivery_form = if r.delivery_form.is_empty() {
            parse::code("delivery_form", "unspecified")?
        } else {
            parse::code("delivery_form", &r.delivery_form)?
        };
        let referred_from = parse::optional_case_id("referred_from", &r.referred_from)?;
        if let Some(ticket) = referred_from {
            self.rpc
                .commands()
                .require_case(&caller, CaseKind::Hotline, ticket, "referred_from")
                .await?;
        }
        let agency = parse::agency("agency", &r.agency)?;
        let applicant = parse::person("applicant", r.applicant.as_ref())?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Application(ApplicationCommand::Receive {
                case_id,
                agency: agency.clone(),
                applicant_type,
                channel,
                handed_in_on,
                receipt_confirmed_on,
                content: r.content.clone(),
                delivery_form,
                referred_from,
                applicant: applicant.clone(),
            })
        })
        .await
    }

    async fn submit_hotline_ticket(
        &self,
        request: Request<pb::SubmitHotlineTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let category = parse::code("category", &r.category)?;
        let received_on = parse::date("received_on", &r.received_on)?;
        let agency = parse::agency("agency", &r.agency)?;
        let person = parse::person("caller", r.caller.as_ref())?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Hotline(HotlineCommand::Receive {
                case_id,
                agency: agency.clone(),
                line: r.line.clone(),
                category,
                received_on,
                summary: r.summary.clone(),
                caller: person.clone(),
            })
        })
        .await
    }

    async fn submit_proposal(
        &self,
        request: Request<pb::SubmitProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let kind = parse::code("kind", &r.kind)?;
        let assigned_on = parse::date("assigned_on", &r.assigned_on)?;
        let agency = parse::agency("agency", &r.agency)?;
        let lead_unit = parse::agency("lead_unit", &r.lead_unit)?;
        let co_units = r
            .co_units
            .iter()
            .map(|unit| parse::agency("co_units", unit))
            .collect::<Result<Vec<_>, _>>()?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Proposal(ProposalCommand::Assign {
                case_id,
                agency: agency.clone(),
                kind,
                number: r.number.clone(),
                title: r.title.clone(),
                lead_unit: lead_unit.clone(),
                co_units: co_units.clone(),
                assigned_on,
            })
        })
        .await
    }

    async fn submit_challenge(
        &self,
        request: Request<pb::SubmitChallengeRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let kind = parse::lookup("kind", &r.kind, |code| {
            ChallengeKind::ALL
                .into_iter()
                .find(|k| k.cell_row() == code)
        })?;
        let application = parse::case_id("application_case_id", &r.application_case_id)?;
        let prior_reconsideration = parse::optional_case_id(
            "prior_reconsideration_case_id",
            &r.prior_reconsideration_case_id,
        )?;
        let filed_on = parse::date("filed_on", &r.filed_on)?;
        self.rpc
            .commands()
            .require_case(
                &caller,
                CaseKind::Application,
                application,
                "application_case_id",
            )
            .await?;
        if let Some(prior) = prior_reconsideration {
            self.rpc
                .commands()
                .require_case(
                    &caller,
                    CaseKind::Challenge,
                    prior,
                    "prior_reconsideration_case_id",
                )
                .await?;
        }
        let agency = parse::agency("agency", &r.agency)?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Challenge(ChallengeCommand::File {
                case_id,
                agency: agency.clone(),
                kind,
                application,
                prior_reconsideration,
                filed_on,
            })
        })
        .await
    }

    async fn record_disclosure(
        &self,
        request: Request<pb::RecordDisclosureRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let channels = r
            .channels
            .iter()
            .map(|c| parse::code("channels", c))
            .collect::<Result<BTreeSet<_>, _>>()?;
        let published_on = parse::date("published_on", &r.published_on)?;
        let agency = parse::agency("agency", &r.agency)?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Record(RecordCommand::PublishDisclosure {
                case_id,
                agency: agency.clone(),
                title: r.title.clone(),
                channels: channels.clone(),
                published_on,
            })
        })
        .await
    }

    async fn record_document_issued(
        &self,
        request: Request<pb::RecordDocumentIssuedRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let kind = parse::lookup("kind", &r.kind, |code| {
            [DocumentKind::Rule, DocumentKind::NormativeDocument]
                .into_iter()
                .find(|k| k.cell_row() == code)
        })?;
        let issued_on = parse::date("issued_on", &r.issued_on)?;
        let agency = parse::agency("agency", &r.agency)?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Record(RecordCommand::IssueDocument {
                case_id,
                agency: agency.clone(),
                kind,
                title: r.title.clone(),
                issued_on,
            })
        })
        .await
    }

    async fn record_document_repealed(
        &self,
        request: Request<pb::RecordDocumentRepealedRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                let repealed_on = parse::date("repealed_on", &r.repealed_on)?;
                Ok(RecordCommand::RepealDocument { repealed_on }.into())
            })
            .await
    }

    async fn record_count(
        &self,
        request: Request<pb::RecordCountRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let measure = parse::code("measure", &r.measure)?;
        let period_end = parse::date("period_end", &r.period_end)?;
        let agency = parse::agency("agency", &r.agency)?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Record(RecordCommand::Count {
                case_id,
                agency: agency.clone(),
                measure,
                count: r.count,
                period_end,
            })
        })
        .await
    }

    async fn record_fees_collected(
        &self,
        request: Request<pb::RecordFeesCollectedRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let collected_on = parse::date("collected_on", &r.collected_on)?;
        let agency = parse::agency("agency", &r.agency)?;
        self.create(&caller, &r.external_id, r.occurred_at.as_ref(), |case_id| {
            CaseCommand::Record(RecordCommand::CollectFees {
                case_id,
                agency: agency.clone(),
                amount: casetrack_domain::fees::Fen(r.amount_fen),
                collected_on,
            })
        })
        .await
    }

    async fn get_case(
        &self,
        request: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::CaseInfo>, Status> {
        let caller = self.rpc.identity(&request)?;
        let commands = self.rpc.commands();
        let found = lookup::find(commands.log().as_ref(), &caller, request.get_ref()).await?;
        let clocks = commands.clocks().await?;
        // What the case accepts is judged at the instant a command sent now would be recorded at.
        let now = RecordedAt::Server.on(&found.events);
        let info = found.info(&caller, &clocks, now)?;
        self.audit(&caller, GET_CASE, &found, request.get_ref())?;
        Ok(Response::new(info))
    }

    async fn get_timeline(
        &self,
        request: Request<pb::GetTimelineRequest>,
    ) -> Result<Response<pb::Timeline>, Status> {
        let caller = self.rpc.identity(&request)?;
        let log = self.rpc.commands().log();
        let found = lookup::find(log.as_ref(), &caller, request.get_ref()).await?;
        self.audit(&caller, GET_TIMELINE, &found, request.get_ref())?;
        Ok(Response::new(found.timeline()))
    }

    type WatchStatusStream = ReceiverStream<Result<pb::StatusUpdate, Status>>;

    async fn watch_status(
        &self,
        request: Request<pb::WatchStatusRequest>,
    ) -> Result<Response<Self::WatchStatusStream>, Status> {
        let caller = self.rpc.identity(&request)?;
        let query = format!("source_system={}", caller.source_system);
        self.auditor
            .record(&caller, Read::new(WATCH_STATUS, Vec::new(), query))?;
        Ok(Response::new(self.watchers.status_updates(caller)?))
    }

    async fn list_codes(
        &self,
        _request: Request<pb::ListCodesRequest>,
    ) -> Result<Response<pb::Codes>, Status> {
        Ok(Response::new(codes::codes()))
    }
}
