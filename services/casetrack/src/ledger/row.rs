//! One ledger row as typed data: every cell parsed and checked, or the list of what is wrong with it, each
//! problem naming its column. A row is only ever turned into events once it parsed without any problem.

use std::path::Path;

use casetrack_domain::AgencyId;
use casetrack_domain::application::Channel;
use casetrack_domain::fees::{
    FREE_APPLICATIONS_PER_MONTH, FREE_PAGES, FeeBasis, Fen, MAX_APPLICATIONS_PER_MONTH, MAX_PAGES,
};
use casetrack_domain::rule::{optional_text, required_text};
use casetrack_domain::{ApplicantType, Outcome};
use chrono::NaiveDate;

use super::columns::Column;
use super::error::RowError;
use super::sheet::{Cell, RawRow};

/// The longest external id or agency id accepted; longer ones are typing accidents, not identities.
pub const MAX_ID_LEN: usize = 128;
/// The longest free text (content, legal reason) accepted from one cell.
pub const MAX_TEXT_LEN: usize = 4_000;

/// An application as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub agency: AgencyId,
    pub external_id: String,
    pub received_on: NaiveDate,
    pub applicant_type: ApplicantType,
    pub channel: Channel,
    pub content: String,
    /// `None`: still open.
    pub decision: Option<Decision>,
}

/// How the ledger says the application ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    pub legal_reason: String,
    pub decided_on: NaiveDate,
    pub delivered_on: NaiveDate,
    /// How the application was abandoned, for the two outcomes the domain reaches only that way (then
    /// `decided_on` is the day of abandonment); `None` for every other outcome.
    pub abandonment: Option<Abandonment>,
}

/// The step before an abandonment, which the ledger records in its own column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandonment {
    /// other.no_supplement: 补正 was requested on this day and never supplied.
    NoSupplement { requested_on: NaiveDate },
    /// other.fee_unpaid: a fee notice on this basis was issued on this day and never paid.
    FeeUnpaid {
        issued_on: NaiveDate,
        basis: FeeBasis,
    },
}

