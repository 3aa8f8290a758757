//! `cargo xtask bench`: the figures the speed budget is kept against, measured
//! in one run so they can be compared with each other.
//!
//! - **Regen**: loading the snapshots and emitting the crate, in-process and in
//!   this binary's profile (the dev profile `cargo xtask regen` runs in), next
//!   to a bare `serde_json` parse of the same files; the ratio is what the
//!   budget limits (the machine's speed cancels out).
//! - **Compile**: a cold `cargo check` of the generated crate (its
//!   dependencies warm, `CARGO_INCREMENTAL=0`, `-D warnings` as in CI) with all
//!   features and with single features, wall time and the peak resident memory
//!   of the largest process (rustc). It uses its own target directory
//!   (`target/bench`), so normal builds are not disturbed.
//!
//! Each compile measurement runs in a child process of this command
//! (`bench --measure-check`), because the peak memory of children is only
//! known per process, as the maximum over all children ever waited for.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Single features measured by default: the smallest useful one and the
/// largest areas.
const DEFAULT_FEATURES: &[&str] = &["vcenter-vm", "vcenter", "esx", "appliance"];

/// The speed budget (see "Compile cost" in the generator's `emit` docs),
/// for a quiet 2-core machine like CI's.
const REGEN_BUDGET_SECS: f64 = 1.0;
const REGEN_BUDGET_RATIO: f64 = 6.0;
const ALL_FEATURES_BUDGET_SECS: f64 = 30.0;
const ALL_FEATURES_BUDGET_GB: f64 = 2.0;
const VM_FEATURE_BUDGET_SECS: f64 = 5.0;

fn budget(met: bool, limit: &str) -> String {
    format!("budget {limit}: {}", if met { "met" } else { "over" })
}

#[derive(clap::Args)]
pub struct Args {
    /// Features to check alone (comma-separated) [default: vcenter-vm,vcenter,esx,appliance]
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Timed repetitions of regen and of the bare parse (the median is shown).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Measure regen only.
    #[arg(long)]
    skip_compile: bool,
    /// Internal: run one cold check with these features (`all` for
    /// `--all-features`) and print its figures as one line.
    #[arg(long, hide = true, value_name = "FEATURES")]
    measure_check: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let root = crate::repo_root();
    if let Some(features) = &args.measure_check {
        return measure_check(&root, features);
    }
    let runs = args.runs.max(1);

    println!("regen ({runs} runs, median; this binary's profile)");
    let parse = median(runs, || bare_parse(&root))?;
    let regen = median_pair(runs, || {
        let regenerated = crate::regen::regenerate(&root, &[], Instant::now())?;
        Ok((regenerated.loaded, regenerated.emitted - regenerated.loaded))
    })?;
    let total = regen.0 + regen.1;
    println!("  bare JSON parse of the snapshots: {}", secs(parse));
    let ratio = total.as_secs_f64() / parse.as_secs_f64().max(1e-9);
    println!(
        "  regen: {} (load {}, emit {}), {ratio:.1}x the bare parse  [{}]",
        secs(total),
        secs(regen.0),
        secs(regen.1),
        budget(
            total.as_secs_f64() <= REGEN_BUDGET_SECS && ratio <= REGEN_BUDGET_RATIO,
            &format!("≤ {REGEN_BUDGET_SECS} s and ≤ {REGEN_BUDGET_RATIO}x")
        )
    );
    if args.skip_compile {
        return Ok(ExitCode::SUCCESS);
    }

