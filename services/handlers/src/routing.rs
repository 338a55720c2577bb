//! Routing (派单) of new hotline tickets, by rules that are data: the first rule matching the ticket's agency
//! and category names the handling unit. The review process subscribes to `HotlineReceived` and dispatches
//! each new ticket through the same command path as a person would, with a command id derived from the case,
//! so a redelivered event routes nothing twice.

use std::path::Path;
use std::time::Duration;

use casetrack_bus::{Bus, BusError};
use casetrack_domain::deadline::HotlineLimits;
use casetrack_domain::hotline::{HotlineCategory, HotlineCommand, HotlineEvent};
use casetrack_domain::time::local_date;
use casetrack_domain::{AgencyId, CaseId, EventBody, decode};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::command::{Commands, Step};
use crate::error::HandlerError;
use crate::ids::derived_command_id;
use casetrack_domain::CaseCommand;

/// The built-in rule table (services/handlers/data/routing.json).
pub const DEFAULT_ROUTING: &str = include_str!("../data/routing.json");
/// The most rules a table may hold.
pub const MAX_ROUTING_RULES: usize = 1_000;
/// Durable consumer name of the router on the bus.
pub const ROUTER_DURABLE: &str = "review-router";
/// The actor recorded on events the router writes.
pub const ROUTER_ACTOR: &str = "casetrack-router";
/// Attempts to dispatch one ticket when the log is unavailable, and the pause between them.
pub const MAX_ROUTE_ATTEMPTS: u32 = 5;
pub const ROUTE_RETRY_DELAY: Duration = Duration::from_millis(500);

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

/// The routing reaction.
pub struct Router;

impl Router {
    /// Subscribe to new tickets, then route them in a background task. Subscribing happens before this
    /// returns, so with the in-process bus no ticket relayed afterwards is missed.
    pub async fn start(
        commands: Commands,
        rules: RoutingRules,
        bus: &Bus,
    ) -> Result<JoinHandle<()>, BusError> {
        let mut subscription = bus
            .subscribe("casetrack.*.HotlineReceived", ROUTER_DURABLE)
            .await?;
        Ok(tokio::spawn(async move {
            loop {
                let delivery = match subscription.next().await {
                    Ok(delivery) => delivery,
                    Err(BusError::Lagged { missed }) => {
                        tracing::error!(
                            missed,
                            "router lagged; those tickets need routing by hand"
                        );
                        continue;
                    }
                    Err(error) => {
                        tracing::error!(%error, "router stopped: bus failed");
                        return;
                    }
                };
                let event = &delivery.event;
                match decode(&event.event_type, &event.data) {
                    Ok(decoded) => {
                        route_ticket(&commands, &rules, decoded.case_id, &decoded.body).await
                    }
                    Err(error) => {
                        tracing::error!(%error, stream = %event.stream, "undecodable ticket event")
                    }
                }
                if let Err(error) = delivery.ack().await {
                    tracing::warn!(%error, "router ack failed; the ticket will be redelivered and routed idempotently");
                }
            }
        }))
    }
}

async fn route_ticket(
    commands: &Commands,
    rules: &RoutingRules,
    case_id: CaseId,
    body: &EventBody,
) {
    let EventBody::Hotline(HotlineEvent::Received {
        agency,
        category,
        received_on,
        ..
    }) = body
    else {
        return;
    };
    let Some((unit, limit)) = rules.route(agency, *category, *received_on) else {
        tracing::warn!(%case_id, %agency, ?category, "no routing rule matches; ticket left for manual dispatch");
        return;
    };
    let command_id = derived_command_id(case_id, "route/dispatch");
    for attempt in 1..=MAX_ROUTE_ATTEMPTS {
        let now = Utc::now();
        // Dispatched today, but never before the ticket's own receipt day (tickets entered for a later date
        // than the server's today are refused by the domain anyway).
        let dispatched_on = local_date(now).max(*received_on);
        let command = CaseCommand::Hotline(HotlineCommand::Dispatch {
            unit: unit.clone(),
            time_limit_working_days: limit,
            dispatched_on,
        });
        let step = Step {
            field: "case_id",
            case_id,
            command,
        };
        match commands
            .execute(ROUTER_ACTOR, command_id, now, vec![step])
            .await
        {
            Ok(refs) => {
                tracing::info!(%case_id, %unit, position = refs.position, "ticket routed");
                return;
            }
            Err(HandlerError::Rule(violation)) => {
                // Someone dispatched or answered it first: nothing to route.
                tracing::info!(%case_id, %violation, "ticket not routed");
                return;
            }
            Err(error) if attempt < MAX_ROUTE_ATTEMPTS => {
                tracing::warn!(%case_id, %error, attempt, "routing failed; retrying");
                tokio::time::sleep(ROUTE_RETRY_DELAY).await;
            }
            Err(error) => {
                tracing::error!(%case_id, %error, "routing failed; ticket left for manual dispatch")
            }
        }
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
