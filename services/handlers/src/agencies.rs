//! The `Agencies` service: the administrator's registrations and amendments of agencies, decided by the
//! domain's registry rules on the registry folded from the log and appended to the `agencies` stream with the
//! expected revision, so two administrators never overwrite each other; the recorded time is the server's.

use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_server::{Agencies, AgenciesServer};
use casetrack_domain::agency::{AGENCIES_STREAM, Agency, AgencyEvent, Registry, RegistryError};
use casetrack_eventlog::{ExpectedRevision, Metadata, NewEvent};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::command::Commands;
use crate::error::HandlerError;
use crate::parse;
use crate::retry::Retries;
use crate::rpc::Rpc;
use crate::server::MAX_REQUEST_BYTES;
use casetrack_auth::Identity;

#[derive(Clone)]
pub struct AgenciesService {
    rpc: Rpc,
}

impl AgenciesService {
    pub fn new(commands: Commands) -> AgenciesService {
        AgenciesService {
            rpc: Rpc::new(commands),
        }
    }

    /// The tonic server, refusing requests larger than [`MAX_REQUEST_BYTES`].
    pub fn into_server(self) -> AgenciesServer<AgenciesService> {
        AgenciesServer::new(self).max_decoding_message_size(MAX_REQUEST_BYTES)
    }

    /// The whole of `RegisterAgency` and `AmendAgency`: the caller, the entry with each bad field named, and
    /// the write `decide` (the registry's register or amend) asks for.
    async fn write_entry(
        &self,
        request: Request<pb::AgencyEntry>,
        decide: fn(&Registry, Agency) -> Result<Option<AgencyEvent>, RegistryError>,
    ) -> Result<Response<pb::AgencyWritten>, Status> {
        let caller = self.rpc.identity(&request)?;
        let agency = entry(request.get_ref())?;
        let written = self
            .write(&caller, |registry| decide(registry, agency.clone()))
            .await?;
        Ok(Response::new(written))
    }

    /// Decide on the registry in force and append the event, deciding again on a lost race.
    async fn write(
        &self,
        caller: &Identity,
        decide: impl Fn(&Registry) -> Result<Option<AgencyEvent>, RegistryError>,
    ) -> Result<pb::AgencyWritten, HandlerError> {
        let mut retries = Retries::new(AGENCIES_STREAM);
        loop {
            let snapshot = self.rpc.commands().agencies().await?;
            let position = snapshot.head.map_or(0, |(_, position)| position);
            let Some(event) = decide(&snapshot.registry)? else {
                return Ok(pb::AgencyWritten {
                    written: false,
                    position,
                });
            };
            let (event_type, data) = event.encode();
            let event = NewEvent {
                event_id: Uuid::new_v4(),
                event_type: event_type.to_owned(),
                data,
                metadata: Metadata {
                    actor: Some(caller.name.clone()),
                    ..Metadata::default()
                },
            };
            let expected = snapshot
                .head
                .map_or(ExpectedRevision::NoStream, |(revision, _)| {
                    ExpectedRevision::Exact(revision)
                });
            match self
                .rpc
                .commands()
                .log()
                .append(AGENCIES_STREAM, expected, vec![event])
                .await
            {
                Ok(result) => {
                    return Ok(pb::AgencyWritten {
                        written: true,
                        position: result.last_position,
                    });
                }
                Err(error) => retries.after(error.into()).await?,
            }
        }
    }
}

/// An entry from the API's words, each bad field named.
fn entry(request: &pb::AgencyEntry) -> Result<Agency, HandlerError> {
    let parent = match request.parent.as_str() {
        "" => None,
        text => Some(parse::agency("parent", text)?),
    };
    Ok(Agency {
        id: parse::agency("id", &request.id)?,
        name: request.name.clone(),
        parent,
        valid_from: parse::date("valid_from", &request.valid_from)?,
        valid_to: parse::optional_date("valid_to", &request.valid_to)?,
    })
}

fn entry_of(agency: &Agency) -> pb::AgencyEntry {
    pb::AgencyEntry {
        id: agency.id.to_string(),
        name: agency.name.clone(),
        parent: agency
            .parent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        valid_from: agency.valid_from.to_string(),
        valid_to: agency.valid_to.map(|d| d.to_string()).unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl Agencies for AgenciesService {
    async fn register_agency(
        &self,
        request: Request<pb::AgencyEntry>,
    ) -> Result<Response<pb::AgencyWritten>, Status> {
        self.write_entry(request, Registry::register).await
    }

    async fn amend_agency(
        &self,
        request: Request<pb::AgencyEntry>,
    ) -> Result<Response<pb::AgencyWritten>, Status> {
        self.write_entry(request, Registry::amend).await
    }

    async fn list_agencies(
        &self,
        _request: Request<pb::ListAgenciesRequest>,
    ) -> Result<Response<pb::AgencyList>, Status> {
        let snapshot = self.rpc.commands().agencies().await?;
        Ok(Response::new(pb::AgencyList {
            agencies: snapshot.registry.iter().map(entry_of).collect(),
        }))
    }
}
