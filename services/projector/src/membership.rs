//! Which annual-report cells a case counts in: a pure function of its summary. The annual model stores
//! exactly these memberships (and their sums), so a figure and its drill-down list are the same set.
//!
//! A case first counts as format-neutral [`Count`]s over years; then the format of each year names the cells
//! (`ReportFormat::for_year`: the 2021 format from 2021 on, the 2019 format for 2019–2020, the pre-2019
//! statistical table before). An open-ended span is stored from [`CURRENT_FORMAT_FROM`] on at the earliest;
//! the years before it are spelled out one by one, each in its own format, so every stored membership names a
//! cell of the format of its year and one fold serves all three formats.
//!
//! Rules (annual-report.md §Which events land in which row, and this project's choices where it is silent):
//! - Application received in year R, handling ended in year E with outcome o, applicant column c:
//!   received in R; ended (outcome o) in E; carried forward in R..E-1; carried over in R+1..E.
//!   Still open: carried forward in every year ≥ R and carried over in every year ≥ R+1 (open-ended).
//!   Fees the applicant paid: their amount, in the year paid.
//! - Challenge filed in F, row k: in F, column = its result if concluded in F, else `pending`; concluded in a
//!   later year C: also in C with its result (it was reported 尚未审结 in F, its conclusion is reported in C).
//! - Document issued in I, repealed in P: issued in I; repealed in P; in force in I..P-1, or in every
//!   year ≥ I while not repealed.
//! - Disclosure item published in year Y: once in Y, and once for each of its channels.
//! - Counted records and fees collected: their tallies, by year.
//!
//! The cells each count lands in, per format, are in [`cells_2021`], [`cells_2019`] and [`cells_statistical`].

use casetrack_domain::application::Channel;
use casetrack_domain::challenge::{ChallengeKind, ChallengeResult, result_cell_column};
use casetrack_domain::records::{CountedMeasure, DisclosureChannel, DocumentKind};
use casetrack_domain::{ApplicantType, CaseKind, Outcome};
use casetrack_reporting::{FIRST_REPORT_YEAR, ReportFormat};
use chrono::Datelike;

use crate::summary::CaseSummary;

/// Version of the rules in this file, by which the annual figures are computed; stored with published reports,
/// and a store folded under another version is rebuilt.
pub const RULES_VERSION: &str = "casetrack-annual-rules/3 (formats 2021, 2019, statistical table; membership.rs over domain state)";

/// First data year of the current, open-ended format (2021 format). Open-ended memberships never start
/// earlier, so a query for an older year only ever meets year-by-year memberships of its own format.
pub const CURRENT_FORMAT_FROM: i32 = 2021;

/// The years a membership covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    Year(i32),
    /// Every year from this one on (the case is still open); never before [`CURRENT_FORMAT_FROM`].
    From(i32),
}

/// One cell a case counts in, with its weight (1 for a case; the amount for tallied records).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Membership {
    /// Full base cell code in the format of the span's year, e.g. `applications.received.business`.
    pub cell: String,
    pub span: Span,
    pub weight: u64,
}

/// What a case counts as in a year, before a format names the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Received {
        applicant: ApplicantType,
        channel: Option<Channel>,
    },
    /// Handling ended with `outcome`; `extended`: the one extension (Art. 33) had been approved.
    Ended {
        applicant: ApplicantType,
        outcome: Outcome,
        extended: bool,
    },
    CarriedForward(ApplicantType),
    CarriedOver(ApplicantType),
    /// A challenge in the year it is reported; `None`: not concluded (尚未审结).
    Challenge {
        kind: ChallengeKind,
        result: Option<ChallengeResult>,
    },
    /// One proactively disclosed item (counts once whatever its channels).
    Disclosed,
    DisclosedVia(DisclosureChannel),
    DocumentIssued(DocumentKind),
    DocumentRepealed(DocumentKind),
    DocumentInForce(DocumentKind),
    Measure(CountedMeasure),
    /// 行政事业性收费 collected (fen).
    FeesCollected,
    /// Fees paid for applications (fen).
    FeesPaid,
}

fn one(count: Count, span: Span) -> (Count, Span, u64) {
    (count, span, 1)
}

