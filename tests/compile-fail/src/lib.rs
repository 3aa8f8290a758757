//! Compile-fail tests only; see `tests/compile_fail.rs`.
