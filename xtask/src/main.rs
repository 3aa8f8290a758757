//! Project automation: `cargo xtask <command>`.

mod bench;
mod diff;
mod fetch;
mod import_bindings;
mod regen;
mod routes;
mod snapshots;
mod wire_tables;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "xtask", about = "vsphere-vapi project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rebuild metamodel snapshots from VMware's official Python bindings.
    ImportBindings(import_bindings::Args),
    /// Download the metamodel of a live vCenter into metamodel-snapshots/.
    Fetch(fetch::Args),
    /// Regenerate the client crate in generated/ from a snapshot.
    Regen(regen::Args),
    /// Print the route table: every operation's /api and /rest routes.
    Routes(routes::Args),
    /// Measure regen against a bare parse, and cold compile time and memory of the generated crate.
    Bench(bench::Args),
    /// Print the API change log between two snapshot directories (Markdown or JSON).
    Diff(diff::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::ImportBindings(args) => import_bindings::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Regen(args) => regen::run(args),
        Command::Routes(args) => routes::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Diff(args) => diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}