/// Every membership of `case` (empty when it has no agency or no start date yet).
pub fn memberships(case: &CaseSummary) -> Vec<Membership> {
    if case.agency.is_none() {
        return Vec::new();
    }
    let counts = match case.kind {
        CaseKind::Application => application(case),
        CaseKind::Challenge => challenge(case),
        CaseKind::Record => record(case),
        CaseKind::Hotline | CaseKind::Proposal => Vec::new(),
    };
    let mut out = Vec::new();
    for (count, span, weight) in counts {
        let mut put = |span: Span, year: i32| {
            out.extend(
                cells_in(ReportFormat::for_year(year), count)
                    .into_iter()
                    .map(|cell| Membership { cell, span, weight }),
            );
        };
        match span {
            Span::Year(year) => put(span, year),
            Span::From(from) => {
                for year in from.max(FIRST_REPORT_YEAR)..CURRENT_FORMAT_FROM {
                    put(Span::Year(year), year);
                }
                let from = from.max(CURRENT_FORMAT_FROM);
                put(Span::From(from), from);
            }
        }
    }
    out
}

/// The cells `count` lands in under `format` (none when the format has no cell for it).
pub fn cells_in(format: ReportFormat, count: Count) -> Vec<String> {
    match format {
        ReportFormat::Format2021 => cells_2021(count).into_iter().collect(),
        ReportFormat::Format2019 => cells_2019(count),
        ReportFormat::StatisticalTable => cells_statistical(count),
    }
}

/// The 2021 format (annual-report.md cell codes). Disclosure items, application fees and the measures outside
/// table 二 have no cell.
pub fn cells_2021(count: Count) -> Option<String> {
    let application = |row: &str, applicant: ApplicantType| {
        Some(format!("applications.{row}.{}", applicant.cell_column()))
    };
    let document =
        |kind: DocumentKind, column: &str| Some(format!("proactive.{}.{column}", kind.cell_row()));
    match count {
        Count::Received { applicant, .. } => application("received", applicant),
        Count::Ended {
            applicant, outcome, ..
        } => application(outcome.cell_row(), applicant),
        Count::CarriedForward(applicant) => application("carried_forward", applicant),
        Count::CarriedOver(applicant) => application("carried_over", applicant),
        Count::Challenge { kind, result } => Some(format!(
            "challenges.{}.{}",
            kind.cell_row(),
            result_cell_column(result)
        )),
        Count::DocumentIssued(kind) => document(kind, "issued"),
        Count::DocumentRepealed(kind) => document(kind, "repealed"),
        Count::DocumentInForce(kind) => document(kind, "in_force"),
        Count::Measure(measure) => measure
            .proactive_cell_row()
            .map(|row| format!("proactive.{row}.decisions")),
        Count::FeesCollected => Some("proactive.fees.amount_10k_yuan".to_string()),
        Count::Disclosed | Count::DisclosedVia(_) | Count::FeesPaid => None,
    }
}

/// The 2019 format: tables 三 and 四 as in 2021 except that the three （六） reasons all count in the single row
/// `other`. Table 二 (codes: reporting's layout/proactive.rs): a document counts in `new_made` and
/// `new_published` the year it is issued (the log records issue and publication as one event) and in
/// `total_published` every year it is in force; repeals and fee amounts have no 2019 cell; the decision counts
/// are the same cells. `previous_items`, `change`, `other_services` and `procurement` are not in the log.
pub fn cells_2019(count: Count) -> Vec<String> {
    match count {
        Count::Ended {
            applicant, outcome, ..
        } if outcome.cell_group() == Some("other") => {
            vec![format!("applications.other.{}", applicant.cell_column())]
        }
        Count::DocumentIssued(kind) => ["new_made", "new_published"]
            .iter()
            .map(|column| format!("proactive.{}.{column}", kind.cell_row()))
            .collect(),
        Count::DocumentInForce(kind) => {
            vec![format!("proactive.{}.total_published", kind.cell_row())]
        }
        Count::DocumentRepealed(_) | Count::FeesCollected => Vec::new(),
        other => cells_2021(other).into_iter().collect(),
    }
}

