#!/usr/bin/env bash
# The project's test command: bash scripts/test.sh
#
# Installs what the tests need on a fresh machine (Go and govmomi from Debian,
# for the vCenter simulator), then checks, in order:
#   1. the vCenter simulator launcher builds           scripts/build-vcsim.sh
#   2. metamodel snapshots match the Python bindings  cargo xtask import-bindings --check
#   3. generated/ matches the snapshot and generator  cargo xtask regen --check
#   4. the hand-written crates are lint-clean          cargo clippy ... -D warnings
#      (the runtime with its `mock` feature)
#   5. the generated crate is clippy-clean with all features and compiles with
#      each one alone (and the `vcenter-vm`-only example builds)
#   6. the generated crate's docs build with all features, warnings and broken
#      intra-doc links denied (as docs.rs builds them)  cargo doc -p vsphere-vapi
#   7. the examples build
#   8. the test suites pass                            cargo test --workspace ...
# Stops at the first failing step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# One RUSTFLAGS for every cargo invocation: a change in RUSTFLAGS invalidates
# every artefact, so differing flags would rebuild the (large) generated crate.
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-D warnings"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

total_start=$SECONDS
step_no=0
step_count=8

# run_step NAME COMMAND... : runs COMMAND, prints its duration, exits on failure.
run_step() {
    local name=$1
    shift
    step_no=$((step_no + 1))
    local start=$SECONDS rc=0
    echo "==> [$step_no/$step_count] $name"
    "$@" || rc=$?
    local took=$((SECONDS - start))
    if ((rc != 0)); then
        echo "==> FAILED: [$step_no/$step_count] $name (exit $rc) after ${took}s" >&2
        exit "$rc"
    fi
    echo "==> time: [$step_no/$step_count] $name: ${took}s"
}

require() {
    if ! command -v "$1" >/dev/null; then
        echo "==> FAILED: '$1' is not installed ($2)" >&2
        exit 1
    fi
}

# The features of the generated crate, one per line, without `default`,
# `full` and the group umbrellas (`vcenter` enables `vcenter-*`): each part is
# checked alone and all of them together, which covers an umbrella.
generated_features() {
    python3 - generated/Cargo.toml <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    manifest = tomllib.load(f)
features = manifest.get("features", {})
for name in features:
    umbrella = any(other.startswith(name + "-") for other in features)
    if name not in ("default", "full") and not umbrella:
        print(name)
PY
}

# The generated packages, one per line: vsphere-vapi and the crates it is
# split into (generated/crates/*, one per package group and a shared one).
generated_packages() {
    python3 - generated <<'PY'
import pathlib, sys, tomllib
root = pathlib.Path(sys.argv[1])
for manifest in [root / "Cargo.toml", *sorted(root.glob("crates/*/Cargo.toml"))]:
    with open(manifest, "rb") as f:
        print(tomllib.load(f)["package"]["name"])
PY
}

# `-p NAME` for each generated package, in the array `generated_selection`.
generated_selection=()
select_generated() {
    local package
    generated_selection=()
    for package in $(generated_packages); do
        generated_selection+=(-p "$package")
    done
    ((${#generated_selection[@]} > 0))
}

# Every feature on (the union), then each feature alone, so that no feature
# relies on another one without declaring it. `cargo check` only: the full
# build happens once, in the test step.
check_generated() {
    select_generated || return
    cargo clippy "${generated_selection[@]}" --all-features -- -D warnings || return
    # A program using `vcenter::Vm` needs nothing but the `vcenter-vm` feature.
    cargo check -p vsphere-vapi-examples --no-default-features --features vcenter-vm \
        --example vm_feature_only || return
    local features
    features="$(generated_features)" || return
    if [[ -z "$features" ]]; then
        echo "generated/Cargo.toml declares no features besides default/full"
        return 0
    fi
    # Checking one crate keeps one core busy (rustc's front end is serial),
    # so the features are split in two halves checked side by side, the
    # second half in a target directory of its own (cargo locks a target
    # directory per build). Every other feature goes to each half, which
    # evens out the large ones.
    local -a first=() second=()
    local index=0 feature
    for feature in $features; do
        if ((index % 2 == 0)); then first+=("$feature"); else second+=("$feature"); fi
        index=$((index + 1))
    done
    check_features "${CARGO_TARGET_DIR:-$root/target}" "${first[@]}" &
    local first_job=$!
    check_features "$root/target/feature-check" "${second[@]}" &
    local second_job=$!
    local rc=0
    wait "$first_job" || rc=$?
    wait "$second_job" || rc=$?
    return "$rc"
}

# check_features TARGET_DIR FEATURE... : `cargo check` of the generated crate
# with each feature alone, in TARGET_DIR.
check_features() {
    local target_dir=$1 feature start
    shift
    for feature in "$@"; do
        start=$SECONDS
        CARGO_TARGET_DIR="$target_dir" cargo check -p vsphere-vapi --no-default-features --features "$feature" || return
        echo "    feature $feature alone: $((SECONDS - start))s"
    done
}

# The docs docs.rs shows: every feature, every intra-doc link resolving.
# Wall time and peak memory are printed (docs.rs allows 15 min and ~6 GB).
doc_generated() {
    local flags="${RUSTDOCFLAGS:+$RUSTDOCFLAGS }-D warnings -D rustdoc::broken_intra_doc_links"
    select_generated || return
    local command=(cargo doc "${generated_selection[@]}" --all-features --no-deps)
    if [[ -x /usr/bin/time ]]; then
        RUSTDOCFLAGS="$flags" /usr/bin/time -f "    cargo doc: %e s wall, peak %M KiB" "${command[@]}"
    else
        RUSTDOCFLAGS="$flags" "${command[@]}"
    fi
}

require cargo "install Rust with rustup"
require python3 "needed by import-bindings and to read generated/Cargo.toml"

run_step "build the vCenter simulator launcher" bash scripts/build-vcsim.sh
run_step "snapshots match the Python bindings" cargo xtask import-bindings --check
run_step "generated crate is up to date" cargo xtask regen --check
# The runtime's `mock` module and its tests are behind the `mock` feature.
run_step "clippy" cargo clippy -p vsphere-vapi-codegen -p vsphere-vapi-runtime -p vsphere-vapi-workflows -p xtask \
    --all-targets --features vsphere-vapi-runtime/mock -- -D warnings
run_step "generated crate compiles per feature" check_generated
run_step "generated crate docs (all features, broken links denied)" doc_generated
# The examples and tests select the same packages, so cargo resolves the
# generated crate's features identically and both steps share one build of it
# (`-p vsphere-vapi-examples` alone could resolve a different feature set).
# The generated crates are left out of the selection: they have no tests of
# their own, selecting them would turn on their default features, and `cargo
# test` would compile them a second time as unit-test harnesses. It is still built, as
# a dependency, with the features the test and example crates ask for.
# The runtime's mock tests need its `mock` feature; the examples' tests enable
# it through `vsphere-vapi/mock` anyway, and naming it keeps both steps on one
# feature set even when run alone.
selection=(--workspace --features vsphere-vapi-runtime/mock)
for package in $(generated_packages); do
    selection+=(--exclude "$package")
done
run_step "examples build" cargo build "${selection[@]}" --examples
run_step "tests" cargo test "${selection[@]}"

echo "==> all $step_count steps passed in $((SECONDS - total_start))s"
