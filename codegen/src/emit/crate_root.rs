//! Module files and the crate root (`src/lib.rs`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use quote::quote;

use crate::ir::Owner;

use super::docs::DocBuilder;
use super::layout::Module;
use super::tokens::{cfg_attr_text, inner_doc_lines};
use super::types::Scope;
use super::{Ctx, EmitError, enumeration, format, service, structure};

/// Writes one file per module of the layout (the root is `src/lib.rs`).
pub fn emit_modules(ctx: &Ctx<'_>, files: &mut BTreeMap<PathBuf, String>) -> Result<(), EmitError> {
    for module in ctx.layout.modules.values() {
        let mut file = format::SourceFile {
            header: format::rust_header(ctx),
            ..Default::default()
        };
        if module.is_root() {
            file.inner_doc = inner_doc_lines(&crate_docs(ctx)?);
            file.push(root_items(ctx)?);
        } else {
            file.inner_doc = inner_doc_lines(&module_docs(module));
        }
        file.push(child_declarations(ctx, module));
        for chunk in module_items(ctx, module, |_| true)? {
            file.push(chunk);
        }
        files.insert(module.file(), file.render());
    }
    Ok(())
}

/// Re-exports, the identifier and route table modules, and the typed view
/// of standard errors.
fn root_items(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let mut out = format::items(
        quote! {
            pub use vsphere_vapi_runtime::{
                Client, ClientBuilder, Error, Protocol, Result, Task, TaskWaitOptions,
            };

            #[doc = " The runtime this crate is built on (HTTP client, sessions, wire types)."]
            pub use vsphere_vapi_runtime as runtime;

            pub mod ids;

            mod route_table;

            pub use route_table::operations;
        },
        "the crate root",
    )?;
    if let Some(errors) = error_items(ctx)? {
        out.push('\n');
        out.push_str(&errors);
    }
    out.push('\n');
    out.push_str(&super::mock::mock_module(ctx)?);
    Ok(out)
}

/// `ErrorKind`, `StandardError` and the `ErrorExt` trait, from the standard
/// errors package of the metamodel (absent from models without it).
fn error_items(ctx: &Ctx<'_>) -> Result<Option<String>, EmitError> {
    let context = "the standard errors";
    let (Some(kind), Some(base)) = (
        ctx.model.enumerations.get(super::ERROR_KIND_ENUMERATION),
        ctx.model.structures.get(super::STANDARD_ERROR_STRUCTURE),
    ) else {
        return Ok(None);
    };
    let scope_module = Module::default();
    let scope = Scope::new(&scope_module);
    let kind_path = scope.item_path(&kind.path, context)?;
    let base_path = scope.item_path(&base.path, context)?;
    let gate = super::tokens::cfg_attr(Some(kind.feature.as_str()));
    let kind_alias = (kind.path.name != "ErrorKind").then(|| quote! { as ErrorKind });
    let base_alias = (base.path.name != "StandardError").then(|| quote! { as StandardError });
    format::items(
        quote! {
            #gate
            pub use #kind_path #kind_alias;

            #gate
            pub use #base_path #base_alias;

            #[doc = " Typed access to the standard error a server reported."]
            #[doc = ""]
            #[doc = " Implemented for [`Error`]; bring it into scope with"]
            #[doc = " `use vsphere_vapi::ErrorExt;`."]
            #gate
            pub trait ErrorExt {
                #[doc = " The standard error type the server reported (`NotFound`,"]
                #[doc = " `Unauthenticated`, …); `None` when the server was not reached"]
                #[doc = " or did not answer with an error (transport, timeout, decoding)."]
                fn kind(&self) -> Option<ErrorKind>;

                #[doc = " The server's error as the standard error structure: its"]
                #[doc = " localizable messages and any data it carries."]
                fn standard_error(&self) -> Option<StandardError>;

                #[doc = " Whether the server reported `kind`."]
                fn is_kind(&self, kind: ErrorKind) -> bool {
                    self.kind() == Some(kind)
                }
            }

            #gate
            impl ErrorExt for Error {
                fn kind(&self) -> Option<ErrorKind> {
                    let error_type = self.error_type()?;
                    match error_type.parse::<ErrorKind>() {
                        Ok(kind) => Some(kind),
                        Err(never) => match never {},
                    }
                }

                fn standard_error(&self) -> Option<StandardError> {
                    self.server_error()?.decode()
                }
            }
        },
        context,
    )
    .map(Some)
}

