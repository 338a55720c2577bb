//! 建议 / 提案: an NPC deputy's suggestion or a CPPCC member's proposal, assigned to units and answered.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, ReplayError, admit};
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::lifecycle::ReminderLevel;
use crate::rule::{Rule, RuleViolation, check};
use crate::summary::{CaseDetail, CaseState, CaseStatus};
use crate::time::local_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// 人大代表建议.
    NpcSuggestion,
    /// 政协提案.
    CppccProposal,
}

impl ProposalKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            ProposalKind::NpcSuggestion => "人大代表建议",
            ProposalKind::CppccProposal => "政协提案",
        }
    }
}

/// Events of a proposal stream. Type names are `Proposal` + variant, e.g. `ProposalAssigned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalEvent {
    /// 交办 to a lead unit (主办) with co-handling units (协办).
    Assigned {
        agency: AgencyId,
        kind: ProposalKind,
        number: String,
        title: String,
        lead_unit: AgencyId,
        co_units: Vec<AgencyId>,
        assigned_on: NaiveDate,
    },
    /// The unit contacted the deputy or member.
    ProposerContacted {
        contacted_on: NaiveDate,
        note: String,
    },
    /// A broad or difficult matter: reply period extended to six months, reasons given in advance.
    ExtendedToSixMonths {
        reason: String,
        extended_on: NaiveDate,
    },
    /// The reply, with the locally configured result class (A/B/C/D, 甲/乙/丙, …).
    Replied {
        result_class: String,
        replied_on: NaiveDate,
    },
    Published {
        published_on: NaiveDate,
    },
    /// 催办 / 督办 of the reply deadline (by the reminder pass); a reminder moves no deadline.
    Reminded {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
}

/// The most co-handling units one assignment may name.
pub const MAX_CO_UNITS: usize = 32;

/// Facts fixed at assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub case_id: CaseId,
    pub agency: AgencyId,
    pub kind: ProposalKind,
    pub number: String,
    pub lead_unit: AgencyId,
    pub co_units: Vec<AgencyId>,
    pub assigned_on: NaiveDate,
}

/// A suggestion's or proposal's state. `Default` is "not assigned yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalState {
    pub assignment: Option<Assignment>,
    pub contacted_on: Option<NaiveDate>,
    pub extended_on: Option<NaiveDate>,
    pub reply: Option<(String, NaiveDate)>,
    pub published_on: Option<NaiveDate>,
    pub event_count: u64,
}

impl ProposalState {
    pub fn assigned_on(&self) -> Option<NaiveDate> {
        self.assignment.as_ref().map(|a| a.assigned_on)
    }

    pub fn stage(&self) -> Option<&'static str> {
        self.assignment.as_ref()?;
        Some(if self.published_on.is_some() {
            "published"
        } else if self.reply.is_some() {
            "replied"
        } else if self.contacted_on.is_some() {
            "contacted"
        } else {
            "assigned"
        })
    }

    /// The kind-independent summary; a proposal is closed once its reply is published.
    pub fn case_state(&self) -> Option<CaseState> {
        let a = self.assignment.as_ref()?;
        Some(CaseState {
            case_id: a.case_id,
            kind: CaseKind::Proposal,
            agency: a.agency.clone(),
            received_on: a.assigned_on,
            status: if self.published_on.is_some() {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            },
            stage: self.stage()?.to_owned(),
            outcome: None,
            applicant_type: None,
            decided_on: self.reply.as_ref().map(|(_, on)| *on),
            closed_on: self.published_on,
            detail: CaseDetail::Proposal {
                kind: a.kind,
                lead_unit: a.lead_unit.clone(),
                result_class: self.reply.as_ref().map(|(class, _)| class.clone()),
                published: self.published_on.is_some(),
            },
        })
    }
}

