//! Registering the agencies a test files cases under: intake refuses a case whose agency is not registered,
//! so every test that submits cases registers its agencies first — over gRPC against a server, or straight
//! into a log the test holds. Each agency is registered with its ancestors (parents first), under a name
//! derived from its id, valid from the day the 条例 took effect.

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_domain::AgencyId;
use casetrack_domain::agency::{AGENCIES_STREAM, Agency, Registry};
use casetrack_eventlog::{ExpectedRevision, Log, Metadata, NewEvent};
use chrono::NaiveDate;
use tonic::transport::Channel;

use crate::services::authed;

/// The first day every test agency exists.
pub const VALID_FROM: NaiveDate = NaiveDate::from_ymd_opt(2008, 5, 1).expect("a real day");

/// The name a test agency is registered under, e.g. `测试机关 simao/finance`.
pub fn test_name(id: &str) -> String {
    format!("测试机关 {id}")
}

/// `ids` and their ancestors, parents first, each once, as registry entries.
pub fn entries(ids: &[&str]) -> anyhow::Result<Vec<Agency>> {
    let mut entries: Vec<Agency> = Vec::new();
    for id in ids {
        let id = AgencyId::parse(id)?;
        let mut lineage = vec![id.clone()];
        while let Some(parent) = lineage.last().and_then(AgencyId::parent) {
            lineage.push(parent);
        }
        for agency in lineage.into_iter().rev() {
            if entries.iter().all(|e| e.id != agency) {
                entries.push(Agency {
                    name: test_name(agency.as_str()),
                    parent: agency.parent(),
                    id: agency,
                    valid_from: VALID_FROM,
                    valid_to: None,
                });
            }
        }
    }
    Ok(entries)
}

/// Registers `ids` (and their ancestors) through the `Agencies` service at `url`.
pub async fn register(url: &str, token: &str, ids: &[&str]) -> anyhow::Result<()> {
    let channel = Channel::from_shared(url.to_owned())?.connect().await?;
    register_over(channel, token, ids).await
}

/// Registers `ids` (and their ancestors) through the `Agencies` service at the other end of `channel`.
pub async fn register_over(channel: Channel, token: &str, ids: &[&str]) -> anyhow::Result<()> {
    let mut client = AgenciesClient::new(channel);
    for agency in entries(ids)? {
        let entry = pb::AgencyEntry {
            id: agency.id.to_string(),
            name: agency.name,
            parent: agency.parent.map(String::from).unwrap_or_default(),
            valid_from: agency.valid_from.to_string(),
            valid_to: String::new(),
        };
        client
            .register_agency(authed(entry, token))
            .await
            .with_context(|| format!("register {}", agency.id))?;
    }
    Ok(())
}

/// Registers `ids` (and their ancestors) by appending to `log`, for tests that hold the log themselves.
pub async fn register_in_log(log: &dyn Log, ids: &[&str]) -> anyhow::Result<()> {
    let mut registry = Registry::default();
    let mut events = Vec::new();
    for agency in entries(ids)? {
        let Some(event) = registry.register(agency)? else {
            continue;
        };
        let (event_type, data) = event.encode();
        events.push(NewEvent {
            event_id: uuid::Uuid::new_v4(),
            event_type: event_type.to_owned(),
            data,
            metadata: Metadata::default(),
        });
        registry.apply(event);
    }
    log.append(AGENCIES_STREAM, ExpectedRevision::NoStream, events)
        .await?;
    Ok(())
}
