//! Rule violations: why a command was refused, naming the rule and the command field it concerns.
//! A violation changes nothing: `decide` returns it instead of events.

/// A command refused by a lifecycle rule or by bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule} (field `{field}`)")]
pub struct RuleViolation {
    pub rule: Rule,
    /// The command field the rule concerns, e.g. `"legal_reason"`.
    pub field: &'static str,
}

impl RuleViolation {
    pub fn new(rule: Rule, field: &'static str) -> Self {
        Self { rule, field }
    }

    /// True when the command was well-formed but the case is in the wrong state for it (gRPC
    /// FAILED_PRECONDITION); false for bad input (INVALID_ARGUMENT).
    pub fn is_precondition(&self) -> bool {
        self.rule.is_precondition()
    }
}

/// Which rule forbids the command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    // Bad input.
    #[error("a required field is empty")]
    Empty,
    #[error("the field is longer than {limit} characters")]
    TooLong { limit: usize },
    #[error("the field holds a control character (U+{code:04X}) at character {index}")]
    ControlCharacter { code: u32, index: usize },
    #[error("the time is earlier than the case's last event ({last})")]
    BeforeEarlierEvent { last: chrono::DateTime<chrono::Utc> },
    #[error("the date is later than today ({today})")]
    DateInFuture { today: chrono::NaiveDate },
    #[error("the date is earlier than {earliest}, when {what}")]
    DateTooEarly {
        earliest: chrono::NaiveDate,
        what: &'static str,
    },
    #[error("the value {value} is outside {min}..={max}")]
    OutOfRange { value: i64, min: i64, max: i64 },
    #[error("a decision needs a legal reason")]
    DecisionNeedsLegalReason,
    #[error("outcome {outcome} is reached by abandonment, not by a decision")]
    OutcomeOnlyByAbandonment { outcome: crate::outcome::Outcome },
    #[error("the channel {channel} needs no separate receipt confirmation")]
    NoConfirmationForChannel { channel: &'static str },
    #[error("the date {date} is outside the working-day calendar: {reason}")]
    CalendarNotCovered {
        date: chrono::NaiveDate,
        reason: String,
    },
    #[error("a case cannot be linked to itself")]
    SelfLink,
    #[error(
        "litigation after reconsideration must name the reconsideration it follows, and only it may"
    )]
    PriorReconsiderationMismatch,
    #[error("a proactive disclosure needs at least one channel")]
    NoChannel,
    #[error("the fee computation failed: {0}")]
    Fee(String),
    #[error("co-handling units must not include the lead unit")]
    LeadUnitAsCoUnit,

    // Lifecycle preconditions.
    #[error("the case already exists")]
    AlreadyExists,
    #[error("the case does not exist yet")]
    NotFound,
    #[error("the case is closed")]
    Closed,
    #[error("the receipt date is not yet established (Art. 31: confirm receipt first)")]
    ReceiptNotConfirmed,
    #[error("receipt is already confirmed")]
    ReceiptAlreadyConfirmed,
    #[error("补正 may be requested only once (Art. 30)")]
    SupplementOnlyOnce,
    #[error(
        "补正 must be requested within 7 working days of receipt (Art. 30), i.e. by {last_day}"
    )]
    SupplementTooLate { last_day: chrono::NaiveDate },
    #[error("no 补正 is outstanding")]
    NoSupplementOutstanding,
    #[error("the case is waiting for the applicant's 补正")]
    AwaitingSupplement,
    #[error("the 补正 period runs until {until}; the application is not yet abandoned")]
    SupplementPeriodRunning { until: chrono::NaiveDate },
    #[error("a consultation with this party is already open")]
    ConsultationAlreadyOpen,
    #[error("no open consultation with this party")]
    NoOpenConsultation,
    #[error("only one extension is allowed (Art. 33)")]
    OnlyOneExtension,
    #[error("only one fee notice per application, on one basis (国办函〔2020〕109号)")]
    OnlyOneFeeNotice,
    #[error("the fee for this basis is zero; no notice is needed")]
    FeeIsZero,
    #[error("no unpaid fee notice is outstanding")]
    NoFeeOutstanding,
    #[error("a fee notice is unpaid")]
    FeeOutstanding,
    #[error("the fee payment period runs until {until}")]
    FeePeriodRunning { until: chrono::NaiveDate },
    #[error("the paid amount differs from the notice ({expected})")]
    FeeAmountMismatch { expected: crate::fees::Fen },
    #[error("the case already has an outcome")]
    AlreadyDecided,
    #[error("unavailable.still_unclear needs a 补正 that was answered (Art. 30)")]
    StillUnclearNeedsSupplement,
    #[error("the case has no outcome yet")]
    NotDecided,
    #[error("the reply was already delivered")]
    ReplyAlreadyDelivered,
    #[error("cannot close without an outcome")]
    CloseWithoutOutcome,
    #[error("cannot close before the reply is delivered")]
    CloseBeforeReply,
    #[error("the ticket was already answered or dispatched")]
    AlreadyHandledAtIntake,
    #[error("the ticket is not dispatched to a unit")]
    NotDispatched,
    #[error("the ticket is already dispatched and not returned")]
    AlreadyDispatched,
    #[error("the ticket is dispatched to another unit")]
    WrongUnit,
    #[error("the ticket is already signed for")]
    AlreadySigned,
    #[error("the ticket is not signed for by the unit")]
    NotSigned,
    #[error("the ticket is not handled yet")]
    NotHandled,
    #[error("the ticket is already handled")]
    AlreadyHandled,
    #[error("the caller has not been replied to")]
    NotReplied,
    #[error("the caller was already replied to")]
    AlreadyReplied,
    #[error("re-handling (重办) needs an unsatisfied follow-up")]
    ReHandlingNeedsUnsatisfied,
    #[error("the ticket was merged into another")]
    Merged,
    #[error("the reply period has already passed ({deadline})")]
    DeadlinePassed { deadline: chrono::NaiveDate },
    #[error("already extended")]
    AlreadyExtended,
    #[error("not published before the reply")]
    NotYetReplied,
    #[error("the challenge already concluded")]
    AlreadyConcluded,
    #[error("only a document record can be repealed")]
    NotADocument,
    #[error("the document is already repealed")]
    AlreadyRepealed,
}