/// Fold one event into the state.
pub fn evolve(state: &mut ProposalState, event: &Event) -> Result<(), ReplayError> {
    let creates = matches!(
        &event.body,
        EventBody::Proposal(ProposalEvent::Assigned { .. })
    );
    admit(
        CaseKind::Proposal,
        state.assignment.as_ref().map(|a| a.case_id),
        event,
        creates,
    )?;
    let EventBody::Proposal(body) = &event.body else {
        unreachable!("admit verified the kind");
    };
    match body.clone() {
        ProposalEvent::Assigned {
            agency,
            kind,
            number,
            title: _,
            lead_unit,
            co_units,
            assigned_on,
        } => {
            state.assignment = Some(Assignment {
                case_id: event.case_id,
                agency,
                kind,
                number,
                lead_unit,
                co_units,
                assigned_on,
            });
        }
        ProposalEvent::ProposerContacted {
            contacted_on,
            note: _,
        } => state.contacted_on = Some(contacted_on),
        ProposalEvent::ExtendedToSixMonths {
            reason: _,
            extended_on,
        } => state.extended_on = Some(extended_on),
        ProposalEvent::Replied {
            result_class,
            replied_on,
        } => state.reply = Some((result_class, replied_on)),
        ProposalEvent::Published { published_on } => state.published_on = Some(published_on),
        ProposalEvent::Reminded { .. } => {}
    }
    state.event_count += 1;
    Ok(())
}

