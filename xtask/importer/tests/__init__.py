"""Unit tests of the snapshot importer (run by `cargo xtask import-bindings --check`)."""
