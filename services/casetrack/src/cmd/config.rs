//! `casetrack config check`: the configuration a command would run with — each flag's value and where it comes
//! from (flag, environment, file, default) — or the error that would stop it, naming the bad key or value.

use std::ffi::OsString;

use anyhow::anyhow;
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command as ClapCommand};

use crate::config::{CONFIG_FLAG, ConfigFile, command, env_name};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the effective configuration of a command line (e.g. `config check serve --listen 0.0.0.0:50051`);
    /// without one, of each command the file has a table for, or of `serve`.
    Check(CheckArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The command line to check, without `casetrack`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<OsString>,
}

/// The command lines `config check` checks when given none.
const DEFAULT_COMMAND: &str = "serve";

pub fn run(Command::Check(args): Command, file: Option<&ConfigFile>) -> anyhow::Result<()> {
    let lines: Vec<Vec<OsString>> = if !args.command.is_empty() {
        vec![args.command]
    } else {
        let mut sections: Vec<Vec<OsString>> = file
            .iter()
            .flat_map(|file| file.sections())
            .map(|name| vec![name.into()])
            .collect();
        if sections.is_empty() {
            sections.push(vec![DEFAULT_COMMAND.into()]);
        }
        sections
    };
    match file {
        Some(file) => println!("# 配置文件 {}", file.path.display()),
        None => println!("# 无配置文件 (--config / CASETRACK_CONFIG)"),
    }
    for line in lines {
        print!("{}", effective(file, line)?);
    }
    Ok(())
}

/// The effective configuration of `casetrack LINE` as a TOML table, each value with its source.
fn effective(file: Option<&ConfigFile>, line: Vec<OsString>) -> anyhow::Result<String> {
    let mut root = command::<crate::Cli>(file)?;
    // Built, so that every command lists the global flags it inherits.
    root.build();
    let argv = std::iter::once(OsString::from("casetrack")).chain(line);
    let matches = root
        .clone()
        .try_get_matches_from(argv)
        .map_err(|error| anyhow!("{}", error.render()))?;
    let (path, command, matches) = innermost(&root, &matches);
    let section = path.first().map(String::as_str);
    let mut out = format!("\n[{}]\n", path.join("."));
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long().filter(|_| configures(arg)) else {
            continue;
        };
        let id = arg.get_id().as_str();
        let Some(source) = matches.value_source(id) else {
            out.push_str(&format!("# {long}: 未设置\n"));
            continue;
        };
        let value = if arg.is_hide_env_values_set() {
            "\"(隐藏)\"".to_owned()
        } else {
            shown(matches, id)
        };
        let from = match source {
            ValueSource::CommandLine => "命令行".to_owned(),
            ValueSource::EnvVariable => format!("环境变量 {}", env_name(long)),
            _ if file.is_some_and(|file| file.value(section, long).is_some()) => {
                "配置文件".to_owned()
            }
            _ => "默认值".to_owned(),
        };
        out.push_str(&format!("{long} = {value}  # {from}\n"));
    }
    Ok(out)
}

/// Whether `arg` is part of a command's configuration: not `--help`, `--version`, or `--config` (the file
/// itself, printed first).
fn configures(arg: &Arg) -> bool {
    let help = matches!(
        arg.get_action(),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
    );
    !help && arg.get_long() != Some(CONFIG_FLAG)
}

/// The deepest subcommand of `matches`: its path of names, its command and its matches.
fn innermost<'a>(
    root: &'a ClapCommand,
    matches: &'a ArgMatches,
) -> (Vec<String>, &'a ClapCommand, &'a ArgMatches) {
    let (mut path, mut command, mut matches) = (Vec::new(), root, matches);
    while let Some((name, sub_matches)) = matches.subcommand() {
        let Some(sub) = command.find_subcommand(name) else {
            break;
        };
        path.push(name.to_owned());
        (command, matches) = (sub, sub_matches);
    }
    (path, command, matches)
}

/// A flag's raw value(s) as TOML: a string, or an array of strings.
fn shown(matches: &ArgMatches, id: &str) -> String {
    let values: Vec<toml::Value> = matches
        .get_raw(id)
        .into_iter()
        .flatten()
        .map(|value| toml::Value::String(value.to_string_lossy().into_owned()))
        .collect();
    match <[toml::Value; 1]>::try_from(values) {
        Ok([one]) => one.to_string(),
        Err(many) => toml::Value::Array(many).to_string(),
    }
}
