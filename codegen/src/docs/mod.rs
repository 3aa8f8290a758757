//! Metamodel documentation → structured [`Doc`]s.
//!
//! The generator reads two styles of documentation text:
//!
//! - a live dump (`cargo xtask fetch`) carries the metamodel's own markup:
//!   `{@link com.vmware.vcenter.VM#list}`, `{@link FilterSpec#names}`,
//!   `{@term unset}`, `{@param.name vm}`, `{@name Tools}`, HTML (`<p>`,
//!   `<code>`), in the IDL's vocabulary (structure, field, operation, unset);
//! - the committed snapshot carries text converted back from VMware's
//!   Python docstrings: `{@link com.vmware.vcenter.vm.tools#get}` with
//!   absolute snake-case ids, `{@code Tools.Info}` for type names, and the
//!   Python vocabulary (class, attribute, method, exception, `None`, `True`).
//!
//! Both become the same [`DocNode`](crate::ir::DocNode)s in three steps:
//!
//! 1. [`lifecycle::extract`] takes "This class was added in vSphere API X"
//!    and the deprecation sentences out of the text into [`Lifecycle`] data;
//! 2. [`parse::parse`] turns markup into nodes (links keep their target as
//!    written);
//! 3. [`refine::refine`] runs once the model is built: it makes link targets
//!    absolute vAPI ids (resolving relative names from the documented
//!    element's scope, camel-case member names, Python type names in code
//!    spans), maps parameter references to Rust names, and rewrites the
//!    framing words into Rust's vocabulary (see [`vocabulary`]).
//!
//! The emitter (`emit::docs`) prints the nodes: links to elements it prints
//! become rustdoc intra-doc links, others are reported and printed as code.

mod html;
pub mod lifecycle;
pub mod parse;
pub mod refine;
pub mod vocabulary;

use crate::ir::{Deprecation, Doc, Lifecycle};

/// The documentation and lifecycle of an element from its metamodel text;
/// `deprecated` is the metamodel's lifecycle flag.
pub fn element_doc(text: &str, deprecated: bool) -> (Doc, Lifecycle) {
    let found = lifecycle::extract(text);
    let doc = Doc {
        nodes: parse::parse(&found.text),
    };
    let deprecated = (deprecated || found.deprecated).then(|| {
        let note_doc = Doc {
            nodes: found.note.as_deref().map(parse::parse).unwrap_or_default(),
        };
        Deprecation {
            since: found.deprecated_since,
            note: found.note,
            note_doc,
        }
    });
    (
        doc,
        Lifecycle {
            since: found.since,
            deprecated,
        },
    )
}

/// Documentation without lifecycle data of its own (an error's or a
/// result's description); lifecycle sentences in it are dropped with the
/// element's own.
pub fn text_doc(text: &str) -> Doc {
    let found = lifecycle::extract(text);
    Doc {
        nodes: parse::parse(&found.text),
    }
}
