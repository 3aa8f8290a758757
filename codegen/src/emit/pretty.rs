//! Line breaking for the signatures and constants printed as text.
//!
//! [`text::Block`](super::text::Block) writes a member on one line when it is
//! clearly narrow enough and asks prettyplease otherwise. Service handle
//! methods almost never fit one line, so asking prettyplease for each meant
//! parsing nearly every handle with `syn`. [`Layout`] breaks such lines
//! itself, with the rule prettyplease's printer follows (Oppen's): a box
//! breaks when the text from its start to the next break outside it does
//! not fit in what is left of the line; a consistent box then breaks at all
//! of its own breaks. The emitters describe their items with the same boxes
//! and breaks prettyplease uses for them (a parameter list, generic
//! arguments, call arguments), so the lines come out as it prints them;
//! `cargo xtask regen --check` holds the output to that, byte for byte.

use proc_macro2::TokenStream;

/// prettyplease's line width.
const MARGIN: isize = 89;
/// The least room a line gets however deep it is indented.
const MIN_SPACE: isize = 60;
/// A break that always breaks.
const HARD: usize = 0xffff;
/// Indentation of one level.
pub const INDENT: isize = 4;

#[derive(Debug, Clone)]
enum Token {
    Text(String),
    Break {
        blank: usize,
        offset: isize,
        /// Printed before the line break only (a trailing `,`).
        pre_break: Option<char>,
        never: bool,
    },
    Begin {
        consistent: bool,
        offset: isize,
    },
    End,
}

/// The boxes, breaks and text of a few lines, printed by [`Layout::print`].
#[derive(Debug, Default)]
pub struct Layout {
    tokens: Vec<Token>,
}

/// The expressions of generated method bodies: paths, literals, references,
/// field accesses, method calls and calls of a path.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A path or literal: `vm`, `"vm"`, `power::ops::GET`.
    Atom(String),
    Ref(Box<Expr>),
    Field(Box<Expr>, String),
    Method(Box<Expr>, String, Vec<Expr>),
    Call(String, Vec<Expr>),
    /// `expr?`
    Try(Box<Expr>),
}

impl Expr {
    pub fn atom(text: impl Into<String>) -> Self {
        Expr::Atom(text.into())
    }

    pub fn reference(self) -> Self {
        Expr::Ref(Box::new(self))
    }

    pub fn field(self, member: impl Into<String>) -> Self {
        Expr::Field(Box::new(self), member.into())
    }

    pub fn method(self, name: impl Into<String>, args: Vec<Expr>) -> Self {
        Expr::Method(Box::new(self), name.into(), args)
    }

    pub fn try_(self) -> Self {
        Expr::Try(Box::new(self))
    }

    /// The expression on one line.
    pub fn to_text(&self) -> String {
        let list = |args: &[Expr]| {
            args.iter()
                .map(Expr::to_text)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Ref(inner) => format!("&{}", inner.to_text()),
            Expr::Field(base, member) => format!("{}.{member}", base.to_text()),
            Expr::Method(receiver, method, args) => {
                format!("{}.{method}({})", receiver.to_text(), list(args))
            }
            Expr::Call(function, args) => format!("{function}({})", list(args)),
            Expr::Try(inner) => format!("{}?", inner.to_text()),
        }
    }

    /// A single identifier no longer than an indent (`self`, `args`):
    /// prettyplease keeps what follows it on its line.
    fn is_short_ident(&self) -> bool {
        matches!(self, Expr::Atom(text)
            if text.len() as isize <= INDENT
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    }
}

/// Not laid out here: a type this printer does not know how prettyplease
/// breaks (the caller leaves the item to prettyplease).
#[derive(Debug)]
pub struct Unsupported;

impl Unsupported {
    /// The emitter's error for `what` (a type) at `context`.
    pub fn error(self, context: &str, what: &str) -> super::EmitError {
        super::EmitError::Unsupported {
            context: context.to_owned(),
            message: format!("the type `{what}` has no text layout"),
        }
    }
}

impl Layout {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.tokens.push(Token::Text(text.into()));
    }

    /// A consistent box: when it breaks, every break directly in it does.
    pub fn begin(&mut self, offset: isize) {
        self.tokens.push(Token::Begin {
            consistent: true,
            offset,
        });
    }

