//! The guide at the top of the crate docs: what a user needs first
//! (connecting, logging in, calling, features, errors, tasks, protocols,
//! unknown values), in the order they need it.

use super::Ctx;
use super::docs::DocBuilder;

/// The guide part of the crate docs: what a user needs first, in the order
/// they need it.
pub fn guide(ctx: &Ctx<'_>, doc: &mut DocBuilder) {
    doc.prose(
        "# Connecting\n\n\
         A [`Client`] talks to one vCenter; it is cheap to clone and every \
         service handle shares it. The server certificate is checked against \
         the system's trust store. A vCenter with its own certificate \
         authority (the default VMCA) needs that CA trusted with \
         [`ClientBuilder::add_root_certificate_pem`] (download it from \
         `https://<vcenter>/certs/download.zip`), or the server's certificate \
         pinned by its SHA-256 fingerprint with \
         [`ClientBuilder::pin_certificate_sha256`]. \
         [`ClientBuilder::danger_accept_invalid_certs`] is for lab systems \
         only.",
    );
    doc.paragraph(
        "```no_run\n\
         # fn example() -> vsphere_vapi::Result<()> {\n\
         use vsphere_vapi::Client;\n\
         \n\
         let ca = std::fs::read(\"vcenter-ca.pem\").expect(\"the vCenter CA certificate\");\n\
         let client = Client::builder(\"https://vcenter.example.com\")\n    \
         .add_root_certificate_pem(&ca)\n    \
         .build()?;\n\
         # Ok(())\n\
         # }\n\
         ```",
    );
    doc.prose(
        "# Logging in\n\n\
         [`Client::login`] creates a session with a user name and password \
         and keeps its token for every later call; [`Client::logout`] ends \
         it (vCenter limits the number of sessions, so end the ones you \
         create). A token obtained elsewhere is used with \
         [`Client::with_session_token`].",
    );
    doc.paragraph(quick_start(ctx));
    doc.prose(
        "Each service is a handle created from a [`Client`] (cheap to clone); \
         its methods are the service's operations with typed parameters and \
         results. Required parameters are positional (an operation with more \
         than three takes one `…Args` structure); an operation with optional \
         parameters returns a request builder whose setters add them and whose \
         `send()` runs the call, so no call site spells out `None`. \
         Identifiers are typed by resource ([`ids`]): a datastore's cannot be \
         passed where a virtual machine's is expected. Each method documents \
         its parameters, result, both HTTP routes and the errors the API \
         declares for it; a line \"Since vSphere API X.\" says which release \
         added an element, and deprecated elements carry `#[deprecated]`.",
    );
    doc.prose(
        "# Choosing features\n\n\
         Enable the features of the packages you call (the table above); \
         each one pulls in the features its types use. `full` enables \
         everything and compiles slowly. The [`operations`] table lists every \
         operation of the enabled features with its routes.",
    );
    let kind_feature = ctx.error_kind_feature();
    if kind_feature.is_empty() {
        doc.prose(
            "# Handling errors\n\n\
             Every method returns [`Result`]; a failed call is an [`Error`], \
             which tells transport, TLS, timeout and decoding failures apart \
             from errors the server reported.",
        );
    } else {
        doc.prose(format!(
            "# Handling errors\n\n\
             Every method returns [`Result`]; a failed call is an [`Error`], \
             which tells transport, TLS, timeout and decoding failures apart \
             from errors the server reported. For the latter, \
             `ErrorExt::kind` (enabled by the `{kind_feature}` feature) gives \
             the vAPI standard error type, an `ErrorKind` such as \
             `ErrorKind::NotFound` or `ErrorKind::Unauthenticated` (the names \
             method docs use for the errors they declare), and \
             `ErrorExt::standard_error` the server's messages."
        ));
        doc.paragraph(format!(
            "```no_run\n\
             # #[cfg(feature = \"{kind_feature}\")]\n\
             # fn example(result: vsphere_vapi::Result<()>) {{\n\
             use vsphere_vapi::{{ErrorExt, ErrorKind}};\n\
             \n\
             match result {{\n    \
             Ok(()) => {{}}\n    \
             Err(error) if error.kind() == Some(ErrorKind::NotFound) => {{ /* already gone */ }}\n    \
             Err(error) => eprintln!(\"failed: {{error}}\"),\n\
             }}\n\
             # }}\n\
             ```"
        ));
    }
    doc.prose(
        "# Waiting for a task\n\n\
         Operations that vCenter runs as tasks come as `op_task`, which \
         returns a [`Task`] handle as soon as the task is created: \
         [`Task::wait`] polls until it finishes and yields the typed result \
         (or the task's error), [`Task::wait_with`] takes a deadline and \
         polling intervals ([`TaskWaitOptions`]), and `status()` and \
         `cancel()` do what they say. Where the result type is known, \
         `op_and_wait` starts the task and waits with the default options. \
         Prefer tasks for long operations: a blocking call that outlives \
         the HTTP timeout may leave work half done on the server.",
    );
    doc.prose(
        "# `/api` and `/rest`\n\n\
         vCenter serves the same operations over two HTTP mappings: `/api` \
         (vSphere 7.0 Update 2 and later) and the older `/rest`. The client \
         chooses per operation ([`Protocol::Auto`], the default, uses `/api` \
         where the operation has an `/api` route and notices servers that \
         predate it); [`ClientBuilder::protocol`] forces one. Every operation \
         method documents both routes, and [`operations`] lists them for the \
         whole crate.",
    );
    doc.prose(
        "# Unknown values\n\n\
         vAPI enumerations are open: a newer server may send values this \
         crate does not know. Generated enums are `#[non_exhaustive]` and read \
         such a value as their `Unknown` variant, which keeps the wire text \
         (`as_str()`) but cannot be built by hand, so it never stands for a \
         known value; `match` them with a wildcard arm, and use \
         `is_unknown()` to tell a newer value apart. The same holds for the \
         enums of union tags (a tag field together with the fields of its \
         case): on the wire they are flat, the tag member beside the case \
         members; an unknown tag value arrives as `Unknown` with the wire tag \
         and the members the crate could not place, and is serialized back \
         unchanged.",
    );
}