    println!("cold `cargo check -p vsphere-vapi` (deps warm, CARGO_INCREMENTAL=0, target/bench)");
    warm_dependencies(&root)?;
    let features = if args.features.is_empty() {
        DEFAULT_FEATURES.iter().map(|f| (*f).to_owned()).collect()
    } else {
        args.features.clone()
    };
    let exe = std::env::current_exe().context("locating the xtask binary")?;
    let mut all = None;
    for selection in std::iter::once("all".to_owned()).chain(features) {
        let output = Command::new(&exe)
            .args(["bench", "--measure-check", &selection])
            .output()
            .with_context(|| format!("measuring `{selection}`"))?;
        if !output.status.success() {
            bail!(
                "checking `{selection}` failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let line = String::from_utf8_lossy(&output.stdout);
        let (wall, peak_kib) = parse_measurement(&line)
            .with_context(|| format!("reading the measurement of `{selection}`: {line}"))?;
        let relative = match all {
            None => {
                all = Some(wall);
                String::new()
            }
            Some(all) => format!(", {:.0}% of all features", 100.0 * wall / all),
        };
        let peak_gb = peak_kib as f64 / 1024.0 / 1024.0;
        let verdict = match selection.as_str() {
            "all" => format!(
                "  [{}]",
                budget(
                    wall <= ALL_FEATURES_BUDGET_SECS && peak_gb <= ALL_FEATURES_BUDGET_GB,
                    &format!("≤ {ALL_FEATURES_BUDGET_SECS} s and ≤ {ALL_FEATURES_BUDGET_GB} GB")
                )
            ),
            "vcenter-vm" => format!(
                "  [{}]",
                budget(
                    wall <= VM_FEATURE_BUDGET_SECS,
                    &format!("≤ {VM_FEATURE_BUDGET_SECS} s")
                )
            ),
            _ => String::new(),
        };
        println!(
            "  {:<14} {:>6.1} s  peak {:>5.2} GB{relative}{verdict}",
            if selection == "all" {
                "all features"
            } else {
                selection.as_str()
            },
            wall,
            peak_gb,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Median of `runs` timings of `work`.
fn median(runs: usize, mut work: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        work()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Median (by total) of `runs` two-phase timings.
fn median_pair(
    runs: usize,
    mut work: impl FnMut() -> anyhow::Result<(Duration, Duration)>,
) -> anyhow::Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        times.push(work()?);
    }
    times.sort_by_key(|(load, emit)| *load + *emit);
    Ok(times[times.len() / 2])
}

/// Reads every component file of every snapshot regen reads into
/// `serde_json::Value`, one after the other: the floor of what loading can
/// cost.
fn bare_parse(root: &Path) -> anyhow::Result<()> {
    for dir in crate::snapshots::release_dirs(root)? {
        for file in vsphere_vapi_codegen::snapshot::component_files(&dir)? {
            std::hint::black_box(vsphere_vapi_codegen::snapshot::parse_untyped(&file)?);
        }
    }
    Ok(())
}

fn bench_target(root: &Path) -> PathBuf {
    root.join("target").join("bench")
}

/// A `cargo check` of the generated crate as CI runs it.
fn check_command(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", bench_target(root))
        .args(["check", "--quiet", "-p", "vsphere-vapi"]);
    command
}

/// Builds the generated crate's dependencies once, so each measurement is
/// the crate alone.
fn warm_dependencies(root: &Path) -> anyhow::Result<()> {
    let status = check_command(root)
        .args(["--no-default-features", "--features", "vcenter-vm"])
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo check of the generated crate failed");
    }
    Ok(())
}

fn measure_check(root: &Path, features: &str) -> anyhow::Result<ExitCode> {
    let clean = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", bench_target(root))
        .args(["clean", "--quiet", "-p", "vsphere-vapi"])
        .status()
        .context("running cargo clean")?;
    if !clean.success() {
        bail!("cargo clean -p vsphere-vapi failed");
    }
    let mut command = check_command(root);
    if features == "all" {
        command.arg("--all-features");
    } else {
        command.args(["--no-default-features", "--features", features]);
    }
    let started = Instant::now();
    let status = command.status().context("running cargo check")?;
    let wall = started.elapsed();
    if !status.success() {
        bail!("cargo check with `{features}` failed");
    }
    println!("{:.3} {}", wall.as_secs_f64(), peak_children_kib()?);
    Ok(ExitCode::SUCCESS)
}

/// The largest resident set of any process this one waited for (directly or
/// through its children), in KiB.
fn peak_children_kib() -> anyhow::Result<u64> {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage struct.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if rc != 0 {
        bail!("getrusage: {}", std::io::Error::last_os_error());
    }
    // Linux reports ru_maxrss in KiB.
    Ok(u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

fn parse_measurement(line: &str) -> Option<(f64, u64)> {
    let mut parts = line.split_whitespace();
    let wall = parts.next()?.parse().ok()?;
    let peak = parts.next()?.parse().ok()?;
    Some((wall, peak))
}

fn secs(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_are_read_back() {
        assert_eq!(
            parse_measurement("12.500 2048000\n"),
            Some((12.5, 2_048_000))
        );
        assert_eq!(parse_measurement("garbage"), None);
        assert_eq!(parse_measurement(""), None);
    }

    #[test]
    fn median_is_the_middle_run() {
        let mut calls = 0u64;
        let pair = median_pair(3, || {
            calls += 1;
            Ok((Duration::from_millis(calls * 10), Duration::ZERO))
        })
        .unwrap();
        assert_eq!(pair.0, Duration::from_millis(20));
    }
}
