//! A ledger row as the domain events it implies: received, then (if decided) decided, reply delivered and
//! closed. The events come from the domain's own `decide`, one command at a time with "now" at noon China time
//! of the command's date, so every lifecycle rule applies to imported history exactly as to live cases. The
//! domain reaches other.no_supplement and other.fee_unpaid only by abandonment, so those rows become the 补正
//! request or fee notice their ledger column records, then the abandonment on the decision date (refused by
//! the domain while the period to supplement or pay still runs).

use casetrack_domain::application::{
    self, AbandonReason, ApplicationCommand, ApplicationState, DeliveryForm,
};
use casetrack_domain::{Calendar, Event, RuleViolation};

use chrono::NaiveDate;

use crate::noon::noon_in_china;

use super::columns::Column;
use super::identity::case_id;
use super::row::{Abandonment, LedgerRow};

/// How the reply of an imported case is described; the ledger does not say how it was delivered.
pub const IMPORTED_REPLY_METHOD: &str = "as recorded in the imported ledger";

/// The content of an application whose ledger row leaves it empty (the domain requires one).
pub const CONTENT_NOT_RECORDED: &str = "（台账未载明申请内容）";

/// What the 补正 request of an imported case asked for; the ledger records only its date.
pub const SUPPLEMENT_NOT_RECORDED: &str = "（台账未载明补正内容）";

/// A rule of the domain refused the row; `column` is the ledger column the refused field came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRefused {
    pub column: Column,
    pub violation: RuleViolation,
}

/// The events of `row`, in order, as the domain decides them.
pub fn row_events(row: &LedgerRow, calendar: &Calendar) -> Result<Vec<Event>, RowRefused> {
    let case = case_id(&row.agency, &row.external_id);
    let content = if row.content.trim().is_empty() {
        CONTENT_NOT_RECORDED.to_owned()
    } else {
        row.content.clone()
    };
    // The ledger's receipt date is the statutory one, so for channels needing a confirmation (Art. 31) it is
    // also the confirmation date.
    let mut commands = vec![(
        row.received_on,
        ApplicationCommand::Receive {
            applicant: None,
            case_id: case,
            agency: row.agency.clone(),
            applicant_type: row.applicant_type,
            channel: row.channel,
            handed_in_on: row.received_on,
            receipt_confirmed_on: row
                .channel
                .needs_receipt_confirmation()
                .then_some(row.received_on),
            content,
            delivery_form: DeliveryForm::Unspecified,
            referred_from: None,
        },
    )];
    if let Some(decision) = &row.decision {
        let ending = match decision.abandonment {
            None => vec![(
                decision.decided_on,
                ApplicationCommand::Decide {
                    outcome: decision.outcome,
                    legal_reason: decision.legal_reason.clone(),
                    decided_on: decision.decided_on,
                },
            )],
            Some(Abandonment::NoSupplement { requested_on }) => vec![
                (
                    requested_on,
                    ApplicationCommand::RequestSupplement {
                        requested_on,
                        what: SUPPLEMENT_NOT_RECORDED.to_owned(),
                        // The ledger records when the application was deemed abandoned, not the period the
                        // request set: the latest period consistent with it ends the day before.
                        supplement_by: decision
                            .decided_on
                            .pred_opt()
                            .unwrap_or(decision.decided_on),
                    },
                ),
                abandon(AbandonReason::NoSupplement, decision.decided_on),
            ],
            Some(Abandonment::FeeUnpaid { issued_on, basis }) => vec![
                (
                    issued_on,
                    ApplicationCommand::IssueFeeNotice { basis, issued_on },
                ),
                abandon(AbandonReason::FeeUnpaid, decision.decided_on),
            ],
        };
        commands.extend(ending);
        commands.extend([
            (
                decision.delivered_on,
                ApplicationCommand::DeliverReply {
                    delivered_on: decision.delivered_on,
                    method: IMPORTED_REPLY_METHOD.to_owned(),
                },
            ),
            (
                decision.delivered_on,
                ApplicationCommand::Close {
                    closed_on: decision.delivered_on,
                },
            ),
        ]);
    }
    let mut state = ApplicationState::default();
    let mut events = Vec::new();
    for (on, command) in commands {
        let decided = application::decide(&state, command, noon_in_china(on), calendar).map_err(
            |violation| RowRefused {
                column: column_of(violation.field),
                violation,
            },
        )?;
        for event in decided {
            // Events decide just produced always fold into the state they were decided on.
            application::evolve(&mut state, &event)
                .expect("decided events fold into their own state");
            events.push(event);
        }
    }
    Ok(events)
}

fn abandon(reason: AbandonReason, abandoned_on: NaiveDate) -> (NaiveDate, ApplicationCommand) {
    (
        abandoned_on,
        ApplicationCommand::Abandon {
            reason,
            abandoned_on,
        },
    )
}

