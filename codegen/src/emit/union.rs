//! Every structure's fields and serde impls; for structures with union
//! tags, the tag and its case fields also become an enum (see
//! `lower::unions`), and the impls keep the flat wire form (tag member plus
//! case members beside the common members), identical on `/api` and
//! `/rest`.
//!
//! # Why written-out impls
//! For unions, `#[serde(flatten)]` over an internally tagged enum would
//! keep the wire form with derives, but flatten buffers every member into
//! a `Content` tree (and deserializes the enum from it a second time) and
//! cannot give a catch-all variant the unknown members. For every
//! structure, derived impls were most of the crate's check time (see
//! "Compile cost" in the `emit` docs). The impls printed here are a
//! `SerializeMap` writer and one `match` on member names in
//! `VisitMap::visit_map`, read through the runtime's shared visitor
//! (`vsphere_vapi_runtime::de::deserialize_map`): no sequence form, no
//! field-identifier enum, no visitor type per structure, no buffering.
//!
//! # Deserialization
//! Every member is read into a slot (`Option<T>`); unknown members are kept
//! as raw JSON where a union has a catch-all variant, skipped otherwise. The tag is read as a string and matched against the wire
//! values, so an unknown value lands in the catch-all variant with the
//! unknown members and the known case members of that union (re-encoded as
//! JSON), instead of failing the response. Absent required members follow
//! the rule of `lower::zeros`: a field marked `zero_if_missing`, in the structure or in a variant, decodes as its zero
//! through `vsphere_vapi_runtime::de::or_zero` (which logs it once); other
//! absent required members, including required tags, are `missing_field`
//! errors. `null` required lists, sets and maps decode as empty silently,
//! as `vsphere_vapi_runtime::de::null_as_default` does.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Field, Structure, TypeRef, Union, UnionEnum};

use super::docs::{
    DocBuilder, ReleaseScope, deprecated_attr, field_attrs, field_doc, lifecycle_line,
    releases_note, wrap,
};
use super::pretty::{Expr, INDENT, Layout};
use super::text::{Block, type_text};
use super::tokens::{doc_attrs, ident, outer_doc_lines};
use super::types::{Scope, TypeMapper};
use super::{Ctx, EmitError};

/// What a structure field becomes.
enum Role<'s> {
    /// An ordinary member of the structure.
    Common,
    /// The tag of a converted union on the structure itself.
    TopTag(&'s Union, &'s UnionEnum),
    /// A case field (or nested tag) inside some union's variants.
    InVariant,
}

fn converted(structure: &Structure) -> impl Iterator<Item = (&Union, &UnionEnum)> {
    structure
        .unions
        .iter()
        .filter_map(|union| union.rust.as_ref().map(|rust| (union, rust)))
}

/// Whether the structure has a union printed as an enum.
pub fn has_enums(structure: &Structure) -> bool {
    converted(structure).next().is_some()
}

fn role<'s>(structure: &'s Structure, field: &Field) -> Role<'s> {
    for (union, rust) in converted(structure) {
        if union.tag_field == field.name {
            return if rust.parent.is_some() {
                Role::InVariant
            } else {
                Role::TopTag(union, rust)
            };
        }
    }
    if let Some((tag, _)) = &field.union_case
        && converted(structure).any(|(union, _)| union.tag_field == *tag)
    {
        return Role::InVariant;
    }
    Role::Common
}

/// The fields that are members of the Rust structure itself: common fields
/// and the tags of top-level unions (case fields live in the variants).
pub fn members(structure: &Structure) -> Vec<&Field> {
    structure
        .fields
        .iter()
        .filter(|field| !matches!(role(structure, field), Role::InVariant))
        .collect()
}

fn required_collection(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::List(_) | TypeRef::Set(_) | TypeRef::Map(..))
}

fn slot(index: usize) -> proc_macro2::Ident {
    format_ident!("f_{}", index)
}

fn union_var(index: usize) -> proc_macro2::Ident {
    format_ident!("u_{}", index)
}

struct Printer<'c, 'a, 'm> {
    ctx: &'c Ctx<'a>,
    scope: &'c Scope<'m>,
    structure: &'c Structure,
    context: String,
}