/// `src/ids.rs`: one newtype per resource type.
pub fn emit_ids(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let mut file = format::SourceFile {
        header: format::rust_header(ctx),
        ..Default::default()
    };
    file.inner_doc = inner_doc_lines(&super::docs::wrap(
        "Typed identifiers: one type per resource type the API names, so an \
         identifier of one kind cannot be passed where another is expected.\n\n\
         Each converts from and into `String` (`VirtualMachineId::from(\"vm-42\")`, \
         `as_str()`), serializes as the bare string, and \
         converts into [`ResourceId`], which positions that accept several \
         resource types take. Identifiers the metamodel does not type stay \
         `String`.",
    ));
    file.push(format::items(
        quote! { pub use vsphere_vapi_runtime::ResourceId; },
        "the ids module",
    )?);
    for id in ctx.model.resource_ids.values() {
        let spellings: Vec<String> = id.resource_types.iter().map(|t| format!("`{t}`")).collect();
        let name = &id.path.name;
        let resource_type = id.resource_types.first().cloned().unwrap_or_default();
        let doc = format!("Identifier of a {} resource.", spellings.join(" / "));
        if id.runtime {
            file.push(format!(
                "{}pub use vsphere_vapi_runtime::{name};\n",
                super::tokens::outer_doc_lines(&doc)
            ));
            continue;
        }
        // Parsed as a struct to validate the name, printed as the macro call.
        super::tokens::ident(name, &format!("resource type `{resource_type}`"))?;
        file.push(format!(
            "vsphere_vapi_runtime::vapi_id! {{\n{}    pub struct {name} = {resource_type:?};\n}}\n",
            format::indent(&super::tokens::outer_doc_lines(&doc), 4)
        ));
    }
    Ok(file.render())
}

/// `pub mod child;` lines, each gated on the features found below it unless
/// the module's own gate already implies that.
fn child_declarations(ctx: &Ctx<'_>, module: &Module<'_>) -> String {
    let mut out = String::new();
    for child in &module.children {
        let mut path = module.path.clone();
        path.push(child.clone());
        let Some(child_module) = ctx.layout.module(&path) else {
            continue;
        };
        let implied = !module.is_root() && module.features == child_module.features;
        if !implied {
            out.push_str(&cfg_attr_text(
                child_module.features.iter().map(String::as_str),
            ));
        }
        out.push_str(&format!("pub mod {child};\n"));
    }
    out
}

/// The formatted items of `module` that `keep` accepts, in file order:
/// service handles, then types by name, then the `ops` modules.
fn module_items(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    keep: impl Fn(&Owner) -> bool,
) -> Result<Vec<String>, EmitError> {
    let scope = Scope::new(module);
    let mut chunks = Vec::new();
    for service in &module.services {
        if keep(&Owner::Service(service.id.clone())) {
            chunks.push(service::emit_handle(ctx, module, &scope, service)?);
        }
    }
    // Types sorted by Rust name so a module file reads like an index.
    let mut types: Vec<(&str, String)> = Vec::new();
    for structure in &module.structures {
        if keep(&structure.owner) {
            types.push((
                &structure.path.name,
                structure::emit(ctx, module, &scope, structure)?,
            ));
        }
    }
    for enumeration in &module.enumerations {
        if keep(&enumeration.owner) {
            types.push((
                &enumeration.path.name,
                enumeration::emit(module, enumeration)?,
            ));
        }
    }
    let mut call_items = Vec::new();
    for service in &module.nested_of {
        if keep(&Owner::Service(service.id.clone())) {
            call_items.extend(service::emit_call_items(ctx, module, &scope, service)?);
        }
    }
    types.extend(
        call_items
            .iter()
            .map(|(name, chunk)| (name.as_str(), chunk.clone())),
    );
    types.sort_by(|a, b| a.0.cmp(b.0));
    chunks.extend(types.into_iter().map(|(_, chunk)| chunk));
    for service in &module.nested_of {
        if keep(&Owner::Service(service.id.clone())) && !service.operations.is_empty() {
            chunks.push(service::emit_ops_module(ctx, module, service)?);
        }
    }
    Ok(chunks)
}

