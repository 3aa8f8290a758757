//! Servers shared by the runtime's integration tests.

// Each test binary uses a different part.
#![allow(dead_code)]

pub mod https;
pub mod proxy;
