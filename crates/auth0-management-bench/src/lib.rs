//! A side-by-side benchmark of `auth0-management` and hand-written `reqwest` calls.
//!
//! - [`server`]: a fast mock tenant on 127.0.0.1 (HTTP and HTTPS) that counts token requests
//!   and connections.
//! - [`scenario`]: the client side, one scenario per process, printing one JSON line.
//!
//! `cargo xtask bench` builds the binary in release mode, starts the server, runs every
//! scenario for both sides and prints the table; see the README's "Benchmarks" section.

pub mod rusage;
pub mod scenario;
pub mod server;
