//! The public surface of the committed generated crate, counted: what a
//! Rust caller should never meet is asserted absent, so a regression in the
//! generator shows up as a count here rather than in a user's editor.
//!
//! - no public method parameter of type `Option<&…>` (optional parameters go
//!   through request builders);
//! - no public method with more than three positional arguments;
//! - no method named like a trait method callers reach for on a handle;
//! - no public module whose name ends in `_`, and no `std_` anywhere;
//! - one catch-all variant name for every enumeration (`Unknown`).

use std::path::{Path, PathBuf};

use syn::visit::Visit;

const TRAIT_METHODS: &[&str] = &[
    "clone",
    "eq",
    "ne",
    "hash",
    "fmt",
    "into",
    "from",
    "to_owned",
    "to_string",
    "default",
    "cmp",
    "partial_cmp",
    "borrow",
    "as_ref",
    "deref",
    "drop",
    "try_into",
    "try_from",
];

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|root| root.join("generated"))
        .unwrap_or_else(|| panic!("codegen has a parent directory"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

#[derive(Default)]
struct Surface {
    file: String,
    methods: usize,
    optional_ref_params: Vec<String>,
    too_many_positional: Vec<String>,
    trait_shadowing: Vec<String>,
    underscore_modules: Vec<String>,
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_option_of_reference(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    if last.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args
        .iter()
        .any(|arg| matches!(arg, syn::GenericArgument::Type(syn::Type::Reference(_))))
}

impl<'ast> Visit<'ast> for Surface {
    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if is_public(&item.vis) {
            self.methods += 1;
            let name = item.sig.ident.to_string();
            let at = format!("{}: {name}", self.file);
            let positional = item
                .sig
                .inputs
                .iter()
                .filter(|input| matches!(input, syn::FnArg::Typed(_)))
                .count();
            if positional > 3 {
                self.too_many_positional.push(at.clone());
            }
            for input in &item.sig.inputs {
                if let syn::FnArg::Typed(typed) = input
                    && is_option_of_reference(&typed.ty)
                {
                    self.optional_ref_params.push(at.clone());
                }
            }
            if TRAIT_METHODS.contains(&name.as_str()) {
                self.trait_shadowing.push(at);
            }
        }
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        if is_public(&item.vis) && name.ends_with('_') {
            self.underscore_modules
                .push(format!("{}: {name}", self.file));
        }
        syn::visit::visit_item_mod(self, item);
    }
}

#[test]
fn the_generated_surface_has_none_of_the_old_shapes() {
    let mut files = Vec::new();
    rust_files(&generated_dir(), &mut files);
    assert!(files.len() > 100, "generated/ has {} files", files.len());
    let mut surface = Surface::default();
    let mut std_mentions = Vec::new();
    let mut catch_alls = std::collections::BTreeMap::<String, usize>::new();
    let mut module_files_with_underscore = Vec::new();
    for path in &files {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        surface.file = path.display().to_string();
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|err| panic!("{}: does not parse: {err}", path.display()));
        surface.visit_file(&parsed);
        if text.contains("std_") {
            std_mentions.push(surface.file.clone());
        }
        for line in text.lines() {
            if let Some(name) = line.trim().strip_prefix("@unknown ") {
                *catch_alls.entry(name.trim().to_owned()).or_default() += 1;
            }
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem.ends_with('_') {
            module_files_with_underscore.push(surface.file.clone());
        }
    }
    assert!(
        surface.methods > 1_400,
        "only {} public methods",
        surface.methods
    );
    assert_eq!(
        surface.optional_ref_params,
        Vec::<String>::new(),
        "Option<&…> parameters"
    );
    assert_eq!(
        surface.too_many_positional,
        Vec::<String>::new(),
        "more than 3 arguments"
    );
    assert_eq!(
        surface.trait_shadowing,
        Vec::<String>::new(),
        "methods shadowing trait methods"
    );
    assert_eq!(
        surface.underscore_modules,
        Vec::<String>::new(),
        "modules ending in `_`"
    );
    assert_eq!(
        module_files_with_underscore,
        Vec::<String>::new(),
        "module files ending in `_`"
    );
    assert_eq!(
        std_mentions,
        Vec::<String>::new(),
        "`std_` in generated code"
    );
    assert_eq!(
        catch_alls.keys().collect::<Vec<_>>(),
        ["Unknown"],
        "{catch_alls:?}"
    );
    assert!(catch_alls["Unknown"] > 500);
}

#[test]
fn identifiers_are_typed_where_the_metamodel_says_what_they_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("codegen has a parent directory"))
        .join("metamodel-snapshots")
        .join("vsphere-9.1.1.0");
    let model = vsphere_vapi_codegen::load_snapshot(&root)
        .unwrap_or_else(|err| panic!("{}: {err}", root.display()));
    let typed: usize = model.resource_ids.values().map(|id| id.uses).sum();
    println!(
        "typed identifiers: {} types over {typed} positions",
        model.resource_ids.len()
    );
    assert!(model.resource_ids.len() > 150);
    // Every `Resource` annotation of a single type becomes a typed position;
    // a few annotations name several types and take `ResourceId`.
    assert!(typed > 1_900, "{typed} typed positions");
    let vm = &model.resource_ids["virtualmachine"];
    assert_eq!(vm.path.name, "VirtualMachineId");
    assert_eq!(
        model.resource_ids["com.vmware.cis.task"].path.name,
        "TaskId"
    );
}