impl Printer<'_, '_, '_> {
    fn field_index(&self, name: &str) -> Result<usize, EmitError> {
        self.structure
            .fields
            .iter()
            .position(|field| field.name == name)
            .ok_or_else(|| EmitError::Unsupported {
                context: self.context.clone(),
                message: format!("union refers to `{name}`, which is not a field"),
            })
    }

    fn nested(&self, field: &Field) -> Option<(usize, &UnionEnum)> {
        self.structure
            .unions
            .iter()
            .enumerate()
            .find(|(_, union)| union.tag_field == field.name)
            .and_then(|(i, union)| union.rust.as_ref().map(|rust| (i, rust)))
    }

    fn field_type(&self, field: &Field) -> Result<TokenStream, EmitError> {
        let context = format!("{}, field `{}`", self.context, field.name);
        if let Some((_, rust)) = self.nested(field) {
            return self.enum_type(rust, &context);
        }
        let boxed = self
            .ctx
            .boxed_fields
            .contains(&(self.structure.id.clone(), field.name.clone()));
        TypeMapper {
            ctx: self.ctx,
            scope: self.scope,
        }
        .owned_boxed(&field.ty, boxed, &context)
    }

    fn enum_type(&self, rust: &UnionEnum, context: &str) -> Result<TokenStream, EmitError> {
        let path = self.scope.item_path(&rust.path, context)?;
        Ok(if rust.optional {
            let option = self.scope.option();
            quote! { #option<#path> }
        } else {
            path
        })
    }

    /// The docs of a field inside a variant: the union-case note is implied.
    fn variant_field_doc(&self, field: &Field) -> TokenStream {
        let mut field = field.clone();
        field.union_case = None;
        let scope = ReleaseScope::member(&self.ctx.model.releases, &self.structure.releases);
        let at = format!("{}, field `{}`", self.context, field.name);
        field_attrs(self.ctx, &field, &at, scope)
    }

    /// The enum and its methods. `serialize_fields` binds the case fields
    /// by name, so its map parameter is `__map`: `names::field_name` never
    /// produces a leading `__`, so no case field can shadow it.
    fn enum_items(
        &self,
        union: &Union,
        rust: &UnionEnum,
        gate: &TokenStream,
    ) -> Result<TokenStream, EmitError> {
        let context = format!("{}, union `{}`", self.context, union.tag_field);
        let name = ident(&rust.path.name, &context)?;
        let structure_name = &self.structure.path.name;
        let tag_wire = &union.tag_field;
        let mut variants = Vec::new();
        let mut tag_arms = Vec::new();
        let mut write_arms = Vec::new();
        for variant in &rust.variants {
            let variant_name = ident(&variant.rust_name, &context)?;
            let wire = &variant.wire;
            let at = format!("{context}, variant `{}`", variant.wire);
            // A variant's lifecycle and releases are its tag value's.
            let tag = self.ctx.model.enumerations.get(&rust.tag_enumeration);
            let value = tag.and_then(|e| e.values.iter().find(|v| v.wire == variant.wire));
            let lifecycle = value.map(|v| v.lifecycle.clone()).unwrap_or_default();
            let mut doc = DocBuilder::new();
            doc.item(self.ctx, &variant.doc, &lifecycle, &at);
            if let (Some(tag), Some(value)) = (tag, value) {
                let scope = ReleaseScope::member(&self.ctx.model.releases, &tag.releases);
                doc.releases(&value.releases, scope);
            }
            if doc.is_empty() {
                doc.paragraph(format!("The tag value `{}`.", variant.wire));
            }
            let mut doc = doc_attrs(&doc.build());
            doc.extend(deprecated_attr(self.ctx, &lifecycle));
            let fields: Vec<&Field> = variant
                .fields
                .iter()
                .map(|name| self.field_index(name).map(|i| &self.structure.fields[i]))
                .collect::<Result<_, _>>()?;
            if fields.is_empty() {
                variants.push(quote! { #doc #variant_name, });
                tag_arms.push(quote! { Self::#variant_name => #wire, });
                write_arms.push(quote! {
                    Self::#variant_name => __map.serialize_entry(#tag_wire, #wire)?,
                });
                continue;
            }
            let mut members = Vec::new();
            let mut bindings = Vec::new();
            let mut writes = Vec::new();
            for field in fields {
                let field_name = ident(&field.rust_name, &context)?;
                let ty = self.field_type(field)?;
                let field_doc = self.variant_field_doc(field);
                members.push(quote! { #field_doc #field_name: #ty, });
                bindings.push(quote! { #field_name });
                let field_wire = &field.name;
                let optional = match self.nested(field) {
                    Some((_, inner)) => inner.optional,
                    None => matches!(field.ty, TypeRef::Optional(_)),
                };
                writes.push(match (self.nested(field).is_some(), optional) {
                    (true, true) => quote! {
                        if let Some(inner) = #field_name { inner.serialize_fields(__map)?; }
                    },
                    (true, false) => quote! { #field_name.serialize_fields(__map)?; },
                    (false, true) => quote! {
                        if let Some(value) = #field_name { __map.serialize_entry(#field_wire, value)?; }
                    },
                    (false, false) => quote! { __map.serialize_entry(#field_wire, #field_name)?; },
                });
            }
            variants.push(quote! { #doc #variant_name { #( #members )* }, });
            tag_arms.push(quote! { Self::#variant_name { .. } => #wire, });
            write_arms.push(quote! {
                Self::#variant_name { #( #bindings ),* } => {
                    __map.serialize_entry(#tag_wire, #wire)?;
                    #( #writes )*
                }
            });
        }
        let unknown = ident(&rust.unknown_variant, &context)?;
        let string = self.scope.string();
        let tag_enum = TypeMapper {
            ctx: self.ctx,
            scope: self.scope,
        }
        .owned(
            &TypeRef::Enumeration(rust.tag_enumeration.clone()),
            &context,
        )?;
        let doc = doc_attrs(&wrap(&format!(
            "The `{tag_wire}` tag of [`{structure_name}`] together with the fields of its \
             case: each variant carries exactly the fields the metamodel lists for that tag \
             value. Tag values this crate does not know arrive as `{name}::{unknown}` \
             ([unknown values](crate#unknown-values))."
        )));
        let unknown_doc = doc_attrs("A tag value this crate does not know.");
        Ok(quote! {
            #doc
            #gate
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            // Variants are as large as their case fields, like the flat
            // structure was; boxing them would only add indirection.
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #( #variants )*
                #unknown_doc
                #unknown {
                    /// The tag value on the wire.
                    tag: #string,
                    /// The members of the structure that belong to this tag
                    /// value, as raw JSON.
                    fields: serde_json::Map<#string, serde_json::Value>,
                },
            }

            #gate
            impl #name {
                /// The tag value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( #tag_arms )*
                        Self::#unknown { tag, .. } => tag,
                    }
                }

                /// The tag as its enumeration value.
                pub fn tag(&self) -> #tag_enum {
                    #tag_enum::from(self.as_str())
                }

                /// Writes the tag member and the case members.
                pub(crate) fn serialize_fields<M: serde::ser::SerializeMap>(
                    &self,
                    __map: &mut M,
                ) -> ::core::result::Result<(), M::Error> {
                    match self {
                        #( #write_arms )*
                        Self::#unknown { tag, fields } => {
                            __map.serialize_entry(#tag_wire, tag)?;
                            for (key, value) in fields {
                                __map.serialize_entry(key, value)?;
                            }
                        }
                    }
                    ::core::result::Result::Ok(())
                }
            }
        })
    }

    /// The expression building union `index` from the slots: `Option<Enum>`.
    fn build_union(
        &self,
        index: usize,
        union: &Union,
        rust: &UnionEnum,
    ) -> Result<TokenStream, EmitError> {
        let context = format!("{}, union `{}`", self.context, union.tag_field);
        let name = self.scope.item_path(&rust.path, &context)?;
        let tag_slot = slot(self.field_index(&union.tag_field)?);
        let var = union_var(index);
        let mut arms = Vec::new();
        // Known case fields of this union, for the catch-all.
        let mut keep = Vec::new();
        let mut kept = std::collections::BTreeSet::new();
        for variant in &rust.variants {
            let variant_name = ident(&variant.rust_name, &context)?;
            let wire = &variant.wire;
            let mut members = Vec::new();
            for field_name in &variant.fields {
                let i = self.field_index(field_name)?;
                let field = &self.structure.fields[i];
                let rust_name = ident(&field.rust_name, &context)?;
                let value = match self.nested(field) {
                    Some((inner_index, inner)) => {
                        let inner_var = union_var(inner_index);
                        if kept.insert(field_name.clone()) {
                            keep.push(quote! {
                                if let Some(inner) = #inner_var {
                                    let mut object = serde::Serializer::serialize_map(serde_json::value::Serializer, None)
                                        .map_err(serde::de::Error::custom)?;
                                    inner.serialize_fields(&mut object).map_err(serde::de::Error::custom)?;
                                    if let serde_json::Value::Object(members) =
                                        serde::ser::SerializeMap::end(object).map_err(serde::de::Error::custom)?
                                    {
                                        fields.extend(members);
                                    }
                                }
                            });
                        }
                        if inner.optional {
                            quote! { #inner_var }
                        } else {
                            let inner_tag = &field.name;
                            quote! { __de::required(#inner_var, #inner_tag)? }
                        }
                    }
                    None => {
                        let s = slot(i);
                        if kept.insert(field_name.clone()) {
                            keep.push(quote! { __de::keep_member(&mut fields, #field_name, #s)?; });
                        }
                        finish(&s, field).parse().map_err(|err| EmitError::Syntax {
                            context: context.clone(),
                            message: format!("{err}"),
                        })?
                    }
                };
                members.push(quote! { #rust_name: #value, });
            }
            arms.push(if variant.fields.is_empty() {
                quote! { #wire => #name::#variant_name, }
            } else {
                quote! { #wire => #name::#variant_name { #( #members )* }, }
            });
        }
        let unknown = ident(&rust.unknown_variant, &context)?;
        Ok(quote! {
            let #var = match #tag_slot {
                None => None,
                Some(tag) => Some(match tag.as_str() {
                    #( #arms )*
                    _ => {
                        #[allow(unused_mut)]
                        let mut fields = ::core::mem::take(&mut unknown);
                        #( #keep )*
                        #name::#unknown { tag, fields }
                    }
                }),
            };
        })
    }
}

/// The value of a plain slot for the structure or a variant.
fn finish(slot: &proc_macro2::Ident, field: &Field) -> String {
    let wire = &field.name;
    match &field.ty {
        TypeRef::Optional(_) => slot.to_string(),
        _ if field.zero_if_missing => format!("__de::or_zero({slot}, Self::NAME, {wire:?})"),
        _ => format!("__de::required({slot}, {wire:?})?"),
    }
}

/// A structure as [`emit`] prints it: the struct and its union enums, and
/// the serde impls.
pub struct Emitted {
    pub definition: String,
    pub impls: String,
}

/// One statement of a `serialize` body.
enum Write {
    Statement(Expr),
    /// `if let Some(value) = &self.<field> { <body>; }`: an optional member.
    IfSome {
        field: String,
        body: Expr,
    },
}

/// `__m.<method>("<wire>", &self.<field>)`: a member written through the
/// runtime's `ser::Members`.
fn member_call(method: &str, wire: &str, field: &str) -> Expr {
    Expr::atom("__m").method(
        method,
        vec![
            Expr::atom(format!("{wire:?}")),
            Expr::atom("self").field(field).reference(),
        ],
    )
}

/// `map.serialize_entry("<wire>", <value>)?`
fn serialize_entry(wire: &str, value: Expr) -> Expr {
    Expr::atom("map")
        .method(
            "serialize_entry",
            vec![Expr::atom(format!("{wire:?}")), value],
        )
        .try_()
}

impl Write {
    fn print(&self, out: &mut Block, context: &str) -> Result<(), EmitError> {
        match self {
            Write::Statement(expr) => {
                out.expr_statement(2, expr);
                Ok(())
            }
            Write::IfSome { field, body } => out.if_let(
                2,
                &format!("if let Some(value) = &self.{field}"),
                body,
                context,
            ),
        }
    }
}

/// A field of the struct definition: its doc lines, `#[deprecated]`
/// attribute (or nothing) and `pub name: Type,`.
struct Member {
    doc: String,
    deprecated: String,
    /// `pub name`, and the field's type.
    head: String,
    ty: String,
}

/// The structure, its union enums and its serde impls.
pub fn emit(
    ctx: &Ctx<'_>,
    scope: &Scope<'_>,
    structure: &Structure,
    (doc, deprecated): (&str, &str),
    gate: &TokenStream,
    gate_text: &str,
) -> Result<Emitted, EmitError> {
    let context = format!("structure `{}`", structure.id);
    let printer = Printer {
        ctx,
        scope,
        structure,
        context: context.clone(),
    };
    let name = ident(&structure.path.name, &context)?;
    let option = type_text(&scope.option());
    let string = type_text(&scope.string());

    let mut members = Vec::new();
    let mut writes = Vec::new();
    let mut slots = Vec::new();
    let mut reads = Vec::new();
    let mut inits = Vec::new();
    let mut all_optional = true;
    // Structures whose members are all plain write them through the
    // runtime's `ser::Members` (a call per member, no branches); a union tag
    // writes its case through the union's `serialize_fields`.
    let plain = !structure
        .fields
        .iter()
        .any(|field| matches!(role(structure, field), Role::TopTag(..)));
    for (i, field) in structure.fields.iter().enumerate() {
        let s = slot(i);
        let wire = &field.name;
        let role = role(structure, field);
        // Reading: every member of the structure has a slot.
        match (&role, printer.nested(field)) {
            (Role::TopTag(..), _) | (Role::InVariant, Some(_)) => {
                slots.push((s.clone(), format!("{option}<{string}>")));
                let optional = matches!(field.ty, TypeRef::Optional(_));
                reads.push(if optional {
                    format!("{wire:?} => __de::put(&mut map, &mut {s}),")
                } else {
                    format!("{wire:?} => __de::put_some(&mut map, &mut {s}),")
                });
            }
            _ => {
                let ty = type_text(&printer.field_type(field)?);
                let slot_ty = if matches!(field.ty, TypeRef::Optional(_)) {
                    ty
                } else {
                    format!("{option}<{ty}>")
                };
                slots.push((s.clone(), slot_ty));
                reads.push(match &field.ty {
                    TypeRef::Optional(_) => format!("{wire:?} => __de::put(&mut map, &mut {s}),"),
                    // `null` is empty; only an absent member is missing.
                    ty if required_collection(ty) => {
                        format!("{wire:?} => __de::put_or_empty(&mut map, &mut {s}),")
                    }
                    _ => format!("{wire:?} => __de::put_some(&mut map, &mut {s}),"),
                });
            }
        }
        match role {
            Role::Common => {
                let field_name = ident(&field.rust_name, &context)?;
                let ty = type_text(&printer.field_type(field)?);
                let scope =
                    ReleaseScope::member(&printer.ctx.model.releases, &printer.structure.releases);
                let at = format!("{context}, field `{}`", field.name);
                members.push(Member {
                    doc: outer_doc_lines(&field_doc(ctx, field, &at, scope)),
                    deprecated: type_text(&deprecated_attr(ctx, &field.lifecycle)),
                    head: format!("pub {field_name}"),
                    ty,
                });
                let optional = matches!(field.ty, TypeRef::Optional(_));
                all_optional &= optional;
                writes.push(match (plain, optional) {
                    (true, true) => {
                        Write::Statement(member_call("optional", wire, &field_name.to_string()))
                    }
                    (true, false) => {
                        Write::Statement(member_call("entry", wire, &field_name.to_string()))
                    }
                    (false, true) => Write::IfSome {
                        field: field_name.to_string(),
                        body: serialize_entry(wire, Expr::atom("value")),
                    },
                    (false, false) => Write::Statement(serialize_entry(
                        wire,
                        Expr::atom("self").field(field_name.to_string()).reference(),
                    )),
                });
                let value = finish(&s, field);
                inits.push(format!("{field_name}: {value}"));
            }
            Role::TopTag(union, rust) => {
                let field_name = ident(&field.rust_name, &context)?;
                let ty = type_text(&printer.enum_type(rust, &context)?);
                let at = format!("{context}, field `{}`", field.name);
                let mut field_doc = DocBuilder::new();
                field_doc.doc(ctx, &field.doc, &at);
                let scope =
                    ReleaseScope::member(&printer.ctx.model.releases, &printer.structure.releases);
                field_doc.paragraph(releases_note(&field.releases, scope));
                field_doc.paragraph(format!(
                    "The variant carries the fields of its case (see [`{}`]).",
                    rust.path.name
                ));
                if let Some(line) = lifecycle_line(ctx, &field.lifecycle, &at) {
                    field_doc.paragraph(line);
                }
                members.push(Member {
                    doc: outer_doc_lines(&field_doc.build()),
                    deprecated: type_text(&deprecated_attr(ctx, &field.lifecycle)),
                    head: format!("pub {field_name}"),
                    ty,
                });
                all_optional &= rust.optional;
                writes.push(if rust.optional {
                    Write::IfSome {
                        field: field_name.to_string(),
                        body: Expr::atom("value")
                            .method("serialize_fields", vec![Expr::atom("&mut map")])
                            .try_(),
                    }
                } else {
                    Write::Statement(
                        Expr::atom("self")
                            .field(field_name.to_string())
                            .method("serialize_fields", vec![Expr::atom("&mut map")])
                            .try_(),
                    )
                });
                let index = structure
                    .unions
                    .iter()
                    .position(|u| std::ptr::eq(u, union))
                    .unwrap_or_default();
                let var = union_var(index);
                inits.push(if rust.optional {
                    format!("{field_name}: {var}")
                } else {
                    let tag_wire = &union.tag_field;
                    format!("{field_name}: __de::required({var}, {tag_wire:?})?")
                });
            }
            Role::InVariant => {}
        }
    }

    // Inner unions are built before the unions whose variants hold them.
    let depth = |union: &Union| {
        let mut depth = 0;
        let mut current = union.rust.as_ref().and_then(|r| r.parent.clone());
        while let Some(parent) = current {
            depth += 1;
            current = structure
                .unions
                .iter()
                .find(|u| u.tag_field == parent)
                .and_then(|u| u.rust.as_ref())
                .and_then(|r| r.parent.clone())
                .filter(|_| depth < 16);
        }
        depth
    };
    let mut order: Vec<usize> = (0..structure.unions.len())
        .filter(|&i| structure.unions[i].rust.is_some())
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth(&structure.unions[i])));
    let mut builds = Vec::new();
    for i in order {
        let union = &structure.unions[i];
        if let Some(rust) = &union.rust {
            builds.push(printer.build_union(i, union, rust)?);
        }
    }
    let mut enums = Vec::new();
    for (union, rust) in converted(structure) {
        enums.push(printer.enum_items(union, rust, gate)?);
    }

    let name = name.to_string();
    let mut definition = Block::new();
    definition.write_raw(doc);
    if !deprecated.is_empty() {
        definition.attribute(0, deprecated);
    }
    definition.write_raw(gate_text);
    definition.line(
        0,
        if all_optional {
            "#[derive(Debug, Clone, PartialEq, Default)]"
        } else {
            "#[derive(Debug, Clone, PartialEq)]"
        },
    );
    if members.is_empty() {
        definition.line(0, &format!("pub struct {name} {{}}"));
    } else {
        definition.line(0, &format!("pub struct {name} {{"));
        for member in &members {
            definition.write_raw(&super::format::indent(&member.doc, 4));
            if !member.deprecated.is_empty() {
                definition.attribute(1, &member.deprecated);
            }
            definition.struct_field(&member.head, &member.ty, &context)?;
        }
        definition.line(0, "}");
    }
    let mut definition = definition.finish(&context)?;
    if !enums.is_empty() {
        definition.push('\n');
        definition.push_str(&super::format::items(quote! { #( #enums )* }, &context)?);
    }

    let mut out = Block::new();
    impl_header(
        &mut out,
        gate_text,
        false,
        "serde::Serialize",
        &name,
        &context,
    )?;
    out.line(1, "fn serialize<S: serde::Serializer>(");
    out.line(2, "&self,");
    out.line(2, "serializer: S,");
    out.line(1, ") -> ::core::result::Result<S::Ok, S::Error> {");
    if writes.is_empty() {
        out.line(2, "use serde::ser::SerializeMap as _;");
        out.line(2, "serializer.serialize_map(Some(0))?.end()");
    } else if plain {
        out.line(
            2,
            "let mut __m = ::vsphere_vapi_runtime::ser::Members::new(",
        );
        out.line(3, "serializer.serialize_map(None)?,");
        out.line(2, ");");
        for write in &writes {
            write.print(&mut out, &context)?;
        }
        out.line(2, "__m.end()");
    } else {
        out.line(2, "use serde::ser::SerializeMap as _;");
        out.line(2, "let mut map = serializer.serialize_map(None)?;");
        for write in &writes {
            write.print(&mut out, &context)?;
        }
        out.line(2, "map.end()");
    }
    out.line(1, "}");
    out.line(0, "}");
    out.line(0, "");

    impl_header(
        &mut out,
        gate_text,
        true,
        "serde::Deserialize<'de>",
        &name,
        &context,
    )?;
    out.line(1, "fn deserialize<D: serde::Deserializer<'de>>(");
    out.line(2, "deserializer: D,");
    out.line(1, ") -> ::core::result::Result<Self, D::Error> {");
    out.line(
        2,
        "::vsphere_vapi_runtime::de::deserialize_map(deserializer)",
    );
    out.line(1, "}");
    out.line(0, "}");
    out.line(0, "");

    impl_header(
        &mut out,
        gate_text,
        true,
        "::vsphere_vapi_runtime::de::VisitMap<'de>",
        &name,
        &context,
    )?;
    let type_name = super::structure::type_name(structure);
    out.line(1, &format!("const NAME: &'static str = {type_name:?};"));
    out.line(0, "");
    out.line(1, "fn visit_map<A: serde::de::MapAccess<'de>>(");
    out.line(2, "mut map: A,");
    out.line(1, ") -> ::core::result::Result<Self, A::Error> {");
    // The helpers' short path; every member read calls them.
    if !reads.is_empty() {
        out.line(2, "use ::vsphere_vapi_runtime::de as __de;");
    }
    for (slot, ty) in &slots {
        out.none_slot(2, &slot.to_string(), ty, &context)?;
    }
    // Unknown members are kept for the catch-alls only.
    if builds.is_empty() && reads.is_empty() {
        out.line(
            2,
            "while map.next_key::<serde::de::IgnoredAny>()?.is_some() {",
        );
        out.line(3, "map.next_value::<serde::de::IgnoredAny>()?;");
        out.line(2, "}");
    } else {
        let fallback = if builds.is_empty() {
            "_ => __de::skip(&mut map),"
        } else {
            out.line(2, "let mut unknown = serde_json::Map::new();");
            "_ => __de::keep(&mut map, key, &mut unknown),"
        };
        out.line(
            2,
            &format!("while let Some(key) = map.next_key::<{string}>()? {{"),
        );
        out.line(3, "match key.as_str() {");
        for read in &reads {
            out.arm(4, read, &context)?;
        }
        out.line(4, fallback);
        out.line(3, "}?;");
        out.line(2, "}");
    }
    for build in &builds {
        out.laid_out_statement(2, &build.to_string(), &context)?;
    }
    let ok = "::core::result::Result::Ok(";
    match super::text::struct_literal_inline(2, ok, &name, &inits, ")") {
        Some(true) if inits.is_empty() => out.line(2, &format!("{ok}{name} {{}})")),
        Some(true) => out.line(2, &format!("{ok}{name} {{ {} }})", inits.join(", "))),
        Some(false) => {
            let opening = format!("{ok}{name} {{");
            out.line(2, &opening);
            for init in &inits {
                out.field(3, &opening, &format!("{init},"), &context)?;
            }
            out.line(2, "})");
        }
        // A tail expression, so not a statement to lay out alone.
        None => out.unformatted(&format!("{ok}{name} {{ {} }})", inits.join(", "))),
    }
    out.line(1, "}");
    out.line(0, "}");
    Ok(Emitted {
        definition,
        impls: out.finish(&context)?,
    })
}

/// `impl … for Name {` (with the item's gate), broken where prettyplease
/// breaks it.
fn impl_header(
    out: &mut Block,
    gate: &str,
    with_lifetime: bool,
    trait_path: &str,
    name: &str,
    context: &str,
) -> Result<(), EmitError> {
    out.write_raw(gate);
    // The boxes prettyplease prints an `impl` header with.
    let mut layout = Layout::new();
    layout.begin(INDENT);
    layout.begin_inconsistent(-INDENT);
    layout.begin(INDENT);
    layout.text("impl");
    if with_lifetime {
        layout.text("<");
        layout.begin(0);
        layout.zero_break();
        layout.text("'de");
        layout.list_separator(true, -INDENT);
        layout.end();
        layout.text(">");
    }
    layout.end();
    layout.text(" ");
    layout
        .ty_text(trait_path)
        .map_err(|unsupported| unsupported.error(context, trait_path))?;
    layout.space();
    layout.text(format!("for {name}"));
    layout.end();
    layout.text(" {");
    layout.hard_break();
    layout.end();
    out.write_raw(&layout.print(0));
    Ok(())
}
