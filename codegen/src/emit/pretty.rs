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

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

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

/// Not laid out here: a type this printer does not know how prettyplease
/// breaks (the caller leaves the item to prettyplease).
#[derive(Debug)]
pub struct Unsupported;

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

    pub fn end(&mut self) {
        self.tokens.push(Token::End);
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
        let mut angle_depth = 0usize;
        let mut pending = String::new();
        let mut after_lifetime_quote = false;
        // The second `:` of a `::`.
        let mut path_colon = false;
        for tree in tokens.clone() {
            match tree {
                TokenTree::Ident(ident) => {
                    let word = ident.to_string();
                    if after_lifetime_quote {
                        pending.push_str(&word);
                        pending.push(' ');
                        after_lifetime_quote = false;
                        continue;
                    }
                    match word.as_str() {
                        "impl" | "mut" => {
                            pending.push_str(&word);
                            pending.push(' ');
                        }
                        "dyn" | "fn" => return Err(Unsupported),
                        _ => pending.push_str(&word),
                    }
                }
                TokenTree::Punct(punct) => match punct.as_char() {
                    ':' if path_colon => path_colon = false,
                    ':' if punct.spacing() == Spacing::Joint => {
                        pending.push_str("::");
                        path_colon = true;
                    }
                    ':' => pending.push_str(": "),
                    '&' => pending.push('&'),
                    '\'' if punct.spacing() == Spacing::Joint => {
                        pending.push('\'');
                        after_lifetime_quote = true;
                    }
                    '=' => pending.push_str(" = "),
                    '<' => {
                        pending.push('<');
                        self.flush(&mut pending);
                        self.begin(INDENT);
                        self.zero_break();
                        angle_depth += 1;
                    }
                    ',' if angle_depth > 0 => {
                        pending.push(',');
                        self.flush(&mut pending);
                        self.brk(1, 0, None, false);
                    }
                    '>' if angle_depth > 0 => {
                        self.flush(&mut pending);
                        self.list_separator(true, -INDENT);
                        self.end();
                        pending.push('>');
                        angle_depth -= 1;
                    }
                    _ => return Err(Unsupported),
                },
                TokenTree::Literal(literal) => pending.push_str(&literal.to_string()),
                TokenTree::Group(group) => match group.delimiter() {
                    Delimiter::Parenthesis if group.stream().is_empty() => pending.push_str("()"),
                    Delimiter::Bracket => {
                        pending.push('[');
                        self.flush(&mut pending);
                        let mut inner = group.stream().into_iter().peekable();
                        let mut elem = TokenStream::new();
                        let mut len = TokenStream::new();
                        let mut in_len = false;
                        for tree in inner.by_ref() {
                            match &tree {
                                TokenTree::Punct(p) if p.as_char() == ';' => in_len = true,
                                _ if in_len => len.extend([tree]),
                                _ => elem.extend([tree]),
                            }
                        }
                        self.ty(&elem)?;
                        if in_len {
                            pending.push_str("; ");
                            pending.push_str(&super::text::type_text(&len));
                        }
                        pending.push(']');
                    }
                    _ => return Err(Unsupported),
                },
            }
        }
        if angle_depth != 0 || after_lifetime_quote || path_colon {
            return Err(Unsupported);
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
    fn unknown_type_shapes_are_left_to_prettyplease() {
        let mut layout = Layout::new();
        assert!(layout.ty(&quote! { Box<dyn Fn()> }).is_err());
        assert!(layout.ty(&quote! { (u8, u16) }).is_err());
    }
}
