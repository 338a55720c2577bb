//! casetrack-console: the staff web console (Chinese, server-rendered HTML over HTTP). A member of staff logs
//! in with the token of their identity in the token file; the console keeps a server-side session and shows
//! the 待办 queue of their jurisdiction's subtree, each case with its timeline and statutory deadline, the
//! forms of the actions their roles may take, and the annual report with its drill-down.
//!
//! Every page reads and every form writes through the gRPC services' own handlers, called in-process
//! (`backend.rs`) with the session's `Identity` after the same policy check the gRPC auth layer makes
//! (`casetrack_auth::permit`, naming the gRPC method). So the console has no second policy, no second
//! jurisdiction rule and no second command path: what a role may do over gRPC it may do here, and nothing
//! more.
//!
//! Architecture invariant: no page or form reaches a case, a queue or a report except through `Backend::call`
//! with the gRPC method it stands for; no role is decided here; every asset is compiled into the binary.

mod actions;
mod assets;
mod backend;
mod case;
mod charts;
mod download;
mod drill;
mod error;
mod forms;
mod hotline;
mod light;
mod login;
mod narrative;
mod page;
mod queue;
mod register;
mod report;
mod router;
mod session;
mod staff;
mod submit;

pub use backend::Backend;
pub use queue::PAGE_SIZE;
pub use router::{Console, MAX_FORM_BYTES};
pub use session::{MAX_SESSIONS, SESSION_TTL};
