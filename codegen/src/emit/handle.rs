//! Service handles: the client handle struct of a service, with one method
//! per operation (in the call shape `lower::calls` decided), a wait helper
//! per task operation and an `Operation` constant per operation.
//!
//! Handles are printed as text: their skeleton is fixed, signatures and
//! constants are broken by [`pretty::Layout`] as prettyplease breaks them,
//! and method bodies are [`Block`] statements.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Builtin, Operation, Service, TaskKind, TypeRef};

use super::docs::{DocBuilder, ReleaseScope, deprecated_attr, wrap};
use super::layout::{Module, OPS_MODULE};
use super::pretty::{Expr, INDENT, Layout, Unsupported};
use super::service::{module_link, operation_doc, result_phrase};
use super::structure::constant_item;
use super::text::{Block, line_fits, type_text};
use super::tokens::{cfg_attr_text, outer_doc_lines, unraw};
use super::types::{PassBy, TypeMapper};
use super::{Ctx, EmitError, format};

/// The client handle of `service`: struct, constructor, constants and methods.
pub fn emit_handle(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    scope: &super::types::Scope<'_>,
    service: &Service,
) -> Result<String, EmitError> {
    let context = format!("service `{}`", service.id);
    let name = &service.path.name;
    super::tokens::ident(name, &context)?;
    let feature = ctx.service_feature(service)?;
    let gate = cfg_attr_text(module.item_gate(feature));
    let types = TypeMapper { ctx, scope };

    let mut doc = DocBuilder::new();
    doc.item(ctx, &service.doc, &service.lifecycle, &context);
    doc.releases(&service.releases, ReleaseScope::item(&ctx.model.releases));
    // A child module resolves by name; any other needs its full path.
    // `mod@`: a module may share its name with a prelude macro (`file`).
    let nested_link = match service
        .nested_module
        .strip_prefix(service.path.module.as_slice())
    {
        Some([child]) => format!("[`mod@{}`]", unraw(child)),
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

    let mut out = outer_doc_lines(&doc.build());
    out.push_str(&gate);
    out.push_str("#[derive(Debug, Clone)]\n");
    out.push_str(&format!("pub struct {name} {{\n"));
    out.push_str("    client: vsphere_vapi_runtime::Client,\n}\n\n");
    out.push_str(&gate);
    out.push_str(&format!("impl {name} {{\n"));

    // Constants, then the operation constants, with no blank line between
    // constants (as rustfmt'd code has them); a blank line between all
    // other members.
    let mut consts = constants_text(ctx, service, &context)?;
    let ops_path = ops_module_path(service, &context)?;
    // Spaced as `format::items` spaces `impl` members: a constant whose type
    // broke over lines does not read as one there, and gets a blank line
    // after it.
    let reads_as_const =
        |text: &str| format::member_start_is_const(&text.lines().collect::<Vec<_>>());
    let mut last_reads_as_const = consts.is_empty() || reads_as_const(&consts);
    for operation in &service.operations {
        let op_context = format!("{context}, operation `{}`", operation.id);
        let text = operation_const(&types, operation, &ops_path, &op_context)?;
        if !last_reads_as_const {
            consts.push('\n');
        }
        last_reads_as_const = reads_as_const(&text);
        consts.push_str(&text);
    }
    let mut members = Vec::new();
    if !consts.is_empty() {
        members.push(consts);
    }
    members.push(format!(
        "{}    pub fn new(client: &vsphere_vapi_runtime::Client) -> Self {{\n        \
         Self {{ client: client.clone() }}\n    }}\n",
        format::indent(
            &outer_doc_lines(&wrap(&format!(
                "A handle for the `{}` service sending its requests through `client`.",
                service.id
            ))),
            4
        )
    ));
    members.push(
        "    /// The client this handle sends its requests through.\n    \
         pub fn client(&self) -> &vsphere_vapi_runtime::Client {\n        \
         &self.client\n    }\n"
            .to_owned(),
    );
    for operation in &service.operations {
        let op_context = format!("{context}, operation `{}`", operation.id);
        claim(
            &operation.rust_name,
            format!("operation `{}`", operation.id),
        )?;
        let spec = format!(
            "{ops_path}::{}",
            checked(&operation.static_name, &op_context)?
        );
        let (params, args) = required_parameters(&types, operation, &op_context)?;
        members.push(operation_method(
            ctx,
            &types,
            service,
            operation,
            (&spec, &params, args),
            &op_context,
        )?);
        if let Some(wait_name) = &operation.wait_name {
            claim(wait_name, format!("the wait helper of `{}`", operation.id))?;
            members.push(wait_method(
                ctx,
                &types,
                service,
                operation,
                (wait_name, &params),
                &op_context,
            )?);
        }
    }
    out.push_str(&members.join("\n"));
    out.push_str("}\n");
    Ok(out)
}

/// The service's own constants, as prettyplease prints them in the `impl`.
fn constants_text(ctx: &Ctx<'_>, service: &Service, context: &str) -> Result<String, EmitError> {
    if service.constants.is_empty() {
        return Ok(String::new());
    }
    let constants = service
        .constants
        .iter()
        .map(|constant| constant_item(ctx, constant, context))
        .collect::<Result<Vec<_>, _>>()?;
    let text = format::items(quote! { impl __Handle { #( #constants )* } }, context)?;
    Ok(impl_members(&text))
}

/// The members of an `impl` block printed whole: its lines but the first
/// and the last.
fn impl_members(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in lines.iter().skip(1).take(lines.len().saturating_sub(2)) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Path from the handle's module to the service's `ops` module: relative when
/// the nested module is the handle module or a child of it.
fn ops_module_path(service: &Service, context: &str) -> Result<String, EmitError> {
    let nested = &service.nested_module;
    let (mut path, below) = match nested.strip_prefix(service.path.module.as_slice()) {
        Some(rest) => (Vec::new(), rest),
        None => (vec!["crate"], nested.as_slice()),
    };
    for component in below {
        path.push(checked(component, context)?);
    }
    path.push(OPS_MODULE);
    Ok(path.join("::"))
}

/// `name`, once it is known to be a Rust identifier: names printed as text
/// are checked as the token emitters check theirs.
fn checked<'n>(name: &'n str, context: &str) -> Result<&'n str, EmitError> {
    super::tokens::ident(name, context)?;
    Ok(name)
}

/// The lines of `layout` at depth 1, or an error naming the type it could
/// not lay out.
fn laid_out(
    build: impl FnOnce(&mut Layout) -> Result<(), Unsupported>,
    context: &str,
    what: &TokenStream,
) -> Result<String, EmitError> {
    let mut layout = Layout::new();
    build(&mut layout).map_err(|unsupported| unsupported.error(context, &type_text(what)))?;
    Ok(layout.print(INDENT as usize))
}

/// The handle's associated constant naming an operation as a typed
/// `Operation<Output>` (`Power::START`), for tools that act on operations,
/// such as the mock server. One item per operation: it costs next to
/// nothing to compile (no impls, no code).
fn operation_const(
    types: &TypeMapper<'_, '_, '_>,
    operation: &Operation,
    ops_path: &str,
    context: &str,
) -> Result<String, EmitError> {
    let output = if operation.task == TaskKind::None {
        types.owned(&operation.output, context)?
    } else {
        task_result_type(types, operation, context)?
    };
    let ty = quote! { vsphere_vapi_runtime::Operation<#output> };
    let method = unraw(&operation.rust_name);
    let mut out = format::indent(
        &outer_doc_lines(&format!(
            "[`{method}`](Self::{method}), typed by its result \
             ([`Operation`](crate::runtime::Operation)): names the operation in mock rules \
             and other tools."
        )),
        4,
    );
    let spec = format!("&{ops_path}::{}", checked(&operation.static_name, context)?);
    let name = checked(&operation.handle_const, context)?;
    out.push_str(&laid_out(
        |layout| {
            layout.begin(0);
            layout.text(format!("pub const {name}: "));
            layout.ty(&ty)?;
            layout.text(" = ");
            layout.never_break();
            layout.text("vsphere_vapi_runtime::Operation::new(");
            layout.list(INDENT, &[&spec], |layout, spec| {
                layout.text(*spec);
                Ok(())
            })?;
            layout.text(");");
            layout.end();
            layout.hard_break();
            Ok(())
        },
        context,
        &ty,
    )?);
    Ok(out)
}

/// One parameter of a handle method: `vm: &crate::ids::VirtualMachineId`.
struct Param {
    name: String,
    ty: TokenStream,
}

/// The lines of a method's signature, through its opening `{`.
fn signature(
    head: &str,
    params: &[Param],
    output: &TokenStream,
    context: &str,
) -> Result<String, EmitError> {
    laid_out(
        |layout| {
            layout.begin(INDENT);
            layout.text(format!("{head}("));
            layout.never_break();
            layout.begin(0);
            layout.zero_break();
            layout.text("&self");
            layout.list_separator(params.is_empty(), -INDENT);
            for (index, param) in params.iter().enumerate() {
                layout.text(format!("{}: ", param.name));
                layout.ty(&param.ty)?;
                layout.list_separator(index + 1 == params.len(), -INDENT);
            }
            layout.end();
            layout.text(")");
            layout.begin(-INDENT);
            layout.text(" -> ");
            layout.ty(output)?;
            layout.end();
            layout.text(" {");
            layout.hard_break();
            layout.end();
            Ok(())
        },
        context,
        output,
    )
}

/// A method: its docs and attributes, signature and body (its lines at
/// depth 2).
fn method(
    doc: &str,
    deprecated: &TokenStream,
    signature: String,
    body: &str,
    context: &str,
) -> Result<String, EmitError> {
    let doc = format::indent(&outer_doc_lines(doc), 4);
    let deprecated = type_text(deprecated);
    let mut block = if !deprecated.is_empty() && line_fits(1, &deprecated) != Some(true) {
        // A note near or past the margin: prettyplease decides how the
        // attribute breaks, for the whole method inside an `impl`.
        Block::for_prettyplease()
    } else {
        Block::new()
    };
    let whole = block.is_for_prettyplease();
    if whole {
        block.line(0, "impl __Handle {");
    }
    block.write_raw(&doc);
    if !deprecated.is_empty() {
        block.line(1, &deprecated);
    }
    block.write_raw(&signature);
    block.write_raw(body);
    block.line(1, "}");
    if whole {
        block.line(0, "}");
        return Ok(impl_members(&block.finish(context)?));
    }
    block.finish(context)
}

/// A body that is one expression of a shape [`Layout`] knows.
fn laid_out_body(expr: &Expr) -> String {
    let mut layout = Layout::new();
    layout.tail_expression(expr);
    layout.print(2 * INDENT as usize)
}

/// A body that is one statement written as text, laid out by [`Block`].
fn statement_body(text: &str, context: &str) -> Result<String, EmitError> {
    let mut block = Block::new();
    block.method_body(text, context)?;
    block.finish(context)
}

/// The method of one operation: typed required parameters in (positional,
/// or one argument structure), and either the typed result, a task handle,
/// or the request builder that takes the optional parameters.
fn operation_method(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    (spec, params, args): (&str, &[Param], Vec<Vec<Expr>>),
    context: &str,
) -> Result<String, EmitError> {
    let doc = operation_doc(ctx, service, operation, context)?;
    let deprecated = deprecated_attr(ctx, &operation.lifecycle);
    let head = format!("pub fn {}", checked(&operation.rust_name, context)?);
    let mut call = Expr::atom("self")
        .field("client")
        .method("operation", vec![Expr::atom(format!("&{spec}"))]);
    for arg in args {
        call = call.method("param", arg);
    }
    let (output, body) = if let Some(builder) = &operation.call.builder {
        let path = types.scope.item_path(&builder.path, context)?;
        let body = Expr::Call(format!("{}::new", type_text(&path)), vec![call]);
        (path, body)
    } else if operation.task != TaskKind::None {
        let result = task_result_type(types, operation, context)?;
        (
            quote! {
                impl ::core::future::Future<
                    Output = vsphere_vapi_runtime::Result<vsphere_vapi_runtime::Task<#result>>
                >
            },
            call.method("send_task", Vec::new()),
        )
    } else {
        let output = types.owned(&operation.output, context)?;
        (
            quote! {
                impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<#output>>
            },
            call.method("send", Vec::new()),
        )
    };
    let signature = signature(&head, params, &output, context)?;
    method(&doc, &deprecated, signature, &laid_out_body(&body), context)
}

/// What waiting for a task operation yields: its recorded result type, or
/// JSON when the metamodel does not say (task-only operations of live
/// dumps).
pub(super) fn task_result_type(
    types: &TypeMapper<'_, '_, '_>,
    operation: &Operation,
    context: &str,
) -> Result<TokenStream, EmitError> {
    match &operation.task_result {
        Some(result) => types.owned(result, context),
        None => Ok(quote! { serde_json::Value }),
    }
}

/// Signature parameters and `.param(...)` calls of an operation's required
/// parameters: one per parameter, or one `args` structure holding them all.
fn required_parameters(
    types: &TypeMapper<'_, '_, '_>,
    operation: &Operation,
    context: &str,
) -> Result<(Vec<Param>, Vec<Vec<Expr>>), EmitError> {
    let mut params = Vec::new();
    let mut args = Vec::new();
    if let Some(args_path) = &operation.call.args {
        let path = types.scope.item_path(args_path, context)?;
        params.push(Param {
            name: "args".to_owned(),
            ty: quote! { &#path },
        });
        for &index in &operation.call.required {
            let param = &operation.params[index];
            checked(&param.rust_name, context)?;
            args.push(vec![
                Expr::atom(Literal::string(&param.name).to_string()),
                Expr::atom("args").field(&param.rust_name).reference(),
            ]);
        }
        return Ok((params, args));
    }
    for &index in &operation.call.required {
        let param = &operation.params[index];
        let param_context = format!("{context}, parameter `{}`", param.name);
        checked(&param.rust_name, &param_context)?;
        let (ty, pass) = types.param(&param.ty, &param_context)?;
        let value = Expr::atom(&param.rust_name);
        args.push(vec![
            Expr::atom(Literal::string(&param.name).to_string()),
            match pass {
                PassBy::Reference => value,
                PassBy::Borrow => value.reference(),
            },
        ]);
        params.push(Param {
            name: param.rust_name.clone(),
            ty,
        });
    }
    Ok((params, args))
}

/// `clone_vm_and_wait`: starts the task, then waits for its result.
fn wait_method(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    service: &Service,
    operation: &Operation,
    (wait_name, params): (&str, &[Param]),
    context: &str,
) -> Result<String, EmitError> {
    let wait_name = checked(wait_name, context)?;
    let forwarded: Vec<&str> = params.iter().map(|param| param.name.as_str()).collect();
    let result = task_result_type(types, operation, context)?;
    let phrase = match &operation.task_result {
        Some(TypeRef::Builtin(Builtin::Void)) | None => "nothing (`()`)".to_owned(),
        Some(ty) => result_phrase(ctx, service, ty, context)?,
    };
    let task = unraw(&operation.rust_name);
    let doc = wrap(&format!(
        "Runs [`{task}`](Self::{task}) and waits for the task with the default \
         [`TaskWaitOptions`](crate::TaskWaitOptions); returns {phrase}. For other \
         polling options, call [`{task}`](Self::{task}) and \
         [`Task::wait_with`](crate::Task::wait_with).\n\n\
         # Errors\n\n\
         Fails like [`{task}`](Self::{task}), with the task's error when the task \
         fails, and when waiting times out."
    ));
    let deprecated = deprecated_attr(ctx, &operation.lifecycle);
    let output = quote! { vsphere_vapi_runtime::Result<#result> };
    let signature = signature(
        &format!("pub async fn {wait_name}"),
        params,
        &output,
        context,
    )?;
    let body = format!(
        "self.{}({}).await?.wait().await",
        operation.rust_name,
        forwarded.join(", ")
    );
    method(
        &doc,
        &deprecated,
        signature,
        &statement_body(&body, context)?,
        context,
    )
}
