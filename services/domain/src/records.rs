//! Non-case records the annual report counts: proactive disclosures, rules and normative documents,
//! licensing / penalty / compulsion decisions, fees collected, and other counted activity.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, ReplayError, admit};
use crate::fees::Fen;
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::rule::{Rule, RuleViolation, check};
use crate::summary::{CaseDetail, CaseState, CaseStatus};
use crate::time::local_date;

/// A channel of proactive disclosure; an item on several channels counts once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureChannel {
    /// 政府网站.
    Website,
    /// 政府公报.
    Gazette,
    /// 政务微博.
    Weibo,
    /// 政务微信.
    Wechat,
    /// 其他方式.
    Other,
}

impl DisclosureChannel {
    pub const ALL: [DisclosureChannel; 5] = [
        DisclosureChannel::Website,
        DisclosureChannel::Gazette,
        DisclosureChannel::Weibo,
        DisclosureChannel::Wechat,
        DisclosureChannel::Other,
    ];
}

impl DisclosureChannel {
    pub fn label_zh(self) -> &'static str {
        match self {
            DisclosureChannel::Website => "政府网站",
            DisclosureChannel::Gazette => "政府公报",
            DisclosureChannel::Weibo => "政务微博",
            DisclosureChannel::Wechat => "政务微信",
            DisclosureChannel::Other => "其他方式",
        }
    }
}

/// 规章 or 行政规范性文件 (table 二 rows `rules`, `normative_documents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Rule,
    NormativeDocument,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Rule, DocumentKind::NormativeDocument];

    pub fn label_zh(self) -> &'static str {
        match self {
            DocumentKind::Rule => "规章",
            DocumentKind::NormativeDocument => "行政规范性文件",
        }
    }

    /// The table 二 row cell code.
    pub fn cell_row(self) -> &'static str {
        match self {
            DocumentKind::Rule => "rules",
            DocumentKind::NormativeDocument => "normative_documents",
        }
    }
}

/// Things the report counts by number. The first three are table 二 rows (column `decisions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedMeasure {
    /// 行政许可 decisions.
    LicensingDecisions,
    /// 行政处罚 decisions.
    PenaltyDecisions,
    /// 行政强制 decisions.
    CompulsionDecisions,
    /// 信访 handled.
    PetitionsHandled,
    /// 培训班.
    TrainingSessions,
    /// 接受培训人员 (人次).
    TrainingParticipants,
    /// 回应公众关注热点或重大舆情.
    PublicConcernResponses,
    /// 政策解读稿件.
    PolicyInterpretations,
    /// 新闻发布会.
    PressConferences,
}

impl CountedMeasure {
    pub const ALL: [CountedMeasure; 9] = [
        CountedMeasure::LicensingDecisions,
        CountedMeasure::PenaltyDecisions,
        CountedMeasure::CompulsionDecisions,
        CountedMeasure::PetitionsHandled,
        CountedMeasure::TrainingSessions,
        CountedMeasure::TrainingParticipants,
        CountedMeasure::PublicConcernResponses,
        CountedMeasure::PolicyInterpretations,
        CountedMeasure::PressConferences,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            CountedMeasure::LicensingDecisions => "行政许可决定",
            CountedMeasure::PenaltyDecisions => "行政处罚决定",
            CountedMeasure::CompulsionDecisions => "行政强制决定",
            CountedMeasure::PetitionsHandled => "办理信访",
            CountedMeasure::TrainingSessions => "举办培训班",
            CountedMeasure::TrainingParticipants => "接受培训人员（人次）",
            CountedMeasure::PublicConcernResponses => "回应公众关注热点或重大舆情",
            CountedMeasure::PolicyInterpretations => "政策解读稿件",
            CountedMeasure::PressConferences => "新闻发布会",
        }
    }

    /// The table 二 row cell code for the three decision counts; `None` for measures outside table 二.
    pub fn proactive_cell_row(self) -> Option<&'static str> {
        match self {
            CountedMeasure::LicensingDecisions => Some("licensing"),
            CountedMeasure::PenaltyDecisions => Some("penalty"),
            CountedMeasure::CompulsionDecisions => Some("compulsion"),
            _ => None,
        }
    }
}

/// Events of a record stream. Type names are `Record` + variant, e.g. `RecordDisclosurePublished`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordEvent {
    /// One item proactively disclosed, on one or more channels (counts once).
    DisclosurePublished {
        agency: AgencyId,
        title: String,
        channels: BTreeSet<DisclosureChannel>,
        published_on: NaiveDate,
    },
    /// A rule or normative document issued; the stream is that document, so a repeal follows in it.
    DocumentIssued {
        agency: AgencyId,
        kind: DocumentKind,
        title: String,
        issued_on: NaiveDate,
    },
    DocumentRepealed {
        repealed_on: NaiveDate,
    },
    /// A count of decisions or activities over a period ending on `period_end`.
    Counted {
        agency: AgencyId,
        measure: CountedMeasure,
        count: u64,
        period_end: NaiveDate,
    },
    /// 行政事业性收费 collected (table 二 row `fees`).
    FeesCollected {
        agency: AgencyId,
        amount: Fen,
        collected_on: NaiveDate,
    },
}

