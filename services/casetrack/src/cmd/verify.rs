//! `casetrack verify`: walk the log's hash chain (written by the eventlog helper; placeholder).

#[derive(clap::Args)]
pub struct Args {
    /// Data directory holding the event log.
    #[arg(long, default_value = "casetrack-data")]
    pub data: std::path::PathBuf,
}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("not yet implemented")
}
