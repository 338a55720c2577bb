//! `casetrack agency`: the agency registry (机关名录) of a running server, through its `Agencies` service —
//! `add` registers one agency, `amend` changes one, `import FILE` registers every row of a CSV file (in file
//! order, so parents come first), `list` prints the registry. Like `report --server`, it talks to a running
//! `casetrack serve` (or any process serving the command services) with a bearer token.

use std::path::{Path, PathBuf};

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use serde::Deserialize;
use tonic::transport::Channel;

use super::tls::ClientTlsArgs;

/// The most rows one import file may hold (a district registers a few hundred agencies).
pub const MAX_IMPORT_ROWS: usize = 10_000;

#[derive(clap::Args)]
pub struct Args {
    /// The server (e.g. http://127.0.0.1:50051; https:// when it serves TLS).
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub server: String,
    /// Bearer token of the administrator (or set CASETRACK_TOKEN).
    #[arg(long, env = "CASETRACK_TOKEN", hide_env_values = true)]
    pub token: String,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Register an agency.
    Add(Entry),
    /// Change a registered agency (name, parent, validity).
    Amend(Entry),
    /// Register every agency of a CSV file with the header id,name,parent,valid_from,valid_to (parents first).
    Import {
        /// The CSV file (UTF-8).
        file: PathBuf,
    },
    /// List the registered agencies.
    List,
}

/// One agency as given on the command line or in a row of an import file.
#[derive(clap::Args, Deserialize)]
pub struct Entry {
    /// Agency id, a path in the agency tree ("simao/finance").
    pub id: String,
    /// The name printed on reports ("思茅区财政局").
    pub name: String,
    /// The agency it answers to (registered first); none for a root.
    #[arg(long)]
    #[serde(default)]
    pub parent: Option<String>,
    /// First day it exists (YYYY-MM-DD).
    #[arg(long)]
    pub valid_from: String,
    /// Last day it exists (YYYY-MM-DD); none while it exists.
    #[arg(long)]
    #[serde(default)]
    pub valid_to: Option<String>,
}

impl Entry {
    fn request(&self) -> pb::AgencyEntry {
        pb::AgencyEntry {
            id: self.id.clone(),
            name: self.name.clone(),
            parent: self.parent.clone().unwrap_or_default(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone().unwrap_or_default(),
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let mut client = Client::connect(&args).await?;
        match &args.command {
            Command::Add(entry) => client.register(entry).await,
            Command::Amend(entry) => client.amend(entry).await,
            Command::Import { file } => {
                for entry in read_file(file)? {
                    client.register(&entry).await?;
                }
                Ok(())
            }
            Command::List => client.list().await,
        }
    })
}

/// The rows of an import file, each a registration.
fn read_file(file: &Path) -> anyhow::Result<Vec<Entry>> {
    let mut reader =
        csv::Reader::from_path(file).with_context(|| format!("read {}", file.display()))?;
    let mut entries = Vec::new();
    for (index, row) in reader.deserialize::<Entry>().enumerate() {
        anyhow::ensure!(
            index < MAX_IMPORT_ROWS,
            "{}: more than {MAX_IMPORT_ROWS} rows",
            file.display()
        );
        // Row 1 is the header.
        entries.push(row.with_context(|| format!("{} 第 {} 行", file.display(), index + 2))?);
    }
    Ok(entries)
}

struct Client {
    agencies: AgenciesClient<Channel>,
    bearer: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
}

impl Client {
    async fn connect(args: &Args) -> anyhow::Result<Client> {
        let (server, token) = (&args.server, &args.token);
        let channel = args
            .tls
            .endpoint("--server", server)?
            .connect()
            .await
            .with_context(|| format!("connect to {server}"))?;
        let agencies = AgenciesClient::new(channel);
        let bearer = format!("Bearer {token}")
            .parse()
            .context("the token must be printable ASCII")?;
        Ok(Client { agencies, bearer })
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.bearer.clone());
        request
    }

    async fn register(&mut self, entry: &Entry) -> anyhow::Result<()> {
        let request = self.request(entry.request());
        let written = self.agencies.register_agency(request).await;
        report(entry, "已登记", written)
    }

    async fn amend(&mut self, entry: &Entry) -> anyhow::Result<()> {
        let request = self.request(entry.request());
        let written = self.agencies.amend_agency(request).await;
        report(entry, "已修改", written)
    }

    async fn list(&mut self) -> anyhow::Result<()> {
        let request = self.request(pb::ListAgenciesRequest {});
        let list = self.agencies.list_agencies(request).await?.into_inner();
        println!("已登记机关：{} 个", list.agencies.len());
        for agency in list.agencies {
            let parent = if agency.parent.is_empty() {
                "（无）"
            } else {
                &agency.parent
            };
            let to = if agency.valid_to.is_empty() {
                "至今"
            } else {
                &agency.valid_to
            };
            println!(
                "  {}  {}  上级 {parent}  有效期 {} 至 {to}",
                agency.id, agency.name, agency.valid_from
            );
        }
        Ok(())
    }
}

fn report(
    entry: &Entry,
    done: &str,
    written: Result<tonic::Response<pb::AgencyWritten>, tonic::Status>,
) -> anyhow::Result<()> {
    let written = written
        .map_err(|status| anyhow::anyhow!("{}（{}）：{}", entry.id, entry.name, status.message()))?
        .into_inner();
    if written.written {
        println!(
            "{} {}（{}），日志位置 {}",
            done, entry.id, entry.name, written.position
        );
    } else {
        println!(
            "无变化：{}（{}）与登记内容相同，未重复写入",
            entry.id, entry.name
        );
    }
    Ok(())
}
