//! `cargo xtask routes`: the route table, one row per operation.
//!
//! Columns: service id, operation id, task kind, the `/api` route and the
//! `/rest` route (`METHOD /path?dispatch=query`), or why a protocol has
//! none. `--json` prints the same rows as a JSON array.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use vsphere_vapi_codegen::ir::{HttpMethod, Model, Operation, Route, TaskKind};

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of a tab-separated table.
    #[arg(long)]
    json: bool,
    /// Snapshot directory; repeat it to unite several release snapshots
    /// [default: every metamodel-snapshots/vsphere-<release>, united].
    #[arg(long, value_name = "DIR")]
    snapshot: Vec<PathBuf>,
}

#[derive(serde::Serialize)]
struct Row<'a> {
    service: &'a str,
    operation: &'a str,
    /// `none`, `task` (variant of a synchronous operation) or `task-only`.
    task: &'static str,
    api: Option<String>,
    api_missing_reason: Option<&'a str>,
    rest: Option<String>,
    rest_missing_reason: Option<&'a str>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let model = crate::snapshots::load(&crate::repo_root(), &args.snapshot)?.model;
    let rows = rows(&model);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        writeln!(out, "service\toperation\ttask\tapi\trest")?;
        for row in &rows {
            let api = row
                .api
                .clone()
                .unwrap_or_else(|| format!("(none: {})", row.api_missing_reason.unwrap_or("?")));
            let rest = row
                .rest
                .clone()
                .unwrap_or_else(|| format!("(none: {})", row.rest_missing_reason.unwrap_or("?")));
            writeln!(
                out,
                "{}\t{}\t{}\t{api}\t{rest}",
                row.service, row.operation, row.task
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rows(model: &Model) -> Vec<Row<'_>> {
    model
        .services
        .values()
        .flat_map(|service| {
            service
                .operations
                .iter()
                .map(move |op| row(&service.id, op))
        })
        .collect()
}

fn row<'a>(service: &'a str, op: &'a Operation) -> Row<'a> {
    Row {
        service,
        operation: &op.id,
        task: match op.task {
            TaskKind::None => "none",
            TaskKind::TaskVariantOf(_) => "task",
            TaskKind::TaskOnly => "task-only",
        },
        api: op.api.as_ref().map(display),
        api_missing_reason: op.api_missing_reason.as_deref(),
        rest: op.rest.as_ref().map(display),
        rest_missing_reason: op.rest_missing_reason.as_deref(),
    }
}

/// `POST /api/vcenter/vm/{vm}/tools?action=upgrade`.
pub fn display(route: &Route) -> String {
    let method = match route.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Delete => "DELETE",
    };
    let query: Vec<String> = route
        .query
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    if query.is_empty() {
        format!("{method} {}", route.path)
    } else {
        format!("{method} {}?{}", route.path, query.join("&"))
    }
}
