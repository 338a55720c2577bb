//! What a case contributes to the year-end figures of hotline, proposal and petition work (hotline-report.md):
//! the dated facts of the case, in words that need no period. Each kind states them through
//! `Lifecycle::workload`; the projector sorts them into periods and measures. Deadlines are the domain's own
//! (`hotline_deadline`, `proposal_deadline`) under the clocks passed in.

use chrono::NaiveDate;

use crate::deadline::{Clocks, hotline_deadline, proposal_deadline};
use crate::hotline::{HotlineCategory, HotlineState, Satisfaction};
use crate::ids::AgencyId;
use crate::proposal::{ProposalKind, ProposalState};
use crate::records::{CountedMeasure, RecordEvent, RecordState};

/// One case's facts for the year-end work figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    Ticket(TicketWork),
    Proposal(ProposalWork),
    /// A tally of 信访 handled (a counted record), dated by the last day of the period it covers.
    Petitions {
        agency: AgencyId,
        handled: u64,
        on: NaiveDate,
    },
}

/// A hotline ticket's dated facts. Where the ticket was re-handled, handling, deadline, closure and follow-up
/// are those of its last round (the rounds before were superseded by the order to re-handle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketWork {
    pub agency: AgencyId,
    pub line: String,
    pub category: HotlineCategory,
    /// The unit holding the ticket, else the last unit that held it; `None` if never dispatched.
    pub unit: Option<AgencyId>,
    pub received_on: NaiveDate,
    pub answered_at_once_on: Option<NaiveDate>,
    pub first_dispatched_on: Option<NaiveDate>,
    /// One date per 退单 leg.
    pub returned_on: Vec<NaiveDate>,
    /// Handling of the last round ended: handled by the unit, or answered during the call.
    pub handling_ended_on: Option<NaiveDate>,
    /// The handling deadline of the last round, extensions granted included; `None` when none can be computed
    /// (no limit configured, a year the calendar does not cover).
    pub due: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub follow_up: Option<(Satisfaction, NaiveDate)>,
    pub rehandled_on: Vec<NaiveDate>,
    /// Merged into another ticket (并单) on this day: it counts there, not here.
    pub merged_on: Option<NaiveDate>,
}

/// A suggestion's or proposal's dated facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalWork {
    pub agency: AgencyId,
    pub kind: ProposalKind,
    pub lead_unit: AgencyId,
    pub assigned_on: NaiveDate,
    /// The reply deadline: 3 months from assignment, 6 when extended.
    pub due: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
}

impl TicketWork {
    /// Handling ended after the deadline, or has not ended and the deadline passed before `on`.
    pub fn late_on(&self, on: NaiveDate) -> bool {
        let Some(due) = self.due else { return false };
        match self.handling_ended_on {
            Some(ended) if ended <= on => ended > due,
            _ => due < on,
        }
    }
}

/// The facts of a ticket; `None` before intake.
pub fn ticket_work(state: &HotlineState, clocks: &Clocks) -> Option<Work> {
    let ticket = state.ticket.as_ref()?;
    let last_unit = state.returns.last().map(|(unit, _, _)| unit.clone());
    Some(Work::Ticket(TicketWork {
        agency: ticket.agency.clone(),
        line: ticket.line.clone(),
        category: ticket.category,
        unit: state.unit.clone().or(last_unit),
        received_on: ticket.received_on,
        answered_at_once_on: state.answered_at_once_on,
        first_dispatched_on: state.first_dispatched_on.or(state.dispatched_on),
        returned_on: state.returns.iter().map(|(_, _, on)| *on).collect(),
        handling_ended_on: state.handled_on.or(state.answered_at_once_on),
        due: hotline_deadline(state, &clocks.calendar, &clocks.rules.hotline)
            .ok()
            .map(|d| d.due),
        closed_on: state.closed_on,
        follow_up: state.satisfaction.zip(state.followed_up_on),
        rehandled_on: state.rehandled_on.clone(),
        merged_on: state
            .merged_into
            .and(state.merged_on.or(Some(ticket.received_on))),
    }))
}

/// The facts of a suggestion or proposal; `None` before assignment.
pub fn proposal_work(state: &ProposalState) -> Option<Work> {
    let a = state.assignment.as_ref()?;
    Some(Work::Proposal(ProposalWork {
        agency: a.agency.clone(),
        kind: a.kind,
        lead_unit: a.lead_unit.clone(),
        assigned_on: a.assigned_on,
        due: proposal_deadline(state).ok().map(|d| d.due),
        replied_on: state.reply.as_ref().map(|(_, on)| *on),
        published_on: state.published_on,
    }))
}

/// The facts of a record: only a tally of petitions handled is work of this kind.
pub fn record_work(state: &RecordState) -> Option<Work> {
    match state.created.as_ref()? {
        RecordEvent::Counted {
            agency,
            measure: CountedMeasure::PetitionsHandled,
            count,
            period_end,
        } => Some(Work::Petitions {
            agency: agency.clone(),
            handled: *count,
            on: *period_end,
        }),
        _ => None,
    }
}