/// The largest count one `Counted` record may carry.
pub const MAX_COUNT: u64 = 100_000_000;
/// The largest amount one `FeesCollected` record may carry: ¥100 million, far above any agency's yearly fees
/// (a fee notice is at most a few thousand yuan), and small enough that no number of records a report sums can
/// leave u64.
pub const MAX_FEES_COLLECTED: Fen = Fen::from_yuan(100_000_000);

/// A record's state: the event that created it and, for documents, the repeal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordState {
    pub case_id: Option<CaseId>,
    pub created: Option<RecordEvent>,
    pub repealed_on: Option<NaiveDate>,
    pub event_count: u64,
}

impl RecordState {
    fn agency_and_date(&self) -> Option<(AgencyId, NaiveDate)> {
        Some(match self.created.as_ref()? {
            RecordEvent::DisclosurePublished {
                agency,
                published_on,
                ..
            } => (agency.clone(), *published_on),
            RecordEvent::DocumentIssued {
                agency, issued_on, ..
            } => (agency.clone(), *issued_on),
            RecordEvent::Counted {
                agency, period_end, ..
            } => (agency.clone(), *period_end),
            RecordEvent::FeesCollected {
                agency,
                collected_on,
                ..
            } => (agency.clone(), *collected_on),
            RecordEvent::DocumentRepealed { .. } => return None,
        })
    }

    /// The kind-independent summary. Records are closed facts, except a document in force.
    pub fn case_state(&self) -> Option<CaseState> {
        let (agency, date) = self.agency_and_date()?;
        let in_force = matches!(self.created, Some(RecordEvent::DocumentIssued { .. }))
            && self.repealed_on.is_none();
        Some(CaseState {
            case_id: self.case_id?,
            kind: CaseKind::Record,
            agency,
            received_on: date,
            status: if in_force {
                CaseStatus::Open
            } else {
                CaseStatus::Closed
            },
            stage: if in_force {
                "in_force"
            } else if self.repealed_on.is_some() {
                "repealed"
            } else {
                "recorded"
            }
            .to_owned(),
            outcome: None,
            applicant_type: None,
            decided_on: Some(date),
            closed_on: if in_force {
                None
            } else {
                Some(self.repealed_on.unwrap_or(date))
            },
            detail: CaseDetail::Record,
        })
    }
}

/// Fold one event into the state.
pub fn evolve(state: &mut RecordState, event: &Event) -> Result<(), ReplayError> {
    // Every record event but a repeal creates the record.
    let creates = !matches!(
        &event.body,
        EventBody::Record(RecordEvent::DocumentRepealed { .. })
    );
    admit(CaseKind::Record, state.case_id, event, creates)?;
    let EventBody::Record(body) = &event.body else {
        unreachable!("admit verified the kind");
    };
    match body {
        RecordEvent::DocumentRepealed { repealed_on } => state.repealed_on = Some(*repealed_on),
        created => {
            state.case_id = Some(event.case_id);
            state.created = Some(created.clone());
        }
    }
    state.event_count += 1;
    Ok(())
}

