//! Services: a client handle with one method per operation (in the call
//! shape `lower::calls` decided), the request builders and argument
//! structures of its operations, and the hidden `ops` module with one
//! `OperationSpec` static per operation.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{
    Builtin, HttpMethod, Idempotency, Operation, ParamLocation, RequestBuilder, Route, Service,
    TaskKind, TypeRef,
};

use super::docs::{
    DocBuilder, ReleaseScope, field_attrs, field_notes, indent_continuation, join_sentences,
    lifecycle_line, render, route_bindings, route_line, wrap,
};
use super::layout::{Module, OPS_MODULE};
use super::text::{self, Block};
use super::tokens::{
    cfg_attr, cfg_attr_text, doc_attrs, ident, inner_doc_lines, outer_doc_lines, unraw,
};
use super::types::{PassBy, Scope, TypeMapper};
use super::{Ctx, EmitError, format};

/// Rustdoc link target of a module: `crate::vcenter::vm::tools`.
pub(super) fn module_link(path: &[String]) -> String {
    // Rustdoc reads `#` as the start of a fragment, and resolves keyword
    // segments (`type`) without the `r#`.
    let mut link = "crate".to_owned();
    for component in path {
        link.push_str("::");
        link.push_str(unraw(component));
    }
    link
}

/// Absolute path of an operation's static, for the route table.
pub fn static_path(
    service: &Service,
    static_name: &Ident,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let ops = Ident::new(OPS_MODULE, proc_macro2::Span::call_site());
    let all = module_idents(&service.nested_module, context)?;
    Ok(quote! { crate #( :: #all )* :: #ops :: #static_name })
}

fn module_idents(path: &[String], context: &str) -> Result<Vec<Ident>, EmitError> {
    path.iter()
        .map(|component| ident(component, context))
        .collect()
}

/// `UPGRADE`, `CLONE_VM_TASK`: the static of each operation, by operation id.
pub fn static_names(service: &Service) -> Result<BTreeMap<String, Ident>, EmitError> {
    service
        .operations
        .iter()
        .map(|operation| {
            let context = format!("service `{}`, operation `{}`", service.id, operation.id);
            Ok((
                operation.id.clone(),
                ident(&operation.static_name, &context)?,
            ))
        })
        .collect()
}

/// The request builders and argument structures of a service's operations,
/// placed in the service's module.
pub fn emit_call_items(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    scope: &Scope<'_>,
    service: &Service,
) -> Result<Vec<(String, String)>, EmitError> {
    let feature = ctx.service_feature(service)?;
    let gate = cfg_attr(module.item_gate(feature));
    let types = TypeMapper { ctx, scope };
    let mut items = Vec::new();
    for operation in &service.operations {
        let context = format!("service `{}`, operation `{}`", service.id, operation.id);
        if let Some(args) = &operation.call.args {
            items.push((
                args.name.clone(),
                format::items(
                    args_struct(&types, service, operation, &gate, &context)?,
                    &context,
                )?,
            ));
        }
        if let Some(builder) = &operation.call.builder {
            items.push((
                builder.path.name.clone(),
                format::items(
                    builder_items(ctx, &types, service, operation, builder, &gate, &context)?,
                    &context,
                )?,
            ));
        }
    }
    Ok(items)
}

fn method_link(service: &Service, operation: &Operation) -> String {
    format!(
        "[`{name}::{method}`]({link}::{name}::{method})",
        name = service.path.name,
        method = unraw(&operation.rust_name),
        link = module_link(&service.path.module),
    )
}

fn args_struct(
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    gate: &TokenStream,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let Some(args) = &operation.call.args else {
        return Ok(TokenStream::new());
    };
    let name = ident(&args.name, context)?;
    let doc = doc_attrs(&wrap(&format!(
        "The required parameters of {}, which takes more than three.",
        method_link(service, operation)
    )));
    let fields = operation
        .call
        .required
        .iter()
        .map(|&index| {
            let param = &operation.params[index];
            let field_context = format!("{context}, parameter `{}`", param.name);
            let field = ident(&param.rust_name, &field_context)?;
            let ty = types.owned(&param.ty, &field_context)?;
            let scope = ReleaseScope::member(&types.ctx.model.releases, &operation.releases);
            let doc = field_attrs(types.ctx, param, &field_context, scope);
            Ok(quote! { #doc pub #field: #ty, })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    Ok(quote! {
        #doc
        #gate
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #( #fields )*
        }
    })
}

fn builder_items(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    builder: &RequestBuilder,
    gate: &TokenStream,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let name = ident(&builder.path.name, context)?;
    let doc = doc_attrs(&wrap(&format!(
        "A call of {} being assembled: set optional parameters, then `send()` it.",
        method_link(service, operation)
    )));
    let setters = builder
        .setters
        .iter()
        .map(|(index, setter)| {
            let param = &operation.params[*index];
            let param_context = format!("{context}, parameter `{}`", param.name);
            let setter = ident(setter, &param_context)?;
            let inner = match &param.ty {
                TypeRef::Optional(inner) => inner.as_ref(),
                other => other,
            };
            let (ty, pass) = types.param(inner, &param_context)?;
            let value = ident(&param.rust_name, &param_context)?;
            let wire = &param.name;
            let arg = match pass {
                PassBy::Reference => quote! { #value },
                PassBy::Borrow => quote! { &#value },
            };
            let scope = ReleaseScope::member(&types.ctx.model.releases, &operation.releases);
            let doc = field_attrs(ctx, param, &param_context, scope);
            Ok(quote! {
                #doc
                pub fn #setter(self, #value: #ty) -> Self {
                    Self { call: self.call.param(#wire, #arg) }
                }
            })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let send = if operation.task != TaskKind::None {
        let result = super::handle::task_result_type(types, operation, context)?;
        quote! {
            #[doc = " Starts the task; the handle waits for it or reports its progress."]
            pub fn send(self) -> impl ::core::future::Future<
                Output = vsphere_vapi_runtime::Result<vsphere_vapi_runtime::Task<#result>>,
            > {
                self.call.send_task()
            }

            #[doc = " Starts the task and waits for its result with the default"]
            #[doc = " [`TaskWaitOptions`](crate::TaskWaitOptions)."]
            pub async fn send_and_wait(self) -> vsphere_vapi_runtime::Result<#result> {
                self.send().await?.wait().await
            }
        }
    } else {
        let output = types.owned(&operation.output, context)?;
        let _ = ctx;
        quote! {
            #[doc = " Sends the request and decodes the result."]
            pub fn send(self)
                -> impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<#output>>
            {
                self.call.send()
            }
        }
    };
    Ok(quote! {
        #doc
        #gate
        #[derive(Debug)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #name {
            call: vsphere_vapi_runtime::Call,
        }

        #gate
        impl #name {
            pub(crate) fn new(call: vsphere_vapi_runtime::Call) -> Self {
                Self { call }
            }

            #( #setters )*

            #send
        }
    })
}

/// Words for a result type in rustdoc, linking generated types:
/// "a list of [`Info`](crate::vcenter::vm::Info)".
pub(super) fn result_phrase(
    ctx: &Ctx<'_>,
    service: &Service,
    ty: &TypeRef,
    context: &str,
) -> Result<String, EmitError> {
    let item = |path: &crate::ir::RustPath| {
        let name = &path.name;
        if path.module == service.path.module {
            // In scope by name; an explicit target would be redundant.
            format!("[`{name}`]")
        } else {
            format!("[`{name}`]({}::{name})", module_link(&path.module))
        }
    };
    Ok(match ty {
        TypeRef::Builtin(builtin) => match builtin {
            Builtin::Void => "nothing (`()`)",
            Builtin::Boolean => "a `bool`",
            Builtin::Long => "an `i64`",
            Builtin::Double => "an `f64`",
            Builtin::String => "a `String`",
            Builtin::Id => "an identifier (`String`)",
            Builtin::Uri => "a URI (`String`)",
            Builtin::Binary => "binary data (`Binary`)",
            Builtin::Secret => "a secret (`Secret`)",
            Builtin::DateTime => "a date and time (`DateTime`)",
            Builtin::AnyError | Builtin::DynamicStructure | Builtin::Opaque => {
                "a JSON value (`serde_json::Value`)"
            }
        }
        .to_owned(),
        TypeRef::Structure(id) => item(&ctx.structure(id, context)?.path),
        TypeRef::Enumeration(id) => item(&ctx.enumeration(id, context)?.path),
        TypeRef::Resource(key) => format!(
            "an identifier ({})",
            item(&ctx.resource_id(key, context)?.path)
        ),
        TypeRef::AnyResource => {
            "an identifier ([`ResourceId`](crate::runtime::ResourceId))".to_owned()
        }
        TypeRef::Optional(inner) => format!(
            "{}, or nothing (`None`)",
            result_phrase(ctx, service, inner, context)?
        ),
        TypeRef::List(inner) => {
            format!("a list of {}", result_phrase(ctx, service, inner, context)?)
        }
        TypeRef::Set(inner) => format!("a set of {}", result_phrase(ctx, service, inner, context)?),
        TypeRef::Map(key, value) => format!(
            "a map from {} to {}",
            result_phrase(ctx, service, key, context)?,
            result_phrase(ctx, service, value, context)?
        ),
    })
}

/// How to wait for a task operation's result, for its docs: its waiting
/// helper, its builder's `send_and_wait`, or nothing.
fn waits_phrase(operation: &Operation) -> String {
    match (&operation.wait_name, &operation.call.builder) {
        (Some(wait), _) => format!("; [`{wait}`](Self::{wait}) starts it and waits"),
        (None, Some(_)) => "; the builder's `send_and_wait` starts it and waits".to_owned(),
        (None, None) => String::new(),
    }
}

/// Rustdoc of an operation method: the metamodel's text, parameters, result,
/// HTTP routes and documented errors.
pub(super) fn operation_doc(
    ctx: &Ctx<'_>,
    service: &Service,
    operation: &Operation,
    context: &str,
) -> Result<String, EmitError> {
    let mut doc = DocBuilder::new();
    let op_scope = ReleaseScope::member(&ctx.model.releases, &service.releases);
    let twin = match &operation.task {
        TaskKind::TaskVariantOf(base) => service.operations.iter().find(|op| &op.id == base),
        _ => None,
    };
    if let Some(twin) = twin {
        // The twin documents the operation; repeating it would double the
        // crate's docs for nothing.
        let method = unraw(&twin.rust_name);
        let waits = waits_phrase(operation);
        doc.prose(format!(
            "Starts [`{method}`](Self::{method}) as a vCenter task, with the same \
             parameters and errors, and returns its [`Task`](crate::Task) handle{waits}."
        ));
        doc.releases(&operation.releases, op_scope);
    } else {
        doc.item(ctx, &operation.doc, &operation.lifecycle, context);
        doc.releases(&operation.releases, op_scope);
        let task_twin = service
            .operations
            .iter()
            .find(|op| matches!(&op.task, TaskKind::TaskVariantOf(base) if *base == operation.id));
        if let Some(task_twin) = task_twin {
            let method = unraw(&task_twin.rust_name);
            let waits = match &task_twin.wait_name {
                Some(wait) => format!(", or [`{wait}`](Self::{wait}) to start it and wait"),
                None => String::new(),
            };
            doc.prose(format!(
                "Also runs as a vCenter task: [`{method}`](Self::{method}) returns a \
                 [`Task`](crate::Task) handle{waits}."
            ));
        }
        if operation.task == TaskKind::TaskOnly {
            let waits = waits_phrase(operation);
            doc.prose(format!(
                "Runs as a vCenter task and returns its [`Task`](crate::Task) handle{waits}."
            ));
        }
        let line = |param: &crate::ir::Field| {
            let at = format!("{context}, parameter `{}`", param.name);
            let text = render(ctx, &param.doc, &at);
            let mut text = join_sentences(
                &text,
                &field_notes(
                    param,
                    ReleaseScope::member(&ctx.model.releases, &operation.releases),
                ),
            );
            if let Some(line) = lifecycle_line(ctx, &param.lifecycle, &at) {
                text = join_sentences(&text, &line);
            }
            if text.trim().is_empty() {
                return format!("- `{}`", unraw(&param.rust_name));
            }
            format!(
                "- `{}`: {}",
                unraw(&param.rust_name),
                indent_continuation(text.trim(), 2)
            )
        };
        let required: Vec<String> = operation
            .call
            .required
            .iter()
            .map(|&index| line(&operation.params[index]))
            .collect();
        if !required.is_empty() {
            let intro = match &operation.call.args {
                Some(args) => format!(
                    "In [`{name}`]({link}::{name}):\n\n",
                    name = args.name,
                    link = module_link(&args.module)
                ),
                None => String::new(),
            };
            doc.paragraph(format!("# Parameters\n\n{intro}{}", required.join("\n")));
        }
        if let Some(builder) = &operation.call.builder {
            let setters: Vec<String> = builder
                .setters
                .iter()
                .map(|(_, setter)| format!("`{}`", unraw(setter)))
                .collect();
            doc.paragraph(format!(
                "# Optional parameters\n\nSet on the returned [`{name}`]({link}::{name}) \
                 before `send()`: {}.",
                setters.join(", "),
                name = builder.path.name,
                link = module_link(&builder.path.module),
            ));
        }
        if operation.task == TaskKind::None
            && operation.output != TypeRef::Builtin(Builtin::Void)
            && !operation.output_doc.is_empty()
        {
            let returns = render(ctx, &operation.output_doc, &format!("{context}, result"));
            doc.paragraph(format!("# Returns\n\n{returns}"));
        }
    }

    let mut http = Vec::new();
    for (label, route, missing) in [
        ("/api", &operation.api, &operation.api_missing_reason),
        ("/rest", &operation.rest, &operation.rest_missing_reason),
    ] {
        http.push(match route {
            Some(route) => {
                let bindings = route_bindings(route);
                if bindings.is_empty() {
                    format!("- `{label}`: `{}`", route_line(route))
                } else {
                    format!("- `{label}`: `{}` ({bindings})", route_line(route))
                }
            }
            None => match missing {
                Some(reason) => format!("- `{label}`: not available ({})", reason.trim()),
                None => format!("- `{label}`: not available"),
            },
        });
    }
    doc.paragraph(format!("# HTTP\n\n{}", http.join("\n")));

    if twin.is_none() && !operation.errors.is_empty() {
        let feature = ctx.service_feature(service)?;
        let kinds_reachable = !ctx.error_kind_feature().is_empty()
            && ctx.feature_reaches(feature, ctx.error_kind_feature());
        let intro = if kinds_reachable {
            "Fails with an [`Error`](crate::Error); for errors the server reports, \
             [`ErrorExt::kind`](crate::ErrorExt::kind) is one of:"
        } else {
            "Fails with an [`Error`](crate::Error); the server reports these errors:"
        };
        let mut lines = vec![intro.to_owned(), String::new()];
        for error in &operation.errors {
            let structure = ctx.structure(&error.structure_id, context)?;
            let name = &structure.path.name;
            let target = match ctx.error_kind_variant(&error.structure_id) {
                Some(variant) if kinds_reachable => {
                    format!("[`{variant}`](crate::ErrorKind::{variant})")
                }
                Some(variant) => format!("`{variant}`"),
                None if structure.path.module == service.path.module => format!(
                    "[`{name}`] (decode it with \
                     [`ServerError::decode`](crate::runtime::ServerError::decode))"
                ),
                None if ctx.feature_reaches(feature, &structure.feature) => format!(
                    "[`{name}`]({}::{name}) (decode it with \
                     [`ServerError::decode`](crate::runtime::ServerError::decode))",
                    module_link(&structure.path.module)
                ),
                None => format!("`{name}`"),
            };
            let text = render(
                ctx,
                &error.doc,
                &format!("{context}, error `{}`", error.structure_id),
            );
            let text = text.trim();
            lines.push(if text.is_empty() {
                format!("- {target}")
            } else {
                format!("- {target}: {}", indent_continuation(text, 2))
            });
        }
        doc.paragraph(format!("# Errors\n\n{}", lines.join("\n")));
    }
    Ok(doc.build())
}

/// The inline `ops` module of a service, inside its nested-type module.
pub fn emit_ops_module(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    service: &Service,
) -> Result<String, EmitError> {
    let context = format!("service `{}`", service.id);
    let statics = static_names(service)?;
    let feature = ctx.service_feature(service)?;

    let any_route = service
        .operations
        .iter()
        .any(|op| op.api.is_some() || op.rest.is_some());
    let any_param = service.operations.iter().any(|op| {
        op.api
            .iter()
            .chain(op.rest.iter())
            .any(|route| !route.params.is_empty())
    });
    // Only what the statics use: an unused import would be a warning.
    let mut imports = Vec::new();
    if any_route {
        imports.push(quote! { HttpMethod });
        imports.push(quote! { HttpRoute });
    }
    imports.push(quote! { Idempotency });
    imports.push(quote! { OperationSpec });
    if any_param {
        imports.push(quote! { ParamBinding });
        imports.push(quote! { ParamLocation });
    }
    let names_releases = service
        .operations
        .iter()
        .any(|op| names_releases_type(&op.releases, &ctx.model.releases));
    if names_releases {
        imports.push(quote! { Releases });
    }
    let uses = format::items(
        quote! { use vsphere_vapi_runtime::{ #( #imports ),* }; },
        &context,
    )?;
    // The statics are printed as text at their depth in the module (see
    // `text`): they are a fifth of the generated lines and all one shape.
    let mut statics_text = String::new();
    for operation in &service.operations {
        let op_context = format!("{context}, operation `{}`", operation.id);
        let doc = format!(
            "`{}`: the wire description of [`{}::{}`]({}::{}::{}).",
            operation.id,
            service.path.name,
            unraw(&operation.rust_name),
            module_link(&service.path.module),
            service.path.name,
            unraw(&operation.rust_name),
        );
        statics_text.push('\n');
        statics_text.push_str(&operation_static(
            ctx,
            &statics[&operation.id],
            service,
            operation,
            &doc,
            &op_context,
        )?);
    }

    let mut out = String::new();
    out.push_str(&cfg_attr_text(module.item_gate(feature)));
    // Wire internals: public so the route table and tests can reach them,
    // hidden from the rendered docs, which document the methods instead.
    out.push_str("#[doc(hidden)]\n");
    out.push_str(&format!("pub mod {OPS_MODULE} {{\n"));
    let mut body = inner_doc_lines(&wrap(&format!(
        "Wire descriptions of the [`{}`]({}::{}) operations, one static per operation; \
         `vsphere_vapi::operations()` lists them all.",
        service.path.name,
        module_link(&service.path.module),
        service.path.name,
    )));
    body.push('\n');
    body.push_str(&uses);
    out.push_str(&format::indent(&body, 4));
    out.push_str(&statics_text);
    out.push_str("}\n");
    Ok(out)
}

/// `pub static NAME: OperationSpec = OperationSpec { … };` at depth 1 (in
/// the `ops` module), with its doc line.
fn operation_static(
    ctx: &Ctx<'_>,
    name: &proc_macro2::Ident,
    service: &Service,
    operation: &Operation,
    doc: &str,
    context: &str,
) -> Result<String, EmitError> {
    let opening = "OperationSpec {";
    let header = format!("pub static {name}: OperationSpec = {opening}");
    // A name too long to say how prettyplease breaks the first line leaves
    // the whole static to it.
    let whole = text::line_fits(1, &header) != Some(true);
    let mut out = if whole {
        Block::for_prettyplease()
    } else {
        Block::new()
    };
    out.write_raw(&format::indent(&outer_doc_lines(doc), 4));
    out.line(1, &header);
    let task = operation.task != TaskKind::None;
    let idempotency = match &operation.idempotency {
        Idempotency::None => "Idempotency::None".to_owned(),
        Idempotency::Safe => "Idempotency::Safe".to_owned(),
        Idempotency::WithToken(param) => format!("Idempotency::WithToken({param:?})"),
    };
    // Fields holding a literal or a path have nowhere to break: one line
    // each however wide.
    out.line(2, &format!("service_id: {:?},", service.id));
    out.line(2, &format!("operation_id: {:?},", operation.id));
    out.line(2, &format!("task: {task},"));
    out.field(2, opening, &format!("idempotency: {idempotency},"), context)?;
    route_text(&mut out, "api", operation.api.as_ref(), context)?;
    route_text(&mut out, "rest", operation.rest.as_ref(), context)?;
    let releases = &operation.releases;
    let all = &ctx.model.releases;
    if all.is_empty() || releases.present.is_empty() {
        out.line(2, "releases: Releases::UNKNOWN,");
    } else if releases.in_all(all) {
        out.line(2, "releases: crate::EVERY_RELEASE,");
    } else {
        let present: Vec<String> = releases.present.iter().map(|r| format!("{r:?}")).collect();
        out.line(2, "releases: Releases {");
        out.line(3, "known: crate::RELEASES,");
        out.field(
            3,
            "Releases {",
            &format!("present: &[{}],", present.join(", ")),
            context,
        )?;
        out.line(2, "},");
    }
    out.line(1, "};");
    let text = out.finish(context)?;
    Ok(if whole {
        format::indent(&text, 4)
    } else {
        text
    })
}

/// The `api` or `rest` field of an operation static (depth 2).
fn route_text(
    out: &mut Block,
    field: &str,
    route: Option<&Route>,
    context: &str,
) -> Result<(), EmitError> {
    let Some(route) = route else {
        return out.field(2, "OperationSpec {", &format!("{field}: None,"), context);
    };
    let method = match route.method {
        HttpMethod::Get => "Get",
        HttpMethod::Post => "Post",
        HttpMethod::Put => "Put",
        HttpMethod::Patch => "Patch",
        HttpMethod::Delete => "Delete",
    };
    let opening = "HttpRoute {";
    out.line(2, &format!("{field}: Some({opening}"));
    // A field whose value is a path or a literal has nowhere to break: it
    // is one line however wide.
    out.line(3, &format!("method: HttpMethod::{method},"));
    out.line(3, &format!("path: {:?},", route.path));
    let query: Vec<String> = route
        .query
        .iter()
        .map(|(key, value)| format!("({key:?}, {value:?})"))
        .collect();
    out.field(
        3,
        opening,
        &format!("query: &[{}],", query.join(", ")),
        context,
    )?;
    if route.params.is_empty() {
        out.field(3, opening, "params: &[],", context)?;
    } else {
        // A struct literal this wide is always broken, and so is the
        // array holding it.
        out.line(3, "params: &[");
        for binding in &route.params {
            let location = match &binding.location {
                ParamLocation::Path(name) => format!("ParamLocation::Path({name:?})"),
                ParamLocation::Query(name) => format!("ParamLocation::Query({name:?})"),
                ParamLocation::Body => "ParamLocation::Body".to_owned(),
                ParamLocation::BodyField(name) => format!("ParamLocation::BodyField({name:?})"),
                ParamLocation::Header(name) => format!("ParamLocation::Header({name:?})"),
            };
            let binding_opening = "ParamBinding {";
            out.line(4, binding_opening);
            out.line(5, &format!("param: {:?},", binding.param));
            out.field(
                5,
                binding_opening,
                &format!("location: {location},"),
                context,
            )?;
            out.line(4, "},");
        }
        out.line(3, "],");
    }
    out.line(2, "}),");
    Ok(())
}

/// Whether an operation's static names the `Releases` type: all but those
/// every release has (`crate::EVERY_RELEASE`).
fn names_releases_type(releases: &crate::ir::Releases, all: &[String]) -> bool {
    all.is_empty() || releases.present.is_empty() || !releases.in_all(all)
}