/// Parses one raw row; `default_agency` is `--agency`. All problems of the row are returned, not just the first.
pub fn parse(
    file: &Path,
    raw: &RawRow,
    default_agency: Option<&str>,
) -> Result<LedgerRow, Vec<RowError>> {
    let mut problems = Vec::new();
    let mut problem = |column: Column, message: String| {
        problems.push(RowError {
            file: file.to_path_buf(),
            row: raw.number,
            column: Some(column.name()),
            message,
        });
    };
    let mut take = |column: Column, parse: fn(&Cell) -> Result<Option<Field>, String>| match parse(
        raw.cell(column),
    ) {
        Ok(value) => value,
        Err(message) => {
            problem(column, message);
            None
        }
    };
    let external_id = take(Column::ExternalId, |c| required(c, id));
    let agency_cell = take(Column::Agency, |c| optional(c, agency));
    let received_on = take(Column::ReceivedOn, |c| required(c, date));
    let applicant_type = take(Column::ApplicantType, |c| required(c, applicant_type));
    let channel = take(Column::Channel, |c| required(c, channel));
    let content = take(Column::Content, |c| optional(c, free_text));
    let outcome = take(Column::Outcome, |c| optional(c, outcome));
    let legal_reason = take(Column::LegalReason, |c| optional(c, free_text));
    let decided_on = take(Column::DecidedOn, |c| optional(c, date));
    let delivered_on = take(Column::DeliveredOn, |c| optional(c, date));
    let supplement_requested_on = take(Column::SupplementRequestedOn, |c| optional(c, date));
    let fee_notice_on = take(Column::FeeNoticeOn, |c| optional(c, date));
    let fee_basis = take(Column::FeeYuan, |c| optional(c, fee_basis));
    let agency = match (agency_cell, default_agency) {
        (Some(agency), _) => Some(agency),
        (None, Some(default)) => match agency(default) {
            Ok(agency) => Some(agency),
            Err(message) => {
                problem(Column::Agency, format!("--agency: {message}"));
                None
            }
        },
        (None, None) => {
            problem(Column::Agency, "missing (fill it, or give --agency)".into());
            None
        }
    };
    let date_of = |field: &Option<Field>| field.as_ref().and_then(Field::date);
    let decision_problems = check_dates(
        date_of(&received_on),
        outcome.as_ref().and_then(Field::outcome),
        date_of(&decided_on),
        date_of(&delivered_on),
    );
    let abandonment = abandonment(
        outcome.as_ref().and_then(Field::outcome),
        date_of(&supplement_requested_on),
        date_of(&fee_notice_on),
        fee_basis.as_ref().and_then(Field::fee_basis),
    );
    for (column, message) in decision_problems
        .into_iter()
        .chain(abandonment.as_ref().err().cloned())
    {
        problem(column, message);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // With no problem every required field is present and of its column's type.
    let row = (|| {
        let decision = match (
            outcome.as_ref().and_then(Field::outcome),
            date_of(&decided_on),
        ) {
            (Some(outcome), Some(decided_on)) => Some(Decision {
                outcome,
                legal_reason: legal_reason
                    .and_then(Field::into_text)
                    .unwrap_or_else(|| outcome.legal_basis().to_owned()),
                decided_on,
                delivered_on: date_of(&delivered_on).unwrap_or(decided_on),
                abandonment: abandonment.ok()?,
            }),
            _ => None,
        };
        Some(LedgerRow {
            agency: match agency? {
                Field::Agency(agency) => agency,
                _ => return None,
            },
            external_id: external_id?.into_text()?,
            received_on: date_of(&received_on)?,
            applicant_type: match applicant_type? {
                Field::Applicant(t) => t,
                _ => return None,
            },
            channel: match channel? {
                Field::Channel(c) => c,
                _ => return None,
            },
            content: content.and_then(Field::into_text).unwrap_or_default(),
            decision,
        })
    })();
    Ok(row.expect("a row without problems has every required field, each of its column's type"))
}

/// A parsed cell value.
#[derive(Debug, Clone)]
enum Field {
    Text(String),
    Agency(AgencyId),
    Date(NaiveDate),
    Applicant(ApplicantType),
    Channel(Channel),
    Outcome(Outcome),
    FeeBasis(FeeBasis),
}

impl Field {
    fn date(&self) -> Option<NaiveDate> {
        match self {
            Field::Date(date) => Some(*date),
            _ => None,
        }
    }

    fn outcome(&self) -> Option<Outcome> {
        match self {
            Field::Outcome(outcome) => Some(*outcome),
            _ => None,
        }
    }

    fn fee_basis(&self) -> Option<FeeBasis> {
        match self {
            Field::FeeBasis(basis) => Some(*basis),
            _ => None,
        }
    }

    fn into_text(self) -> Option<String> {
        match self {
            Field::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// The date rules of a row: a decision needs its date, the dates follow each other, none lies in the future
/// of another.
fn check_dates(
    received_on: Option<NaiveDate>,
    outcome: Option<Outcome>,
    decided_on: Option<NaiveDate>,
    delivered_on: Option<NaiveDate>,
) -> Vec<(Column, String)> {
    let mut problems = Vec::new();
    match (outcome, decided_on) {
        (Some(_), None) => problems.push((
            Column::DecidedOn,
            "missing: an outcome needs its decision date".into(),
        )),
        (None, Some(_)) => problems.push((
            Column::Outcome,
            "missing: a decision date needs its outcome (or leave both empty)".into(),
        )),
        _ => {}
    }
    if let (Some(received), Some(decided)) = (received_on, decided_on)
        && decided < received
    {
        problems.push((
            Column::DecidedOn,
            format!("{decided} is before the receipt date {received}"),
        ));
    }
    match (decided_on, delivered_on) {
        (Some(decided), Some(delivered)) if delivered < decided => problems.push((
            Column::DeliveredOn,
            format!("{delivered} is before the decision date {decided}"),
        )),
        (None, Some(_)) => problems.push((
            Column::DeliveredOn,
            "a delivery date needs a decision".into(),
        )),
        _ => {}
    }
    problems
}

/// The abandonment an outcome needs, from the columns recording its first step. A column filled for an outcome
/// that does not use it is an error too: the import would otherwise drop what the ledger says.
fn abandonment(
    outcome: Option<Outcome>,
    supplement_requested_on: Option<NaiveDate>,
    fee_notice_on: Option<NaiveDate>,
    fee_basis: Option<FeeBasis>,
) -> Result<Option<Abandonment>, (Column, String)> {
    let unused = |column: Column, used_with: &str| {
        Err((
            column,
            format!("must be empty unless the outcome is {used_with}"),
        ))
    };
    match outcome {
        Some(Outcome::OtherNoSupplement) => match (fee_notice_on, fee_basis) {
            (Some(_), _) => unused(Column::FeeNoticeOn, "other.fee_unpaid"),
            (None, Some(_)) => unused(Column::FeeYuan, "other.fee_unpaid"),
            (None, None) => supplement_requested_on
                .map(|requested_on| Some(Abandonment::NoSupplement { requested_on }))
                .ok_or((
                    Column::SupplementRequestedOn,
                    "missing: other.no_supplement (逾期不补正) needs the day 补正 was requested"
                        .into(),
                )),
        },
        Some(Outcome::OtherFeeUnpaid) => {
            if supplement_requested_on.is_some() {
                return unused(Column::SupplementRequestedOn, "other.no_supplement");
            }
            fee_notice_on
                .map(|issued_on| {
                    Some(Abandonment::FeeUnpaid {
                        issued_on,
                        basis: fee_basis.unwrap_or(LOWEST_FEE),
                    })
                })
                .ok_or((
                    Column::FeeNoticeOn,
                    "missing: other.fee_unpaid (逾期未缴费) needs the day the fee notice was issued".into(),
                ))
        }
        _ if supplement_requested_on.is_some() => {
            unused(Column::SupplementRequestedOn, "other.no_supplement")
        }
        _ if fee_notice_on.is_some() => unused(Column::FeeNoticeOn, "other.fee_unpaid"),
        _ if fee_basis.is_some() => unused(Column::FeeYuan, "other.fee_unpaid"),
        _ => Ok(None),
    }
}

/// The fee of a notice whose amount the ledger leaves empty: the first charged application of a month.
const LOWEST_FEE: FeeBasis = FeeBasis::PerApplication {
    nth_in_month: FREE_APPLICATIONS_PER_MONTH + 1,
};

/// A fee in whole yuan ("300", "300.00", "300元") as the basis that charges it: the per-application basis if one
/// does (its fees are the multiples of 100 yuan), else the per-page one; amounts neither charges are refused.
fn fee_basis(text: &str) -> Result<Field, String> {
    let not_a_fee = || format!("{text:?} is not a fee in whole yuan (e.g. 100)");
    let number = text.trim().trim_end_matches('元').trim();
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    if !fraction.chars().all(|c| c == '0') {
        return Err(not_a_fee());
    }
    let yuan: u64 = whole.parse().map_err(|_| not_a_fee())?;
    let wanted = Fen::from_yuan(yuan);
    let per_application = smallest_charging(
        FREE_APPLICATIONS_PER_MONTH + 1,
        MAX_APPLICATIONS_PER_MONTH,
        wanted,
        |nth| FeeBasis::PerApplication { nth_in_month: nth },
    );
    per_application
        .or_else(|| smallest_charging(FREE_PAGES + 1, MAX_PAGES, wanted, |pages| FeeBasis::PerPage { pages }))
        .map(Field::FeeBasis)
        .ok_or_else(|| {
            format!("no fee under 国办函〔2020〕109号 comes to {yuan} yuan (per application: multiples of 100)")
        })
}

/// The smallest count in `low..=high` whose basis charges exactly `wanted`; fees never fall as the count
/// grows, so a binary search finds it.
fn smallest_charging(
    low: u32,
    high: u32,
    wanted: Fen,
    basis: impl Fn(u32) -> FeeBasis,
) -> Option<FeeBasis> {
    // Counts in range always have a fee; an error reads as "too high", which keeps the search inside the range.
    let charges = |count: u32| basis(count).amount().ok();
    let (mut low, mut high) = (low, high);
    while low < high {
        let middle = low + (high - low) / 2;
        if charges(middle).is_some_and(|fee| fee < wanted) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    (charges(low) == Some(wanted)).then(|| basis(low))
}

fn required(
    cell: &Cell,
    parse: fn(&str) -> Result<Field, String>,
) -> Result<Option<Field>, String> {
    optional(cell, parse)?
        .map(Some)
        .ok_or_else(|| "missing".into())
}

fn optional(
    cell: &Cell,
    parse: fn(&str) -> Result<Field, String>,
) -> Result<Option<Field>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(text) => parse(text).map(Some),
        // A date cell is only right in a date column; elsewhere its ISO text is parsed like any text.
        Cell::Date(day) => parse(&day.to_string()).map(Some),
    }
}

/// Date formats ledgers use. A time after the date (as spreadsheets export it) is ignored.
const DATE_FORMATS: [&str; 4] = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"];

fn date(text: &str) -> Result<Field, String> {
    let day = text.split_whitespace().next().unwrap_or_default();
    DATE_FORMATS
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(day, format).ok())
        .map(Field::Date)
        .ok_or_else(|| format!("{text:?} is not a valid date (YYYY-MM-DD)"))
}

fn id(text: &str) -> Result<Field, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("missing".into());
    }
    required_text(text, "external_id", MAX_ID_LEN).map_err(|e| e.rule.to_string())?;
    Ok(Field::Text(text.to_owned()))
}

