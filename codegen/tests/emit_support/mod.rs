//! A small hand-made IR model exercising every emitter path, shared by the
//! emitter golden tests and the compile check.

#![allow(dead_code)]

use std::collections::BTreeMap;

use vsphere_vapi_codegen::ir::{
    Builtin, Constant, ConstantValue, Deprecation, Doc, EnumValue, Enumeration, ErrorRef, Feature,
    Field, HttpMethod, Idempotency, Lifecycle, Model, Operation, Owner, Package, ParamBinding,
    ParamLocation, ResourceIdType, Route, RouteSource, RustPath, Service, Structure, StructureKind,
    TaskKind, TypeRef, Union, UnionEnum, UnionVariant,
};

/// Documentation as the metamodel would write it (`` `x` `` is code).
pub fn doc(text: &str) -> Doc {
    Doc {
        nodes: vsphere_vapi_codegen::docs::parse::parse(text),
    }
}

/// Deprecated in `since`, with what to use instead.
pub fn deprecated(since: Option<&str>, note: &str) -> Lifecycle {
    Lifecycle {
        since: Some("7.0.0.0".to_owned()),
        deprecated: Some(Deprecation {
            since: since.map(str::to_owned),
            note: Some(note.to_owned()).filter(|n| !n.is_empty()),
            note_doc: doc(note),
        }),
    }
}

pub fn path(module: &[&str], name: &str) -> RustPath {
    RustPath {
        module: module.iter().map(|m| (*m).to_owned()).collect(),
        name: name.to_owned(),
    }
}

pub fn builtin(b: Builtin) -> TypeRef {
    TypeRef::Builtin(b)
}

pub fn optional(t: TypeRef) -> TypeRef {
    TypeRef::Optional(Box::new(t))
}

pub fn list(t: TypeRef) -> TypeRef {
    TypeRef::List(Box::new(t))
}

pub fn set(t: TypeRef) -> TypeRef {
    TypeRef::Set(Box::new(t))
}

pub fn map(k: TypeRef, v: TypeRef) -> TypeRef {
    TypeRef::Map(Box::new(k), Box::new(v))
}

pub fn structure_ref(id: &str) -> TypeRef {
    TypeRef::Structure(id.to_owned())
}

pub fn enum_ref(id: &str) -> TypeRef {
    TypeRef::Enumeration(id.to_owned())
}

pub fn field(name: &str, rust_name: &str, ty: TypeRef, text: &str) -> Field {
    Field {
        lifecycle: Default::default(),
        name: name.to_owned(),
        rust_name: rust_name.to_owned(),
        ty,
        doc: doc(text),
        resource_types: Vec::new(),
        union_case: None,
        zero_if_missing: false,
        releases: Default::default(),
    }
}

/// Registers the identifier types [`id_field`] refers to.
pub fn register_ids(model: &mut Model) {
    for (resource, name) in [
        ("VirtualMachine", "VirtualMachineId"),
        ("HostSystem", "HostSystemId"),
    ] {
        let key = resource.to_ascii_lowercase();
        model.resource_ids.insert(
            key.clone(),
            ResourceIdType {
                key,
                resource_types: vec![resource.to_owned()],
                path: path(&["ids"], name),
                runtime: false,
                uses: 1,
                features: Vec::new(),
            },
        );
    }
}

/// An identifier field typed by its resource type, as lowering types it
/// (the demo model registers `VirtualMachine` and `HostSystem`).
pub fn id_field(name: &str, resource: &str, text: &str) -> Field {
    Field {
        lifecycle: Default::default(),
        resource_types: vec![resource.to_owned()],
        ..field(
            name,
            name,
            TypeRef::Resource(resource.to_ascii_lowercase()),
            text,
        )
    }
}

pub fn structure(
    id: &str,
    owner: Owner,
    p: RustPath,
    feature: &str,
    fields: Vec<Field>,
) -> Structure {
    Structure {
        lifecycle: Default::default(),
        id: id.to_owned(),
        kind: StructureKind::Structure,
        owner,
        doc: doc(&format!("The `{}` structure.", p.name)),
        path: p,
        fields,
        unions: Vec::new(),
        constants: Vec::new(),
        enumerations: Vec::new(),
        feature: feature.to_owned(),
        zero: false,
        releases: Default::default(),
    }
}

pub fn route(
    method: HttpMethod,
    path: &str,
    query: &[(&str, &str)],
    params: &[(&str, ParamLocation)],
) -> Route {
    Route {
        method,
        path: path.to_owned(),
        query: query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        params: params
            .iter()
            .map(|(param, location)| ParamBinding {
                param: (*param).to_owned(),
                location: location.clone(),
            })
            .collect(),
        source: RouteSource::Verb,
    }
}

