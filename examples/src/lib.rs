//! Runnable examples of the generated client live in `examples/`; the
//! functions here are the parts of them that have tests (`tests/`, against
//! the mock server of `vsphere_vapi::mock`).

#[cfg(all(feature = "cis", feature = "vcenter-vm"))]
pub mod power_on_tagged;
