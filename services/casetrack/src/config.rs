//! The one configuration mechanism of every `casetrack` process: a TOML file (`--config FILE`), `CASETRACK_*`
//! environment variables and flags. Every flag's long name is a key of the file and, upper-cased behind
//! `CASETRACK_` with `-` as `_`, an environment variable. The file's values become the flags' defaults, so clap
//! itself decides the precedence: a flag beats the environment, which beats the file, which beats the built-in
//! default.
//!
//! The file's top-level keys apply to every command that has such a flag; a `[command]` table (`[serve]`,
//! `[eventlog]`, …) applies to that command only and beats the top-level keys, so one file can configure every
//! process of a multi-process layout. A key no command has is an error naming it and the keys allowed there.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Arg, Command, CommandFactory};

/// Prefix of every flag's environment variable.
pub const ENV_PREFIX: &str = "CASETRACK_";

/// The flag naming the configuration file (also `CASETRACK_CONFIG`).
pub const CONFIG_FLAG: &str = "config";

/// Values of a file's keys, as clap takes them from the command line.
type Values = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("配置文件 {path} 无法读取: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("配置文件 {path} 不是有效的 TOML: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("配置文件 {path}: 键 `{key}` 的值须为字符串、数字、布尔值或其数组")]
    NotAValue { path: PathBuf, key: String },
    #[error("配置文件 {path}: 未知的键 `{key}`；此处允许: {allowed}")]
    UnknownKey {
        path: PathBuf,
        key: String,
        allowed: String,
    },
}

/// A loaded configuration file: its top-level values and its `[command]` tables.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    common: Values,
    sections: BTreeMap<String, Values>,
}

impl ConfigFile {
    /// The file named by `--config` in `args` (`--config FILE` or `--config=FILE`), else by `CASETRACK_CONFIG`;
    /// none when neither names one. Read before clap parses, because the file's values are clap's defaults.
    pub fn find(args: &[OsString]) -> Result<Option<Self>, ConfigError> {
        let flag = format!("--{CONFIG_FLAG}");
        let with_value = format!("{flag}=");
        let mut named = None;
        let mut args = args.iter().skip(1).map(|arg| arg.to_string_lossy());
        while let Some(arg) = args.next() {
            if arg == "--" {
                break;
            } else if arg == flag {
                named = args.next().map(|path| PathBuf::from(path.as_ref()));
            } else if let Some(path) = arg.strip_prefix(&with_value) {
                named = Some(PathBuf::from(path));
            }
        }
        let named = named.or_else(|| std::env::var_os(env_name(CONFIG_FLAG)).map(PathBuf::from));
        named.map(|path| Self::load(&path)).transpose()
    }