pub fn operation(id: &str, rust_name: &str, params: Vec<Field>, output: TypeRef) -> Operation {
    Operation {
        lifecycle: Default::default(),
        id: id.to_owned(),
        rust_name: rust_name.to_owned(),
        doc: doc(&format!("Runs `{id}`.")),
        params,
        output,
        output_doc: Doc::default(),
        errors: Vec::new(),
        task: TaskKind::None,
        task_result: None,
        static_name: String::new(),
        handle_const: String::new(),
        call: Default::default(),
        wait_name: None,
        api: None,
        rest: None,
        api_missing_reason: None,
        rest_missing_reason: None,
        releases: Default::default(),
        idempotency: Idempotency::None,
    }
}

pub const ERRORS: &str = "com.vmware.vapi.std.errors";
pub const NOT_FOUND: &str = "com.vmware.vapi.std.errors.not_found";
pub const DEMO: &str = "com.vmware.demo";
pub const VM: &str = "com.vmware.demo.vm";
pub const TOOLS: &str = "com.vmware.demo.vm.tools";
pub const INFO: &str = "com.vmware.demo.vm.tools.info";
pub const UPDATE_SPEC: &str = "com.vmware.demo.vm.tools.update_spec";
pub const NODE: &str = "com.vmware.demo.vm.tools.node";
pub const BACKING: &str = "com.vmware.demo.vm.tools.backing";
pub const RUN_STATE: &str = "com.vmware.demo.vm.tools.run_state";
pub const BACKING_TYPE: &str = "com.vmware.demo.vm.tools.backing.type";
pub const CLASH: &str = "com.vmware.demo.vm.tools.clash";
pub const OPTION: &str = "com.vmware.demo.option";
pub const FILE: &str = "com.vmware.demo.vm.file";
pub const EXTRA: &str = "com.vmware.demo.extra";
pub const EXTRA_LEVEL: &str = "com.vmware.demo.extra_level";
pub const EXTRA_NOTE: &str = "com.vmware.demo.extra_note";
pub const BUSY: &str = "com.vmware.demo.vm.busy";
pub const HOLDER: &str = "com.vmware.demo.holder";
pub const TRANSFER: &str = "com.vmware.demo.vm.tools.transfer";
pub const PROGRESS: &str = "com.vmware.demo.vm.tools.progress";
pub const COUNTER: &str = "com.vmware.demo.vm.tools.counter";
pub const CLAIM: &str = "com.vmware.demo.vm.tools.claim";