    /// An inconsistent box: when it breaks, each break in it breaks only
    /// if what follows it does not fit.
    pub fn begin_inconsistent(&mut self, offset: isize) {
        self.tokens.push(Token::Begin {
            consistent: false,
            offset,
        });
    }

    pub fn end(&mut self) {
        self.tokens.push(Token::End);
    }

    /// A method body made of one expression, at the indentation of the
    /// statements: as prettyplease prints a tail expression.
    pub fn tail_expression(&mut self, expr: &Expr) {
        self.begin_inconsistent(0);
        self.expr(expr, true);
        self.end();
        self.hard_break();
    }

    /// An expression statement (`map.serialize_entry("id", &self.id)?;`)
    /// at the indentation of the statements.
    pub fn statement(&mut self, expr: &Expr) {
        self.begin_inconsistent(0);
        self.expr(expr, true);
        self.text(";");
        self.end();
        self.hard_break();
    }

    /// An expression with the boxes prettyplease gives it; `line_start`
    /// when it starts its statement (a short receiver then keeps its first
    /// member on its line: `self.client`).
    fn expr(&mut self, expr: &Expr, line_start: bool) {
        match expr {
            Expr::Atom(text) => self.text(text.clone()),
            Expr::Ref(inner) => {
                self.text("&");
                self.expr(inner, false);
            }
            Expr::Field(base, member) => {
                self.begin(INDENT);
                self.field_chain(base, member, line_start);
                self.end();
            }
            Expr::Method(receiver, method, args) => {
                self.begin(INDENT);
                let unindent = line_start && receiver.is_short_ident();
                self.method_chain(receiver, method, args, line_start, unindent);
                self.end();
            }
            Expr::Call(function, args) => {
                self.text(format!("{function}("));
                self.call_args(args);
                self.text(")");
            }
            Expr::Try(inner) => {
                self.expr(inner, line_start);
                self.text("?");
            }
        }
    }

    /// The receiver part of a chain: calls and fields continue the chain's
    /// box, anything else gets its own.
    fn chain_receiver(&mut self, expr: &Expr, line_start: bool) {
        match expr {
            Expr::Method(receiver, method, args) => {
                self.method_chain(receiver, method, args, line_start, false)
            }
            Expr::Field(base, member) => self.field_chain(base, member, line_start),
            // `x?.method()` continues the chain through the `?`.
            Expr::Try(inner) => {
                self.chain_receiver(inner, line_start);
                self.text("?");
            }
            _ => {
                self.begin(-INDENT);
                self.expr(expr, false);
                self.end();
            }
        }
    }

    fn field_chain(&mut self, base: &Expr, member: &str, line_start: bool) {
        self.chain_receiver(base, line_start);
        if !(line_start && base.is_short_ident()) {
            self.zero_break();
        }
        self.text(format!(".{member}"));
    }

    fn method_chain(
        &mut self,
        receiver: &Expr,
        method: &str,
        args: &[Expr],
        line_start: bool,
        unindent: bool,
    ) {
        self.chain_receiver(receiver, line_start);
        if !(line_start && receiver.is_short_ident()) {
            self.zero_break();
        }
        self.text(format!(".{method}"));
        self.begin(if unindent { -INDENT } else { 0 });
        self.text("(");
        self.call_args(args);
        self.text(")");
        self.end();
    }

    fn call_args(&mut self, args: &[Expr]) {
        if args.is_empty() {
            return;
        }
        self.begin(INDENT);
        self.zero_break();
        for (index, arg) in args.iter().enumerate() {
            self.expr(arg, false);
            self.list_separator(index + 1 == args.len(), -INDENT);
        }
        self.end();
    }

    fn brk(&mut self, blank: usize, offset: isize, pre_break: Option<char>, never: bool) {
        self.tokens.push(Token::Break {
            blank,
            offset,
            pre_break,
            never,
        });
    }

    /// A break that prints nothing when it does not break.
    pub fn zero_break(&mut self) {
        self.brk(0, 0, None, false);
    }

    /// A point that ends the box sizes before it without ever breaking.
    pub fn never_break(&mut self) {
        self.brk(0, 0, None, true);
    }

    /// A break that prints a space when it does not break.
    pub fn space(&mut self) {
        self.brk(1, 0, None, false);
    }

