//! One module per subcommand.

pub mod bench_log;
pub mod eventlog;
pub mod import;
pub mod intake;
pub mod reply;
pub mod review;
pub mod serve;
pub mod verify;