/// The demo model: two features (`demo` depends on `vapi`), a package with a
/// service whose nested types cover every type kind, a recursive structure,
/// a union, constants, keyword names, a type named `Option` and operations
/// with path/query/body/body-field/header parameters and task variants.
pub fn demo_model() -> Model {
    let mut model = Model::default();
    model.features.insert(
        "vapi".to_owned(),
        Feature {
            name: "vapi".to_owned(),
            packages: vec![ERRORS.to_owned()],
            services: Vec::new(),
            depends_on: Vec::new(),
            includes: Vec::new(),
        },
    );
    model.features.insert(
        "demo-extra".to_owned(),
        Feature {
            name: "demo-extra".to_owned(),
            packages: vec![EXTRA.to_owned()],
            services: Vec::new(),
            depends_on: Vec::new(),
            includes: Vec::new(),
        },
    );
    model.features.insert(
        "demo".to_owned(),
        Feature {
            name: "demo".to_owned(),
            packages: vec![DEMO.to_owned(), VM.to_owned()],
            services: Vec::new(),
            depends_on: vec!["vapi".to_owned()],
            includes: Vec::new(),
        },
    );

    let errors_module = ["vapi", "standard", "errors"];
    model.packages.insert(
        ERRORS.to_owned(),
        Package {
            id: ERRORS.to_owned(),
            doc: doc("Standard errors."),
            feature: "vapi".to_owned(),
            module: errors_module.iter().map(|m| (*m).to_owned()).collect(),
            services: Vec::new(),
            structures: vec![NOT_FOUND.to_owned()],
            enumerations: Vec::new(),
        },
    );
    let mut not_found = structure(
        NOT_FOUND,
        Owner::Package(ERRORS.to_owned()),
        path(&errors_module, "NotFound"),
        "vapi",
        vec![
            field(
                "messages",
                "messages",
                list(builtin(Builtin::String)),
                "Messages.",
            ),
            field(
                "data",
                "data",
                optional(builtin(Builtin::DynamicStructure)),
                "Extra data.",
            ),
        ],
    );
    not_found.kind = StructureKind::Error;
    model.structures.insert(NOT_FOUND.to_owned(), not_found);

    model.packages.insert(
        DEMO.to_owned(),
        Package {
            id: DEMO.to_owned(),
            doc: doc("The demo package.\n\nSecond paragraph."),
            feature: "demo".to_owned(),
            module: vec!["demo".to_owned()],
            services: Vec::new(),
            structures: vec![OPTION.to_owned(), HOLDER.to_owned()],
            enumerations: Vec::new(),
        },
    );
    // A structure called `Option` forces `::std::option::Option` in its module.
    model.structures.insert(
        OPTION.to_owned(),
        structure(
            OPTION,
            Owner::Package(DEMO.to_owned()),
            path(&["demo"], "Option"),
            "demo",
            vec![
                field("key", "key", builtin(Builtin::String), "Option key."),
                field(
                    "value",
                    "value",
                    optional(builtin(Builtin::String)),
                    "Option value.",
                ),
            ],
        ),
    );
    model.structures.insert(
        HOLDER.to_owned(),
        structure(
            HOLDER,
            Owner::Package(DEMO.to_owned()),
            path(&["demo"], "Holder"),
            "demo",
            vec![
                field(
                    "options",
                    "options",
                    list(structure_ref(OPTION)),
                    "Options.",
                ),
                field(
                    "default",
                    "default",
                    optional(structure_ref(OPTION)),
                    "The default option.",
                ),
            ],
        ),
    );

    // Items of feature `demo-extra` inside the `demo` module tree: `demo` is then
    // compiled for either feature and its own items gate themselves.
    model.packages.insert(
        EXTRA.to_owned(),
        Package {
            id: EXTRA.to_owned(),
            doc: doc("Extra types owned by another feature."),
            feature: "demo-extra".to_owned(),
            module: vec!["demo".to_owned(), "extra".to_owned()],
            services: Vec::new(),
            structures: vec![EXTRA_NOTE.to_owned()],
            enumerations: vec![EXTRA_LEVEL.to_owned()],
        },
    );
    model.structures.insert(
        EXTRA_NOTE.to_owned(),
        structure(
            EXTRA_NOTE,
            Owner::Package(EXTRA.to_owned()),
            path(&["demo"], "ExtraNote"),
            "demo-extra",
            vec![
                field("text", "text", builtin(Builtin::String), "Note text."),
                field("level", "level", enum_ref(EXTRA_LEVEL), "Note level."),
            ],
        ),
    );
    model.enumerations.insert(
        EXTRA_LEVEL.to_owned(),
        Enumeration {
            lifecycle: Default::default(),
            id: EXTRA_LEVEL.to_owned(),
            owner: Owner::Package(EXTRA.to_owned()),
            doc: doc("Level of a note."),
            path: path(&["demo"], "ExtraLevel"),
            values: vec![EnumValue {
                lifecycle: Default::default(),
                wire: "LOW".to_owned(),
                rust_name: "Low".to_owned(),
                doc: doc(""),
                releases: Default::default(),
            }],
            unknown_variant: "Unknown".to_owned(),
            feature: "demo-extra".to_owned(),
            releases: Default::default(),
        },
    );
    model.packages.insert(
        VM.to_owned(),
        Package {
            id: VM.to_owned(),
            doc: doc("Virtual machines."),
            feature: "demo".to_owned(),
            module: vec!["demo".to_owned(), "vm".to_owned()],
            services: vec![TOOLS.to_owned(), FILE.to_owned()],
            structures: vec![BUSY.to_owned()],
            enumerations: Vec::new(),
        },
    );
    // An error structure in the same module as the service handles.
    let mut busy = structure(
        BUSY,
        Owner::Package(VM.to_owned()),
        path(&["demo", "vm"], "Busy"),
        "demo",
        vec![field(
            "retry_after",
            "retry_after",
            optional(builtin(Builtin::Long)),
            "Seconds.",
        )],
    );
    busy.kind = StructureKind::Error;
    model.structures.insert(BUSY.to_owned(), busy);

    let nested = ["demo", "vm", "tools"];
    let service_owner = Owner::Service(TOOLS.to_owned());
    let mut info = structure(
        INFO,
        service_owner.clone(),
        path(&nested, "Info"),
        "demo",
        vec![
            field("flag", "flag", builtin(Builtin::Boolean), "A boolean."),
            field("count", "count", builtin(Builtin::Long), "A long."),
            field("ratio", "ratio", builtin(Builtin::Double), "A double."),
            field("name", "name", builtin(Builtin::String), "A string."),
            field("blob", "blob", builtin(Builtin::Binary), "Binary data."),
            field(
                "password",
                "password",
                builtin(Builtin::Secret),
                "A secret.",
            ),
            field(
                "changed",
                "changed",
                builtin(Builtin::DateTime),
                "A date-time.",
            ),
            id_field("vm", "VirtualMachine", "An identifier."),
            field("url", "url", builtin(Builtin::Uri), "A URI."),
            field(
                "error",
                "error",
                optional(builtin(Builtin::AnyError)),
                "Any error.",
            ),
            field(
                "dynamic",
                "dynamic",
                builtin(Builtin::DynamicStructure),
                "A dynamic structure.",
            ),
            field("opaque", "opaque", builtin(Builtin::Opaque), "Opaque data."),
            field("state", "state", enum_ref(RUN_STATE), "An enumeration."),
            field("tags", "tags", set(builtin(Builtin::String)), "A set."),
            field(
                "nodes",
                "nodes",
                list(structure_ref(NODE)),
                "A list of structures.",
            ),
            field(
                "labels",
                "labels",
                map(builtin(Builtin::String), builtin(Builtin::String)),
                "A map.",
            ),
            field(
                "by_state",
                "by_state",
                optional(map(enum_ref(RUN_STATE), list(builtin(Builtin::Long)))),
                "An optional map keyed by an enumeration.",
            ),
            field(
                "type",
                "r#type",
                builtin(Builtin::String),
                "A keyword field name.",
            ),
            field(
                "guest_OS",
                "guest_os",
                optional(builtin(Builtin::String)),
                "A renamed field.",
            ),
        ],
    );
    info.lifecycle = deprecated(Some("8.0.0.0"), "Use `Node` instead.");
    info.constants = vec![
        Constant {
            name: "max_count".to_owned(),
            rust_name: "MAX_COUNT".to_owned(),
            ty: builtin(Builtin::Long),
            value: ConstantValue::Long(-5),
            doc: doc("Lowest count."),
        },
        Constant {
            name: "kinds".to_owned(),
            rust_name: "KINDS".to_owned(),
            ty: list(builtin(Builtin::String)),
            value: ConstantValue::List(vec![
                ConstantValue::String("a".to_owned()),
                ConstantValue::String("b".to_owned()),
            ]),
            doc: doc("Known kinds."),
        },
    ];
    model.structures.insert(INFO.to_owned(), info);

    let mut guest_os = field(
        "guest_OS",
        "guest_os",
        optional(builtin(Builtin::String)),
        "Guest OS.",
    );
    guest_os.lifecycle = deprecated(None, "");
    model.structures.insert(
        UPDATE_SPEC.to_owned(),
        structure(
            UPDATE_SPEC,
            service_owner.clone(),
            path(&nested, "UpdateSpec"),
            "demo",
            vec![
                field(
                    "type",
                    "r#type",
                    optional(builtin(Builtin::String)),
                    "Keyword name.",
                ),
                guest_os,
                field(
                    "state",
                    "state",
                    optional(enum_ref(RUN_STATE)),
                    "New state.",
                ),
            ],
        ),
    );
    // `Node` contains itself through an optional field: it must be boxed.
    model.structures.insert(
        NODE.to_owned(),
        structure(
            NODE,
            service_owner.clone(),
            path(&nested, "Node"),
            "demo",
            vec![
                field("name", "name", builtin(Builtin::String), "Node name."),
                field(
                    "parent",
                    "parent",
                    optional(structure_ref(NODE)),
                    "Parent node.",
                ),
                field(
                    "children",
                    "children",
                    list(structure_ref(NODE)),
                    "Child nodes.",
                ),
            ],
        ),
    );
    // Missing required members at every depth (see `lower::zeros`):
    // `Transfer` holds `Progress` (all zeros) which holds `Counter` (all
    // zeros), in a field, a list, a map and an option, and `Claim`, whose
    // required identifier leaves it without a zero.
    let demo_structure = |id: &str, name: &str, fields: Vec<Field>| {
        structure(
            id,
            service_owner.clone(),
            path(&nested, name),
            "demo",
            fields,
        )
    };
    model.structures.insert(
        TRANSFER.to_owned(),
        demo_structure(
            TRANSFER,
            "Transfer",
            vec![
                field("id", "id", builtin(Builtin::Id), "Transfer id."),
                field("progress", "progress", structure_ref(PROGRESS), "Progress."),
                field(
                    "history",
                    "history",
                    list(structure_ref(PROGRESS)),
                    "Earlier progress.",
                ),
                field(
                    "by_name",
                    "by_name",
                    map(builtin(Builtin::String), structure_ref(PROGRESS)),
                    "Progress by name.",
                ),
                field(
                    "last",
                    "last",
                    optional(structure_ref(PROGRESS)),
                    "Last progress.",
                ),
                field("claim", "claim", structure_ref(CLAIM), "Who claims it."),
                field("node", "node", structure_ref(NODE), "A node."),
            ],
        ),
    );
    model.structures.insert(
        PROGRESS.to_owned(),
        demo_structure(
            PROGRESS,
            "Progress",
            vec![
                field("done", "done", builtin(Builtin::Long), "Bytes done."),
                field("label", "label", builtin(Builtin::String), "Label."),
                field("counter", "counter", structure_ref(COUNTER), "Counter."),
                field("note", "note", optional(builtin(Builtin::Id)), "Note."),
            ],
        ),
    );
    model.structures.insert(
        COUNTER.to_owned(),
        demo_structure(
            COUNTER,
            "Counter",
            vec![
                field("n", "n", builtin(Builtin::Long), "Count."),
                field("ok", "ok", builtin(Builtin::Boolean), "Whether it worked."),
                field("weight", "weight", builtin(Builtin::Double), "Weight."),
                field("flags", "flags", list(builtin(Builtin::Boolean)), "Flags."),
            ],
        ),
    );
    model.structures.insert(
        CLAIM.to_owned(),
        demo_structure(
            CLAIM,
            "Claim",
            vec![
                id_field("vm", "VirtualMachine", "Claiming machine."),
                field("name", "name", builtin(Builtin::String), "Claim name."),
            ],
        ),
    );

    // A union: `type` selects `file` or `host`, and for `HOST` also the
    // optional tag `state`, a nested union selecting `detail`.
    let mut file_field = field(
        "file",
        "file",
        optional(builtin(Builtin::String)),
        "Backing file.",
    );
    file_field.union_case = Some(("type".to_owned(), vec!["FILE".to_owned()]));
    let mut host_field = id_field("host", "HostSystem", "Backing host.");
    host_field.ty = optional(builtin(Builtin::Id));
    host_field.union_case = Some((
        "type".to_owned(),
        vec!["HOST".to_owned(), "CLUSTER".to_owned()],
    ));
    let mut state_field = field(
        "state",
        "state",
        optional(enum_ref(RUN_STATE)),
        "State of the host.",
    );
    state_field.union_case = Some(("type".to_owned(), vec!["HOST".to_owned()]));
    let mut detail_field = field(
        "detail",
        "detail",
        optional(builtin(Builtin::String)),
        "What runs.",
    );
    detail_field.union_case = Some(("state".to_owned(), vec!["RUNNING".to_owned()]));
    // Required case fields: decoded as zero when missing, in a variant and
    // in a nested union's variant.
    let mut size_field = field("size", "size", builtin(Builtin::Long), "File size.");
    size_field.union_case = Some(("type".to_owned(), vec!["FILE".to_owned()]));
    let mut pid_field = field("pid", "pid", builtin(Builtin::Long), "Process id.");
    pid_field.union_case = Some(("state".to_owned(), vec!["RUNNING".to_owned()]));
    let mut backing = structure(
        BACKING,
        service_owner.clone(),
        path(&nested, "Backing"),
        "demo",
        vec![
            field("type", "r#type", enum_ref(BACKING_TYPE), "Backing type."),
            file_field,
            size_field,
            host_field,
            state_field,
            detail_field,
            pid_field,
            field(
                "names",
                "names",
                list(builtin(Builtin::String)),
                "Names, always present.",
            ),
            field(
                "note",
                "note",
                optional(builtin(Builtin::String)),
                "A note.",
            ),
        ],
    );
    let variant = |wire: &str, rust_name: &str, fields: &[&str]| UnionVariant {
        wire: wire.to_owned(),
        rust_name: rust_name.to_owned(),
        doc: doc(&format!("The `{wire}` case.")),
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
    };
    backing.unions = vec![
        Union {
            tag_field: "type".to_owned(),
            cases: BTreeMap::from([
                (
                    "FILE".to_owned(),
                    vec!["file".to_owned(), "size".to_owned()],
                ),
                (
                    "HOST".to_owned(),
                    vec!["host".to_owned(), "state".to_owned()],
                ),
                ("CLUSTER".to_owned(), vec!["host".to_owned()]),
                ("NONE".to_owned(), Vec::new()),
            ]),
            // `BackingType` is the enumeration's name: the enum gets `Union`.
            rust: Some(UnionEnum {
                path: path(&nested, "BackingTypeUnion"),
                tag_enumeration: BACKING_TYPE.to_owned(),
                optional: false,
                variants: vec![
                    variant("FILE", "File", &["file", "size"]),
                    variant("HOST", "Host", &["host", "state"]),
                    variant("CLUSTER", "Cluster", &["host"]),
                    variant("NONE", "None", &[]),
                    variant("UNKNOWN", "Unknown", &[]),
                ],
                unknown_variant: "UnknownValue".to_owned(),
                parent: None,
            }),
        },
        Union {
            tag_field: "state".to_owned(),
            cases: BTreeMap::from([(
                "RUNNING".to_owned(),
                vec!["detail".to_owned(), "pid".to_owned()],
            )]),
            rust: Some(UnionEnum {
                path: path(&nested, "BackingState"),
                tag_enumeration: RUN_STATE.to_owned(),
                optional: true,
                variants: vec![
                    variant("NOT_RUNNING", "NotRunning", &[]),
                    variant("RUNNING", "Running", &["detail", "pid"]),
                    variant("3D", "_3d", &[]),
                ],
                unknown_variant: "Unknown".to_owned(),
                parent: Some("type".to_owned()),
            }),
        },
    ];
    backing.enumerations = vec![BACKING_TYPE.to_owned()];
    model.structures.insert(BACKING.to_owned(), backing);

    model.enumerations.insert(
        RUN_STATE.to_owned(),
        Enumeration {
            lifecycle: Default::default(),
            id: RUN_STATE.to_owned(),
            owner: service_owner.clone(),
            doc: doc("Run state of the tools."),
            path: path(&nested, "RunState"),
            values: vec![
                EnumValue {
                    lifecycle: Default::default(),
                    wire: "NOT_RUNNING".to_owned(),
                    rust_name: "NotRunning".to_owned(),
                    doc: doc("Not running."),
                    releases: Default::default(),
                },
                EnumValue {
                    lifecycle: deprecated(Some("9.0.0.0"), ""),
                    wire: "RUNNING".to_owned(),
                    rust_name: "Running".to_owned(),
                    doc: doc("Running."),
                    releases: Default::default(),
                },
                EnumValue {
                    lifecycle: Default::default(),
                    wire: "3D".to_owned(),
                    rust_name: "_3d".to_owned(),
                    doc: doc(""),
                    releases: Default::default(),
                },
            ],
            unknown_variant: "Unknown".to_owned(),
            feature: "demo".to_owned(),
            releases: Default::default(),
        },
    );
    // A real value named `UNKNOWN` moves the catch-all to another name.
    model.enumerations.insert(
        BACKING_TYPE.to_owned(),
        Enumeration {
            lifecycle: Default::default(),
            id: BACKING_TYPE.to_owned(),
            owner: Owner::Structure(BACKING.to_owned()),
            doc: doc("Kind of backing."),
            path: path(&nested, "BackingType"),
            values: ["FILE", "HOST", "CLUSTER", "NONE", "UNKNOWN"]
                .iter()
                .map(|wire| EnumValue {
                    lifecycle: Default::default(),
                    wire: (*wire).to_owned(),
                    rust_name: heck_camel(wire),
                    doc: doc(""),
                    releases: Default::default(),
                })
                .collect(),
            unknown_variant: "UnknownValue".to_owned(),
            feature: "demo".to_owned(),
            releases: Default::default(),
        },
    );
    model.enumerations.insert(
        CLASH.to_owned(),
        Enumeration {
            lifecycle: Default::default(),
            id: CLASH.to_owned(),
            owner: service_owner.clone(),
            doc: doc(""),
            path: path(&nested, "Clash"),
            values: Vec::new(),
            unknown_variant: "Unknown".to_owned(),
            feature: "demo".to_owned(),
            releases: Default::default(),
        },
    );

    model.services.insert(TOOLS.to_owned(), tools_service());
    model.services.insert(FILE.to_owned(), file_service());
    register_ids(&mut model);
    vsphere_vapi_codegen::decide_zeros(&mut model);
    let problems = vsphere_vapi_codegen::shape_calls(&mut model);
    assert!(problems.is_empty(), "{problems:?}");
    model
}

