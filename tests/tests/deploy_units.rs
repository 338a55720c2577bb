//! The systemd units in deploy/systemd are valid for the systemd on this machine: `systemd-analyze verify` on
//! every unit, with the casetrack binary of this build in place of /usr/local/bin/casetrack (verify checks that
//! each ExecStart is executable, which is how the wrong nats-server path was found). Skipped, saying so, where
//! systemd-analyze is missing; CI installs it (.ci/run).

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use casetrack_tests::services::casetrack_binary;

/// Where the units expect the binary.
const INSTALLED_BINARY: &str = "/usr/local/bin/casetrack";

#[test]
fn every_unit_passes_systemd_analyze_verify() -> anyhow::Result<()> {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("systemd-analyze not installed: the units are not verified here");
        return Ok(());
    }
    let units_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/systemd");
    let copy = tempfile::tempdir()?;
    let binary = casetrack_binary()?;
    let mut units = Vec::new();
    for entry in std::fs::read_dir(&units_dir).context("read deploy/systemd")? {
        let path = entry?.path();
        let text = std::fs::read_to_string(&path)?;
        assert!(
            text.contains("NoNewPrivileges=yes"),
            "{} is not sandboxed",
            path.display()
        );
        assert!(
            text.contains("Restart=on-failure"),
            "{} is not restarted",
            path.display()
        );
        let target = copy
            .path()
            .join(path.file_name().context("a unit file name")?);
        std::fs::write(
            &target,
            text.replace(INSTALLED_BINARY, &binary.to_string_lossy()),
        )?;
        units.push(target);
    }
    assert!(units.len() >= 7, "{units:?}");
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .args(&units)
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify:\n{stderr}"
    );
    Ok(())
}
