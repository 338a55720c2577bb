//! The demonstration: a realistic year of a district (modelled on the seed report, Simao district) generated
//! from a seed (`year.rs`, over the agency tree of `district.rs`) as scripts of public API requests
//! (`script.rs`), and pushed through the running server's gRPC Intake, Review and Reply services
//! (`drive.rs`) — never straight into the log — so the demo exercises exactly what a real deployment does;
//! then a case in every open state, dated back from today (`open.rs`), so the console's queues are not empty.

pub mod district;
pub mod drive;
pub mod open;
pub mod script;
pub mod year;