/// Module docs: the package's documentation and/or the service whose types
/// the module holds, and the features that compile it.
fn module_docs(module: &Module<'_>) -> String {
    let mut doc = DocBuilder::new();
    for package in &module.packages {
        doc.ir_doc(&package.doc);
        doc.paragraph(format!("Package `{}`.", package.id));
    }
    for service in &module.nested_of {
        let mut link = "crate".to_owned();
        for component in &service.path.module {
            link.push_str("::");
            link.push_str(component);
        }
        let ops = if service.operations.is_empty() {
            String::new()
        } else {
            " and the wire descriptions of its operations ([`mod@ops`])".to_owned()
        };
        doc.prose(format!(
            "Types of the [`{name}`]({link}::{name}) service (`{id}`){ops}.",
            name = service.path.name,
            id = service.id,
        ));
    }
    if module.packages.is_empty() && module.nested_of.is_empty() {
        doc.paragraph("Namespace of the modules below.");
    }
    let features: Vec<String> = module.features.iter().map(|f| format!("`{f}`")).collect();
    doc.paragraph(match features.as_slice() {
        [single] => format!("Compiled with the {single} feature."),
        many => format!("Compiled with any of the features {}.", many.join(", ")),
    });
    doc.build()
}

/// The crate documentation (`src/lib.rs`).
fn crate_docs(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let model = ctx.model;
    let operations: usize = model.services.values().map(|s| s.operations.len()).sum();
    let mut doc = DocBuilder::new();
    doc.paragraph("Async Rust client for the vSphere Automation APIs.");
    doc.prose(format!(
        "Generated from the vAPI metamodel snapshot `{}`: {} packages, {} services, \
         {} operations, {} structures, {} enumerations. The HTTP runtime \
         (sessions, both wire protocols, errors, tasks) is the \
         [`vsphere-vapi-runtime`](runtime) crate, re-exported as [`runtime`].",
        ctx.options.snapshot,
        model.packages.len(),
        model.services.len(),
        operations,
        model.structures.len(),
        model.enumerations.len(),
    ));

    let mut rows = vec![
        "| feature | covers | services | operations | also enables |".to_owned(),
        "|---------|--------|----------|------------|--------------|".to_owned(),
    ];
    for feature in model.features.values() {
        let (services, operations) = feature_counts(ctx, &feature.name);
        let covers = if feature.includes.is_empty() {
            let packages: Vec<String> = feature.packages.iter().map(|p| format!("`{p}`")).collect();
            let packages = if packages.len() > 3 {
                format!(
                    "{}, … ({} packages)",
                    packages[..2].join(", "),
                    packages.len()
                )
            } else {
                packages.join(", ")
            };
            // Root-package services with a feature of their own.
            let services = feature.services.iter().map(|s| format!("service `{s}`"));
            let all: Vec<String> = Some(packages)
                .filter(|packages| !packages.is_empty())
                .into_iter()
                .chain(services)
                .collect();
            all.join(", ")
        } else {
            format!("all of `{}`", feature.name)
        };
        let enables: Vec<String> = feature
            .includes
            .iter()
            .chain(&feature.depends_on)
            .map(|d| format!("`{d}`"))
            .collect();
        rows.push(format!(
            "| `{}` | {} | {} | {} | {} |",
            feature.name,
            covers,
            services,
            operations,
            enables.join(", ")
        ));
    }
    doc.prose(
        "# Features\n\n\
         Every package belongs to exactly one Cargo feature and none is \
         enabled by default: each one is a lot of code to compile, so enable \
         only what you call (`full` enables everything). Small package groups \
         are one feature named after the group. Large groups are split by \
         second-level package (`<group>-<package>`, with the group's own and \
         smaller packages in `<group>-core`), and the group's name is a \
         feature enabling all of its parts. A feature also enables the \
         features whose types its own types use. Without features the crate \
         still provides the runtime re-exports and an empty [`operations`] \
         table.",
    );
    doc.paragraph(rows.join("\n"));
    doc.paragraph(quick_start(ctx));
    doc.prose(
        "Each service is a handle created from a [`Client`] (cheap to clone); \
         its methods are the service's operations with typed parameters and \
         results. Required parameters are positional (an operation with more \
         than three takes one `…Args` structure); an operation with optional \
         parameters returns a request builder whose setters add them and whose \
         `send()` runs the call, so no call site spells out `None`. \
         Identifiers are typed by resource ([`ids`]): a datastore's cannot be \
         passed where a virtual machine's is expected. Task operations come as \
         `op_task`, returning a [`Task`] handle (`wait()`, `status()`, \
         `cancel()`), and, where the result type is known, `op_and_wait`, which \
         waits with the default [`TaskWaitOptions`].",
    );
    doc.prose(
        "# Protocols\n\n\
         vCenter serves the same operations over two HTTP mappings: `/api` \
         (vSphere 7.0 Update 2 and later) and the older `/rest`. The client \
         chooses per operation ([`Protocol::Auto`], the default, uses `/api` \
         where the operation has an `/api` route); [`ClientBuilder::protocol`] \
         forces one for older servers. Every operation method documents both \
         routes, and [`operations`] lists them for the whole crate.",
    );
    doc.prose(
        "# Enumerations\n\n\
         vAPI enumerations are open: a newer server may send values this crate \
         does not know. Generated enums are `#[non_exhaustive]` and read such a \
         value as their `Unknown` variant, which keeps the wire text (`as_str()`) \
         but cannot be built by hand, so it never stands for a known value; \
         `match` them with a wildcard arm.",
    );
    let errors = if ctx.error_kind_feature().is_empty() {
        "# Errors\n\n\
         Every method returns [`Result`]; a failed call is an [`Error`], which \
         tells transport, TLS, timeout and decoding failures apart from errors \
         the server reported. Each method documents the errors the API \
         declares for it."
            .to_owned()
    } else {
        format!(
            "# Errors\n\n\
             Every method returns [`Result`]; a failed call is an [`Error`], which \
             tells transport, TLS, timeout and decoding failures apart from errors \
             the server reported. For the latter, `ErrorExt::kind` (enabled by the \
             `{}` feature) gives the vAPI standard error type (`ErrorKind::NotFound`, \
             `ErrorKind::Unauthenticated`, …) and `ErrorExt::standard_error` its \
             messages. Each method documents the errors the API declares for it.",
            ctx.error_kind_feature()
        )
    };
    doc.prose(errors);
    doc.paragraph(super::mock::testing_section(ctx));
    Ok(doc.build())
}

