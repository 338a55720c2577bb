//! One configuration for every process: the TOML file, `CASETRACK_*` environment variables and flags, in that
//! order of precedence, as `casetrack config check` shows what a command line would run with; a key no flag has
//! stops the process, naming it.

use std::path::Path;
use std::process::{Command, Output};

/// `casetrack ARGS` with nothing from the test's own environment but `env`.
fn casetrack(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casetrack"))
        .env_clear()
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run casetrack")
}

fn write_config(dir: &Path, text: &str) -> String {
    let path = dir.join("casetrack.toml");
    std::fs::write(&path, text).expect("write the configuration file");
    path.to_string_lossy().into_owned()
}

/// The line of `key` in `config check`'s output.
fn line<'a>(stdout: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key} = ");
    stdout
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {key} in:\n{stdout}"))
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = write_config(
        dir.path(),
        r#"
tokens = "/etc/casetrack/tokens.json"
data = "/srv/common"
tracking-prefix = "XX"

[serve]
data = "/srv/serve"
listen = "127.0.0.1:1001"
log-listen = "127.0.0.1:1002"
"#,
    );
    let env = [
        ("CASETRACK_LISTEN", "127.0.0.1:2001"),
        ("CASETRACK_LOG_LISTEN", "127.0.0.1:2002"),
    ];
    let args = [
        "config",
        "check",
        "--config",
        &config,
        "serve",
        "--log-listen",
        "127.0.0.1:3002",
    ];
    let output = casetrack(&args, &env);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    assert_eq!(
        line(&stdout, "log-listen"),
        r#"log-listen = "127.0.0.1:3002"  # 命令行"#
    );
    assert_eq!(
        line(&stdout, "listen"),
        r#"listen = "127.0.0.1:2001"  # 环境变量 CASETRACK_LISTEN"#
    );
    // A command's table beats the top level; the top level applies where the table is silent.
    assert_eq!(line(&stdout, "data"), r#"data = "/srv/serve"  # 配置文件"#);
    assert_eq!(
        line(&stdout, "tracking-prefix"),
        r#"tracking-prefix = "XX"  # 配置文件"#
    );
    assert_eq!(
        line(&stdout, "remind-every-secs"),
        r#"remind-every-secs = "3600"  # 默认值"#
    );
}

#[test]
fn the_environment_names_the_file_and_secrets_are_not_printed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = write_config(
        dir.path(),
        "tokens = \"t.json\"\nlog-token = \"secret-from-file\"\n",
    );
    let env = [("CASETRACK_CONFIG", config.as_str())];
    let output = casetrack(
        &["config", "check", "intake", "--listen", "127.0.0.1:1"],
        &env,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(line(&stdout, "tokens"), r#"tokens = "t.json"  # 配置文件"#);
    assert_eq!(
        line(&stdout, "log-token"),
        r#"log-token = "(隐藏)"  # 配置文件"#
    );
    assert!(!stdout.contains("secret-from-file"), "{stdout}");
}

#[test]
fn a_key_no_flag_has_stops_the_process_naming_it_and_the_allowed_keys() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = write_config(
        dir.path(),
        "tokens = \"t.json\"\n[serve]\nlisen = \"127.0.0.1:1\"\n",
    );
    let output = casetrack(&["serve", "--config", &config], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("`serve.lisen`"), "{stderr}");
    assert!(stderr.contains("log-listen"), "{stderr}");
}

#[test]
fn a_bad_value_is_an_error_of_its_flag() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = write_config(dir.path(), "tokens = \"t.json\"\nlisten = \"nowhere\"\n");
    let output = casetrack(&["config", "check", "--config", &config, "serve"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(stderr.contains("nowhere"), "{stderr}");
}
