//! vAPI structures (and error structures) as plain structs with
//! written-out serde impls, printed by `union` (which also turns unions
//! into enums where it can); see "Compile cost" in the `emit` module
//! docs for why the impls are written out.
//!
//! A required field that lowering marks `zero_if_missing` (see
//! `lower::zeros`) decodes an absent member as its zero through
//! `vsphere_vapi_runtime::de::missing("module::Name", "field")`, which logs
//! the omission. A structure marked `zero` implements
//! `vsphere_vapi_runtime::de::Zero` field by field.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Builtin, Constant, ConstantValue, Field, Structure, StructureKind, TypeRef};

use super::docs::{DocBuilder, ReleaseScope, code_list, deprecated_attr};
use super::layout::Module;
use super::tokens::{
    cfg_attr, cfg_attr_text, doc_attrs, float_literal, ident, int_literal, outer_doc_lines, unraw,
};
use super::types::{Scope, TypeMapper};
use super::{Ctx, EmitError, format, union};

pub fn emit(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    scope: &Scope<'_>,
    structure: &Structure,
) -> Result<String, EmitError> {
    let context = format!("structure `{}`", structure.id);
    let name = ident(&structure.path.name, &context)?;
    let gate = cfg_attr(module.item_gate(&structure.feature));

    let mut doc = DocBuilder::new();
    doc.item(ctx, &structure.doc, &structure.lifecycle, &context);
    doc.releases(&structure.releases, ReleaseScope::item(&ctx.model.releases));
    for union in structure.unions.iter().filter(|union| union.rust.is_none()) {
        // Tag values without fields of their own go unmentioned: for them
        // only the always-present fields are set.
        let cases: Vec<String> = union
            .cases
            .iter()
            .filter(|(_, fields)| !fields.is_empty())
            .map(|(value, fields)| format!("`{value}` ({})", code_list(fields, "and")))
            .collect();
        if !cases.is_empty() {
            doc.prose(format!(
                "`{}` selects which optional fields are set: {}.",
                union.tag_field,
                cases.join(", ")
            ));
        }
    }
    if structure.kind == StructureKind::Error {
        doc.prose(
            "This is an error structure: operations that report it fail with a \
             [`Error`](crate::Error) whose data deserializes into this type.",
        );
    }
    doc.prose(format!(
        "vAPI structure `{}`.",
        crate::lower::wire_id(&structure.id)
    ));
    let doc = outer_doc_lines(&doc.build());
    let deprecated = super::text::type_text(&deprecated_attr(ctx, &structure.lifecycle));

    let gate_text = cfg_attr_text(module.item_gate(&structure.feature));
    let union::Emitted { definition, impls } = union::emit(
        ctx,
        scope,
        structure,
        (&doc, &deprecated),
        &gate,
        &gate_text,
    )?;
    let mut tokens = zero_impl(
        &union::members(structure),
        &name,
        &gate,
        structure.zero,
        &context,
    )?;
    if !union::has_enums(structure) {
        let types = TypeMapper { ctx, scope };
        tokens.extend(constructor(ctx, &types, structure, &name, &gate, &context)?);
    }
    tokens.extend(constants_impl(ctx, structure, &name, &gate, &context)?);
    let mut out = definition;
    out.push('\n');
    out.push_str(&impls);
    if !tokens.is_empty() {
        out.push('\n');
        out.push_str(&format::items(tokens, &context)?);
    }
    Ok(out)
}

/// The structure's path below the crate root as the omission warnings name
/// it: `content::library::item::updatesession::file::Info`.
pub fn type_name(structure: &Structure) -> String {
    let mut parts = structure.path.module.clone();
    parts.push(structure.path.name.clone());
    parts.join("::")
}

