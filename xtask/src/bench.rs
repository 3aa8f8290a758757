//! `cargo xtask bench`: the figures the speed budget is kept against, measured
//! in one run so they can be compared with each other.
//!
//! - **Regen**: loading the snapshots and emitting the crate, in-process and in
//!   this binary's profile (the dev profile `cargo xtask regen` runs in), next
//!   to a bare `serde_json` parse of the same files; the ratio is what the
//!   budget limits (the machine's speed cancels out). Then `regen --check`
//!   as users run it, each run a process of its own, and the same through
//!   `cargo xtask` (cargo's up-to-date check of the xtask build included):
//!   the time budget holds for that wall time.
//! - **Compile**: a cold `cargo check` of the generated crate (its
//!   dependencies warm, `CARGO_INCREMENTAL=0`, `-D warnings` as in CI) with all
//!   features and with single features, wall time and the peak resident memory
//!   of all processes at once (the group crates are checked side by side;
//!   sampled from /proc) and of the largest one. It uses its own target directory
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
    // As users run it: a process of its own, start-up, comparison with
    // `generated/` and exit included, without the allocator's memory that
    // the in-process repetitions above reuse. Its exit status is not
    // checked: a stale `generated/` costs the same work, and a failing load
    // already failed above.
    let exe = std::env::current_exe().context("locating the xtask binary")?;
    let process = median(runs, || {
        Command::new(&exe)
            .args(["regen", "--check"])
            .output()
            .map(drop)
            .context("running `xtask regen --check`")
    })?;
    // The command users type: cargo finds the xtask build up to date, then
    // runs it.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let through_cargo = median(runs, || {
        Command::new(&cargo)
            .args(["xtask", "regen", "--check"])
            .current_dir(&root)
            .output()
            .map(drop)
            .context("running `cargo xtask regen --check`")
    })?;
    println!("  bare JSON parse of the snapshots: {}", secs(parse));
    let ratio = total.as_secs_f64() / parse.as_secs_f64().max(1e-9);
    println!(
        "  regen: {} (load {}, emit {}), {ratio:.1}x the bare parse  [{}]",
        secs(total),
        secs(regen.0),
        secs(regen.1),
        budget(
            ratio <= REGEN_BUDGET_RATIO,
            &format!("≤ {REGEN_BUDGET_RATIO}x")
        )
    );
    println!("  `xtask regen --check` as a process: {}", secs(process));
    println!(
        "  `cargo xtask regen --check`, cargo included: {}  [{}]",
        secs(through_cargo),
        budget(
            through_cargo.as_secs_f64() <= REGEN_BUDGET_SECS,
            &format!("≤ {REGEN_BUDGET_SECS} s")
        )
    );
    if args.skip_compile {
        return Ok(ExitCode::SUCCESS);
    }

    println!(
        "cold `cargo check -p vsphere-vapi`, every generated crate cold (other deps warm, CARGO_INCREMENTAL=0, target/bench)"
    );
    warm_dependencies(&root)?;
    let features = if args.features.is_empty() {
        DEFAULT_FEATURES.iter().map(|f| (*f).to_owned()).collect()
    } else {
        args.features.clone()
    };
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
        let (wall, peak_kib, total_kib) = parse_measurement(&line)
            .with_context(|| format!("reading the measurement of `{selection}`: {line}"))?;
        let relative = match all {
            None => {
                all = Some(wall);
                String::new()
            }
            Some(all) => format!(", {:.0}% of all features", 100.0 * wall / all),
        };
        let peak_gb = peak_kib as f64 / 1024.0 / 1024.0;
        // The memory budget holds for what runs at once, not one process.
        let total_gb = (total_kib.max(peak_kib)) as f64 / 1024.0 / 1024.0;
        let verdict = match selection.as_str() {
            "all" => format!(
                "  [{}]",
                budget(
                    wall <= ALL_FEATURES_BUDGET_SECS && total_gb <= ALL_FEATURES_BUDGET_GB,
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
            "  {:<14} {:>6.1} s  peak {:>5.2} GB at once, {:>5.2} GB largest process{relative}{verdict}",
            if selection == "all" {
                "all features"
            } else {
                selection.as_str()
            },
            wall,
            total_gb,
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
    // Every crate of the generated client is checked cold, the rest warm.
    let mut clean = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    clean
        .current_dir(root)
        .env("CARGO_TARGET_DIR", bench_target(root))
        .args(["clean", "--quiet"]);
    for package in generated_packages(root)? {
        clean.args(["-p", &package]);
    }
    let clean = clean.status().context("running cargo clean")?;
    if !clean.success() {
        bail!("cargo clean of the generated crates failed");
    }
    let mut command = check_command(root);
    if features == "all" {
        command.arg("--all-features");
    } else {
        command.args(["--no-default-features", "--features", features]);
    }
    let started = Instant::now();
    let mut child = command.spawn().context("running cargo check")?;
    // The group crates are checked side by side: what the machine needs is
    // the sum over the processes running at once, sampled from /proc.
    let mut peak_total_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for cargo check")? {
            break status;
        }
        peak_total_kib = peak_total_kib.max(tree_rss_kib(child.id()));
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed();
    if !status.success() {
        bail!("cargo check with `{features}` failed");
    }
    println!(
        "{:.3} {} {}",
        wall.as_secs_f64(),
        peak_children_kib()?,
        peak_total_kib
    );
    Ok(ExitCode::SUCCESS)
}

/// The names of the generated packages: `vsphere-vapi` and the crates
/// below `generated/crates/`.
fn generated_packages(root: &Path) -> anyhow::Result<Vec<String>> {
    let generated = root.join("generated");
    let mut manifests = vec![generated.join("Cargo.toml")];
    let crates = generated.join("crates");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .with_context(|| format!("listing {}", crates.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("Cargo.toml")))
        .filter(|manifest| manifest.is_file())
        .collect();
    dirs.sort();
    manifests.extend(dirs);
    let mut names = Vec::new();
    for manifest in manifests {
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let name = text
            .lines()
            .find_map(|line| line.strip_prefix("name = "))
            .map(|name| name.trim().trim_matches('"').to_owned())
            .with_context(|| format!("{} names no package", manifest.display()))?;
        names.push(name);
    }
    Ok(names)
}

/// Resident memory of process `root` and all its descendants, in KiB (0
/// where /proc cannot be read).
fn tree_rss_kib(root: u32) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    // pid → (parent, resident pages), from /proc/<pid>/stat.
    let mut processes = std::collections::HashMap::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some((parent, pages)) = parse_stat(&stat) {
            processes.insert(pid, (parent, pages));
        }
    }
    // SAFETY: sysconf has no preconditions.
    let page_kib =
        u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096) / 1024;
    let mut total = 0;
    let mut pending = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(pid) = pending.pop() {
        if !seen.insert(pid) {
            continue;
        }
        if let Some((_, pages)) = processes.get(&pid) {
            total += pages * page_kib;
        }
        pending.extend(
            processes
                .iter()
                .filter(|(_, (parent, _))| *parent == pid)
                .map(|(child, _)| *child),
        );
    }
    total
}