/// The quick start section. It calls a real operation when the model has
/// `vcenter.vm.power.start`; the example is compiled as a doc test only when
/// that operation's feature is enabled.
fn quick_start(ctx: &Ctx<'_>) -> String {
    let power = ctx
        .model
        .services
        .get("com.vmware.vcenter.vm.power")
        .and_then(|service| {
            let start = service.operations.iter().find(|op| op.id == "start")?;
            let feature = ctx.service_feature(service).ok()?;
            (start.params.len() == 1).then_some((service, start, feature))
        });
    let mut code = Vec::new();
    match power {
        Some((service, start, feature)) => {
            code.push(format!("# #[cfg(feature = \"{feature}\")]"));
            code.push("# async fn example() -> vsphere_vapi::Result<()> {".to_owned());
            code.push("use vsphere_vapi::Client;".to_owned());
            code.push(format!(
                "use vsphere_vapi::{}::{};",
                service.path.module.join("::"),
                service.path.name
            ));
            code.push(String::new());
            code.push(CONNECT.to_owned());
            // The argument is typed by the resource it names, when it is.
            let argument = match &start.params[0].ty {
                crate::ir::TypeRef::Resource(key) => match ctx.model.resource_ids.get(key) {
                    Some(id) => {
                        code.push(format!("use vsphere_vapi::ids::{};", id.path.name));
                        format!("&{}::from(\"vm-42\")", id.path.name)
                    }
                    None => "\"vm-42\"".to_owned(),
                },
                _ => "\"vm-42\"".to_owned(),
            };
            code.push(format!(
                "{}::new(&client).{}({argument}).await?;",
                service.path.name, start.rust_name
            ));
        }
        None => {
            code.push("# async fn example() -> vsphere_vapi::Result<()> {".to_owned());
            code.push("use vsphere_vapi::Client;".to_owned());
            code.push(String::new());
            code.push(CONNECT.to_owned());
            code.push("// Create service handles with `Service::new(&client)`.".to_owned());
        }
    }
    code.push("client.logout().await?;".to_owned());
    code.push("# Ok(())".to_owned());
    code.push("# }".to_owned());
    format!(
        "# Quick start\n\n\
         ```no_run\n{}\n```",
        code.join("\n")
    )
}

