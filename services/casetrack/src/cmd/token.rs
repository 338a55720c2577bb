//! `casetrack token new`: a fresh random token for an identity, printed once, with the token file entry that
//! admits it. Only the entry (the token's SHA-256) goes into the token file; the token goes to its holder and
//! is stored nowhere by casetrack.

use std::collections::BTreeSet;

use casetrack_auth::{NewToken, Role};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Make a token for a new identity; add the printed entry to the token file (picked up within a second).
    New(NewArgs),
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// Who holds the token, e.g. "12345热线" or "思茅区财政局 张三"; recorded as the actor of what it does.
    #[arg(long)]
    pub name: String,
    /// A role (repeat for several): hotline, clerk, reviewer, approver, reply_officer, report_officer,
    /// auditor, admin.
    #[arg(long = "role", required = true)]
    pub roles: Vec<Role>,
    /// The agency subtree the identity works in, e.g. "simao" or "simao/finance"; only auditor and admin may
    /// go without.
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// The source system its submissions belong to: the hotline's number for a hotline, "console" for staff.
    #[arg(long, default_value = "console")]
    pub source_system: String,
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let Command::New(args) = command;
    let roles: BTreeSet<Role> = args.roles.into_iter().collect();
    let new = NewToken::generate(
        &args.name,
        roles,
        &args.source_system,
        args.jurisdiction.as_deref(),
    )
    .map_err(|reason| anyhow::anyhow!("{reason}"))?;
    println!("令牌（只显示这一次，请交给持有人妥善保管）：");
    println!("{}", new.token);
    println!();
    println!("加入令牌文件 \"identities\" 列表的条目：");
    println!("{}", serde_json::to_string_pretty(&new.entry)?);
    Ok(())
}
