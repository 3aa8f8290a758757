//! How each operation's method takes its parameters, and the names of the
//! items that come with it.
//!
//! One shape everywhere, so every call site reads the same:
//! - required parameters are positional, in declaration order — at most
//!   three of them; an operation with more takes one argument structure
//!   (`<Method>Args`, in the service's module) holding them, because four
//!   bare identifiers in a row are easy to swap;
//! - optional parameters never appear in the signature: an operation with
//!   any returns a request builder (`<Method>Request`) with one setter per
//!   optional parameter and `send()` (and, for task operations,
//!   `send_and_wait()`), so no caller writes `None`;
//! - the operation's wire-description static is the method name in upper
//!   case (`CLONE_VM_TASK`), and so is the service handle's associated
//!   constant naming it as a typed `Operation` (`Vm::CLONE_VM_TASK`), unless
//!   a constant of the service has that name (then `…_OPERATION`);
//! - a task operation without a builder whose result type is known gets a
//!   waiting helper (`clone_vm_and_wait`).

use std::collections::BTreeSet;

use crate::error::Problem;
use crate::ir::{Operation, RequestBuilder, RustPath, TaskKind, TypeRef};
use crate::names;

/// Most required parameters a method takes positionally.
pub const MAX_POSITIONAL: usize = 3;

/// Decides the call shape, static, constant and helper names of a
/// service's operations. `constants` holds the names of the service's own
/// constants (associated constants of its handle, like the operations'
/// ones); `taken` holds the type names already used in the service's module
/// (`module`) and receives the new ones.
pub fn shape(
    service_id: &str,
    module: &[String],
    operations: &mut [Operation],
    constants: &BTreeSet<String>,
    taken: &mut BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let mut statics = BTreeSet::new();
    let methods: BTreeSet<String> = operations
        .iter()
        .map(|op| names::unraw(&op.rust_name).to_owned())
        .collect();
    for op in operations.iter_mut() {
        let method = names::unraw(&op.rust_name).to_owned();
        let static_name = names::screaming_case(&method);
        if !statics.insert(static_name.clone()) {
            problems.push(Problem::new(
                format!("{service_id}.{}", op.id),
                format!("wire-description static `{static_name}` is taken by another operation"),
            ));
        }
        op.handle_const = names::operation_const_name(&static_name, constants);
        if constants.contains(&op.handle_const) {
            problems.push(Problem::new(
                format!("{service_id}.{}", op.id),
                format!(
                    "operation constant `{}` is taken by a constant of the service",
                    op.handle_const
                ),
            ));
        }
        op.static_name = static_name;

        let required: Vec<usize> = op
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| !matches!(p.ty, TypeRef::Optional(_)))
            .map(|(i, _)| i)
            .collect();
        let optional: Vec<usize> = op
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p.ty, TypeRef::Optional(_)))
            .map(|(i, _)| i)
            .collect();
        let pascal = names::type_name(&method);
        let mut name_in_module = |suffix: &str| -> RustPath {
            let wanted = format!("{pascal}{suffix}");
            let name = names::dedupe(&[wanted], taken, false)
                .pop()
                .unwrap_or_default();
            RustPath {
                module: module.to_vec(),
                name,
            }
        };
        op.call.args = (required.len() > MAX_POSITIONAL).then(|| name_in_module("Args"));
        op.call.required = required;
        op.call.builder = (!optional.is_empty()).then(|| {
            let mut setters_taken = BTreeSet::new();
            let candidates: Vec<String> = optional
                .iter()
                .map(|&i| names::setter_name(&op.params[i].rust_name))
                .collect();
            let setters = names::dedupe(&candidates, &mut setters_taken, true);
            RequestBuilder {
                path: name_in_module("Request"),
                setters: optional.iter().copied().zip(setters).collect(),
            }
        });
        let is_task = op.task != TaskKind::None;
        op.wait_name = (is_task && op.task_result.is_some() && op.call.builder.is_none())
            .then(|| names::wait_method_name(&op.rust_name))
            .filter(|wait| {
                let free = !methods.contains(wait);
                if !free {
                    problems.push(Problem::new(
                        format!("{service_id}.{}", op.id),
                        format!("waiting helper `{wait}` is taken by an operation"),
                    ));
                }
                free
            });
    }
}