/// The parent pid and resident pages of a `/proc/<pid>/stat` line. The
/// command name (2nd field) is in parentheses and may contain spaces, so
/// fields are counted from the last `)`.
fn parse_stat(stat: &str) -> Option<(u32, u64)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state(3) ppid(4) … rss(24), numbered as in proc(5).
    let parent = fields.get(1)?.parse().ok()?;
    let pages = fields.get(21)?.parse().ok()?;
    Some((parent, pages))
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

/// `wall seconds, largest process KiB, all processes at once KiB`.
fn parse_measurement(line: &str) -> Option<(f64, u64, u64)> {
    let mut parts = line.split_whitespace();
    let wall = parts.next()?.parse().ok()?;
    let peak = parts.next()?.parse().ok()?;
    let total = parts.next()?.parse().ok()?;
    Some((wall, peak, total))
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
            parse_measurement("12.500 2048000 3000000\n"),
            Some((12.5, 2_048_000, 3_000_000))
        );
        assert_eq!(parse_measurement("12.500 2048000"), None);
        assert_eq!(parse_measurement("garbage"), None);
        assert_eq!(parse_measurement(""), None);
    }

    #[test]
    fn stat_lines_give_parent_and_resident_pages() {
        // pid (comm) state ppid … with rss the 24th field; the name has a
        // space and a parenthesis.
        let fields: Vec<String> = (4..=30).map(|n| n.to_string()).collect();
        let line = format!("4242 (rustc (x) y) S {}", fields.join(" "));
        assert_eq!(parse_stat(&line), Some((4, 24)));
        assert_eq!(parse_stat("4242 (rustc) S"), None);
        assert_eq!(parse_stat("no parenthesis"), None);
    }

    #[test]
    fn the_memory_of_this_process_is_counted() {
        let own = tree_rss_kib(std::process::id());
        assert!(own > 0, "no resident memory read for this process");
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