/// An agency id, by the domain's one rule for them.
fn agency(text: &str) -> Result<Field, String> {
    AgencyId::parse(text.trim())
        .map(Field::Agency)
        .map_err(|e| e.to_string())
}

/// Free text, by the domain's one rule for text (length, no control characters).
fn free_text(text: &str) -> Result<Field, String> {
    optional_text(text, "text", MAX_TEXT_LEN).map_err(|e| e.rule.to_string())?;
    Ok(Field::Text(text.to_owned()))
}

/// 申请人情况 as ledgers write it: the Chinese column label or the table 三 column code.
const APPLICANT_TYPES: [(&str, ApplicantType); 7] = [
    ("自然人", ApplicantType::NaturalPerson),
    ("商业企业", ApplicantType::Business),
    ("科研机构", ApplicantType::Research),
    ("社会公益组织", ApplicantType::Nonprofit),
    ("法律服务机构", ApplicantType::LegalService),
    ("其他", ApplicantType::OtherOrg),
    ("其他组织", ApplicantType::OtherOrg),
];

fn applicant_type(text: &str) -> Result<Field, String> {
    APPLICANT_TYPES
        .iter()
        .find(|(label, _)| *label == text)
        .map(|(_, t)| *t)
        .or_else(|| ApplicantType::from_cell_column(&text.to_ascii_lowercase()))
        .map(Field::Applicant)
        .ok_or_else(|| {
            format!("unknown applicant type {text:?} (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他)")
        })
}

