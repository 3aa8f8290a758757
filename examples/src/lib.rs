//! Runnable examples of the generated client live in `examples/`.