/// `impl Zero for Name`: every member its zero (lowering only marks
/// structures whose required members all have one).
fn zero_impl(
    members: &[&Field],
    name: &proc_macro2::Ident,
    gate: &TokenStream,
    zero: bool,
    context: &str,
) -> Result<TokenStream, EmitError> {
    if !zero {
        return Ok(TokenStream::new());
    }
    let inits = members
        .iter()
        .map(|field| {
            let field_name = ident(&field.rust_name, context)?;
            Ok(quote! { #field_name: ::vsphere_vapi_runtime::de::Zero::zero(), })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    Ok(quote! {
        #gate
        impl ::vsphere_vapi_runtime::de::Zero for #name {
            fn zero() -> Self {
                Self { #( #inits )* }
            }
        }
    })
}

/// Most required fields a constructor takes.
const CONSTRUCTOR_MAX_REQUIRED: usize = 3;
/// Fewest optional fields that make a constructor worth having.
const CONSTRUCTOR_MIN_OPTIONAL: usize = 2;

/// `Name::new(required…)` for a structure with a few required fields and
/// several optional ones, so a request is one readable expression
/// (`CreateSpec { memory: Some(m), ..CreateSpec::new(guest_os) }`) without
/// spelling out every `None`. Structures whose fields are all optional have
/// `Default` instead; those with more required fields are built with a
/// struct literal, where the names keep the arguments apart.
fn constructor(
    ctx: &Ctx<'_>,
    types: &TypeMapper<'_, '_, '_>,
    structure: &Structure,
    name: &proc_macro2::Ident,
    gate: &TokenStream,
    context: &str,
) -> Result<TokenStream, EmitError> {
    let (required, optional): (Vec<_>, Vec<_>) = structure
        .fields
        .iter()
        .partition(|field| !matches!(field.ty, TypeRef::Optional(_)));
    if structure.kind == StructureKind::Error
        || required.is_empty()
        || required.len() > CONSTRUCTOR_MAX_REQUIRED
        || optional.len() < CONSTRUCTOR_MIN_OPTIONAL
    {
        return Ok(TokenStream::new());
    }
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for field in &structure.fields {
        let field_context = format!("{context}, field `{}`", field.name);
        let field_name = ident(&field.rust_name, &field_context)?;
        if matches!(field.ty, TypeRef::Optional(_)) {
            inits.push(quote! { #field_name: ::std::option::Option::None });
        } else {
            let boxed = ctx
                .boxed_fields
                .contains(&(structure.id.clone(), field.name.clone()));
            let ty = types.owned_boxed(&field.ty, boxed, &field_context)?;
            params.push(quote! { #field_name: impl ::std::convert::Into<#ty> });
            inits.push(quote! { #field_name: #field_name.into() });
        }
    }
    let required_names: Vec<String> = required
        .iter()
        .map(|field| format!("`{}`", unraw(&field.rust_name)))
        .collect();
    let doc = doc_attrs(&format!(
        "A value with the required {} set and every optional field `None`.",
        code_join(&required_names)
    ));
    Ok(quote! {
        #gate
        impl #name {
            #doc
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits ),* }
            }
        }
    })
}

/// `a`, `a and b`, `a, b and c`.
fn code_join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `impl Name { pub const …; }` for the structure's constants, if any.
fn constants_impl(
    ctx: &Ctx<'_>,
    structure: &Structure,
    name: &proc_macro2::Ident,
    gate: &TokenStream,
    context: &str,
) -> Result<TokenStream, EmitError> {
    if structure.constants.is_empty() {
        return Ok(TokenStream::new());
    }
    let constants = structure
        .constants
        .iter()
        .map(|constant| constant_item(ctx, constant, context))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #gate
        impl #name {
            #( #constants )*
        }
    })
}

/// An associated `pub const` for a structure or service constant.
pub fn constant_item(
    ctx: &Ctx<'_>,
    constant: &Constant,
    owner: &str,
) -> Result<TokenStream, EmitError> {
    let context = format!("{owner}, constant `{}`", constant.name);
    let name = ident(&constant.rust_name, &context)?;
    let (ty, value) = constant_type_and_value(&constant.ty, &constant.value, &context)?;
    let mut doc = DocBuilder::new();
    doc.doc(ctx, &constant.doc, &context);
    if doc.is_empty() {
        doc.prose(format!("The `{}` constant of the API.", constant.name));
    }
    let doc = doc_attrs(&doc.build());
    Ok(quote! {
        #doc
        pub const #name: #ty = #value;
    })
}

fn constant_type_and_value(
    ty: &TypeRef,
    value: &ConstantValue,
    context: &str,
) -> Result<(TokenStream, TokenStream), EmitError> {
    let mismatch = || EmitError::Unsupported {
        context: context.to_owned(),
        message: format!("constant value {value:?} does not match its type {ty:?}"),
    };
    Ok(match (ty, value) {
        (TypeRef::Builtin(Builtin::Boolean), ConstantValue::Boolean(b)) => {
            (quote! { bool }, quote! { #b })
        }
        (TypeRef::Builtin(Builtin::Long), ConstantValue::Long(n)) => {
            (quote! { i64 }, int_literal(*n))
        }
        (TypeRef::Builtin(Builtin::Double), ConstantValue::Double(x)) => {
            (quote! { f64 }, float_literal(*x, context)?)
        }
        (
            TypeRef::Builtin(Builtin::String | Builtin::Id | Builtin::Uri),
            ConstantValue::String(s),
        ) => (quote! { &'static str }, quote! { #s }),
        (TypeRef::List(element) | TypeRef::Set(element), ConstantValue::List(values)) => {
            let mut element_ty = None;
            let mut items = Vec::new();
            for value in values {
                let (ty, item) = constant_type_and_value(element, value, context)?;
                element_ty.get_or_insert(ty);
                items.push(item);
            }
            // An empty list still needs its element type.
            let element_ty = match element_ty {
                Some(ty) => ty,
                None => constant_scalar_type(element).ok_or_else(mismatch)?,
            };
            (
                quote! { &'static [#element_ty] },
                quote! { &[ #( #items ),* ] },
            )
        }
        _ => return Err(mismatch()),
    })
}

fn constant_scalar_type(ty: &TypeRef) -> Option<TokenStream> {
    match ty {
        TypeRef::Builtin(Builtin::Boolean) => Some(quote! { bool }),
        TypeRef::Builtin(Builtin::Long) => Some(quote! { i64 }),
        TypeRef::Builtin(Builtin::Double) => Some(quote! { f64 }),
        TypeRef::Builtin(Builtin::String | Builtin::Id | Builtin::Uri) => {
            Some(quote! { &'static str })
        }
        _ => None,
    }
}
