//! Shared helpers for the client test suites.