/// A record's event as the annual-report ledger names it, e.g. "主动公开《…》，渠道：政府网站、政务微信".
/// Exhaustive on purpose: a new event cannot go undescribed.
pub fn describe(event: &RecordEvent) -> String {
    match event {
        RecordEvent::DisclosurePublished {
            agency: _,
            title,
            channels,
            published_on: _,
        } => {
            let channels: Vec<&str> = channels.iter().map(|c| c.label_zh()).collect();
            format!("主动公开《{title}》，渠道：{}", channels.join("、"))
        }
        RecordEvent::DocumentIssued {
            agency: _,
            kind,
            title,
            issued_on: _,
        } => format!("制发{}《{title}》", kind.label_zh()),
        RecordEvent::DocumentRepealed { repealed_on: _ } => "废止".to_owned(),
        RecordEvent::Counted {
            agency: _,
            measure,
            count,
            period_end,
        } => format!(
            "统计{}：{count}，统计期截至 {period_end}",
            measure.label_zh()
        ),
        RecordEvent::FeesCollected {
            agency: _,
            amount,
            collected_on: _,
        } => format!("收取行政事业性收费 {amount}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum RecordCommand {
    PublishDisclosure {
        case_id: CaseId,
        agency: AgencyId,
        title: String,
        channels: BTreeSet<DisclosureChannel>,
        published_on: NaiveDate,
    },
    IssueDocument {
        case_id: CaseId,
        agency: AgencyId,
        kind: DocumentKind,
        title: String,
        issued_on: NaiveDate,
    },
    RepealDocument {
        repealed_on: NaiveDate,
    },
    Count {
        case_id: CaseId,
        agency: AgencyId,
        measure: CountedMeasure,
        count: u64,
        period_end: NaiveDate,
    },
    CollectFees {
        case_id: CaseId,
        agency: AgencyId,
        amount: Fen,
        collected_on: NaiveDate,
    },
}

/// Decide what a command means for a record.
pub fn decide(
    state: &RecordState,
    command: RecordCommand,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, RuleViolation> {
    let ctx = Ctx {
        state,
        now,
        today: local_date(now),
    };
    match command {
        RecordCommand::PublishDisclosure {
            case_id,
            agency,
            title,
            channels,
            published_on,
        } => publish_disclosure(&ctx, case_id, agency, title, channels, published_on),
        RecordCommand::IssueDocument {
            case_id,
            agency,
            kind,
            title,
            issued_on,
        } => issue_document(&ctx, case_id, agency, kind, title, issued_on),
        RecordCommand::Count {
            case_id,
            agency,
            measure,
            count,
            period_end,
        } => record_count(&ctx, case_id, agency, measure, count, period_end),
        RecordCommand::CollectFees {
            case_id,
            agency,
            amount,
            collected_on,
        } => collect_fees(&ctx, case_id, agency, amount, collected_on),
        RecordCommand::RepealDocument { repealed_on } => repeal_document(&ctx, repealed_on),
    }
}

/// A command on a record: the state it is decided against, and the time.
struct Ctx<'a> {
    state: &'a RecordState,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Ctx<'_> {
    /// The event creating a record, once the command's own fields passed: the record must not exist yet,
    /// and `date` (named `field` in the command) is the record's date.
    fn create(
        &self,
        case_id: CaseId,
        date: NaiveDate,
        field: &'static str,
        body: RecordEvent,
    ) -> Result<Vec<Event>, RuleViolation> {
        if self.state.created.is_some() {
            return check::fail(Rule::AlreadyExists, "case_id");
        }
        check::date(date, self.today, None, field)?;
        Ok(vec![Event::new(case_id, self.now, EventBody::Record(body))])
    }
}

fn publish_disclosure(
    ctx: &Ctx,
    case_id: CaseId,
    agency: AgencyId,
    title: String,
    channels: BTreeSet<DisclosureChannel>,
    published_on: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    check::text(&title, "title")?;
    if channels.is_empty() {
        return check::fail(Rule::NoChannel, "channels");
    }
    let body = RecordEvent::DisclosurePublished {
        agency: agency.clone(),
        title,
        channels,
        published_on,
    };
    ctx.create(case_id, published_on, "published_on", body)
}

fn issue_document(
    ctx: &Ctx,
    case_id: CaseId,
    agency: AgencyId,
    kind: DocumentKind,
    title: String,
    issued_on: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    check::text(&title, "title")?;
    let body = RecordEvent::DocumentIssued {
        agency: agency.clone(),
        kind,
        title,
        issued_on,
    };
    ctx.create(case_id, issued_on, "issued_on", body)
}

/// The `Count` command (`count` is its field).
fn record_count(
    ctx: &Ctx,
    case_id: CaseId,
    agency: AgencyId,
    measure: CountedMeasure,
    count: u64,
    period_end: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    if count == 0 || count > MAX_COUNT {
        let max = i64::try_from(MAX_COUNT).unwrap_or(i64::MAX);
        return check::fail(
            Rule::OutOfRange {
                value: i64::try_from(count).unwrap_or(i64::MAX),
                min: 1,
                max,
            },
            "count",
        );
    }
    let body = RecordEvent::Counted {
        agency: agency.clone(),
        measure,
        count,
        period_end,
    };
    ctx.create(case_id, period_end, "period_end", body)
}

fn collect_fees(
    ctx: &Ctx,
    case_id: CaseId,
    agency: AgencyId,
    amount: Fen,
    collected_on: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    if amount == Fen(0) || amount > MAX_FEES_COLLECTED {
        let rule = Rule::OutOfRange {
            value: i64::try_from(amount.0).unwrap_or(i64::MAX),
            min: 1,
            max: i64::try_from(MAX_FEES_COLLECTED.0).unwrap_or(i64::MAX),
        };
        return check::fail(rule, "amount_fen");
    }
    let body = RecordEvent::FeesCollected {
        agency: agency.clone(),
        amount,
        collected_on,
    };
    ctx.create(case_id, collected_on, "collected_on", body)
}

fn repeal_document(ctx: &Ctx, repealed_on: NaiveDate) -> Result<Vec<Event>, RuleViolation> {
    let state = ctx.state;
    let (Some(case_id), Some(RecordEvent::DocumentIssued { issued_on, .. })) =
        (state.case_id, &state.created)
    else {
        let rule = if state.created.is_none() {
            Rule::NotFound
        } else {
            Rule::NotADocument
        };
        return check::fail(rule, "case_id");
    };
    if state.repealed_on.is_some() {
        return check::fail(Rule::AlreadyRepealed, "repealed_on");
    }
    check::date(
        repealed_on,
        ctx.today,
        Some((*issued_on, "the document was issued")),
        "repealed_on",
    )?;
    let body = RecordEvent::DocumentRepealed { repealed_on };
    Ok(vec![Event::new(case_id, ctx.now, EventBody::Record(body))])
}
