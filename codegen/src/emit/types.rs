//! Rust spelling of IR types (see the table in the module docs of `emit`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Builtin, Model, RustPath, TypeRef};

use super::layout::Module;
use super::tokens::ident;
use super::{Ctx, EmitError};

/// Prelude names the generated code uses unqualified; a module defining a
/// type with one of these names gets the `::std::…` path instead.
const PRELUDE_TYPES: &[&str] = &["Option", "Vec", "String", "Box"];

/// Where code is being written: decides relative vs. absolute paths and
/// whether prelude names are shadowed.
pub struct Scope<'m> {
    pub module: &'m [String],
    shadowed: BTreeSet<&'static str>,
}

impl<'m> Scope<'m> {
    pub fn new(module: &'m Module<'_>) -> Self {
        let defined: BTreeSet<&str> = module
            .structures
            .iter()
            .map(|s| s.path.name.as_str())
            .chain(module.enumerations.iter().map(|e| e.path.name.as_str()))
            .chain(module.services.iter().map(|s| s.path.name.as_str()))
            .collect();
        let shadowed = PRELUDE_TYPES
            .iter()
            .copied()
            .filter(|name| defined.contains(name))
            .collect();
        Scope {
            module: &module.path,
            shadowed,
        }
    }

    fn prelude(&self, name: &'static str) -> TokenStream {
        let short = syn::Ident::new(name, proc_macro2::Span::call_site());
        if !self.shadowed.contains(name) {
            return quote! { #short };
        }
        match name {
            "Option" => quote! { ::std::option::Option },
            "Vec" => quote! { ::std::vec::Vec },
            "String" => quote! { ::std::string::String },
            _ => quote! { ::std::boxed::Box },
        }
    }

    pub fn option(&self) -> TokenStream {
        self.prelude("Option")
    }

    pub fn string(&self) -> TokenStream {
        self.prelude("String")
    }

    /// Path to a generated item: its bare name inside its own module,
    /// relative below it, `crate::…` elsewhere.
    pub fn item_path(&self, path: &RustPath, context: &str) -> Result<TokenStream, EmitError> {
        let name = ident(&path.name, context)?;
        // Items below the current module are named relative to it
        // (`tools::Info` from `vcenter::vm`): child modules are snake case and
        // types camel case, so the first segment cannot be shadowed.
        if let Some(below) = path.module.strip_prefix(self.module) {
            let modules = below
                .iter()
                .map(|component| ident(component, context))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(quote! { #( #modules :: )* #name });
        }
        let modules = path
            .module
            .iter()
            .map(|component| ident(component, context))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(quote! { crate #( :: #modules )* :: #name })
    }
}

/// Spells IR types in one scope.
pub struct TypeMapper<'c, 'a, 'm> {
    pub ctx: &'c Ctx<'a>,
    pub scope: &'c Scope<'m>,
}

impl TypeMapper<'_, '_, '_> {
    pub fn builtin(&self, builtin: Builtin) -> TokenStream {
        match builtin {
            Builtin::Void => quote! { () },
            Builtin::Boolean => quote! { bool },
            Builtin::Long => quote! { i64 },
            Builtin::Double => quote! { f64 },
            Builtin::String | Builtin::Id | Builtin::Uri => self.scope.string(),
            Builtin::Binary => quote! { vsphere_vapi_runtime::types::Binary },
            Builtin::Secret => quote! { vsphere_vapi_runtime::types::Secret },
            Builtin::DateTime => quote! { vsphere_vapi_runtime::types::DateTime },
            Builtin::AnyError | Builtin::DynamicStructure | Builtin::Opaque => {
                quote! { serde_json::Value }
            }
        }
    }

    /// The owned type (structure fields, results).
    pub fn owned(&self, ty: &TypeRef, context: &str) -> Result<TokenStream, EmitError> {
        self.owned_boxed(ty, false, context)
    }

    /// The owned type, with `Box` around the structure when `boxed` (a field
    /// that would otherwise make its structure infinitely large).
    pub fn owned_boxed(
        &self,
        ty: &TypeRef,
        boxed: bool,
        context: &str,
    ) -> Result<TokenStream, EmitError> {
        Ok(match ty {
            TypeRef::Builtin(builtin) => self.builtin(*builtin),
            TypeRef::Structure(id) => {
                let path = self
                    .scope
                    .item_path(&self.ctx.structure(id, context)?.path, context)?;
                if boxed {
                    let boxed = self.scope.prelude("Box");
                    quote! { #boxed<#path> }
                } else {
                    path
                }
            }
            TypeRef::Enumeration(id) => self
                .scope
                .item_path(&self.ctx.enumeration(id, context)?.path, context)?,
            TypeRef::Resource(key) => self
                .scope
                .item_path(&self.ctx.resource_id(key, context)?.path, context)?,
            TypeRef::AnyResource => quote! { vsphere_vapi_runtime::ResourceId },
            TypeRef::Optional(inner) => {
                let option = self.scope.option();
                let inner = self.owned_boxed(inner, boxed, context)?;
                quote! { #option<#inner> }
            }
            TypeRef::List(inner) | TypeRef::Set(inner) => {
                let vec = self.scope.prelude("Vec");
                let inner = self.owned(inner, context)?;
                quote! { #vec<#inner> }
            }
            TypeRef::Map(key, value) => {
                let key = self.owned(key, context)?;
                let value = self.owned(value, context)?;
                quote! { vsphere_vapi_runtime::types::VapiMap<#key, #value> }
            }
        })
    }

    /// The parameter type of an operation argument, and whether the argument
    /// is already a reference (passed to `Call::param` as is) or must be
    /// borrowed there.
    pub fn param(&self, ty: &TypeRef, context: &str) -> Result<(TokenStream, PassBy), EmitError> {
        Ok(match ty {
            TypeRef::Optional(inner) => {
                let option = self.scope.option();
                let inner = self.borrowed(inner, context)?;
                (quote! { #option<#inner> }, PassBy::Borrow)
            }
            TypeRef::Builtin(Builtin::Boolean | Builtin::Long | Builtin::Double) => {
                (self.owned(ty, context)?, PassBy::Borrow)
            }
            TypeRef::Builtin(Builtin::Void) => {
                return Err(EmitError::Unsupported {
                    context: context.to_owned(),
                    message: "a parameter cannot have type VOID".to_owned(),
                });
            }
            _ => (self.borrowed(ty, context)?, PassBy::Reference),
        })
    }

    /// `&str`, `&[T]`, `&T`, or the value itself for `Copy` scalars.
    fn borrowed(&self, ty: &TypeRef, context: &str) -> Result<TokenStream, EmitError> {
        Ok(match ty {
            TypeRef::Builtin(Builtin::String | Builtin::Id | Builtin::Uri) => quote! { &str },
            TypeRef::Builtin(Builtin::Boolean | Builtin::Long | Builtin::Double) => {
                self.owned(ty, context)?
            }
            TypeRef::List(inner) | TypeRef::Set(inner) => {
                let inner = self.owned(inner, context)?;
                quote! { &[#inner] }
            }
            _ => {
                let owned = self.owned(ty, context)?;
                quote! { &#owned }
            }
        })
    }
}

/// How an argument is handed to `Call::param(name, value: &T)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassBy {
    /// The argument is a reference already (`&str`, `&[T]`, `&T`).
    Reference,
    /// The argument is a value (`bool`, `Option<&str>`, …): pass `&arg`.
    Borrow,
}

/// Fields whose structure type must be boxed: those on a cycle of
/// "contains without indirection" edges (a field of structure type, or
/// optional structure type). Boxing every such edge inside a strongly
/// connected component breaks all cycles; lists and maps already allocate.
pub fn boxed_fields(model: &Model) -> BTreeSet<(String, String)> {
    let mut edges: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for structure in model.structures.values() {
        let out = edges.entry(structure.id.as_str()).or_default();
        for field in &structure.fields {
            if let Some(target) = inline_structure(&field.ty)
                && model.structures.contains_key(target)
            {
                out.push((field.name.as_str(), target));
            }
        }
    }
    let component = strongly_connected(&edges);
    let mut boxed = BTreeSet::new();
    for (from, out) in &edges {
        for (field, to) in out {
            if component.get(from) == component.get(to) {
                boxed.insert(((*from).to_owned(), (*field).to_owned()));
            }
        }
    }
    boxed
}

/// The structure a value of `ty` stores inline, if any.
fn inline_structure(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Structure(id) => Some(id),
        TypeRef::Optional(inner) => inline_structure(inner),
        _ => None,
    }
}

/// Tarjan's algorithm (iterative, so deep structure chains cannot overflow
/// the stack). Returns the component number of every node. A node alone in
/// its component without a self edge still gets a number, so callers compare
/// numbers of an edge's ends: equal means the edge is on a cycle.
fn strongly_connected<'a>(
    edges: &BTreeMap<&'a str, Vec<(&'a str, &'a str)>>,
) -> BTreeMap<&'a str, usize> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut low: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    let mut next_index = 0;
    let mut next_component = 0;
    let successors = |node: &str| -> Vec<&'a str> {
        edges
            .get(node)
            .map(|out| out.iter().map(|(_, to)| *to).collect())
            .unwrap_or_default()
    };
    for &root in edges.keys() {
        if index.contains_key(root) {
            continue;
        }
        // Each frame: node and the position of the next successor to visit.
        let mut frames: Vec<(&str, usize)> = vec![(root, 0)];
        index.insert(root, next_index);
        low.insert(root, next_index);
        next_index += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (node, ref mut position)) = frames.last_mut() {
            let next = successors(node);
            if let Some(&successor) = next.get(*position) {
                *position += 1;
                if !index.contains_key(successor) {
                    index.insert(successor, next_index);
                    low.insert(successor, next_index);
                    next_index += 1;
                    stack.push(successor);
                    on_stack.insert(successor);
                    frames.push((successor, 0));
                } else if on_stack.contains(successor) {
                    let candidate = index[successor];
                    let entry = low.entry(node).or_default();
                    *entry = (*entry).min(candidate);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                let child_low = low[node];
                let entry = low.entry(parent).or_default();
                *entry = (*entry).min(child_low);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.insert(member, next_component);
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