/// The pre-2019 statistical table (codes: reporting's layout/statistical.rs; every cell `….count` or
/// `….amount_10k_yuan`):
///
/// | count | cell |
/// |---|---|
/// | received | `applications.{in_person, fax, online, letter}`: 当面 → in_person; 传真 → fax; 网络 and hotline referral (arrives through the 12345 platform) → online; 信函 signed or not → letter |
/// | ended | `applications.concluded_extended` if an extension was approved, else `concluded_on_time`; and the reply category of [`statistical_reply`] |
/// | carried forward / over | no cell |
/// | challenge | in the year it concludes: `challenges.{reconsideration, litigation}_{upheld, corrected, other}` (both litigation rows count as 行政诉讼); pending: no cell |
/// | disclosure item | `proactive.information`, and `proactive.via_{gazette, website, weibo, wechat, other}` per channel |
/// | normative document issued | `proactive.normative_documents_issued` (规章 have no cell) |
/// | measures | public-concern responses → `responses.public_concerns`; press conferences → `responses.press_conferences`; policy interpretations → `responses.policy_interpretations`; training sessions → `training.courses`; training participants → `training.trainees`; the rest no cell |
/// | application fees paid | `fees.applications.amount_10k_yuan` |
pub fn cells_statistical(count: Count) -> Vec<String> {
    let cell = |table: &str, row: &str| format!("{table}.{row}.count");
    match count {
        Count::Received {
            channel: Some(channel),
            ..
        } => {
            let row = match channel {
                Channel::InPerson => "in_person",
                Channel::Fax => "fax",
                Channel::Internet | Channel::HotlineReferral => "online",
                Channel::PostSigned | Channel::PostUnsigned => "letter",
            };
            vec![cell("applications", row)]
        }
        Count::Ended {
            outcome, extended, ..
        } => {
            let concluded = if extended {
                "concluded_extended"
            } else {
                "concluded_on_time"
            };
            std::iter::once(concluded)
                .chain(statistical_reply(outcome))
                .map(|row| cell("applications", row))
                .collect()
        }
        Count::Challenge {
            kind,
            result: Some(result),
        } => {
            let group = match kind {
                ChallengeKind::Reconsideration => "reconsideration",
                ChallengeKind::LitigationDirect | ChallengeKind::LitigationAfterReconsideration => {
                    "litigation"
                }
            };
            vec![cell(
                "challenges",
                &format!("{group}_{}", result.cell_column()),
            )]
        }
        Count::Disclosed => vec![cell("proactive", "information")],
        Count::DisclosedVia(channel) => {
            let row = match channel {
                DisclosureChannel::Gazette => "via_gazette",
                DisclosureChannel::Website => "via_website",
                DisclosureChannel::Weibo => "via_weibo",
                DisclosureChannel::Wechat => "via_wechat",
                DisclosureChannel::Other => "via_other",
            };
            vec![cell("proactive", row)]
        }
        Count::DocumentIssued(DocumentKind::NormativeDocument) => {
            vec![cell("proactive", "normative_documents_issued")]
        }
        Count::Measure(measure) => {
            let row = match measure {
                CountedMeasure::PublicConcernResponses => Some(("responses", "public_concerns")),
                CountedMeasure::PressConferences => Some(("responses", "press_conferences")),
                CountedMeasure::PolicyInterpretations => {
                    Some(("responses", "policy_interpretations"))
                }
                CountedMeasure::TrainingSessions => Some(("training", "courses")),
                CountedMeasure::TrainingParticipants => Some(("training", "trainees")),
                CountedMeasure::LicensingDecisions
                | CountedMeasure::PenaltyDecisions
                | CountedMeasure::CompulsionDecisions
                | CountedMeasure::PetitionsHandled => None,
            };
            row.map(|(table, row)| cell(table, row))
                .into_iter()
                .collect()
        }
        Count::FeesPaid => vec!["fees.applications.amount_10k_yuan".to_string()],
        Count::Received { channel: None, .. }
        | Count::CarriedForward(_)
        | Count::CarriedOver(_)
        | Count::Challenge { result: None, .. }
        | Count::DocumentIssued(DocumentKind::Rule)
        | Count::DocumentRepealed(_)
        | Count::DocumentInForce(_)
        | Count::FeesCollected => Vec::new(),
    }
}

