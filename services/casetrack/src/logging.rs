//! The process's logs: `tracing` to standard error, filtered by `RUST_LOG` (default `info`), as text — coloured
//! only when standard error is a terminal, so log files get no escape codes — or as one JSON object per line
//! (`--log-format json`) for a log collector. An error that ends the process is logged once, each cause once.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Start logging to standard error in `format`, filtered by `RUST_LOG` or else `default_filter`.
pub fn init(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
}

/// `error` and its causes on one line, each once: a cause whose text the messages before it already contain
/// (an error that prints its source) is not repeated.
pub fn chain(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("读取令牌文件失败: {source}")]
    struct Prints {
        source: std::io::Error,
    }

    #[test]
    fn each_cause_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "没有该文件");
        let error = anyhow::Error::new(Prints { source: io }).context("启动 serve");
        assert_eq!(chain(&error), "启动 serve: 读取令牌文件失败: 没有该文件");
    }

    #[test]
    fn causes_that_do_not_print_their_source_are_all_kept() {
        let error = anyhow::anyhow!("磁盘已满")
            .context("写入检查点")
            .context("中继");
        assert_eq!(chain(&error), "中继: 写入检查点: 磁盘已满");
    }
}