    pub fn hard_break(&mut self) {
        self.brk(HARD, 0, None, false);
    }

    /// The separator after one element of a list: `, ` (or a line break
    /// after the `,`), or after the last one a `,` printed only when the
    /// list breaks, on a line break dedented by `last_offset`.
    pub fn list_separator(&mut self, is_last: bool, last_offset: isize) {
        if is_last {
            self.brk(0, last_offset, Some(','), false);
        } else {
            self.text(",");
            self.brk(1, 0, None, false);
        }
    }

    /// A comma-separated list in a box indented one level, broken one
    /// element per line with a trailing comma (parameters, call arguments,
    /// generic arguments).
    pub fn list<T>(
        &mut self,
        box_offset: isize,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> Result<(), Unsupported>,
    ) -> Result<(), Unsupported> {
        self.begin(box_offset);
        self.zero_break();
        for (index, element) in items.iter().enumerate() {
            item(self, element)?;
            self.list_separator(index + 1 == items.len(), -INDENT);
        }
        self.end();
        Ok(())
    }

    /// A type as prettyplease prints it, with a box for each generic
    /// argument list. Types holding what this printer does not model
    /// (tuples, function pointers, trait objects) are [`Unsupported`].
    pub fn ty(&mut self, tokens: &TokenStream) -> Result<(), Unsupported> {
        self.ty_text(&super::text::type_text(tokens))
    }

    /// A type written as prettyplease prints it on one line
    /// (`Option<Vec<crate::a::B>>`, from [`type_text`](super::text::type_text)),
    /// with the box of each generic argument list.
    pub fn ty_text(&mut self, ty: &str) -> Result<(), Unsupported> {
        // prettyplease gives tuples, function pointers and trait objects
        // boxes of their own, which this printer does not model.
        let unmodelled = ty.contains("dyn ")
            || ty.contains("fn(")
            || ty
                .match_indices('(')
                .any(|(at, _)| !ty[at..].starts_with("()"));
        if unmodelled {
            return Err(Unsupported);
        }
        let mut depth = 0usize;
        let mut pending = String::new();
        let mut chars = ty.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '<' => {
                    pending.push('<');
                    self.flush(&mut pending);
                    self.begin(INDENT);
                    self.zero_break();
                    depth += 1;
                }
                ',' if depth > 0 => {
                    pending.push(',');
                    self.flush(&mut pending);
                    self.brk(1, 0, None, false);
                    // The space the one-line form has after the comma.
                    if chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
                '>' if depth > 0 => {
                    self.flush(&mut pending);
                    self.list_separator(true, -INDENT);
                    self.end();
                    pending.push('>');
                    depth -= 1;
                }
                _ => pending.push(c),
            }
        }
        self.flush(&mut pending);
        Ok(())
    }

    fn flush(&mut self, pending: &mut String) {
        if !pending.is_empty() {
            self.text(std::mem::take(pending));
        }
    }

    /// The lines, the first starting at column `indent` as if after a line
    /// break there (its indentation is printed), each ending in `\n`.
    pub fn print(&self, indent: usize) -> String {
        let sizes = self.sizes();
        let mut printer = Printer {
            out: String::new(),
            space: MARGIN - indent as isize,
            indent: indent as isize,
            pending: indent,
            frames: Vec::new(),
        };
        for (token, &size) in self.tokens.iter().zip(&sizes) {
            printer.token(token, size);
        }
        if !printer.out.ends_with('\n') {
            printer.out.push('\n');
        }
        printer.out
    }

    /// For each box start and break, the width from it to the next break
    /// at its level or outside it (to the end when there is none): what
    /// must fit in the rest of the line for it not to break.
    fn sizes(&self) -> Vec<isize> {
        let mut sizes = vec![0isize; self.tokens.len()];
        // Width of everything before each token, and the tokens whose
        // size is still open, innermost last.
        let mut total = 0isize;
        let mut open: Vec<(usize, isize)> = Vec::new();
        for (index, token) in self.tokens.iter().enumerate() {
            match token {
                Token::Text(text) => total += text.len() as isize,
                Token::Begin { .. } => open.push((index, total)),
                Token::End => {
                    // The box's breaks stay open until a break outside it;
                    // mark where the box ended so that break closes them.
                    open.push((index, total));
                }
                Token::Break { blank, .. } => {
                    let mut depth = 0usize;
                    while let Some(&(at, start)) = open.last() {
                        match self.tokens[at] {
                            Token::Begin { .. } if depth == 0 => break,
                            Token::Begin { .. } => {
                                sizes[at] = total - start;
                                depth -= 1;
                            }
                            Token::End => depth += 1,
                            _ => {
                                sizes[at] = total - start;
                                if depth == 0 {
                                    open.pop();
                                    break;
                                }
                            }
                        }
                        open.pop();
                    }
                    open.push((index, total));
                    total += *blank as isize;
                }
            }
        }
        for (at, start) in open {
            if !matches!(self.tokens[at], Token::End) {
                sizes[at] = total - start;
            }
        }
        sizes
    }
}

