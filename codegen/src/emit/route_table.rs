//! `src/route_table.rs`: the crate-level list of every operation spec.

use quote::quote;

use super::docs::wrap;
use super::service::{static_names, static_path};
use super::tokens::{cfg_attr, doc_attrs, inner_doc_lines};
use super::{Ctx, EmitError, format};

pub fn emit(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let mut entries = Vec::new();
    for service in ctx.model.services.values() {
        let context = format!("service `{}`", service.id);
        let feature = ctx.service_feature(service)?;
        let statics = static_names(service)?;
        for operation in &service.operations {
            let path = static_path(service, &statics[&operation.id], &context)?;
            entries.push((service.id.as_str(), operation.id.as_str(), feature, path));
        }
    }
    // Services come sorted from the map; operations are in declaration order.
    entries.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let entries = entries.into_iter().map(|(_, _, feature, path)| {
        let gate = cfg_attr([feature]);
        quote! { #gate &#path }
    });

    let doc = doc_attrs(&wrap(
        "Every operation compiled into this build (those of the enabled features), \
         sorted by service id, then operation id.\n\n\
         Each [`OperationSpec`] is the wire description a service method hands to the \
         runtime: its `/api` and `/rest` routes and where each parameter travels.",
    ));
    let tokens = quote! {
        use vsphere_vapi_runtime::OperationSpec;

        #doc
        pub fn operations() -> &'static [&'static OperationSpec] {
            OPERATIONS
        }

        static OPERATIONS: &[&OperationSpec] = &[ #( #entries ),* ];
    };
    let mut file = format::SourceFile {
        header: format::rust_header(ctx),
        inner_doc: inner_doc_lines("The route table: every operation of the enabled features."),
        ..Default::default()
    };
    file.push(format::items(tokens, "the route table")?);
    Ok(file.render())
}
