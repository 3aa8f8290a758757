//! Rust source written as text, for the bulk items whose layout is known.
//!
//! Structures (their definitions and serde impls) and the `ops::*`
//! operation statics are most of the generated code lines. Sent through
//! `quote` → `syn` → prettyplease they were most of emit time, nearly all of
//! it `syn` parsing code whose every line was known in advance: a fixed
//! skeleton around one statement, field or arm per member. [`Block`] writes
//! the skeleton directly and prints each member on one line when it is
//! clearly narrower than prettyplease's margin. A member that may not fit,
//! or that holds a block (a union's nested `match`, which prettyplease
//! always breaks), is laid out by prettyplease alone inside a wrapper that
//! puts it at the same depth: the width prettyplease allows depends on the
//! indentation only, so the lines are the ones it prints for the whole
//! item. Statements, slots and fields whose shapes [`Layout`] models are
//! broken by it instead, as prettyplease breaks them. A line too close to
//! the margin to say how prettyplease would break it otherwise leaves the
//! whole block to prettyplease ([`Block::unformatted`]). `cargo xtask regen
//! --check` holds the output to what it was, byte for byte.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::pretty::{Expr, Layout};
use super::{EmitError, format};

/// prettyplease's line width.
const MARGIN: usize = 89;
/// Widest line the text printer writes without asking prettyplease: a few
/// columns short of the margin, so where exactly prettyplease counts the
/// trailing `;`, `,` or `?` never matters.
const SURE_WIDTH: usize = MARGIN - 6;
/// prettyplease breaks a struct literal wider than this even when it fits.
const STRUCT_LITERAL_MAX_WIDTH: usize = 34;

/// Lines of one item (or a few), four spaces per depth.
#[derive(Debug, Default)]
pub struct Block {
    out: String,
    /// Some part was written unformatted; [`Block::finish`] formats the
    /// whole text with prettyplease.
    needs_layout: bool,
}

impl Block {
    pub fn new() -> Self {
        Self::default()
    }

    /// A block prettyplease lays out whole: lines are written as they
    /// are, without asking it statement by statement.
    pub fn for_prettyplease() -> Self {
        Self {
            out: String::new(),
            needs_layout: true,
        }
    }

    /// Whether [`Block::finish`] formats the whole text with prettyplease.
    pub fn is_for_prettyplease(&self) -> bool {
        self.needs_layout
    }

