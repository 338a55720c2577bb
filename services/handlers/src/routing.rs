//! Routing (派单) of new hotline tickets, by rules that are data: the first rule matching the ticket's agency
//! and category names the handling unit. The router follows the log with its own checkpoint and dispatches
//! each new ticket through the same command path as a person would, with a command id derived from the case,
//! so an event handed over again routes nothing twice.

use std::path::Path;

use casetrack_bus::{BusError, Checkpoint, Consumer, Failure, log_is_transient};
use casetrack_domain::deadline::HotlineLimits;
use casetrack_domain::hotline::{HotlineCategory, HotlineCommand, HotlineEvent};
use casetrack_domain::time::local_date;
use casetrack_domain::{AgencyId, CaseId, EventBody, decode};
use casetrack_eventlog::RecordedEvent;
use chrono::{NaiveDate, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;

use crate::command::{Actor, Commands, RecordedAt, Step};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use casetrack_domain::CaseCommand;

/// The built-in rule table (services/handlers/data/routing.json).
pub const DEFAULT_ROUTING: &str = include_str!("../data/routing.json");
/// The most rules a table may hold.
pub const MAX_ROUTING_RULES: usize = 1_000;
/// The router's consumer name, and so its checkpoint file `router.checkpoint` and health name.
pub const ROUTER_NAME: &str = "router";
/// The actor recorded on events the router writes.
pub const ROUTER_ACTOR: &str = "casetrack-router";
/// Tickets of one batch dispatched at once: each dispatch waits for its own fsynced append, and the log's
/// group commit makes concurrent ones share fsyncs.
pub const ROUTE_CONCURRENCY: usize = 16;
/// The event type of a new ticket, the one event the router reacts to.
const TICKET_RECEIVED: &str = "HotlineReceived";

#[derive(Debug, Clone, Deserialize)]
struct RoutingRule {
    agency: Option<String>,
    category: Option<HotlineCategory>,
    unit: String,
    time_limit_working_days: Option<u32>,
}

#[derive(Deserialize)]
struct RuleFile {
    rules: Vec<RoutingRule>,
}

#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("routing rules {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("routing rules: {0}")]
    Json(#[from] serde_json::Error),
    #[error("routing rules: {0}")]
    Invalid(String),
}

/// The routing table plus the hotline time limits (the domain's, per category).
#[derive(Debug, Clone)]
pub struct RoutingRules {
    rules: Vec<RoutingRule>,
    limits: HotlineLimits,
}

impl RoutingRules {
    /// Parse a rule table: `{"rules": [{"agency"?, "category"?, "unit", "time_limit_working_days"?}, ...]}`.
    pub fn parse(text: &str) -> Result<RoutingRules, RoutingError> {
        let file: RuleFile = serde_json::from_str(text)?;
        if file.rules.len() > MAX_ROUTING_RULES {
            return Err(RoutingError::Invalid(format!(
                "{} rules exceed {MAX_ROUTING_RULES}",
                file.rules.len()
            )));
        }
        for rule in &file.rules {
            AgencyId::parse(&rule.unit.replace("{agency}", "agency"))
                .map_err(|e| RoutingError::Invalid(format!("unit of {rule:?}: {e}")))?;
        }
        Ok(RoutingRules {
            rules: file.rules,
            limits: HotlineLimits::default(),
        })
    }

    /// The same table, falling back to `limits` where a rule sets no time limit.
    pub fn with_limits(self, limits: HotlineLimits) -> RoutingRules {
        RoutingRules { limits, ..self }
    }

    pub fn built_in() -> Result<RoutingRules, RoutingError> {
        RoutingRules::parse(DEFAULT_ROUTING)
    }

    pub fn load(path: &Path) -> Result<RoutingRules, RoutingError> {
        let text = std::fs::read_to_string(path).map_err(|source| RoutingError::Io {
            path: path.display().to_string(),
            source,
        })?;
        RoutingRules::parse(&text)
    }

    /// The unit and time limit for a ticket; `None` when no rule matches or no limit is configured.
    pub fn route(
        &self,
        agency: &AgencyId,
        category: HotlineCategory,
        received_on: NaiveDate,
    ) -> Option<(AgencyId, u32)> {
        let rule = self.rules.iter().find(|rule| {
            rule.agency.as_ref().is_none_or(|a| a == agency.as_str())
                && rule.category.is_none_or(|c| c == category)
        })?;
        let limit = rule
            .time_limit_working_days
            .or_else(|| self.limits.limit_for(category, received_on))?;
        // The template was checked at load; only an over-long expansion fails, and then nothing is routed.
        let unit = AgencyId::parse(&rule.unit.replace("{agency}", agency.as_str())).ok()?;
        Some((unit, limit))
    }
}

/// The routing reaction: a [`Consumer`] of the log whose checkpoint is a file (`router.checkpoint`). It reads
/// every committed event and dispatches each new ticket; the dispatch's command id is derived from the case,
/// so a ticket handed over again after a crash or an outage is dispatched once.
pub struct Router {
    commands: Commands,
    rules: RoutingRules,
    checkpoint: Checkpoint,
}

impl Router {
    /// The router whose checkpoint lives in `dir`; a fresh directory routes from the start of the log (tickets
    /// already dispatched are recognised by their command id and left alone).
    pub fn open(commands: Commands, rules: RoutingRules, dir: &Path) -> Result<Router, BusError> {
        Ok(Router {
            commands,
            rules,
            checkpoint: Checkpoint::open(dir, ROUTER_NAME, 0)?,
        })
    }

    /// Route one committed event if it is a new ticket. Only a failure to reach or write the log is an error:
    /// the batch is then handed over again.
    async fn route(&self, event: &RecordedEvent) -> Result<(), Failure> {
        if event.event_type != TICKET_RECEIVED {
            return Ok(());
        }
        match decode(&event.event_type, &event.data) {
            Ok(decoded) => {
                route_ticket(&self.commands, &self.rules, decoded.case_id, &decoded.body).await
            }
            Err(error) => {
                // Not a ticket the domain can read: no retry will change that, and routing by hand is the remedy.
                tracing::error!(%error, stream = %event.stream, position = event.position, "undecodable ticket event; left for manual dispatch");
                Ok(())
            }
        }
    }
}

impl Consumer for Router {
    fn name(&self) -> &str {
        ROUTER_NAME
    }

    async fn checkpoint(&mut self) -> Result<u64, Failure> {
        Ok(self.checkpoint.next_position())
    }

    async fn handle(&mut self, batch: &[RecordedEvent]) -> Result<(), Failure> {
        // Different tickets are different cases: dispatching them concurrently races on nothing. (The futures
        // are made in a loop rather than a closure: a closure over the borrowed events trips the compiler's
        // higher-ranked lifetime check on the task's `Send` bound.)
        let mut routes = Vec::with_capacity(batch.len());
        for event in batch {
            routes.push(self.route(event));
        }
        futures::stream::iter(routes)
            .buffer_unordered(ROUTE_CONCURRENCY)
            .try_collect::<()>()
            .await?;
        if let Some(last) = batch.last() {
            self.checkpoint.store(last.position + 1)?;
        }
        Ok(())
    }
}

async fn route_ticket(
    commands: &Commands,
    rules: &RoutingRules,
    case_id: CaseId,
    body: &EventBody,
) -> Result<(), Failure> {
    let EventBody::Hotline(HotlineEvent::Received {
        agency,
        category,
        received_on,
        ..
    }) = body
    else {
        return Ok(());
    };
    let Some((unit, limit)) = rules.route(agency, *category, *received_on) else {
        tracing::warn!(%case_id, %agency, ?category, "no routing rule matches; ticket left for manual dispatch");
        return Ok(());
    };
    let now = Utc::now();
    // Dispatched today, but never before the ticket's own receipt day (tickets entered for a later date than
    // the server's today are refused by the domain anyway).
    let dispatched_on = local_date(now).max(*received_on);
    let step = Step {
        field: "case_id",
        case_id,
        command: CaseCommand::Hotline(HotlineCommand::Dispatch {
            unit: unit.clone(),
            time_limit_working_days: limit,
            dispatched_on,
        }),
    };
    let command_id = derived_command_id(case_id, "route/dispatch");
    match commands
        .execute(
            Actor::Reaction(ROUTER_ACTOR),
            command_id,
            RecordedAt::Server,
            vec![step],
        )
        .await
    {
        Ok(refs) => {
            tracing::debug!(%case_id, %unit, position = refs.position, "ticket routed");
            Ok(())
        }
        Err(HandlerError::Rule(violation)) => {
            // Someone dispatched or answered it first: nothing to route.
            tracing::info!(%case_id, %violation, "ticket not routed");
            Ok(())
        }
        Err(HandlerError::Log(error)) if log_is_transient(&error) => Err(Failure::transient(error)),
        Err(error) => Err(Failure::fatal(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_rule_names_the_unit_and_the_limit_comes_from_the_domain() {
        let rules = RoutingRules::built_in().expect("built-in table parses");
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let simao = agency("simao");
        assert_eq!(
            rules.route(&simao, HotlineCategory::Complaint, day),
            Some((agency("simao/supervision"), 13))
        );
        assert_eq!(
            rules.route(&simao, HotlineCategory::Consultation, day),
            Some((agency("simao"), 3))
        );
        let custom = RoutingRules::parse(
            r#"{"rules":[{"agency":"x","unit":"x/desk","time_limit_working_days":2}]}"#,
        )
        .expect("parses");
        assert_eq!(
            custom.route(&agency("x"), HotlineCategory::Help, day),
            Some((agency("x/desk"), 2))
        );
        assert_eq!(custom.route(&agency("y"), HotlineCategory::Help, day), None);
        assert!(RoutingRules::parse(r#"{"rules":[{"unit":" "}]}"#).is_err());
        assert!(RoutingRules::parse(r#"{"rules":[{"unit":"{agency}//x"}]}"#).is_err());
    }

    fn agency(text: &str) -> AgencyId {
        AgencyId::parse(text).expect("agency id")
    }
}
