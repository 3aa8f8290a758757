//! The `mock` module of the crate root (behind the `mock` feature): the
//! runtime's mock server re-exported, with the helpers that need this
//! crate's operation table and standard error kinds, and the "testing your
//! automation" section of the crate documentation.

use quote::quote;

use super::{Ctx, EmitError, format};

/// The Cargo feature that enables the `mock` module (and the runtime's).
pub const MOCK_FEATURE: &str = "mock";

/// `pub mod mock { ... }`, gated on [`MOCK_FEATURE`].
pub fn mock_module(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let errors = if ctx.error_kind_feature().is_empty() {
        quote! {}
    } else {
        let gate = super::tokens::cfg_attr(Some(ctx.error_kind_feature()));
        quote! {
            #[doc = " A standard error of `kind` with one message, to answer with:"]
            #[doc = " `server.on(Power::START).fails(mock::error(ErrorKind::NotFound, \"no vm-42\"))`."]
            #gate
            pub fn error(kind: crate::ErrorKind, message: impl Into<String>) -> MockError {
                MockError::new(kind.as_str()).message(message)
            }

        }
    };
    format::items(
        quote! {
            #[doc = " Testing automation without a vCenter: a mock server answering"]
            #[doc = " operations with typed values (see the crate docs, \"Testing your"]
            #[doc = " automation\", and the runtime's [`mock`](vsphere_vapi_runtime::mock)"]
            #[doc = " module for the whole interface)."]
            #[cfg(feature = "mock")]
            pub mod mock {
                pub use vsphere_vapi_runtime::mock::*;

                #[doc = " A mock server that recognizes every operation compiled into this"]
                #[doc = " build ([`operations`](crate::operations)), so a call no rule answers"]
                #[doc = " is reported by its operation and parameters."]
                pub fn server() -> MockServer {
                    MockServer::new().with_operations(crate::operations())
                }

                #errors
            }
        },
        "the mock module",
    )
}

/// `impl From<ErrorKind> for MockError`, in the crate defining `ErrorKind`
/// (a conversion between two foreign types is not allowed elsewhere).
pub fn error_conversion(ctx: &Ctx<'_>) -> Result<String, EmitError> {
    let feature = ctx.error_kind_feature();
    if feature.is_empty() {
        return Ok(String::new());
    }
    format::items(
        quote! {
            #[doc = " A standard error of this kind, without messages."]
            #[cfg(all(feature = "mock", feature = #feature))]
            impl From<ErrorKind> for vsphere_vapi_runtime::mock::MockError {
                fn from(kind: ErrorKind) -> Self {
                    vsphere_vapi_runtime::mock::MockError::new(kind.as_str())
                }
            }
        },
        "the conversion of error kinds for the mock server",
    )
}

/// The crate docs' section on testing with the mock server. Its example
/// mocks `vcenter.vm.power.start` when the model has it, compiled as a doc
/// test only with that operation's feature and `mock`.
pub fn testing_section(ctx: &Ctx<'_>) -> String {
    let mut text = super::docs::wrap(
        "# Testing your automation\n\n\
         With the `mock` feature, `mock::server()` is an in-memory vCenter for \
         tests: a client built on it (`server.client()`) sends every request there, and the mock answers with the values the test \
         registered per operation. Operations are named by the associated constants \
         of their service handles (`vcenter::Vm::LIST`, `vcenter::vm::Power::START`, \
         `vcenter::Vm::CLONE_VM_TASK`): each is an [`Operation`](runtime::Operation) \
         typed by the method's result, so a rule answers with that type only. Answers \
         travel through the same encoding as a server's (over `/api` or `/rest`, as \
         the client chose) and the client decodes them as usual, so a test also \
         checks the wire shape of every call. Rules can match typed parameters \
         (`with_param(\"vm\", VirtualMachineId::from(\"vm-42\"))`), answer once or in \
         sequence, or answer from a closure; task operations finish with a typed \
         result or a task error, so `…_and_wait` methods work; sessions behave as on \
         a server. The mock is as new as the newest release the crate knows; \
         `server().with_release(\"8.0.3.0\")` makes it an older server, whose \
         missing operations the client refuses with `Error::NotInRelease`. Every call is recorded (`calls_to`, `count`, `MockCall::param`), \
         and a call no rule answers fails with an error naming the operation and its \
         parameters. The `mock` module of the runtime documents it all.",
    );
    let power = ctx
        .model
        .services
        .get("com.vmware.vcenter.vm.power")
        .and_then(|service| {
            let start = service.operations.iter().find(|op| op.id == "start")?;
            let feature = ctx.service_feature(service).ok()?;
            let id = match &start.params.first()?.ty {
                crate::ir::TypeRef::Resource(key) => ctx.model.resource_ids.get(key)?,
                _ => return None,
            };
            Some((service, start, feature, id))
        });
    if let Some((service, start, feature, id)) = power {
        let handle = &service.path.name;
        let constant = &start.handle_const;
        let method = &start.rust_name;
        let id_type = &id.path.name;
        let mut code = vec![
            format!("# #[cfg(all(feature = \"mock\", feature = \"{feature}\"))]"),
            "# async fn example() -> vsphere_vapi::Result<()> {".to_owned(),
            format!("use vsphere_vapi::ids::{id_type};"),
            "use vsphere_vapi::mock;".to_owned(),
            format!(
                "use vsphere_vapi::{}::{handle};",
                service.path.module.join("::")
            ),
            String::new(),
            "let server = mock::server();".to_owned(),
        ];
        let kinds = !ctx.error_kind_feature().is_empty()
            && ctx.feature_reaches(feature, ctx.error_kind_feature());
        if kinds {
            code.extend([
                format!("server.on({handle}::{constant})"),
                format!("    .with_param(\"vm\", {id_type}::from(\"vm-404\"))"),
                "    .fails(mock::error(vsphere_vapi::ErrorKind::NotFound, \"no such VM\"));"
                    .to_owned(),
            ]);
        }
        code.extend([
            format!("server.on({handle}::{constant}).succeeds();"),
            "let client = server.client();".to_owned(),
            String::new(),
            "// The code under test:".to_owned(),
            format!("{handle}::new(&client).{method}(&{id_type}::from(\"vm-42\")).await?;"),
            String::new(),
            format!("let calls = server.calls_to({handle}::{constant});"),
            format!("assert_eq!(calls[0].param::<{id_type}>(\"vm\"), {id_type}::from(\"vm-42\"));"),
            "# Ok(())".to_owned(),
            "# }".to_owned(),
        ]);
        text.push_str("\n\n```no_run\n");
        text.push_str(&code.join("\n"));
        text.push_str("\n```");
    }
    text
}
