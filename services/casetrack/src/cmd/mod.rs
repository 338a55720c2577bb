//! One module per subcommand.

pub mod bench_log;
pub mod import;
pub mod verify;