impl Rule {
    pub fn is_precondition(&self) -> bool {
        !matches!(
            self,
            Rule::Empty
                | Rule::TooLong { .. }
                | Rule::ControlCharacter { .. }
                | Rule::BeforeEarlierEvent { .. }
                | Rule::DateInFuture { .. }
                | Rule::DateTooEarly { .. }
                | Rule::OutOfRange { .. }
                | Rule::DecisionNeedsLegalReason
                | Rule::OutcomeOnlyByAbandonment { .. }
                | Rule::NoConfirmationForChannel { .. }
                | Rule::CalendarNotCovered { .. }
                | Rule::SelfLink
                | Rule::PriorReconsiderationMismatch
                | Rule::NoChannel
                | Rule::Fee(_)
                | Rule::LeadUnitAsCoUnit
        )
    }
}

/// The longest free-text field any command accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The control characters free text may hold: the line breaks and tabs of multi-line text that staff type or
/// paste. Any other (NUL, escape sequences, …) is never what someone meant to write in a case file.
pub const ALLOWED_CONTROL_CHARS: [char; 3] = ['\n', '\r', '\t'];

/// The one check of a required text field, used by every command and by the services' own fields (external
/// ids): not empty or whitespace only, then [`optional_text`].
pub fn required_text(value: &str, field: &'static str, limit: usize) -> Result<(), RuleViolation> {
    if value.trim().is_empty() {
        return Err(RuleViolation::new(Rule::Empty, field));
    }
    optional_text(value, field, limit)
}

/// The check of a text field that may be empty: at most `limit` characters, no control character other than
/// [`ALLOWED_CONTROL_CHARS`].
pub fn optional_text(value: &str, field: &'static str, limit: usize) -> Result<(), RuleViolation> {
    if let Some((index, c)) = value
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !ALLOWED_CONTROL_CHARS.contains(c))
    {
        let rule = Rule::ControlCharacter {
            code: u32::from(c),
            index,
        };
        return Err(RuleViolation::new(rule, field));
    }
    if value.chars().count() > limit {
        return Err(RuleViolation::new(Rule::TooLong { limit }, field));
    }
    Ok(())
}

/// Shared checks used by every case kind's `decide`.
pub(crate) mod check {
    use chrono::NaiveDate;

    use super::{MAX_TEXT_CHARS, Rule, RuleViolation};

    pub fn text(value: &str, field: &'static str) -> Result<(), RuleViolation> {
        super::required_text(value, field, MAX_TEXT_CHARS)
    }

    pub fn optional_text(value: &str, field: &'static str) -> Result<(), RuleViolation> {
        super::optional_text(value, field, MAX_TEXT_CHARS)
    }

    /// `date` is not after `today` and not before `earliest` (a fact the case already has).
    pub fn date(
        date: NaiveDate,
        today: NaiveDate,
        earliest: Option<(NaiveDate, &'static str)>,
        field: &'static str,
    ) -> Result<(), RuleViolation> {
        if date > today {
            return Err(RuleViolation::new(Rule::DateInFuture { today }, field));
        }
        match earliest {
            Some((earliest, what)) if date < earliest => Err(RuleViolation::new(
                Rule::DateTooEarly { earliest, what },
                field,
            )),
            _ => Ok(()),
        }
    }

    pub fn range(value: u32, min: u32, max: u32, field: &'static str) -> Result<(), RuleViolation> {
        if value < min || value > max {
            let rule = Rule::OutOfRange {
                value: value.into(),
                min: min.into(),
                max: max.into(),
            };
            return Err(RuleViolation::new(rule, field));
        }
        Ok(())
    }

    pub fn fail<T>(rule: Rule, field: &'static str) -> Result<T, RuleViolation> {
        Err(RuleViolation::new(rule, field))
    }

    pub fn calendar(
        error: crate::calendar::CalendarError,
        date: NaiveDate,
        field: &'static str,
    ) -> RuleViolation {
        RuleViolation::new(
            Rule::CalendarNotCovered {
                date,
                reason: error.to_string(),
            },
            field,
        )
    }
}
