//! casetrack-auth: who is calling and what they may do. A caller presents a bearer token; the token file
//! (`tokens.rs`, SHA-256 hashes only, re-read when it changes: `reload.rs`) maps its hash to an [`Identity`]
//! — a name, [`Role`]s, the source system its submissions belong to, and the agency subtree it works in. One
//! tower layer (`layer.rs`) on every gRPC server authenticates every call, checks the method against the one
//! policy table (`policy.rs`: method → roles allowed; a method missing from it is denied) and hands the
//! identity to the handlers in the request's extensions, where they check jurisdiction with
//! [`Identity::may_see`]. `tls.rs` loads the certificates every listener serves TLS with ([`ServerTls`]) and
//! that clients trust and present ([`ClientTlsFiles`]).
//!
//! Architecture invariant: no RPC is answered without passing the layer (health and reflection excepted), and
//! knows no case kind and no log; the handlers decide nothing about roles.

mod identity;
mod layer;
pub mod policy;
mod reload;
mod role;
mod tls;
mod tokens;

pub use identity::Identity;
pub use layer::{AuthLayer, AuthService, authenticate, permit};
pub use reload::{RELOAD_INTERVAL, TokenSource};
pub use role::Role;
pub use tls::{ClientTlsFiles, ServerTls, TlsError};
pub use tokens::{
    IdentityEntry, MAX_IDENTITIES, MAX_NAME_LEN, MAX_SOURCE_SYSTEM_LEN, MAX_TOKEN_LEN, NewToken,
    TOKEN_BYTES, TokenError, Tokens, token_sha256,
};
