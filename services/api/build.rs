//! Compiles every `.proto` file under `proto/casetrack/v1` into Rust (messages, clients and servers), plus a
//! file descriptor set for gRPC server reflection.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time, not with env!(): cargo may reuse this build script's binary for a checkout at another
    // path (a CI clone sharing the build cache), and a path compiled in would point at the old checkout.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let dir = root.join("casetrack/v1");
    let mut protos: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "proto"))
        .collect();
    protos.sort();
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .file_descriptor_set_path(out.join("casetrack_descriptor.bin"))
        .compile_protos(&protos, &[root])?;
    println!("cargo:rerun-if-changed={}", dir.display());
    Ok(())
}
