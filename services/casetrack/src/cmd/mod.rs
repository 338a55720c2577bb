//! One module per subcommand.

pub mod agency;
pub mod audit;
pub mod backup;
pub mod bench_intake;
pub mod bench_log;
pub mod bench_report;
pub mod bench_reporting;
pub mod calendar;
pub mod config;
pub mod console;
pub mod demo;
pub mod eventlog;
pub mod import;
pub mod intake;
pub mod rebuild;
pub mod refeed;
pub mod remote;
pub mod reply;
pub mod report;
mod report_work;
pub mod reporting;
pub mod restore;
pub mod review;
pub mod serve;
pub mod tls;
pub mod token;
pub mod verify;
