//! Placeholder: replaced by `cargo xtask regen`.
