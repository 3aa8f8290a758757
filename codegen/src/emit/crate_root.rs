//! Module files and the crate root (`src/lib.rs`).

use std::path::PathBuf;

use quote::quote;

use crate::ir::Owner;

use super::docs::{DocBuilder, summary};
use super::layout::Module;
use super::tokens::{cfg_attr_text, inner_doc_lines};
use super::types::Scope;
use super::{Ctx, EmitError, enumeration, format, handle, service, structure};

/// One module's file (the root's is `src/lib.rs`), printed with links
/// checked against its crate.
pub fn emit_module_file(ctx: &Ctx<'_>, module: &Module) -> EmittedFile {
    super::crates::in_group(module.path.first().map(String::as_str), || {
        emit_module(ctx, module)
    })
}

/// A module's path and source text, or why it could not be emitted.
pub type EmittedFile = Result<(PathBuf, String), EmitError>;

/// One module's file: its docs, child module declarations and items.
fn emit_module(ctx: &Ctx<'_>, module: &Module) -> EmittedFile {
    let mut file = format::SourceFile {
        header: format::rust_header(ctx),
        ..Default::default()
    };
    if module.is_root() {
        file.inner_doc = inner_doc_lines(&crate_docs(ctx)?);
        super::crates::root_attributes(&mut file);
        file.push(root_items(ctx)?);
    } else {
        file.inner_doc = inner_doc_lines(&module_docs(ctx, module));
    }
    file.push(child_declarations(ctx, module));
    for chunk in module_items(ctx, module, |_| true)? {
        file.push(chunk);
    }
    Ok((super::crates::module_file(module), file.render()))
}

/// Re-exports (the runtime, the shared crate, the typed view of standard
/// errors), the route table and the mock module.
fn root_items(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let shared = syn::Ident::new(
        &super::crates::crate_ident(super::crates::SHARED),
        proc_macro2::Span::call_site(),
    );
    let mut out = format::items(
        quote! {
            pub use vsphere_vapi_runtime::{
                Client, ClientBuilder, Error, Protocol, Result, Task, TaskWaitOptions,
            };

            #[doc = " The runtime this crate is built on (HTTP client, sessions, wire types)."]
            pub use vsphere_vapi_runtime as runtime;

            #[doc(inline)]
            pub use #shared::{EVERY_RELEASE, RELEASES, ids};

            mod route_table;

            pub use route_table::operations;
        },
        "the crate root",
    )?;
    let error_feature = ctx.error_kind_feature();
    if let Some(group) = ctx.crates.feature_group.get(error_feature) {
        let errors = syn::Ident::new(
            &super::crates::crate_ident(group),
            proc_macro2::Span::call_site(),
        );
        let gate = super::tokens::cfg_attr(Some(error_feature));
        out.push('\n');
        out.push_str(&format::items(
            quote! {
                #gate
                #[doc(inline)]
                pub use #errors::{ErrorExt, ErrorKind, StandardError};
            },
            "the crate root",
        )?);
    }
    out.push('\n');
    out.push_str(&super::mock::mock_module(ctx)?);
    Ok(out)
}

