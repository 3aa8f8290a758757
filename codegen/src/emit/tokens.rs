//! Small token builders shared by the emitters.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::EmitError;

/// Parses a Rust identifier chosen by the IR (`vm`, `r#type`, `PowerState`).
/// `syn` rejects keywords that need `r#`, invalid raw identifiers (`r#self`)
/// and anything that is not an identifier, without panicking as
/// `Ident::new` would.
pub fn ident(name: &str, context: &str) -> Result<Ident, EmitError> {
    // Nearly every name is a plain ASCII identifier; parsing each one was a
    // visible share of emit time.
    if crate::names::is_plain_identifier(name) {
        return Ok(Ident::new(name, proc_macro2::Span::call_site()));
    }
    syn::parse_str::<Ident>(name).map_err(|_| EmitError::InvalidIdentifier {
        context: context.to_owned(),
        name: name.to_owned(),
    })
}

/// The identifier as it appears in file names and wire comparisons: `r#type` → `type`.
pub use crate::names::unraw;

/// Outer docs for an item built as tokens; [`format::items`](super::format::items)
/// prints them as `///` lines. Lines get the conventional leading space;
/// blank lines stay blank.
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = text.trim_matches('\n');
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = text
        .lines()
        .map(|line| line.trim_end().to_owned())
        .collect();
    super::doc_text::attribute(lines)
}

/// Outer doc lines (`/// …`) as text, for items printed as text (macro calls).
pub fn outer_doc_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Inner doc lines (`//! …`) as text, for module files and inline modules.
pub fn inner_doc_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("//!\n");
        } else {
            out.push_str("//! ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// An integer literal, written with a unary minus when negative so it reads
/// as ordinary Rust.
pub fn int_literal(value: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote! { -#magnitude }
    } else {
        quote! { #magnitude }
    }
}

/// A float literal; non-finite values have no literal form.
pub fn float_literal(value: f64, context: &str) -> Result<TokenStream, EmitError> {
    if !value.is_finite() {
        return Err(EmitError::Unsupported {
            context: context.to_owned(),
            message: format!("the constant {value} has no Rust literal"),
        });
    }
    let magnitude = Literal::f64_unsuffixed(value.abs());
    Ok(if value.is_sign_negative() && value != 0.0 {
        quote! { -#magnitude }
    } else {
        quote! { #magnitude }
    })
}

/// `feature = "x"` or `any(feature = "a", feature = "b")`.
pub fn cfg_predicate<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<&str> = features.into_iter().collect();
    match features.as_slice() {
        [single] => quote! { feature = #single },
        many => quote! { any( #( feature = #many ),* ) },
    }
}

/// The `#[cfg(...)]` attribute for `features` (nothing for an empty set).
pub fn cfg_attr<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let features: Vec<&str> = features.into_iter().collect();
    if features.is_empty() {
        return TokenStream::new();
    }
    let predicate = cfg_predicate(features);
    quote! { #[cfg(#predicate)] }
}

/// `#[cfg(...)]` as source text, for code assembled outside prettyplease.
pub fn cfg_attr_text<'a>(features: impl IntoIterator<Item = &'a str>) -> String {
    let features: Vec<&str> = features.into_iter().collect();
    match features.as_slice() {
        [] => String::new(),
        [single] => format!("#[cfg(feature = {single:?})]\n"),
        many => {
            let list: Vec<String> = many.iter().map(|f| format!("feature = {f:?}")).collect();
            format!("#[cfg(any({}))]\n", list.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_without_the_parser_match_the_parser() {
        for name in [
            "vm",
            "PowerState",
            "_private",
            "x1",
            "r#type",
            "type",
            "self",
            "Self",
            "_",
            "1a",
            "r#self",
            "a-b",
            "",
            "é",
            "gen",
            "crate",
            "super_",
        ] {
            let fast = ident(name, "test").map(|i| i.to_string()).ok();
            let parsed = syn::parse_str::<Ident>(name).map(|i| i.to_string()).ok();
            assert_eq!(fast, parsed, "{name:?}");
        }
    }
}