    /// Text written as it is (`#[cfg(...)]\n` lines).
    pub fn write_raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// A skeleton line, written as it is.
    pub fn line(&mut self, depth: usize, text: &str) {
        if !text.is_empty() {
            for _ in 0..depth {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// A statement prettyplease lays out however short it is: one holding
    /// a block (`if let … { … }`, `match`), which it always breaks.
    pub fn laid_out_statement(
        &mut self,
        depth: usize,
        text: &str,
        context: &str,
    ) -> Result<(), EmitError> {
        if self.needs_layout {
            self.line(depth, text);
            return Ok(());
        }
        // `fn __f() {` is depth 1; one block per further depth.
        let wrapper = format!(
            "fn __f() {{ {open} {text} {close} }}",
            open = "{".repeat(depth - 1),
            close = "}".repeat(depth - 1)
        );
        self.laid_out(&wrapper, depth, depth, context)
    }

    /// The one expression a method body is made of, at depth 2. (A
    /// trailing expression of a nested block prints differently: a block
    /// that short stays on one line.)
    pub fn method_body(&mut self, text: &str, context: &str) -> Result<(), EmitError> {
        if self.needs_layout || fits(2, text) {
            self.line(2, text);
            return Ok(());
        }
        self.laid_out(
            &format!("impl __I {{ fn __f() {{ {text} }} }}"),
            2,
            2,
            context,
        )
    }

    /// An expression statement at `depth`: one line when clearly within the
    /// margin, else broken by [`Layout`].
    pub fn expr_statement(&mut self, depth: usize, expr: &Expr) {
        let line = format!("{};", expr.to_text());
        if self.needs_layout || fits(depth, &line) {
            self.line(depth, &line);
            return;
        }
        let mut layout = Layout::new();
        layout.statement(expr);
        self.out.push_str(&layout.print(depth * 4));
    }

    /// `<header> { <body>; }` at `depth`: three lines when the header is
    /// clearly within the margin, as prettyplease prints it (it always
    /// breaks a block).
    pub fn if_let(
        &mut self,
        depth: usize,
        header: &str,
        body: &Expr,
        context: &str,
    ) -> Result<(), EmitError> {
        let opening = format!("{header} {{");
        if self.needs_layout || !fits(depth, &opening) {
            let text = format!("{opening} {}; }}", body.to_text());
            return self.laid_out_statement(depth, &text, context);
        }
        self.line(depth, &opening);
        self.expr_statement(depth + 1, body);
        self.line(depth, "}");
        Ok(())
    }

    /// A field of a struct definition at depth 1 (`pub name: Type,`),
    /// from its head (`pub name`) and type. A type [`Layout`] does not
    /// model is laid out by prettyplease.
    pub fn struct_field(&mut self, head: &str, ty: &str, context: &str) -> Result<(), EmitError> {
        let line = format!("{head}: {ty},");
        if self.needs_layout || fits(1, &line) {
            self.line(1, &line);
            return Ok(());
        }
        let mut layout = Layout::new();
        layout.text(format!("{head}: "));
        if layout.ty_text(ty).is_err() {
            return self.laid_out(&format!("struct __S {{ {line} }}"), 1, 1, context);
        }
        layout.text(",");
        layout.hard_break();
        self.out.push_str(&layout.print(4));
        Ok(())
    }

    /// `let mut <name>: <type> = None;` at `depth`. A type [`Layout`] does
    /// not model is laid out by prettyplease.
    pub fn none_slot(
        &mut self,
        depth: usize,
        name: &str,
        ty: &str,
        context: &str,
    ) -> Result<(), EmitError> {
        let line = format!("let mut {name}: {ty} = None;");
        if self.needs_layout || fits(depth, &line) {
            self.line(depth, &line);
            return Ok(());
        }
        let mut layout = Layout::new();
        layout.begin_inconsistent(0);
        layout.text(format!("let mut {name}: "));
        if layout.ty_text(ty).is_err() {
            return self.laid_out_statement(depth, &line, context);
        }
        layout.text(" = ");
        layout.never_break();
        layout.text("None;");
        layout.end();
        layout.hard_break();
        self.out.push_str(&layout.print(depth * 4));
        Ok(())
    }

    /// An attribute line at `depth`; one too close to the margin to say
    /// how prettyplease breaks it leaves the whole block to it.
    pub fn attribute(&mut self, depth: usize, text: &str) {
        match line_fits(depth, text) {
            Some(true) => self.line(depth, text),
            _ => self.unformatted(&format!("{}{text}", "    ".repeat(depth))),
        }
    }

    /// A `match` arm at `depth`.
    pub fn arm(&mut self, depth: usize, text: &str, context: &str) -> Result<(), EmitError> {
        if self.needs_layout || fits(depth, text) {
            self.line(depth, text);
            return Ok(());
        }
        // The `match` is at `depth - 1`: `fn` body, blocks, then the arms.
        let wrapper = format!(
            "fn __f() {{ {open} match __k {{ {text} }} {close} }}",
            open = "{".repeat(depth - 2),
            close = "}".repeat(depth - 2)
        );
        self.laid_out(&wrapper, depth, depth, context)
    }

    /// A field of a struct literal broken over lines, at `depth`; the line
    /// opening the literal is `opening` (`Ok(Name {`), one depth up.
    pub fn field(
        &mut self,
        depth: usize,
        opening: &str,
        text: &str,
        context: &str,
    ) -> Result<(), EmitError> {
        if self.needs_layout || fits(depth, text) {
            self.line(depth, text);
            return Ok(());
        }
        // A second, wide field keeps the literal broken, as it is in the item.
        let closing = closing_of(opening);
        let wrapper = format!(
            "fn __f() {{ {open} {opening} {text} {pad}: 0, {closing} {close} }}",
            open = "{".repeat(depth - 2),
            close = "}".repeat(depth - 2),
            pad = "_".repeat(STRUCT_LITERAL_MAX_WIDTH + 1),
        );
        // After the field come the pad's line and the closing line.
        self.laid_out(&wrapper, depth, depth + 1, context)
    }

    /// Text prettyplease will lay out, as part of the whole item.
    pub fn unformatted(&mut self, text: &str) {
        self.needs_layout = true;
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The item's source: as written, or formatted by prettyplease when a
    /// part was left to it.
    pub fn finish(self, context: &str) -> Result<String, EmitError> {
        if !self.needs_layout {
            return Ok(self.out);
        }
        let tokens: TokenStream = self.out.parse().map_err(|err| EmitError::Syntax {
            context: context.to_owned(),
            message: format!("{err}"),
        })?;
        format::items(tokens, context)
    }

    /// Appends the lines prettyplease prints for `wrapper` but its first
    /// `before` and last `after` lines: the wrapper's own.
    fn laid_out(
        &mut self,
        wrapper: &str,
        before: usize,
        after: usize,
        context: &str,
    ) -> Result<(), EmitError> {
        let file: syn::File = syn::parse_str(wrapper).map_err(|err| EmitError::Syntax {
            context: context.to_owned(),
            message: format!("{err} in `{wrapper}`"),
        })?;
        let text = prettyplease::unparse(&file);
        let lines: Vec<&str> = text.lines().collect();
        let keep = lines.len().saturating_sub(before + after);
        for line in lines.iter().skip(before).take(keep) {
            self.out.push_str(line);
            self.out.push('\n');
        }
        Ok(())
    }
}

/// Whether `text` on one line at `depth` is clearly within the margin.
fn fits(depth: usize, text: &str) -> bool {
    depth * 4 + text.chars().count() <= SURE_WIDTH
}

/// Whether prettyplease keeps `text` on one line at `depth` when it has
/// nowhere to break but the margin: `None` too close to the margin to say.
pub fn line_fits(depth: usize, text: &str) -> Option<bool> {
    let width = depth * 4 + text.chars().count();
    if width <= SURE_WIDTH {
        Some(true)
    } else if width > MARGIN + 6 {
        Some(false)
    } else {
        None
    }
}

/// What closes a struct literal opened by `opening`: `})` after `Ok(Name {`.
fn closing_of(opening: &str) -> String {
    let opened = opening.matches('(').count() - opening.matches(')').count();
    format!("}}{}", ")".repeat(opened))
}

/// Whether prettyplease prints the struct literal `path { fields }` on one
/// line at `depth` (after `prefix`, before `suffix` on the same line):
/// `None` when it is too close to either limit to say.
pub fn struct_literal_inline(
    depth: usize,
    prefix: &str,
    path: &str,
    fields: &[String],
    suffix: &str,
) -> Option<bool> {
    if fields.is_empty() {
        return Some(true);
    }
    // The width prettyplease compares with its limit runs from the path to
    // the space before `}`.
    let inner = path.len() + 3 + fields.iter().map(|f| f.len() + 2).sum::<usize>() - 1;
    if inner > STRUCT_LITERAL_MAX_WIDTH + 2 {
        return Some(false);
    }
    if inner + 2 < STRUCT_LITERAL_MAX_WIDTH {
        let line = depth * 4 + prefix.len() + inner + 1 + suffix.len();
        if line <= SURE_WIDTH {
            return Some(true);
        }
    }
    None
}

/// A type (or path, or attribute) as prettyplease prints it:
/// `Option<Vec<crate::a::B>>`, `&'static str`, `[u8; 4]`,
/// `#[deprecated(note = "…")]`.
pub fn type_text(tokens: &TokenStream) -> String {
    let mut out = String::new();
    push_tokens(&mut out, tokens.clone());
    out
}

fn push_tokens(out: &mut String, tokens: TokenStream) {
    // After a lifetime (`&'static`) a type follows after a space.
    let mut after_lifetime = false;
    for tree in tokens {
        let follows_lifetime = std::mem::take(&mut after_lifetime);
        match tree {
            TokenTree::Ident(ident) => {
                if out.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    out.push(' ');
                }
                after_lifetime = out.ends_with('\'');
                let word = ident.to_string();
                out.push_str(&word);
                // `impl ::core::…`: a path after the keyword keeps its space.
                if word == "impl" {
                    out.push(' ');
                }
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                if c == '=' && punct.spacing() == proc_macro2::Spacing::Alone {
                    out.push_str(" = ");
                    continue;
                }
                if follows_lifetime && c == '&' {
                    out.push(' ');
                }
                out.push(c);
                // A `:` of its own (not the second of `::`) is a type ascription.
                let lone_colon = c == ':'
                    && punct.spacing() == proc_macro2::Spacing::Alone
                    && !out[..out.len() - 1].ends_with(':');
                if matches!(c, ',' | ';') || lone_colon {
                    out.push(' ');
                }
            }
            TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
            TokenTree::Group(group) => {
                if follows_lifetime {
                    out.push(' ');
                }
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                push_tokens(out, group.stream());
                out.push_str(close);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn prettyplease_type(tokens: &TokenStream) -> String {
        let file: syn::File = syn::parse2(quote! { type T = #tokens; }).unwrap();
        let text = prettyplease::unparse(&file);
        text.trim()
            .strip_prefix("type T = ")
            .and_then(|t| t.strip_suffix(';'))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn types_print_as_prettyplease_prints_them() {
        for ty in [
            quote! { Option<String> },
            quote! { ::std::option::Option<Vec<crate::vcenter::vm::hardware::IdeAddressInfo>> },
            quote! { std::collections::BTreeMap<String, Box<crate::a::B>> },
            quote! { &'static str },
            quote! { &'static [u8] },
            quote! { impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<()>> },
            quote! { [u8; 32] },
            quote! { vsphere_vapi_runtime::types::VapiMap<String, interfaces::InterfaceInfo> },
        ] {
            assert_eq!(type_text(&ty), prettyplease_type(&ty), "{ty}");
        }
    }

    #[test]
    fn attributes_print_as_written() {
        assert_eq!(
            type_text(&quote! { #[deprecated(note = "since 9.0: gone")] }),
            "#[deprecated(note = \"since 9.0: gone\")]"
        );
        assert_eq!(type_text(&quote! { #[deprecated] }), "#[deprecated]");
    }

    #[test]
    fn wide_struct_fields_and_attributes_are_laid_out_by_prettyplease() {
        let mut block = Block::new();
        let ty = format!(
            "Option<std::collections::BTreeMap<String, crate::{}::Type>>",
            "m".repeat(60)
        );
        block.struct_field("pub field", &ty, "test").unwrap();
        let text = block.out.clone();
        assert!(text.starts_with("    pub field: Option<\n"), "{text}");
        assert!(!block.needs_layout);
        let note = "n".repeat(90);
        block.attribute(0, &format!("#[deprecated(note = \"{note}\")]"));
        assert!(block.needs_layout);
    }

    #[test]
    fn long_statements_break_as_prettyplease_breaks_them() {
        let mut block = Block::new();
        let a = "a".repeat(40);
        let long = Expr::atom("__m").method(
            "optional",
            vec![
                Expr::atom(format!("{a:?}")),
                Expr::atom("self").field(&a).reference(),
            ],
        );
        block.expr_statement(2, &long);
        block.line(2, "__m.end()");
        assert_eq!(
            block.finish("test").unwrap(),
            format!(
                "        __m.optional(\n            \"{a}\",\n            &self.{a},\n        );\n        __m.end()\n"
            )
        );
    }

    #[test]
    fn if_blocks_print_as_prettyplease_prints_them() {
        for field in ["x", &"long_name".repeat(8)] {
            let header = format!("if let Some(value) = &self.{field}");
            let body = Expr::atom("map")
                .method(
                    "serialize_entry",
                    vec![Expr::atom(format!("{field:?}")), Expr::atom("value")],
                )
                .try_();
            let mut text = Block::new();
            text.if_let(2, &header, &body, "test").unwrap();
            let mut laid_out = Block::new();
            laid_out
                .laid_out_statement(2, &format!("{header} {{ {}; }}", body.to_text()), "test")
                .unwrap();
            assert_eq!(text.out, laid_out.out);
        }
    }

    #[test]
    fn long_arms_and_fields_keep_their_depth() {
        let mut block = Block::new();
        let wire = "x".repeat(60);
        block
            .arm(
                4,
                &format!("\"{wire}\" => __de::put(&mut map, &mut f_1),"),
                "test",
            )
            .unwrap();
        block
            .field(
                3,
                "::core::result::Result::Ok(Name {",
                &format!("{wire}: __de::or_zero(f_1, Self::NAME, \"{wire}\"),"),
                "test",
            )
            .unwrap();
        let text = block.finish("test").unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with(&format!("                \"{wire}\" => ")),
            "{text}"
        );
        assert!(lines.iter().all(|l| l.len() <= MARGIN), "{text}");
        assert!(
            text.contains(&format!("            {wire}: __de::or_zero(\n")),
            "{text}"
        );
        assert!(text.ends_with("            ),\n"), "{text}");
    }

    #[test]
    fn unformatted_parts_make_the_whole_item_go_through_prettyplease() {
        let mut block = Block::new();
        block.line(0, "impl A {");
        block.unformatted("fn f() -> u8 { match 1 { _ => 2, } }");
        block.line(0, "}");
        assert!(block.needs_layout);
        assert_eq!(
            block.finish("test").unwrap(),
            "impl A {\n    fn f() -> u8 {\n        match 1 {\n            _ => 2,\n        }\n    }\n}\n"
        );
    }

    #[test]
    fn struct_literals_break_past_prettypleases_width_limit() {
        let short = vec!["a: f_0".to_owned()];
        assert_eq!(
            struct_literal_inline(2, "Ok(", "Name", &short, ")"),
            Some(true)
        );
        let wide = vec!["cdrom: __de::required(f_0, \"cdrom\")?".to_owned()];
        assert_eq!(
            struct_literal_inline(2, "Ok(", "Summary", &wide, ")"),
            Some(false)
        );
    }
}