/// 渠道 as ledgers write it. A letter is taken as signed for (Art. 31(二)); the receipt date is the ledger's.
const CHANNELS: [(&str, &str, Channel); 7] = [
    ("当面", "in_person", Channel::InPerson),
    ("信函", "post", Channel::PostSigned),
    ("网络", "internet", Channel::Internet),
    ("网上", "online", Channel::Internet),
    ("传真", "fax", Channel::Fax),
    ("热线转办", "hotline_referral", Channel::HotlineReferral),
    ("热线", "hotline", Channel::HotlineReferral),
];

fn channel(text: &str) -> Result<Field, String> {
    CHANNELS
        .iter()
        .find(|(zh, en, _)| *zh == text || en.eq_ignore_ascii_case(text))
        .map(|(_, _, channel)| Field::Channel(*channel))
        .ok_or_else(|| format!("unknown channel {text:?} (当面, 信函, 网络, 传真, 热线转办)"))
}

/// The short names ledgers use for the two abandonment outcomes, whose labels are whole sentences.
const OUTCOME_SHORT_NAMES: [(&str, Outcome); 2] = [
    ("逾期不补正", Outcome::OtherNoSupplement),
    ("逾期未缴费", Outcome::OtherFeeUnpaid),
];

/// An outcome by its cell row code, its full printed label, the label without its numbering, or a short name.
fn outcome(text: &str) -> Result<Field, String> {
    let wanted: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Outcome::from_cell_row(&wanted.to_ascii_lowercase())
        .or_else(|| {
            OUTCOME_SHORT_NAMES
                .iter()
                .find(|(name, _)| *name == wanted)
                .map(|(_, outcome)| *outcome)
        })
        .or_else(|| {
            Outcome::all()
                .into_iter()
                .find(|o| o.label_zh() == wanted || label_without_numbering(o.label_zh()) == wanted)
        })
        .map(Field::Outcome)
        .ok_or_else(|| {
            format!("unknown outcome {text:?} (a table 三 row code such as withheld.third_party, or its label)")
        })
}