/// The statistical table's 申请答复数 category (row of `applications`) of an outcome. The 2008 条例's categories
/// do not match the 2019 条例's outcomes one to one; this is the project's mapping:
///
/// | outcome (2021 row) | 申请答复数 category |
/// |---|---|
/// | `disclosed` | `agreed` 同意公开 (the domain does not record Art. 36(一) "already public" apart from 36(二), so `already_public` stays 0) |
/// | `partly_disclosed` | `partly_agreed` 同意部分公开 |
/// | `withheld.state_secret` | `refused_state_secret` 涉及国家秘密 |
/// | `withheld.prohibited_by_law` | `refused_other_legal` 法律法规规定的其他情形 |
/// | `withheld.security_stability` | `refused_security_stability` 危及国家安全、公共安全、经济安全和社会稳定 |
/// | `withheld.third_party` | `refused_privacy` 涉及个人隐私 (the domain does not record whether a third party's trade secret or privacy was at stake; all Art. 15 refusals count here, so `refused_commercial_secret` stays 0) |
/// | `withheld.internal_affairs`, `withheld.process_info` | `refused_not_government_information` 不是《条例》所指政府信息 (internal and process information, 国办发〔2010〕5号) |
/// | `withheld.enforcement_file` | `refused_other_legal` |
/// | `withheld.query_matter` | `other_route` 告知通过其他途径办理 (special-law query procedures) |
/// | `unavailable.not_held`, `unavailable.needs_creation` | `not_exist` 申请信息不存在 (the domain does not separate Art. 36(四) from 36(五), so `not_this_agency` stays 0) |
/// | `unavailable.still_unclear`, `other.no_supplement` | `amend` 告知作出更改补充 |
/// | `not_processed.petition_complaint`, `not_processed.publication`, `not_processed.confirm_existing` | `other_route` |
/// | `not_processed.repeated`, `not_processed.excessive` | `refused_other_legal` |
/// | `other.fee_unpaid`, `other.other` | none: handling ended (办结) without an answer (fee unpaid, withdrawn) |
pub fn statistical_reply(outcome: Outcome) -> Option<&'static str> {
    Some(match outcome {
        Outcome::Disclosed => "agreed",
        Outcome::PartlyDisclosed => "partly_agreed",
        Outcome::WithheldStateSecret => "refused_state_secret",
        Outcome::WithheldSecurityStability => "refused_security_stability",
        Outcome::WithheldThirdParty => "refused_privacy",
        Outcome::WithheldInternalAffairs | Outcome::WithheldProcessInfo => {
            "refused_not_government_information"
        }
        Outcome::WithheldProhibitedByLaw
        | Outcome::WithheldEnforcementFile
        | Outcome::NotProcessedRepeated
        | Outcome::NotProcessedExcessive => "refused_other_legal",
        Outcome::WithheldQueryMatter
        | Outcome::NotProcessedPetitionComplaint
        | Outcome::NotProcessedPublication
        | Outcome::NotProcessedConfirmExisting => "other_route",
        Outcome::UnavailableNotHeld | Outcome::UnavailableNeedsCreation => "not_exist",
        Outcome::UnavailableStillUnclear | Outcome::OtherNoSupplement => "amend",
        Outcome::OtherFeeUnpaid | Outcome::OtherOther => return None,
    })
}

fn application(case: &CaseSummary) -> Vec<(Count, Span, u64)> {
    let (Some(received), Some(applicant)) = (case.received_on, case.applicant_type) else {
        return Vec::new();
    };
    let from = received.year();
    let mut out = vec![one(
        Count::Received {
            applicant,
            channel: case.channel,
        },
        Span::Year(from),
    )];
    // The summary stores the outcome as its cell row, written from an `Outcome`: it always parses.
    let outcome = case.outcome.as_deref().and_then(Outcome::from_cell_row);
    match (case.decided_on, outcome) {
        (Some(ended), Some(outcome)) => {
            // Handling cannot end before receipt; a back-dated decision counts in the year of receipt.
            let end = ended.year().max(from);
            out.push(one(
                Count::Ended {
                    applicant,
                    outcome,
                    extended: case.extended,
                },
                Span::Year(end),
            ));
            out.extend((from..end).map(|y| one(Count::CarriedForward(applicant), Span::Year(y))));
            out.extend((from + 1..=end).map(|y| one(Count::CarriedOver(applicant), Span::Year(y))));
        }
        _ => {
            out.push(one(Count::CarriedForward(applicant), Span::From(from)));
            out.push(one(Count::CarriedOver(applicant), Span::From(from + 1)));
        }
    }
    out.extend(tally(Count::FeesPaid, &case.fees_paid));
    out
}