    /// Reads and parses `path`; checking its keys needs the commands ([`command`]).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let table: toml::Table = text.parse().map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })?;
        let mut file = Self {
            path: path.to_owned(),
            common: Values::new(),
            sections: BTreeMap::new(),
        };
        for (key, value) in table {
            match value {
                toml::Value::Table(section) => {
                    let values = section
                        .into_iter()
                        .map(|(name, value)| Ok((name.clone(), file.values(&key, &name, value)?)))
                        .collect::<Result<Values, ConfigError>>()?;
                    file.sections.insert(key, values);
                }
                value => {
                    let values = file.values("", &key, value)?;
                    file.common.insert(key, values);
                }
            }
        }
        Ok(file)
    }

    /// The names of the commands the file has a table for.
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections.keys().map(String::as_str)
    }

    /// The file's value of flag `key` for top-level command `section` (its table first, then the top level).
    pub fn value(&self, section: Option<&str>, key: &str) -> Option<&[String]> {
        section
            .and_then(|section| self.sections.get(section)?.get(key))
            .or_else(|| self.common.get(key))
            .map(Vec::as_slice)
    }

    /// One key's value as the strings clap parses.
    fn values(
        &self,
        section: &str,
        key: &str,
        value: toml::Value,
    ) -> Result<Vec<String>, ConfigError> {
        let not_a_value = || ConfigError::NotAValue {
            path: self.path.clone(),
            key: dotted(section, key),
        };
        match value {
            toml::Value::Array(items) => items
                .into_iter()
                .map(|item| scalar(item).ok_or_else(not_a_value))
                .collect(),
            value => Ok(vec![scalar(value).ok_or_else(not_a_value)?]),
        }
    }

    /// Every key names a flag of the command tree (a table's keys, a flag of that command).
    fn check(&self, root: &Command) -> Result<(), ConfigError> {
        let unknown = |key: String, allowed: BTreeSet<String>| ConfigError::UnknownKey {
            path: self.path.clone(),
            key,
            allowed: allowed.into_iter().collect::<Vec<_>>().join(", "),
        };
        let everywhere = long_names(root);
        if let Some(key) = self.common.keys().find(|key| !everywhere.contains(*key)) {
            let mut allowed = everywhere;
            allowed.extend(
                root.get_subcommands()
                    .map(|sub| format!("[{}]", sub.get_name())),
            );
            return Err(unknown(key.clone(), allowed));
        }
        for (section, values) in &self.sections {
            let Some(command) = root.find_subcommand(section) else {
                let allowed = root
                    .get_subcommands()
                    .map(|sub| format!("[{}]", sub.get_name()));
                return Err(unknown(format!("[{section}]"), allowed.collect()));
            };
            let here = long_names(command);
            if let Some(key) = values.keys().find(|key| !here.contains(*key)) {
                return Err(unknown(dotted(section, key), here));
            }
        }
        Ok(())
    }

    /// `arg` with the file's value for it as its default.
    fn default_for(&self, section: Option<&str>, arg: Arg) -> Arg {
        match arg.get_long().and_then(|long| self.value(section, long)) {
            Some(values) => arg.default_values(values.to_vec()).required(false),
            None => arg,
        }
    }
}

/// The command line of `C` with every flag also read from its environment variable and, with a file, the
/// file's values as defaults; an error names a key of the file that no flag has.
pub fn command<C: CommandFactory>(file: Option<&ConfigFile>) -> Result<Command, ConfigError> {
    let root = with_env(C::command());
    let Some(file) = file else {
        return Ok(root);
    };
    file.check(&root)?;
    Ok(root
        .mut_args(|arg| file.default_for(None, arg))
        .mut_subcommands(|command| {
            let section = command.get_name().to_owned();
            with_defaults(command, &|arg| file.default_for(Some(&section), arg))
        }))
}

/// The environment variable of flag `long`: `CASETRACK_LOG_LISTEN` for `--log-listen`.
pub fn env_name(long: &str) -> String {
    format!("{ENV_PREFIX}{}", long.to_uppercase().replace('-', "_"))
}

/// `command` and its subcommands with every flag that names no variable of its own read from [`env_name`].
fn with_env(command: Command) -> Command {
    command
        .mut_args(|arg| match (arg.get_long(), arg.get_env()) {
            (Some(long), None) => {
                let name = env_name(long);
                arg.env(name)
            }
            _ => arg,
        })
        .mut_subcommands(with_env)
}

/// `command` and its subcommands with `default` applied to every flag.
fn with_defaults(command: Command, default: &dyn Fn(Arg) -> Arg) -> Command {
    command
        .mut_args(default)
        .mut_subcommands(|sub| with_defaults(sub, default))
}

/// The long names of every flag of `command` and its subcommands.
fn long_names(command: &Command) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = command
        .get_arguments()
        .filter_map(|arg| arg.get_long().map(str::to_owned))
        .collect();
    for sub in command.get_subcommands() {
        names.extend(long_names(sub));
    }
    names
}

/// A scalar TOML value as the text a flag would take; none for a table or an array.
fn scalar(value: toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text),
        toml::Value::Integer(number) => Some(number.to_string()),
        toml::Value::Float(number) => Some(number.to_string()),
        toml::Value::Boolean(yes) => Some(yes.to_string()),
        toml::Value::Datetime(instant) => Some(instant.to_string()),
        toml::Value::Array(_) | toml::Value::Table(_) => None,
    }
}

/// `section.key`, or `key` at the top level.
fn dotted(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_owned()
    } else {
        format!("{section}.{key}")
    }
}