/// `RELEASES` and `EVERY_RELEASE`, for the shared crate.
pub(super) fn release_items(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let releases = &ctx.model.releases;
    format::items(
        quote! {
            #[doc = " The vSphere API releases this crate was generated from, oldest first."]
            #[doc = " Each operation's `OperationSpec::releases` names those that have it;"]
            #[doc = " `Client::server_release(RELEASES)` tells which one the server runs."]
            pub const RELEASES: &[&str] = &[ #( #releases ),* ];

            #[doc = " The `OperationSpec::releases` of an operation every one of [`RELEASES`] has."]
            pub const EVERY_RELEASE: vsphere_vapi_runtime::Releases =
                vsphere_vapi_runtime::Releases { known: RELEASES, present: RELEASES };
        },
        "the shared crate root",
    )
}

/// `ErrorKind`, `StandardError` and the `ErrorExt` trait, from the standard
/// errors package of the metamodel (absent from models without it).
pub(super) fn error_items(ctx: &Ctx<'_>) -> Result<Option<String>, EmitError> {
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

/// `crates/shared/src/ids.rs`: one newtype per resource type.
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
        let gate = format::indent(&cfg_attr_text(id.features.iter().map(String::as_str)), 4);
        file.push(format!(
            "vsphere_vapi_runtime::vapi_id! {{\n{}{gate}    pub struct {name} = {resource_type:?};\n}}\n",
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
        if module.is_root() {
            // Each group is a crate of its own (`emit::crates`).
            out.push_str(&format!(
                "#[doc(inline)]\npub use {}::{child};\n",
                super::crates::crate_ident(child)
            ));
        } else {
            out.push_str(&format!("pub mod {child};\n"));
        }
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
            chunks.push(handle::emit_handle(ctx, module, &scope, service)?);
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
                enumeration::emit(ctx, module, enumeration, &ctx.model.releases)?,
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

/// Module docs: what the package is for and its services, and/or the
/// service whose types the module holds, and the features that compile it.
fn module_docs(ctx: &Ctx<'_>, module: &Module<'_>) -> String {
    let mut doc = DocBuilder::new();
    for package in &module.packages {
        let at = format!("package `{}`", package.id);
        if package.doc.is_empty() {
            doc.prose(format!("The `{}` package of the vSphere API.", package.id));
        } else {
            doc.doc(ctx, &package.doc, &at);
        }
        doc.paragraph(format!("vAPI package `{}`.", package.id));
        let services: Vec<String> = module
            .services
            .iter()
            .filter(|service| service.package == package.id)
            .map(|service| {
                let summary = summary(ctx, &service.doc);
                let name = &service.path.name;
                if summary.is_empty() {
                    format!("- [`{name}`]")
                } else {
                    format!("- [`{name}`]: {summary}")
                }
            })
            .collect();
        if !services.is_empty() {
            doc.paragraph(format!("# Services\n\n{}", services.join("\n")));
        }
    }
    for service in &module.nested_of {
        let mut link = "crate".to_owned();
        for component in &service.path.module {
            link.push_str("::");
            link.push_str(crate::names::unraw(component));
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
    super::guide::guide(ctx, &mut doc);
    doc.paragraph(releases_section(ctx));
    doc.paragraph(super::mock::testing_section(ctx));
    Ok(doc.build())
}

/// The releases section of the crate docs: which releases the crate covers
/// and what the client does with them.
fn releases_section(ctx: &Ctx<'_>) -> String {
    let releases = &ctx.model.releases;
    let covered = match releases.as_slice() {
        [] => "The snapshot names no vSphere API release, so the client never refuses \
               an operation for the server's release."
            .to_owned(),
        [one] => format!("Generated from the vSphere API release {one} ([`RELEASES`])."),
        many => format!(
            "Generated from the union of the vSphere API releases {} ([`RELEASES`]): \
             the operations and types of every one of them are here, and the docs of \
             each element some of them lack say which (\"Not in vSphere API releases \
             before …\", \"**Removed** in vSphere API release …\"). A field or \
             parameter some release lacks or declares optional is an `Option`.",
            many.join(", ")
        ),
    };
    super::docs::wrap(&format!(
        "# Releases\n\n{covered} The client learns the server's release once \
         (the `hello` negotiation of vSphere 8.0.2 and later, else the appliance \
         version) when a call needs it, and refuses an operation the server's \
         release lacks before sending anything, with an `Error::NotInRelease` naming \
         the operation, the releases that have it and the server's release; \
         `Client::supports` asks the same question. Servers that cannot say (the \
         vcSim simulator) get every call."
    ))
}

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
    let handle = handle::emit_handle(ctx, handle_module, &Scope::new(handle_module), service)?;
    let belongs = |owner: &Owner| owned_by_service(ctx, owner, service_id);
    let mut out = format!(
        "// {} ({})\n\n{handle}\n// {} ({})\n\n",
        handle_module.display_path(),
        handle_module.file().display(),
        nested.display_path(),
        nested.file().display()
    );
    out.push_str(&inner_doc_lines(&module_docs(ctx, nested)));
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
