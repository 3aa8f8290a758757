//! Services: a client handle with one `async fn` per operation, and the
//! `ops` module with one `OperationSpec` static per operation.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{Builtin, HttpMethod, Operation, ParamLocation, Route, Service, TaskKind, TypeRef};
use crate::names;

use super::docs::{DocBuilder, field_notes, indent_continuation, route_bindings, route_line, wrap};
use super::layout::{Module, OPS_MODULE};
use super::structure::constant_item;
use super::tokens::{cfg_attr, cfg_attr_text, doc_attrs, ident, inner_doc_lines, unraw};
use super::types::{PassBy, Scope, TypeMapper};
use super::{Ctx, EmitError, format};

/// The options type of `vsphere_vapi_runtime::Client::wait_for_task`.
const WAIT_OPTIONS_TYPE: &str = "TaskWaitOptions";

/// The client handle of `service`: struct, constructor, constants and methods.
pub fn emit_handle(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    scope: &Scope<'_>,
    service: &Service,
) -> Result<String, EmitError> {
    let context = format!("service `{}`", service.id);
    let name = ident(&service.path.name, &context)?;
    let feature = ctx.service_feature(service)?;
    let gate = cfg_attr(module.item_gate(feature));
    let types = TypeMapper { ctx, scope };

    let mut doc = DocBuilder::new();
    doc.ir_doc(&service.doc);
    // A child module resolves by name; any other needs its full path.
    // `mod@`: a module may share its name with a prelude macro (`file`).
    let nested_link = match service
        .nested_module
        .strip_prefix(service.path.module.as_slice())
    {
        Some([child]) => format!("[`mod@{child}`]"),
        _ => format!("[`mod@{}`]", module_link(&service.nested_module)),
    };
    let nested_exists = ctx.layout.module(&service.nested_module).is_some();
    doc.prose(if nested_exists {
        format!(
            "A cheap handle over a [`Client`](crate::Client) (clone it freely). \
             The service's own types are in {nested_link}; service id `{}`.",
            service.id
        )
    } else {
        format!(
            "A cheap handle over a [`Client`](crate::Client) (clone it freely); \
             service id `{}`.",
            service.id
        )
    });
    let doc = doc_attrs(&doc.build());

    let mut method_names: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |name: &str, what: String| -> Result<(), EmitError> {
        if let Some(first) = method_names.insert(unraw(name).to_owned(), what.clone()) {
            return Err(EmitError::NameCollision {
                module: format!("{}::{}", module.display_path(), service.path.name),
                name: name.to_owned(),
                first,
                second: what,
            });
        }
        Ok(())
    };
    claim("new", "the constructor".to_owned())?;
    claim("client", "the client accessor".to_owned())?;

    let constants = service
        .constants
        .iter()
        .map(|constant| constant_item(constant, &context))
        .collect::<Result<Vec<_>, _>>()?;

    let statics = static_names(service)?;
    let ops_path = ops_module_path(service, &context)?;
    let mut methods = Vec::new();
    for operation in &service.operations {
        let op_context = format!("{context}, operation `{}`", operation.id);
        claim(
            &operation.rust_name,
            format!("operation `{}`", operation.id),
        )?;
        let static_name = &statics[&operation.id];
        methods.push(operation_method(
            ctx,
            &types,
            service,
            operation,
            quote! { #ops_path::#static_name },
            &op_context,
        )?);
        if let Some((wait_name, result)) = wait_helper(service, operation)? {
            claim(&wait_name, format!("the wait helper of `{}`", operation.id))?;
            methods.push(wait_method(
                ctx,
                &types,
                service,
                operation,
                &wait_name,
                result,
                &op_context,
            )?);
        }
    }

    let new_doc = doc_attrs(&wrap(&format!(
        "A handle for the `{}` service sending its requests through `client`.",
        service.id
    )));
    let tokens = quote! {
        #doc
        #gate
        #[derive(Debug, Clone)]
        pub struct #name {
            client: vsphere_vapi_runtime::Client,
        }

        #gate
        impl #name {
            #( #constants )*

            #new_doc
            pub fn new(client: &vsphere_vapi_runtime::Client) -> Self {
                Self { client: client.clone() }
            }

            #[doc = " The client this handle sends its requests through."]
            pub fn client(&self) -> &vsphere_vapi_runtime::Client {
                &self.client
            }

            #( #methods )*
        }
    };
    format::items(tokens, &context)
}