#[derive(Clone, Copy)]
enum Frame {
    Fits,
    Broken { indent: isize, consistent: bool },
}

struct Printer {
    out: String,
    space: isize,
    indent: isize,
    /// Indentation owed to the current line, printed with its first text.
    pending: usize,
    frames: Vec<Frame>,
}

impl Printer {
    fn token(&mut self, token: &Token, size: isize) {
        match token {
            Token::Text(text) => {
                self.flush_indent();
                self.out.push_str(text);
                self.space -= text.len() as isize;
            }
            Token::Begin { consistent, offset } => {
                if size > self.space {
                    self.frames.push(Frame::Broken {
                        indent: self.indent,
                        consistent: *consistent,
                    });
                    self.indent += offset;
                } else {
                    self.frames.push(Frame::Fits);
                }
            }
            Token::End => {
                if let Some(Frame::Broken { indent, .. }) = self.frames.pop() {
                    self.indent = indent;
                }
            }
            Token::Break {
                blank,
                offset,
                pre_break,
                never,
            } => {
                let fits = *never
                    || match self.frames.last() {
                        Some(Frame::Fits) => true,
                        Some(Frame::Broken {
                            consistent: true, ..
                        }) => false,
                        Some(Frame::Broken {
                            consistent: false, ..
                        })
                        | None => size <= self.space,
                    };
                if fits {
                    self.pending += blank;
                    self.space -= *blank as isize;
                } else {
                    if let Some(c) = pre_break {
                        self.flush_indent();
                        self.out.push(*c);
                    }
                    self.out.push('\n');
                    let indent = self.indent + offset;
                    self.pending = indent.max(0) as usize;
                    self.space = (MARGIN - indent).max(MIN_SPACE);
                }
            }
        }
    }