const CONNECT: &str = "\
let client = Client::builder(\"https://vcenter.example.com\").build()?;
client.login(\"administrator@vsphere.local\", \"password\").await?;";

/// Services and operations of a feature's own packages (for an umbrella,
/// of its members').
pub fn feature_counts(ctx: &Ctx<'_>, feature: &str) -> (usize, usize) {
    let mut covered: Vec<&str> = vec![feature];
    if let Some(umbrella) = ctx.model.features.get(feature) {
        covered.extend(umbrella.includes.iter().map(String::as_str));
    }
    let mut services = 0;
    let mut operations = 0;
    for service in ctx.model.services.values() {
        if ctx
            .service_feature(service)
            .is_ok_and(|own| covered.contains(&own))
        {
            services += 1;
            operations += service.operations.len();
        }
    }
    (services, operations)
}

/// Features no umbrella includes: what `full` lists.
pub fn top_level_features<'a>(ctx: &Ctx<'a>) -> Vec<&'a str> {
    let included: std::collections::BTreeSet<&str> = ctx
        .model
        .features
        .values()
        .flat_map(|feature| feature.includes.iter().map(String::as_str))
        .collect();
    ctx.model
        .features
        .keys()
        .map(String::as_str)
        .filter(|name| !included.contains(name))
        .collect()
}

/// One service's code as it appears in the crate: the handle, then the
/// service's nested module (docs, the types owned by the service, `ops`).
pub fn render_service(ctx: &Ctx<'_>, service_id: &str) -> Result<String, EmitError> {
    let service =
        ctx.model
            .services
            .get(service_id)
            .ok_or_else(|| EmitError::UnknownReference {
                context: "render_service".to_owned(),
                kind: "service",
                id: service_id.to_owned(),
            })?;
    let missing = |path: &[String]| EmitError::UnknownReference {
        context: format!("service `{service_id}`"),
        kind: "module",
        id: path.join("::"),
    };
    let handle_module = ctx
        .layout
        .module(&service.path.module)
        .ok_or_else(|| missing(&service.path.module))?;
    let nested = ctx
        .layout
        .module(&service.nested_module)
        .ok_or_else(|| missing(&service.nested_module))?;
    let handle = service::emit_handle(ctx, handle_module, &Scope::new(handle_module), service)?;
    let belongs = |owner: &Owner| owned_by_service(ctx, owner, service_id);
    let mut out = format!(
        "// {} ({})\n\n{handle}\n// {} ({})\n\n",
        handle_module.display_path(),
        handle_module.file().display(),
        nested.display_path(),
        nested.file().display()
    );
    out.push_str(&inner_doc_lines(&module_docs(nested)));
    for chunk in module_items(ctx, nested, belongs)? {
        out.push('\n');
        out.push_str(&chunk);
    }
    Ok(out)
}

/// Whether an item owned by `owner` belongs to the service (directly, or
/// nested in a structure of the service).
fn owned_by_service(ctx: &Ctx<'_>, owner: &Owner, service_id: &str) -> bool {
    let mut owner = owner.clone();
    // Bounded by the number of structures, in case ownership loops.
    for _ in 0..=ctx.model.structures.len() {
        match owner {
            Owner::Service(id) => return id == service_id,
            Owner::Package(_) => return false,
            Owner::Structure(id) => match ctx.model.structures.get(&id) {
                Some(structure) => owner = structure.owner.clone(),
                None => return false,
            },
        }
    }
    false
}