/// Rustdoc link target of a module: `crate::vcenter::vm::tools`.
fn module_link(path: &[String]) -> String {
    let mut link = "crate".to_owned();
    for component in path {
        link.push_str("::");
        link.push_str(component);
    }
    link
}

/// Path from the handle's module to the service's `ops` module: relative when
/// the nested module is the handle module or a child of it.
fn ops_module_path(service: &Service, context: &str) -> Result<TokenStream, EmitError> {
    let ops = Ident::new(OPS_MODULE, proc_macro2::Span::call_site());
    let nested = &service.nested_module;
    Ok(match nested.strip_prefix(service.path.module.as_slice()) {
        Some(rest) => {
            let rest = module_idents(rest, context)?;
            quote! { #( #rest :: )* #ops }
        }
        None => {
            let all = module_idents(nested, context)?;
            quote! { crate #( :: #all )* :: #ops }
        }
    })
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

/// `UPGRADE`, `CLONE_TASK`: the static of each operation, by operation id.
pub fn static_names(service: &Service) -> Result<BTreeMap<String, Ident>, EmitError> {
    let mut names: BTreeMap<String, Ident> = BTreeMap::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for operation in &service.operations {
        let context = format!("service `{}`, operation `{}`", service.id, operation.id);
        let shouty = unraw(&operation.rust_name).to_shouty_snake_case();
        if let Some(first) = seen.insert(shouty.clone(), operation.id.clone()) {
            return Err(EmitError::NameCollision {
                module: format!("{}::{OPS_MODULE}", service.nested_module.join("::")),
                name: shouty,
                first: format!("operation `{first}`"),
                second: format!("operation `{}`", operation.id),
            });
        }
        names.insert(operation.id.clone(), ident(&shouty, &context)?);
    }
    Ok(names)
}

/// The method of one operation: typed parameters in, typed result out, and
/// a single call chain into the runtime.
fn operation_method(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    spec: TokenStream,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let name = ident(&operation.rust_name, context)?;
    let (params, args) = parameters(types, operation, context)?;
    let is_task = operation.task != TaskKind::None;
    let output = if is_task {
        types.scope.string()
    } else {
        types.owned(&operation.output, context)?
    };
    let doc = doc_attrs(&operation_doc(ctx, service, operation, context)?);
    Ok(quote! {
        #doc
        pub async fn #name(&self, #( #params ),*) -> vsphere_vapi_runtime::Result<#output> {
            self.client.operation(&#spec) #( #args )* .send().await
        }
    })
}

/// Signature parameters and `.param(...)` calls of an operation.
fn parameters(
    types: &TypeMapper<'_, '_, '_>,
    operation: &Operation,
    context: &str,
) -> Result<(Vec<TokenStream>, Vec<TokenStream>), EmitError> {
    let mut params = Vec::new();
    let mut args = Vec::new();
    for param in &operation.params {
        let param_context = format!("{context}, parameter `{}`", param.name);
        let name = ident(&param.rust_name, &param_context)?;
        let (ty, pass) = types.param(&param.ty, &param_context)?;
        let wire = &param.name;
        params.push(quote! { #name: #ty });
        args.push(match pass {
            PassBy::Reference => quote! { .param(#wire, #name) },
            PassBy::Borrow => quote! { .param(#wire, &#name) },
        });
    }
    Ok((params, args))
}

/// The name and result type of the `_and_wait` helper of a task operation
/// whose result type is known ([`Operation::task_result`]): named after the
/// synchronous twin's method (`clone_and_wait`), or for a task-only
/// operation after the method the operation would have without `$task`.
fn wait_helper<'s>(
    service: &'s Service,
    operation: &'s Operation,
) -> Result<Option<(String, &'s TypeRef)>, EmitError> {
    let Some(result) = &operation.task_result else {
        return Ok(None);
    };
    let base_method = match &operation.task {
        TaskKind::None => return Ok(None),
        TaskKind::TaskVariantOf(base) => service
            .operations
            .iter()
            .find(|candidate| &candidate.id == base)
            .ok_or_else(|| EmitError::UnknownReference {
                context: format!("service `{}`, operation `{}`", service.id, operation.id),
                kind: "operation",
                id: base.clone(),
            })?
            .rust_name
            .clone(),
        TaskKind::TaskOnly => {
            let base = operation
                .id
                .strip_suffix(names::TASK_SUFFIX)
                .unwrap_or(&operation.id);
            names::method_name(base)
        }
    };
    Ok(Some((format!("{}_and_wait", unraw(&base_method)), result)))
}

/// `clone_and_wait`: starts the task, then waits for its result.
fn wait_method(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    wait_name: &str,
    result: &TypeRef,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let name = ident(wait_name, context)?;
    let task_method = ident(&operation.rust_name, context)?;
    let (params, _) = parameters(types, operation, context)?;
    let forwarded = operation
        .params
        .iter()
        .map(|param| ident(&param.rust_name, context))
        .collect::<Result<Vec<_>, _>>()?;
    // The options parameter must not shadow an operation parameter.
    let mut options_name = "options".to_owned();
    while operation
        .params
        .iter()
        .any(|param| unraw(&param.rust_name) == options_name)
    {
        options_name.insert_str(0, "wait_");
    }
    let options = ident(&options_name, context)?;
    let options_type = ident(WAIT_OPTIONS_TYPE, context)?;
    let output = types.owned(result, context)?;
    let returns = if *result == TypeRef::Builtin(Builtin::Void) {
        "Nothing (`()`) once the task has succeeded: the operation has no result.".to_owned()
    } else {
        let mut text = format!(
            "The finished task's result: {}.",
            result_phrase(ctx, service, result, context)?
        );
        // The twin documents the same result; a task-only operation's own
        // result documentation describes the task identifier instead.
        if let TaskKind::TaskVariantOf(base) = &operation.task {
            let twin_doc = service
                .operations
                .iter()
                .find(|candidate| &candidate.id == base)
                .map(|twin| twin.output_doc.trim())
                .unwrap_or_default();
            if !twin_doc.is_empty() {
                text.push_str("\n\n");
                text.push_str(twin_doc);
            }
        }
        text
    };
    let doc = doc_attrs(&wrap(&format!(
        "Runs [`{task}`](Self::{task}) and waits for the task to finish, \
         polling as `{options_name}` says.\n\n\
         # Returns\n\n\
         {returns}\n\n\
         # Errors\n\n\
         Fails like [`{task}`](Self::{task}), when the task fails (with the \
         task's error), and when waiting times out.",
        task = unraw(&operation.rust_name)
    )));
    Ok(quote! {
        #doc
        pub async fn #name(
            &self,
            #( #params, )*
            #options: vsphere_vapi_runtime::#options_type,
        ) -> vsphere_vapi_runtime::Result<#output> {
            let task = self.#task_method(#( #forwarded ),*).await?;
            self.client.wait_for_task::<#output>(&task, #options).await
        }
    })
}

/// Words for a result type in rustdoc, linking generated types:
/// "a list of [`Info`](crate::vcenter::vm::Info)".
fn result_phrase(
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
            format!("[`{name}`](crate::{}::{name})", path.module.join("::"))
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

/// Rustdoc of an operation method: the metamodel's text, parameters, result,
/// HTTP routes and documented errors.
fn operation_doc(
    ctx: &Ctx<'_>,
    service: &Service,
    operation: &Operation,
    context: &str,
) -> Result<String, EmitError> {
    let mut doc = DocBuilder::new();
    doc.ir_doc(&operation.doc);
    match &operation.task {
        TaskKind::None => {}
        TaskKind::TaskVariantOf(base) => {
            let helper = match wait_helper(service, operation)? {
                Some((name, _)) => format!("[`{name}`](Self::{name}) waits for its result"),
                None => "wait for it with \
                         [`Client::wait_for_task`](crate::Client::wait_for_task)"
                    .to_owned(),
            };
            doc.prose(format!(
                "Starts `{base}` as a vCenter task and returns the task identifier; {helper}."
            ));
        }
        TaskKind::TaskOnly => {
            // Without a recorded result type (live dumps: the metamodel does
            // not say what the task yields) there is no typed helper.
            let helper = match wait_helper(service, operation)? {
                Some((name, _)) => format!("[`{name}`](Self::{name}) waits for its result"),
                None => "wait for its result with \
                         [`Client::wait_for_task`](crate::Client::wait_for_task)"
                    .to_owned(),
            };
            doc.prose(format!(
                "Starts the operation as a vCenter task and returns the task identifier; {helper}."
            ));
        }
    }

    let param_lines: Vec<String> = operation
        .params
        .iter()
        .map(|param| {
            let mut text = param.doc.text.trim().to_owned();
            let notes = field_notes(param);
            if !notes.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&notes);
            }
            if param.doc.deprecated {
                text.push_str(" **Deprecated.**");
            }
            format!(
                "- `{}`: {}",
                unraw(&param.rust_name),
                indent_continuation(text.trim(), 2)
            )
        })
        .collect();
    if !param_lines.is_empty() {
        doc.paragraph(format!("# Parameters\n\n{}", param_lines.join("\n")));
    }
    if operation.task == TaskKind::None
        && operation.output != TypeRef::Builtin(Builtin::Void)
        && !operation.output_doc.trim().is_empty()
    {
        doc.paragraph(format!("# Returns\n\n{}", operation.output_doc.trim()));
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

    if !operation.errors.is_empty() {
        let feature = ctx.service_feature(service)?;
        let mut lines = vec![
            "Fails with an [`Error`](crate::Error); the server reports these error types:"
                .to_owned(),
            String::new(),
        ];
        for error in &operation.errors {
            let structure = ctx.structure(&error.structure_id, context)?;
            let name = &structure.path.name;
            let target = if structure.path.module == service.path.module {
                // In scope by name; an explicit target would be redundant.
                format!("[`{name}`]")
            } else if ctx.feature_reaches(feature, &structure.feature) {
                format!(
                    "[`{name}`](crate::{}::{name})",
                    structure.path.module.join("::")
                )
            } else {
                // Linking would break when the error's feature is off.
                format!("`{name}`")
            };
            let text = error.doc.trim();
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
    imports.push(quote! { OperationSpec });
    if any_param {
        imports.push(quote! { ParamBinding });
        imports.push(quote! { ParamLocation });
    }
    let mut chunks = vec![format::items(
        quote! { use vsphere_vapi_runtime::{ #( #imports ),* }; },
        &context,
    )?];
    for operation in &service.operations {
        let op_context = format!("{context}, operation `{}`", operation.id);
        let name = &statics[&operation.id];
        let service_id = &service.id;
        let operation_id = &operation.id;
        let task = operation.task != TaskKind::None;
        let api = optional_route(operation.api.as_ref());
        let rest = optional_route(operation.rest.as_ref());
        let doc = doc_attrs(&format!(
            "`{}`: the wire description of [`{}::{}`]({}::{}::{}).",
            operation.id,
            service.path.name,
            unraw(&operation.rust_name),
            module_link(&service.path.module),
            service.path.name,
            unraw(&operation.rust_name),
        ));
        chunks.push(format::items(
            quote! {
                #doc
                pub static #name: OperationSpec = OperationSpec {
                    service_id: #service_id,
                    operation_id: #operation_id,
                    task: #task,
                    api: #api,
                    rest: #rest,
                };
            },
            &op_context,
        )?);
    }

    let mut out = String::new();
    out.push_str(&cfg_attr_text(module.item_gate(feature)));
    out.push_str(&format!("pub mod {OPS_MODULE} {{\n"));
    let mut body = inner_doc_lines(&wrap(&format!(
        "Wire descriptions of the [`{}`]({}::{}) operations, one static per operation; \
         [`operations`](crate::operations) lists them all.",
        service.path.name,
        module_link(&service.path.module),
        service.path.name,
    )));
    for chunk in chunks {
        body.push('\n');
        body.push_str(&chunk);
    }
    out.push_str(&format::indent(&body, 4));
    out.push_str("}\n");
    Ok(out)
}

fn optional_route(route: Option<&Route>) -> TokenStream {
    match route {
        Some(route) => {
            let route = route_tokens(route);
            quote! { Some(#route) }
        }
        None => quote! { None },
    }
}

fn route_tokens(route: &Route) -> TokenStream {
    let method = match route.method {
        HttpMethod::Get => quote! { HttpMethod::Get },
        HttpMethod::Post => quote! { HttpMethod::Post },
        HttpMethod::Put => quote! { HttpMethod::Put },
        HttpMethod::Patch => quote! { HttpMethod::Patch },
        HttpMethod::Delete => quote! { HttpMethod::Delete },
    };
    let path = &route.path;
    let query = route
        .query
        .iter()
        .map(|(key, value)| quote! { (#key, #value) });
    let params = route.params.iter().map(|binding| {
        let param = &binding.param;
        let location = match &binding.location {
            ParamLocation::Path(name) => quote! { ParamLocation::Path(#name) },
            ParamLocation::Query(name) => quote! { ParamLocation::Query(#name) },
            ParamLocation::Body => quote! { ParamLocation::Body },
            ParamLocation::BodyField(name) => quote! { ParamLocation::BodyField(#name) },
            ParamLocation::Header(name) => quote! { ParamLocation::Header(#name) },
        };
        quote! { ParamBinding { param: #param, location: #location } }
    });
    quote! {
        HttpRoute {
            method: #method,
            path: #path,
            query: &[ #( #query ),* ],
            params: &[ #( #params ),* ],
        }
    }
}