/// The ledger column a command field comes from.
fn column_of(field: &str) -> Column {
    match field {
        "agency" => Column::Agency,
        "content" => Column::Content,
        "handed_in_on" | "receipt_confirmed_on" => Column::ReceivedOn,
        "outcome" | "reason" => Column::Outcome,
        "legal_reason" => Column::LegalReason,
        // The abandonment and the end of the 补正 period the import derives both sit on the decision date.
        "decided_on" | "abandoned_on" | "supplement_by" => Column::DecidedOn,
        "requested_on" | "what" => Column::SupplementRequestedOn,
        "issued_on" => Column::FeeNoticeOn,
        "basis" => Column::FeeYuan,
        "delivered_on" | "closed_on" | "method" => Column::DeliveredOn,
        _ => Column::ExternalId,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::row::Decision;
    use casetrack_domain::application::Channel;
    use casetrack_domain::fees::FeeBasis;
    use casetrack_domain::time::local_date;
    use casetrack_domain::{AgencyId, ApplicantType, Outcome};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn row(outcome: Option<Outcome>) -> LedgerRow {
        LedgerRow {
            agency: AgencyId::parse("simao/gov").unwrap(),
            external_id: "7".into(),
            received_on: d(2018, 12, 28),
            applicant_type: ApplicantType::Business,
            channel: Channel::Internet,
            content: String::new(),
            decision: outcome.map(|outcome| Decision {
                outcome,
                legal_reason: "r".into(),
                decided_on: d(2019, 1, 10),
                delivered_on: d(2019, 1, 11),
                abandonment: None,
            }),
        }
    }

    #[test]
    fn an_open_row_is_one_received_event_on_its_date() {
        let events = row_events(&row(None), &calendar()).expect("open row");
        assert_eq!(events.len(), 1);
        assert_eq!(local_date(events[0].occurred_at), d(2018, 12, 28));
        assert_eq!(events[0].event_type(), "ApplicationReceived");
    }

    #[test]
    fn a_decided_row_runs_to_closed_and_the_domain_refuses_abandonment_outcomes() {
        let events = row_events(&row(Some(Outcome::Disclosed)), &calendar()).expect("decided row");
        let types: Vec<_> = events.iter().map(Event::event_type).collect();
        assert_eq!(
            types,
            [
                "ApplicationReceived",
                "ApplicationDecided",
                "ApplicationReplyDelivered",
                "ApplicationClosed"
            ]
        );
        assert_eq!(local_date(events[1].occurred_at), d(2019, 1, 10));
        assert_eq!(local_date(events[3].occurred_at), d(2019, 1, 11));
        for outcome in [Outcome::OtherNoSupplement, Outcome::OtherFeeUnpaid] {
            let refused =
                row_events(&row(Some(outcome)), &calendar()).expect_err("abandonment only");
            assert_eq!(refused.column, Column::Outcome);
        }
    }

    #[test]
    fn abandonment_rows_run_through_their_request_and_the_statutory_period() {
        let abandoned = |abandonment, decided_on| LedgerRow {
            received_on: d(2019, 3, 1),
            decision: Some(Decision {
                outcome: match abandonment {
                    Abandonment::NoSupplement { .. } => Outcome::OtherNoSupplement,
                    Abandonment::FeeUnpaid { .. } => Outcome::OtherFeeUnpaid,
                },
                legal_reason: "r".into(),
                decided_on,
                delivered_on: decided_on,
                abandonment: Some(abandonment),
            }),
            ..row(None)
        };
        let no_supplement = Abandonment::NoSupplement {
            requested_on: d(2019, 3, 5),
        };
        let events = row_events(&abandoned(no_supplement, d(2019, 4, 1)), &calendar())
            .expect("补正 requested, never supplied");
        let types: Vec<_> = events.iter().map(Event::event_type).collect();
        assert_eq!(types[1], "ApplicationSupplementRequested");
        assert_eq!(types[2], "ApplicationAbandoned");
        assert_eq!(local_date(events[1].occurred_at), d(2019, 3, 5));
        assert_eq!(local_date(events[2].occurred_at), d(2019, 4, 1));
        assert_eq!(events.len(), 5, "{types:?}");

        let fee_unpaid = Abandonment::FeeUnpaid {
            issued_on: d(2019, 3, 5),
            basis: FeeBasis::PerPage { pages: 40 },
        };
        let events = row_events(&abandoned(fee_unpaid, d(2019, 5, 10)), &calendar())
            .expect("fee notice, never paid");
        assert_eq!(events[1].event_type(), "ApplicationFeeNoticeIssued");
        assert_eq!(events[2].event_type(), "ApplicationAbandoned");
        // Dropped while the 20 working days to pay still ran: the domain refuses, on the decision date.
        let refused = row_events(&abandoned(fee_unpaid, d(2019, 3, 20)), &calendar())
            .expect_err("fee period still running");
        assert_eq!(refused.column, Column::DecidedOn);
        // A 补正 request later than 7 working days after receipt: refused on its own column.
        let late = Abandonment::NoSupplement {
            requested_on: d(2019, 3, 25),
        };
        let refused = row_events(&abandoned(late, d(2019, 4, 30)), &calendar())
            .expect_err("补正 requested too late");
        assert_eq!(refused.column, Column::SupplementRequestedOn);
    }

    fn calendar() -> Calendar {
        Calendar::embedded().expect("embedded calendar")
    }
}