/// A suggestion's or proposal's event as the 建议提案 office records it, e.g.
/// "交办政协提案第 12 号《…》，主办单位 simao/housing". Exhaustive on purpose: a new event cannot go undescribed.
pub fn describe(event: &ProposalEvent) -> String {
    match event {
        ProposalEvent::Assigned {
            agency: _,
            kind,
            number,
            title,
            lead_unit,
            co_units,
            assigned_on: _,
        } => {
            let mut text = format!(
                "交办{}第 {number} 号《{title}》，主办单位 {lead_unit}",
                kind.label_zh()
            );
            if !co_units.is_empty() {
                let co: Vec<String> = co_units.iter().map(ToString::to_string).collect();
                text.push_str(&format!("，协办单位 {}", co.join("、")));
            }
            text
        }
        ProposalEvent::ProposerContacted {
            contacted_on: _,
            note,
        } => format!("与提出人沟通：{note}"),
        ProposalEvent::ExtendedToSixMonths {
            reason,
            extended_on: _,
        } => format!("延期至交办之日起六个月内答复，理由：{reason}"),
        ProposalEvent::Replied {
            result_class,
            replied_on: _,
        } => format!("答复办理结果，类别 {result_class}"),
        ProposalEvent::Published { published_on: _ } => "公开答复内容".to_owned(),
        ProposalEvent::Reminded {
            level,
            note,
            reminded_on: _,
        } => level.describe(note),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ProposalCommand {
    Assign {
        case_id: CaseId,
        agency: AgencyId,
        kind: ProposalKind,
        number: String,
        title: String,
        lead_unit: AgencyId,
        co_units: Vec<AgencyId>,
        assigned_on: NaiveDate,
    },
    ContactProposer {
        contacted_on: NaiveDate,
        note: String,
    },
    ExtendToSixMonths {
        reason: String,
        extended_on: NaiveDate,
    },
    Reply {
        result_class: String,
        replied_on: NaiveDate,
    },
    Publish {
        published_on: NaiveDate,
    },
    Remind {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
}

/// Decide what a command means for a suggestion or proposal.
pub fn decide(
    state: &ProposalState,
    command: ProposalCommand,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, RuleViolation> {
    let today = local_date(now);
    let Some(assignment) = state.assignment.as_ref() else {
        return assign(command, now, today);
    };
    if state.published_on.is_some() {
        return check::fail(Rule::Closed, "case_id");
    }
    let ctx = Ctx {
        state,
        assignment,
        today,
    };
    let body = match command {
        ProposalCommand::Assign { .. } => check::fail(Rule::AlreadyExists, "case_id"),
        ProposalCommand::ContactProposer { contacted_on, note } => {
            contact_proposer(&ctx, contacted_on, note)
        }
        ProposalCommand::ExtendToSixMonths {
            reason,
            extended_on,
        } => extend_to_six_months(&ctx, reason, extended_on),
        ProposalCommand::Reply {
            result_class,
            replied_on,
        } => reply(&ctx, result_class, replied_on),
        ProposalCommand::Publish { published_on } => publish(&ctx, published_on),
        ProposalCommand::Remind {
            level,
            note,
            reminded_on,
        } => remind(&ctx, level, note, reminded_on),
    }?;
    let case_id = assignment.case_id;
    Ok(vec![Event::new(case_id, now, EventBody::Proposal(body))])
}

/// A command on an assigned matter not yet published: the state it is decided against, and today.
struct Ctx<'a> {
    state: &'a ProposalState,
    assignment: &'a Assignment,
    today: NaiveDate,
}

impl Ctx<'_> {
    /// The earliest day for a date that only has to follow the assignment.
    fn assigned(&self) -> Option<(NaiveDate, &'static str)> {
        Some((self.assignment.assigned_on, "the matter was assigned"))
    }
}

fn assign(
    command: ProposalCommand,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    let ProposalCommand::Assign {
        case_id,
        agency,
        kind,
        number,
        title,
        lead_unit,
        co_units,
        assigned_on,
    } = command
    else {
        return check::fail(Rule::NotFound, "case_id");
    };
    check::text(&number, "number")?;
    check::text(&title, "title")?;
    if co_units.len() > MAX_CO_UNITS {
        let max = i64::try_from(MAX_CO_UNITS).unwrap_or(i64::MAX);
        let value = i64::try_from(co_units.len()).unwrap_or(i64::MAX);
        return check::fail(Rule::OutOfRange { value, min: 0, max }, "co_units");
    }
    if co_units.contains(&lead_unit) {
        return check::fail(Rule::LeadUnitAsCoUnit, "co_units");
    }
    check::date(assigned_on, today, None, "assigned_on")?;
    let body = ProposalEvent::Assigned {
        agency,
        kind,
        number,
        title,
        lead_unit,
        co_units,
        assigned_on,
    };
    Ok(vec![Event::new(case_id, now, EventBody::Proposal(body))])
}

fn contact_proposer(
    ctx: &Ctx,
    contacted_on: NaiveDate,
    note: String,
) -> Result<ProposalEvent, RuleViolation> {
    check::optional_text(&note, "note")?;
    check::date(contacted_on, ctx.today, ctx.assigned(), "contacted_on")?;
    Ok(ProposalEvent::ProposerContacted { contacted_on, note })
}

fn extend_to_six_months(
    ctx: &Ctx,
    reason: String,
    extended_on: NaiveDate,
) -> Result<ProposalEvent, RuleViolation> {
    if ctx.state.extended_on.is_some() {
        return check::fail(Rule::AlreadyExtended, "extended_on");
    }
    if ctx.state.reply.is_some() {
        return check::fail(Rule::AlreadyReplied, "extended_on");
    }
    check::text(&reason, "reason")?;
    check::date(extended_on, ctx.today, ctx.assigned(), "extended_on")?;
    // Reasons must be given in advance: before the three-month deadline passes.
    let deadline = crate::deadline::proposal_deadline(ctx.state)
        .map_err(|_| RuleViolation::new(Rule::NotFound, "case_id"))?
        .due;
    if extended_on > deadline {
        return check::fail(Rule::DeadlinePassed { deadline }, "extended_on");
    }
    Ok(ProposalEvent::ExtendedToSixMonths {
        reason,
        extended_on,
    })
}

fn reply(
    ctx: &Ctx,
    result_class: String,
    replied_on: NaiveDate,
) -> Result<ProposalEvent, RuleViolation> {
    if ctx.state.reply.is_some() {
        return check::fail(Rule::AlreadyReplied, "replied_on");
    }
    check::text(&result_class, "result_class")?;
    check::date(replied_on, ctx.today, ctx.assigned(), "replied_on")?;
    Ok(ProposalEvent::Replied {
        result_class,
        replied_on,
    })
}

fn publish(ctx: &Ctx, published_on: NaiveDate) -> Result<ProposalEvent, RuleViolation> {
    let Some((_, replied_on)) = &ctx.state.reply else {
        return check::fail(Rule::NotYetReplied, "published_on");
    };
    check::date(
        published_on,
        ctx.today,
        Some((*replied_on, "the reply was sent")),
        "published_on",
    )?;
    Ok(ProposalEvent::Published { published_on })
}

fn remind(
    ctx: &Ctx,
    level: ReminderLevel,
    note: String,
    reminded_on: NaiveDate,
) -> Result<ProposalEvent, RuleViolation> {
    // Only a pending reply has a deadline to remind of.
    if ctx.state.reply.is_some() {
        return check::fail(Rule::AlreadyReplied, "reminded_on");
    }
    check::optional_text(&note, "note")?;
    check::date(reminded_on, ctx.today, ctx.assigned(), "reminded_on")?;
    Ok(ProposalEvent::Reminded {
        level,
        note,
        reminded_on,
    })
}
