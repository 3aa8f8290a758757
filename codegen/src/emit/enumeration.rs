//! vAPI enumerations as `vsphere_vapi_runtime::vapi_enum!` invocations.
//!
//! prettyplease prints macro bodies as one token soup, so the body is
//! formatted as what it looks like, an ordinary enum with string
//! discriminants, and then wrapped in the macro call with the `@unknown`
//! catch-all line added. Parsing that enum also validates every variant name.

use quote::quote;

use crate::ir::Enumeration;

use super::docs::{DocBuilder, ReleaseScope, deprecated_attr};
use super::layout::Module;
use super::layout::display_path;
use super::tokens::{cfg_attr_text, doc_attrs, ident};
use super::{Ctx, EmitError, format};

/// Prints `enumeration`; `releases` are the model's (for the notes on
/// values some releases lack).
pub fn emit(
    ctx: &Ctx<'_>,
    module: &Module<'_>,
    enumeration: &Enumeration,
    releases: &[String],
) -> Result<String, EmitError> {
    let context = format!("enumeration `{}`", enumeration.id);
    let name = ident(&enumeration.path.name, &context)?;
    ident(&enumeration.unknown_variant, &context)?;
    if let Some(clash) = enumeration
        .values
        .iter()
        .find(|value| value.rust_name == enumeration.unknown_variant)
    {
        return Err(EmitError::NameCollision {
            module: display_path(&enumeration.path.module),
            name: enumeration.unknown_variant.clone(),
            first: format!("the value `{}`", clash.wire),
            second: "the catch-all variant".to_owned(),
        });
    }

    let mut doc = DocBuilder::new();
    doc.item(ctx, &enumeration.doc, &enumeration.lifecycle, &context);
    doc.releases(&enumeration.releases, ReleaseScope::item(releases));
    doc.prose(format!(
        "vAPI enumeration `{}`. Values this crate does not know arrive as \
         `{}` ([unknown values](crate#unknown-values)).",
        crate::lower::wire_id(&enumeration.id),
        enumeration.unknown_variant
    ));
    let mut doc = doc_attrs(&doc.build());
    doc.extend(deprecated_attr(ctx, &enumeration.lifecycle));

    let variants = enumeration
        .values
        .iter()
        .map(|value| {
            let variant = ident(
                &value.rust_name,
                &format!("{context}, value `{}`", value.wire),
            )?;
            let at = format!("{context}, value `{}`", value.wire);
            let mut doc = DocBuilder::new();
            doc.item(ctx, &value.doc, &value.lifecycle, &at);
            doc.releases(
                &value.releases,
                ReleaseScope::member(releases, &enumeration.releases),
            );
            if doc.is_empty() {
                doc.paragraph(format!("The wire value `{}`.", value.wire));
            }
            let mut doc = doc_attrs(&doc.build());
            doc.extend(deprecated_attr(ctx, &value.lifecycle));
            let wire = &value.wire;
            Ok(quote! {
                #doc
                #variant = #wire,
            })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let body = format::items(
        quote! {
            #doc
            pub enum #name {
                #( #variants )*
            }
        },
        &context,
    )?;
    let body =
        add_unknown_line(&body, &enumeration.unknown_variant).ok_or_else(|| EmitError::Syntax {
            context: context.clone(),
            message: "formatted enum does not end with `}`".to_owned(),
        })?;

    let mut out = String::new();
    // `#[cfg]` on a macro invocation removes the whole expansion.
    out.push_str(&cfg_attr_text(module.item_gate(&enumeration.feature)));
    out.push_str("vsphere_vapi_runtime::vapi_enum! {\n");
    out.push_str(&format::indent(&body, 4));
    out.push_str("}\n");
    Ok(out)
}

/// Inserts `@unknown Name` as the last line of the enum body.
fn add_unknown_line(body: &str, unknown: &str) -> Option<String> {
    let body = body.trim_end_matches('\n');
    if let Some(prefix) = body.strip_suffix("{}") {
        // No known values: prettyplease prints `pub enum X {}`.
        return Some(format!("{prefix}{{\n    @unknown {unknown}\n}}\n"));
    }
    let prefix = body.strip_suffix('}')?;
    Some(format!("{prefix}    @unknown {unknown}\n}}\n"))
}
