//! `casetrack calendar`: the holiday arrangements deadlines are counted by. Each November the State Council
//! publishes next year's arrangement; `load` appends it (a holiday-cn year file) to the log's calendar stream,
//! after which every service computes deadlines under it, and `moved` lists the open deadlines each loaded
//! arrangement moved (case, old date, new date, the notice). Both open the data directory, like `import`: stop
//! `casetrack serve` first (the log has one writer).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use std::sync::Arc;

use casetrack_domain::calendar::{ARRANGEMENT_EVENT_TYPE, Arrangement, CALENDAR_STREAM};
use casetrack_domain::deadline::Clocks;
use casetrack_domain::{AgencyId, Case, DeadlineMove};
use casetrack_eventlog::Log;
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use casetrack_handlers::ids::derived_command_id;
use casetrack_handlers::{Actor, Commands, RecordedAt, Step};
use casetrack_projector::calendar::{MovedDeadline, moved_deadlines};
use casetrack_projector::{Projector, projections_dir};
use uuid::Uuid;

use crate::cmd::serve::log_dir;

/// Namespace of arrangement event ids: the id is derived from the file's content, so loading the same file
/// twice appends nothing.
const ARRANGEMENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6361_6c65_6e64_6172_2d61_7272_616e_6765);

/// The actor recorded on what `calendar load` writes.
const LOAD_ACTOR: &str = "casetrack calendar load";

#[derive(clap::Subcommand)]
pub enum Command {
    /// Load a published arrangement (a holiday-cn year file, e.g. 2027.json) into the log.
    Load {
        /// The year file.
        file: PathBuf,
        /// Data directory.
        #[arg(long, default_value = "casetrack-data")]
        data: PathBuf,
    },
    /// List the open deadlines that loaded arrangements moved.
    Moved {
        /// Data directory.
        #[arg(long, default_value = "casetrack-data")]
        data: PathBuf,
        /// Only this agency and those below it.
        #[arg(long)]
        agency: Option<String>,
    },
}

pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Load { file, data } => load(&file, &data),
        Command::Moved { data, agency } => {
            let agency = agency
                .map(|a| AgencyId::parse(&a))
                .transpose()
                .context("--agency")?;
            let moved = moved(&data, agency.as_ref())?;
            print(&moved);
            Ok(())
        }
    }
}

fn load(file: &Path, data: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("read {}", file.display()))?;
    let arrangement = Arrangement::from_year_file(&text)
        .with_context(|| format!("{} is not a published holiday arrangement", file.display()))?;
    // The arrangement must apply to the calendar the services start from: refuse now, not at every deadline.
    casetrack_domain::Calendar::embedded()?
        .amended("check", &arrangement.year_file)
        .with_context(|| format!("{} conflicts with the calendar", file.display()))?;
    let log = open_log(data)?;
    let event = NewEvent {
        event_id: Uuid::new_v5(&ARRANGEMENT_ID_NAMESPACE, text.as_bytes()),
        event_type: ARRANGEMENT_EVENT_TYPE.to_owned(),
        data: serde_json::to_value(&arrangement)?,
        metadata: Metadata {
            actor: Some(LOAD_ACTOR.to_owned()),
            ..Metadata::default()
        },
    };
    let head = log.next_position();
    let runtime = tokio::runtime::Runtime::new()?;
    let result =
        runtime.block_on(log.append(CALENDAR_STREAM, ExpectedRevision::Any, vec![event]))?;
    // The event id is the file's content: an append that lands before the old head was already there.
    let (done, note) = if result.last_position < head {
        ("此前已载入", "；未重复写入")
    } else {
        ("已载入", "")
    };
    println!(
        "{} 年放假安排{done}（通知 {}），日志位置 {}{note}",
        arrangement.year, arrangement.notice, result.last_position
    );
    drop(log);
    let moved = moved(data, None)?
        .into_iter()
        .filter(|m| m.position == result.last_position)
        .collect::<Vec<_>>();
    runtime.block_on(note_on_cases(data, &moved))?;
    print(&moved);
    Ok(())
}

/// Records the move on each case's own stream (`…DeadlineMoved`), so its timeline shows it and the status
/// updates tell the hotline line that submitted it. Idempotent: the command id is derived from the case and
/// the arrangement's position.
async fn note_on_cases(data: &Path, moved: &[MovedDeadline]) -> anyhow::Result<()> {
    let log: Arc<dyn Log> = Arc::new(open_log(data)?);
    let clocks = Clocks::new(casetrack_domain::Calendar::embedded()?);
    // Only existing cases are touched, so the tracking prefix (used when a case is created) never applies.
    let prefix = "SM".parse().map_err(anyhow::Error::msg)?;
    let commands = Commands::new(log, clocks, prefix);
    for m in moved {
        let change = DeadlineMove {
            old: m.old,
            new: m.new,
            notice: m.notice.clone(),
        };
        let Some(command) = Case::new(m.kind).note_deadline_moved(change) else {
            continue;
        };
        let step = Step {
            field: "case_id",
            case_id: m.case_id,
            command,
        };
        let id = derived_command_id(m.case_id, &format!("deadline-moved/{}", m.position));
        if let Err(error) = commands
            .execute(
                Actor::Reaction(LOAD_ACTOR),
                id,
                RecordedAt::Server,
                vec![step],
            )
            .await
        {
            // The move stays listed in the read model; only its note on the case is missing.
            eprintln!("{}: 未能记入案件时间线：{error}", m.tracking_number);
        }
    }
    Ok(())
}

/// The moved deadlines, with the projector brought up to date first.
fn moved(data: &Path, agency: Option<&AgencyId>) -> anyhow::Result<Vec<MovedDeadline>> {
    let log = open_log(data)?;
    let projector = Projector::open(&projections_dir(data)).context("open the projection store")?;
    projector.catch_up(&log, &mut |_, _| {})?;
    Ok(moved_deadlines(&projector.store().view(), agency)?)
}

fn open_log(data: &Path) -> anyhow::Result<EventLog> {
    if !log_dir(data).exists() {
        bail!("{}: no event log here (is --data right?)", data.display());
    }
    EventLog::open(&log_dir(data)).with_context(|| {
        format!(
            "open the event log in {} (stop `casetrack serve` first)",
            data.display()
        )
    })
}

fn print(moved: &[MovedDeadline]) {
    println!("期限变动的在办案件：{} 件", moved.len());
    let date = |d: Option<chrono::NaiveDate>| d.map_or("（无）".to_owned(), |d| d.to_string());
    for m in moved {
        let agency = m.agency.as_ref().map_or("", AgencyId::as_str);
        println!(
            "  {}  {}  {} → {}  （{}，位置 {}）",
            m.tracking_number,
            agency,
            date(m.old),
            date(m.new),
            m.notice,
            m.position
        );
    }
}
