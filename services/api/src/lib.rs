//! The public gRPC API of casetrack, generated from `proto/casetrack/v1/*.proto`.
//!
//! Architecture invariant: only generated code lives here, and the conversion of the API's instants
//! ([`instant`]); no handler logic, no I/O.

pub mod instant;

/// Package `casetrack.v1`: every message, client and server of the public API.
pub mod v1 {
    tonic::include_proto!("casetrack.v1");
}

/// The encoded file descriptor set of every service, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("casetrack_descriptor");