/// "（三）4.保护第三方合法权益" → "保护第三方合法权益"; "（一）予以公开" → "予以公开".
fn label_without_numbering(label: &str) -> &str {
    let rest = label.split_once('）').map_or(label, |(_, rest)| rest);
    rest.trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn raw(cells: &[(Column, &str)]) -> RawRow {
        let cells: BTreeMap<Column, Cell> = cells
            .iter()
            .map(|(c, text)| (*c, Cell::Text((*text).to_owned())))
            .collect();
        RawRow { number: 7, cells }
    }

    fn base() -> Vec<(Column, &'static str)> {
        vec![
            (Column::ExternalId, "2018-001"),
            (Column::ReceivedOn, "2018年3月5日"),
            (Column::ApplicantType, "自然人"),
            (Column::Channel, "网络"),
        ]
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn an_open_row_parses_with_the_default_agency() {
        let row = parse(Path::new("l.csv"), &raw(&base()), Some("simao/gov")).expect("row parses");
        assert_eq!(row.agency, AgencyId::parse("simao/gov").unwrap());
        assert_eq!(row.received_on, d(2018, 3, 5));
        assert_eq!(row.channel, Channel::Internet);
        assert_eq!(row.decision, None);
    }

    #[test]
    fn outcomes_are_accepted_by_code_and_by_label() {
        for text in [
            "withheld.third_party",
            "保护第三方合法权益",
            "（三）4.保护第三方合法权益",
        ] {
            let mut cells = base();
            cells.extend([(Column::Outcome, text), (Column::DecidedOn, "2018-03-20")]);
            let row = parse(Path::new("l.csv"), &raw(&cells), Some("a")).expect(text);
            let decision = row.decision.expect("decided");
            assert_eq!(decision.outcome, Outcome::WithheldThirdParty, "{text}");
            assert_eq!(decision.delivered_on, d(2018, 3, 20));
            assert_eq!(
                decision.legal_reason,
                Outcome::WithheldThirdParty.legal_basis()
            );
        }
        for outcome in Outcome::all() {
            assert!(
                matches!(super::outcome(outcome.label_zh()), Ok(Field::Outcome(o)) if o == outcome)
            );
            let short = label_without_numbering(outcome.label_zh());
            assert!(
                matches!(super::outcome(short), Ok(Field::Outcome(o)) if o == outcome),
                "{short}"
            );
        }
    }

    #[test]
    fn every_problem_of_a_row_is_reported_with_its_column() {
        let cells = vec![
            (Column::ExternalId, "x"),
            (Column::ReceivedOn, "2019-02-30"),
            (Column::ApplicantType, "外星人"),
            (Column::Channel, "当面"),
            (Column::Outcome, "granted"),
        ];
        let problems = parse(Path::new("l.csv"), &raw(&cells), None).expect_err("bad row");
        let columns: Vec<_> = problems
            .iter()
            .map(|p| p.column.expect("column named"))
            .collect();
        assert_eq!(
            columns,
            vec!["received_on", "applicant_type", "outcome", "agency"]
        );
        assert!(problems.iter().all(|p| p.row == 7));
        assert!(
            problems[0].message.contains("2019-02-30"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn abandonment_outcomes_need_their_column_and_others_refuse_it() {
        let mut cells = base();
        cells.extend([
            (Column::Outcome, "逾期不补正"),
            (Column::DecidedOn, "2018-04-20"),
        ]);
        let problems = parse(Path::new("l.csv"), &raw(&cells), Some("a")).expect_err("no 补正日期");
        assert_eq!(problems[0].column, Some("supplement_requested_on"));
        cells.push((Column::SupplementRequestedOn, "2018-03-07"));
        let row = parse(Path::new("l.csv"), &raw(&cells), Some("a")).expect("with 补正日期");
        assert_eq!(
            row.decision.expect("decided").abandonment,
            Some(Abandonment::NoSupplement {
                requested_on: d(2018, 3, 7)
            })
        );

        let mut cells = base();
        cells.extend([
            (Column::Outcome, "other.fee_unpaid"),
            (Column::DecidedOn, "2018-04-20"),
            (Column::FeeYuan, "300"),
        ]);
        let problems = parse(Path::new("l.csv"), &raw(&cells), Some("a")).expect_err("no notice");
        assert_eq!(problems[0].column, Some("fee_notice_on"));

        let mut cells = base();
        cells.extend([
            (Column::Outcome, "disclosed"),
            (Column::DecidedOn, "2018-04-20"),
            (Column::FeeNoticeOn, "2018-03-07"),
        ]);
        let problems = parse(Path::new("l.csv"), &raw(&cells), Some("a")).expect_err("unused");
        assert_eq!(problems[0].column, Some("fee_notice_on"));
    }

    #[test]
    fn fees_map_to_the_basis_that_charges_them() {
        let basis = |text| match fee_basis(text) {
            Ok(Field::FeeBasis(basis)) => Ok(basis),
            Ok(other) => panic!("{other:?}"),
            Err(message) => Err(message),
        };
        assert_eq!(basis("100"), Ok(LOWEST_FEE));
        assert_eq!(
            basis("300元"),
            Ok(FeeBasis::PerApplication { nth_in_month: 41 })
        );
        assert_eq!(basis("50.00"), Ok(FeeBasis::PerPage { pages: 35 }));
        for bad in ["15", "0", "12.5", "abc", "-100"] {
            assert!(basis(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn impossible_date_orders_are_refused() {
        let mut cells = base();
        cells.extend([
            (Column::Outcome, "disclosed"),
            (Column::DecidedOn, "2018-03-01"),
        ]);
        let problems = parse(Path::new("l.csv"), &raw(&cells), Some("a"))
            .expect_err("decided before received");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].column, Some("decided_on"));
        let mut cells = base();
        cells.extend([
            (Column::Outcome, "disclosed"),
            (Column::DecidedOn, "2018-03-09"),
            (Column::DeliveredOn, "2018-03-08"),
        ]);
        let problems = parse(Path::new("l.csv"), &raw(&cells), Some("a"))
            .expect_err("delivered before decided");
        assert_eq!(problems[0].column, Some("delivered_on"));
    }
}
