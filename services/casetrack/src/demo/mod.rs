//! The demonstration: a realistic year of a district (modelled on the seed report, Simao district) generated
//! from a seed (`year.rs`, over the agency tree of `district.rs`) as scripts of public API requests
//! (`script.rs`), and pushed through the running server's gRPC Intake, Review and Reply services
//! (`drive.rs`) — never straight into the log — so the demo exercises exactly what a real deployment does.

pub mod district;
pub mod drive;
pub mod script;
pub mod year;