    fn flush_indent(&mut self) {
        for _ in 0..self.pending {
            self.out.push(' ');
        }
        self.pending = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// What prettyplease prints for `impl T { <item> }`, without the
    /// `impl` lines: the reference the layouts here must reproduce.
    fn prettyplease_member(item: TokenStream) -> String {
        let file: syn::File = syn::parse2(quote! { impl T { #item } }).unwrap();
        let text = prettyplease::unparse(&file);
        let lines: Vec<&str> = text.lines().collect();
        let mut out = lines[1..lines.len() - 1].join("\n");
        out.push('\n');
        out
    }

    /// What prettyplease prints for `text` as the body of a method: the
    /// body's lines, at depth 2.
    fn prettyplease_body(text: &str) -> String {
        let source: TokenStream = text.parse().unwrap();
        prettyplease_member(quote! { fn f() { #source } })
            .split_inclusive('\n')
            .skip(1)
            .take_while(|line| *line != "    }\n")
            .collect()
    }

    fn signature(name: &str, params: &[TokenStream], ret: &TokenStream) -> String {
        let mut layout = Layout::new();
        layout.begin(INDENT);
        layout.text(format!("pub fn {name}("));
        layout.never_break();
        layout
            .list(0, params, |layout, param| layout.ty(param))
            .unwrap();
        layout.text(")");
        layout.begin(-INDENT);
        layout.text(" -> ");
        layout.ty(ret).unwrap();
        layout.end();
        layout.text(" {");
        layout.hard_break();
        layout.end();
        layout.print(4)
    }

    #[test]
    fn signatures_break_where_prettyplease_breaks_them() {
        let cases: Vec<(&str, Vec<TokenStream>, TokenStream)> = vec![
            ("get", vec![quote! { &self }], quote! { u8 }),
            (
                "get",
                vec![
                    quote! { &self },
                    quote! { vm: &crate::ids::VirtualMachineId },
                ],
                quote! { impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<()>> },
            ),
            (
                "get",
                vec![
                    quote! { &self },
                    quote! { vm: &crate::ids::VirtualMachineId },
                ],
                quote! { impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<power::Info>> },
            ),
            (
                "list_all_the_things",
                vec![
                    quote! { &self },
                    quote! { names: &[String] },
                    quote! { key: &'static str },
                ],
                quote! { impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<vsphere_vapi_runtime::Task<std::collections::BTreeMap<String, crate::very::long::module::path::Value>>>> },
            ),
            (
                "f",
                vec![quote! { &self }, quote! { bytes: [u8; 32] }],
                quote! { Vec<Option<crate::a::B>> },
            ),
            (
                "g",
                vec![quote! { &self }, quote! { data: &'static [u8] }],
                quote! { ::vsphere_vapi_runtime::de::VisitMap<'de> },
            ),
        ];
        for (name, params, ret) in cases {
            let ident = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            let expected = prettyplease_member(quote! {
                pub fn #ident(#( #params ),*) -> #ret {
                    x
                }
            });
            let expected = expected
                .split_inclusive('\n')
                .take_while(|l| !l.contains(" x"))
                .collect::<String>();
            assert_eq!(signature(name, &params, &ret), expected);
        }
    }

    #[test]
    fn method_bodies_break_where_prettyplease_breaks_them() {
        let chain = |params: usize, name_len: usize| {
            let mut expr = Expr::atom("self").field("client").method(
                "operation",
                vec![Expr::atom(format!("&{}::ops::GET", "m".repeat(name_len))).clone()],
            );
            for i in 0..params {
                expr = expr.method(
                    "param",
                    vec![
                        Expr::atom(format!("\"p{i}\"")),
                        Expr::atom("args").field(format!("p{i}")).reference(),
                    ],
                );
            }
            expr
        };
        for params in 0..3 {
            for name_len in [4, 30, 60] {
                let send = chain(params, name_len).method("send", vec![]);
                let wrapped = Expr::Call(
                    "module::ListRequest::new".to_owned(),
                    vec![chain(params, name_len)],
                );
                for expr in [send, wrapped] {
                    let mut layout = Layout::new();
                    layout.tail_expression(&expr);
                    let text = layout.print(8);
                    assert_eq!(text, prettyplease_body(&text));
                }
            }
        }
    }

    #[test]
    fn statements_break_where_prettyplease_breaks_them() {
        for (wire, field) in [("id", "id"), (&*"w".repeat(40), &*"f".repeat(40))] {
            let expr = Expr::atom("map")
                .method(
                    "serialize_entry",
                    vec![
                        Expr::atom(format!("{wire:?}")),
                        Expr::atom("self").field(field).reference(),
                    ],
                )
                .try_();
            let mut layout = Layout::new();
            layout.statement(&expr);
            let text = layout.print(8);
            assert_eq!(text, prettyplease_body(&text));
        }
    }

    #[test]
    fn slot_types_break_where_prettyplease_breaks_them() {
        for ty in [
            quote! { Option<vsphere_vapi_runtime::types::VapiMap<String, crate::very::long::module::path::to::a::Value>> },
            quote! { Option<Vec<crate::a::B>> },
            quote! { [u8; 32] },
            quote! { &'static str },
        ] {
            let mut layout = Layout::new();
            layout.begin_inconsistent(0);
            layout.text("let mut f_12: ");
            layout.ty_text(&super::super::text::type_text(&ty)).unwrap();
            layout.text(" = ");
            layout.never_break();
            layout.text("None;");
            layout.end();
            layout.hard_break();
            let text = layout.print(8);
            assert_eq!(text, prettyplease_body(&text), "{ty}");
        }
    }

    #[test]
    fn unknown_type_shapes_are_left_to_prettyplease() {
        let mut layout = Layout::new();
        assert!(layout.ty(&quote! { Box<dyn Fn()> }).is_err());
        assert!(layout.ty(&quote! { (u8, u16) }).is_err());
    }
}