/// The quick start section. It calls a real operation when the model has
/// `vcenter.vm.power.start`; the example is compiled as a doc test only when
/// that operation's feature is enabled.
fn quick_start(ctx: &Ctx<'_>) -> String {
    let power = ctx
        .model
        .services
        .get("com.vmware.vcenter.vm.power")
        .and_then(|service| {
            let start = service.operations.iter().find(|op| op.id == "start")?;
            let feature = ctx.service_feature(service).ok()?;
            (start.params.len() == 1).then_some((service, start, feature))
        });
    let mut code = Vec::new();
    match power {
        Some((service, start, feature)) => {
            code.push(format!("# #[cfg(feature = \"{feature}\")]"));
            code.push("# async fn example() -> vsphere_vapi::Result<()> {".to_owned());
            code.push("use vsphere_vapi::Client;".to_owned());
            code.push(format!(
                "use vsphere_vapi::{}::{};",
                service.path.module.join("::"),
                service.path.name
            ));
            code.push(String::new());
            code.push(CONNECT.to_owned());
            // The argument is typed by the resource it names, when it is.
            let argument = match &start.params[0].ty {
                crate::ir::TypeRef::Resource(key) => match ctx.model.resource_ids.get(key) {
                    Some(id) => {
                        code.push(format!("use vsphere_vapi::ids::{};", id.path.name));
                        format!("&{}::from(\"vm-42\")", id.path.name)
                    }
                    None => "\"vm-42\"".to_owned(),
                },
                _ => "\"vm-42\"".to_owned(),
            };
            code.push(format!(
                "{}::new(&client).{}({argument}).await?;",
                service.path.name, start.rust_name
            ));
        }
        None => {
            code.push("# async fn example() -> vsphere_vapi::Result<()> {".to_owned());
            code.push("use vsphere_vapi::Client;".to_owned());
            code.push(String::new());
            code.push(CONNECT.to_owned());
            code.push("// Create service handles with `Service::new(&client)`.".to_owned());
        }
    }
    code.push("client.logout().await?;".to_owned());
    code.push("# Ok(())".to_owned());
    code.push("# }".to_owned());
    format!(
        "# Calling an operation\n\n\
         ```no_run\n{}\n```",
        code.join("\n")
    )
}

const CONNECT: &str = "\
let client = Client::builder(\"https://vcenter.example.com\").build()?;
client.login(\"administrator@vsphere.local\", \"password\").await?;";