/// A service whose nested module, `file`, shares its name with the prelude
/// macro `file!`, and that reports an error defined beside its handle.
fn file_service() -> Service {
    let mut delete = operation(
        "delete",
        "delete",
        vec![field(
            "path",
            "path",
            builtin(Builtin::String),
            "File to delete.",
        )],
        builtin(Builtin::Void),
    );
    delete.errors = vec![ErrorRef {
        structure_id: BUSY.to_owned(),
        doc: doc("If the file is in use."),
    }];
    delete.api = Some(route(
        HttpMethod::Delete,
        "/api/demo/files",
        &[],
        &[("path", ParamLocation::Query("path".to_owned()))],
    ));
    Service {
        lifecycle: Default::default(),
        id: FILE.to_owned(),
        package: VM.to_owned(),
        doc: doc("Files of a virtual machine."),
        path: path(&["demo", "vm"], "File"),
        nested_module: vec!["demo".to_owned(), "vm".to_owned(), "file".to_owned()],
        operations: vec![delete],
        structures: Vec::new(),
        enumerations: Vec::new(),
        constants: Vec::new(),
        feature: "demo".to_owned(),
        releases: Default::default(),
    }
}

fn heck_camel(wire: &str) -> String {
    let lower = wire.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn tools_service() -> Service {
    let vm = || id_field("vm", "VirtualMachine", "Identifier of the virtual machine.");
    let not_found = || ErrorRef {
        structure_id: NOT_FOUND.to_owned(),
        doc: doc("If the virtual machine is not found."),
    };

    let mut get = operation("get", "get", vec![vm()], structure_ref(INFO));
    get.output_doc = doc("Information about the tools.");
    get.errors = vec![not_found()];
    get.idempotency = Idempotency::Safe;
    get.api = Some(route(
        HttpMethod::Get,
        "/api/demo/vm/{vm}/tools",
        &[],
        &[("vm", ParamLocation::Path("vm".to_owned()))],
    ));
    get.rest = Some(route(
        HttpMethod::Get,
        "/rest/demo/vm/{vm}/tools",
        &[],
        &[("vm", ParamLocation::Path("vm".to_owned()))],
    ));

    let mut update = operation(
        "update",
        "update",
        vec![
            vm(),
            field("spec", "spec", structure_ref(UPDATE_SPEC), "The changes."),
        ],
        builtin(Builtin::Void),
    );
    update.api = Some(route(
        HttpMethod::Patch,
        "/api/demo/vm/{vm}/tools",
        &[],
        &[
            ("vm", ParamLocation::Path("vm".to_owned())),
            ("spec", ParamLocation::Body),
        ],
    ));
    update.rest_missing_reason = Some("the operation is newer than the /rest protocol".to_owned());

    let mut upgrade = operation(
        "upgrade",
        "upgrade",
        vec![
            vm(),
            field(
                "command_line_options",
                "command_line_options",
                optional(builtin(Builtin::String)),
                "Extra options.\n\nSecond paragraph.",
            ),
        ],
        builtin(Builtin::Void),
    );
    upgrade.errors = vec![not_found()];
    upgrade.api = Some(route(
        HttpMethod::Post,
        "/api/demo/vm/{vm}/tools",
        &[("action", "upgrade")],
        &[
            ("vm", ParamLocation::Path("vm".to_owned())),
            (
                "command_line_options",
                ParamLocation::BodyField("command_line_options".to_owned()),
            ),
        ],
    ));
    upgrade.rest = Some(route(
        HttpMethod::Post,
        "/rest/demo/vm/{vm}/tools",
        &[("~action", "upgrade")],
        &[
            ("vm", ParamLocation::Path("vm".to_owned())),
            (
                "command_line_options",
                ParamLocation::BodyField("command_line_options".to_owned()),
            ),
        ],
    ));

    let list_params = vec![
        field(
            "names",
            "names",
            optional(set(builtin(Builtin::String))),
            "Filter by names.",
        ),
        field(
            "limit",
            "limit",
            optional(builtin(Builtin::Long)),
            "At most this many.",
        ),
        field(
            "verbose",
            "verbose",
            builtin(Builtin::Boolean),
            "Include details.",
        ),
        field(
            "states",
            "states",
            list(enum_ref(RUN_STATE)),
            "Filter by states.",
        ),
        field(
            "backing",
            "backing",
            optional(structure_ref(BACKING)),
            "Filter by backing.",
        ),
        field(
            "client_token",
            "client_token",
            builtin(Builtin::String),
            "Idempotency token.",
        ),
        field(
            "type",
            "r#type",
            optional(enum_ref(RUN_STATE)),
            "A keyword parameter.",
        ),
        field(
            "labels",
            "labels",
            map(builtin(Builtin::String), builtin(Builtin::String)),
            "Labels.",
        ),
    ];
    let mut list_op = operation("list", "list", list_params, list(structure_ref(INFO)));
    list_op.idempotency = Idempotency::WithToken("client_token".to_owned());
    list_op.api = Some(route(
        HttpMethod::Get,
        "/api/demo/vm/tools",
        &[],
        &[
            ("names", ParamLocation::Query("names".to_owned())),
            ("limit", ParamLocation::Query("max".to_owned())),
            ("verbose", ParamLocation::Query("verbose".to_owned())),
            ("states", ParamLocation::Query("states".to_owned())),
            ("backing", ParamLocation::Query("backing".to_owned())),
            (
                "client_token",
                ParamLocation::Header("vmw-client-token".to_owned()),
            ),
            ("type", ParamLocation::Query("type".to_owned())),
            ("labels", ParamLocation::Query("labels".to_owned())),
        ],
    ));

    let clone_params = || {
        vec![
            field(
                "spec",
                "spec",
                structure_ref(UPDATE_SPEC),
                "The clone spec.",
            ),
            field(
                "options",
                "options",
                optional(builtin(Builtin::String)),
                "Clashes with the wait options.",
            ),
        ]
    };
    let mut clone = operation("clone", "clone_tools", clone_params(), builtin(Builtin::Id));
    clone.api = Some(route(
        HttpMethod::Post,
        "/api/demo/vm/tools",
        &[("action", "clone")],
        &[
            ("spec", ParamLocation::Body),
            ("options", ParamLocation::Query("options".to_owned())),
        ],
    ));
    let mut clone_task = operation(
        "clone$task",
        "clone_tools_task",
        clone_params(),
        builtin(Builtin::Id),
    );
    clone_task.task = TaskKind::TaskVariantOf("clone".to_owned());
    clone_task.task_result = Some(builtin(Builtin::Id));
    clone_task.api = Some(route(
        HttpMethod::Post,
        "/api/demo/vm/tools",
        &[("action", "clone"), ("vmw-task", "true")],
        &[
            ("spec", ParamLocation::Body),
            ("options", ParamLocation::Query("options".to_owned())),
        ],
    ));

    let mut reset_task = operation("reset$task", "reset_task", vec![vm()], builtin(Builtin::Id));
    reset_task.task = TaskKind::TaskOnly;
    reset_task.rest = Some(route(
        HttpMethod::Post,
        "/rest/demo/vm/{vm}/tools/reset",
        &[],
        &[("vm", ParamLocation::Path("vm".to_owned()))],
    ));
    reset_task.api_missing_reason = Some("no /api mapping".to_owned());

    // Task-only, with the result type a snapshot's `TaskResult` records.
    let mut scan_task = operation("scan$task", "scan_task", vec![vm()], builtin(Builtin::Id));
    scan_task.task = TaskKind::TaskOnly;
    scan_task.task_result = Some(optional(TypeRef::List(Box::new(structure_ref(INFO)))));
    scan_task.api = Some(route(
        HttpMethod::Post,
        "/api/demo/vm/{vm}/tools",
        &[("action", "scan"), ("vmw-task", "true")],
        &[("vm", ParamLocation::Path("vm".to_owned()))],
    ));
    scan_task.rest_missing_reason = Some("no /rest mapping".to_owned());

    let mut ping = operation("ping", "ping", Vec::new(), builtin(Builtin::Void));
    ping.doc = doc("Checks the service.");
    ping.lifecycle = deprecated(None, "Nothing replaces it.");

    Service {
        lifecycle: Default::default(),
        id: TOOLS.to_owned(),
        package: VM.to_owned(),
        doc: doc("Manages the guest tools of a virtual machine."),
        path: path(&["demo", "vm"], "Tools"),
        nested_module: vec!["demo".to_owned(), "vm".to_owned(), "tools".to_owned()],
        operations: vec![
            get, update, upgrade, list_op, clone, clone_task, reset_task, scan_task, ping,
        ],
        structures: vec![
            INFO.to_owned(),
            UPDATE_SPEC.to_owned(),
            NODE.to_owned(),
            BACKING.to_owned(),
            TRANSFER.to_owned(),
            PROGRESS.to_owned(),
            COUNTER.to_owned(),
            CLAIM.to_owned(),
        ],
        enumerations: vec![RUN_STATE.to_owned(), CLASH.to_owned()],
        constants: vec![Constant {
            name: "resource_type".to_owned(),
            rust_name: "RESOURCE_TYPE".to_owned(),
            ty: builtin(Builtin::String),
            value: ConstantValue::String("com.vmware.demo.Tools".to_owned()),
            doc: doc("Resource type of tools."),
        }],
        feature: "demo".to_owned(),
        releases: Default::default(),
    }
}