fn challenge(case: &CaseSummary) -> Vec<(Count, Span, u64)> {
    let (Some(filed), Some(kind)) = (case.received_on, case.challenge_kind) else {
        return Vec::new();
    };
    let at = |result, year| one(Count::Challenge { kind, result }, Span::Year(year));
    let filed_year = filed.year();
    match (case.decided_on, case.challenge_result()) {
        (Some(concluded), Some(result)) if concluded.year() <= filed_year => {
            vec![at(Some(result), filed_year)]
        }
        (Some(concluded), Some(result)) => {
            vec![at(None, filed_year), at(Some(result), concluded.year())]
        }
        _ => vec![at(None, filed_year)],
    }
}

/// A tally's years with a non-zero amount, as weighted counts.
fn tally<'a>(
    count: Count,
    years: &'a std::collections::BTreeMap<i32, u64>,
) -> impl Iterator<Item = (Count, Span, u64)> + 'a {
    years
        .iter()
        .filter(|(_, amount)| **amount > 0)
        .map(move |(year, amount)| (count, Span::Year(*year), *amount))
}

fn record(case: &CaseSummary) -> Vec<(Count, Span, u64)> {
    let mut out: Vec<(Count, Span, u64)> = case
        .counted
        .iter()
        .flat_map(|(measure, years)| tally(Count::Measure(*measure), years))
        .chain(tally(Count::FeesCollected, &case.fees_collected))
        .collect();
    if let (false, Some(published)) = (case.disclosure_channels.is_empty(), case.received_on) {
        let year = Span::Year(published.year());
        out.push(one(Count::Disclosed, year));
        out.extend(
            case.disclosure_channels
                .iter()
                .map(|channel| one(Count::DisclosedVia(*channel), year)),
        );
    }
    if let (Some(kind), Some(issued)) = (case.document_kind, case.received_on) {
        let from = issued.year();
        out.push(one(Count::DocumentIssued(kind), Span::Year(from)));
        match case.decided_on {
            Some(repealed) => {
                let end = repealed.year().max(from);
                out.push(one(Count::DocumentRepealed(kind), Span::Year(end)));
                out.extend((from..end).map(|y| one(Count::DocumentInForce(kind), Span::Year(y))));
            }
            None => out.push(one(Count::DocumentInForce(kind), Span::From(from))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use casetrack_reporting::{LAST_REPORT_YEAR, cells};

    #[test]
    fn the_current_format_starts_in_current_format_from() {
        let current = ReportFormat::for_year(LAST_REPORT_YEAR);
        assert_eq!(ReportFormat::for_year(CURRENT_FORMAT_FROM), current);
        assert_ne!(ReportFormat::for_year(CURRENT_FORMAT_FROM - 1), current);
    }

    /// Every cell a count can land in is a base cell of that format, and every outcome lands in exactly one
    /// table 三 row of the 2019 and 2021 formats.
    #[test]
    fn every_mapped_cell_is_a_base_cell_of_its_format() {
        let mut counts = Vec::new();
        for applicant in ApplicantType::ALL {
            for channel in Channel::ALL {
                counts.push(Count::Received {
                    applicant,
                    channel: Some(channel),
                });
            }
            for outcome in Outcome::all() {
                for extended in [false, true] {
                    counts.push(Count::Ended {
                        applicant,
                        outcome,
                        extended,
                    });
                }
            }
            counts.push(Count::CarriedForward(applicant));
            counts.push(Count::CarriedOver(applicant));
        }
        for kind in ChallengeKind::ALL {
            for result in ChallengeResult::ALL.map(Some).into_iter().chain([None]) {
                counts.push(Count::Challenge { kind, result });
            }
        }
        for channel in DisclosureChannel::ALL {
            counts.push(Count::DisclosedVia(channel));
        }
        for kind in DocumentKind::ALL {
            counts.extend([
                Count::DocumentIssued(kind),
                Count::DocumentRepealed(kind),
                Count::DocumentInForce(kind),
            ]);
        }
        counts.extend(CountedMeasure::ALL.map(Count::Measure));
        counts.extend([Count::Disclosed, Count::FeesCollected, Count::FeesPaid]);
        for format in ReportFormat::ALL {
            for count in &counts {
                for cell in cells_in(format, *count) {
                    let spec = cells(format).iter().find(|c| c.code == cell);
                    assert!(
                        spec.is_some_and(|s| !s.derived),
                        "{format:?}: {count:?} → {cell} is not a base cell"
                    );
                }
                if let Count::Ended { .. } = count
                    && format != ReportFormat::StatisticalTable
                {
                    assert_eq!(cells_in(format, *count).len(), 1, "{count:?}");
                }
            }
        }
    }
}
