//! Shared helpers for the client test suites.
//!
//! - [`vcsim`]: a vCenter simulator process for end-to-end tests.

pub mod vcsim;

pub use vcsim::Vcsim;
