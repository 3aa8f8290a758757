//! One snapshot directory flattened into what a change log compares: every service,
//! operation, structure and enumeration under its full identifier, with the members,
//! types, routes and deprecation marks of each.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use vsphere_vapi_codegen::snapshot::{component_files, read_component};
use vsphere_vapi_codegen::wire::{
    EnumerationInfo, FieldInfo, LifecycleInfo, Metadata, OperationInfo, ServiceInfo, StructureInfo,
    Type, TypeCategory,
};

/// The verb annotations of the `/api` form, in the metamodel's spelling.
const VERBS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

#[derive(Debug, Default)]
pub struct Api {
    /// The snapshot's release: the manifest's `release`, else the directory name.
    pub release: String,
    pub services: BTreeMap<String, Service>,
    /// Keyed `service#operation`.
    pub operations: BTreeMap<String, Operation>,
    /// Keyed by identifier; see [`Api::place_structures`] for the one identifier VMware
    /// gives to two structures.
    pub structures: BTreeMap<String, Structure>,
    pub enumerations: BTreeMap<String, Enumeration>,
    /// Structures as read: (identifier, owner is a service, owner, structure).
    pending: Vec<(String, bool, String, Structure)>,
}

#[derive(Debug, Default)]
pub struct Service {
    pub deprecated: bool,
}

#[derive(Debug, Default)]
pub struct Operation {
    pub params: BTreeMap<String, Member>,
    pub result: String,
    /// `METHOD /api/path?dispatch` of the verb annotation, if any.
    pub api: Option<String>,
    /// `METHOD /rest/path?dispatch` of the `@RequestMapping`, or `None`: the `/rest`
    /// handler's default convention.
    pub rest: Option<String>,
    pub deprecated: bool,
}

/// A structure field or operation parameter.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Member {
    pub ty: String,
    pub deprecated: bool,
}

#[derive(Debug, Default)]
pub struct Structure {
    pub fields: BTreeMap<String, Member>,
    pub deprecated: bool,
}

#[derive(Debug, Default)]
pub struct Enumeration {
    /// Value → deprecated.
    pub values: BTreeMap<String, bool>,
    pub deprecated: bool,
}

/// Reads a snapshot directory (its component files and, when present, the manifest's
/// `release`).
pub fn load(dir: &Path) -> Result<Api> {
    let mut api = Api {
        release: release_of(dir)?,
        ..Api::default()
    };
    let files = component_files(dir).with_context(|| format!("reading {}", dir.display()))?;
    for file in files {
        let component = read_component(&file)?;
        for package in component.info.packages.values() {
            for structure in package.structures.values() {
                api.add_structure(structure, false, &package.name);
            }
            for enumeration in package.enumerations.values() {
                api.add_enumeration(enumeration);
            }
            for service in package.services.values() {
                api.add_service(service);
            }
        }
    }
    api.place_structures();
    Ok(api)
}

fn release_of(dir: &Path) -> Result<String> {
    let manifest = dir.join("manifest.json");
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", manifest.display()))?;
        if let Some(release) = value.get("release").and_then(|r| r.as_str()) {
            return Ok(release.to_owned());
        }
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    Ok(name.strip_prefix("vsphere-").unwrap_or(&name).to_owned())
}

fn deprecated(lifecycle: &Option<LifecycleInfo>) -> bool {
    lifecycle.is_some_and(|l| l.deprecated)
}

impl Api {
    fn add_service(&mut self, service: &ServiceInfo) {
        self.services.insert(
            service.name.clone(),
            Service {
                deprecated: deprecated(&service.lifecycle),
            },
        );
        for (name, operation) in service.operations.iter() {
            let key = format!("{}#{name}", service.name);
            self.operations.insert(key, operation_of(operation));
        }
        for structure in service.structures.values() {
            self.add_structure(structure, true, &service.name);
        }
        for enumeration in service.enumerations.values() {
            self.add_enumeration(enumeration);
        }
    }

    fn add_structure(&mut self, structure: &StructureInfo, in_service: bool, owner: &str) {
        self.pending.push((
            structure.name.clone(),
            in_service,
            owner.to_owned(),
            Structure {
                fields: members(&structure.fields),
                deprecated: deprecated(&structure.lifecycle),
            },
        ));
        for enumeration in structure.enumerations.values() {
            self.add_enumeration(enumeration);
        }
    }

    /// Keys the structures read. An identifier is normally unique, but since 9.1 the
    /// bindings define `com.vmware.vcenter.deployment.info` twice: in service
    /// `com.vmware.vcenter.deployment` (as every release does) and at the level of package
    /// `com.vmware.vcenter.deployment`. Structures nested in services take their plain
    /// identifier first; a later definition of a taken identifier is keyed
    /// `<id> (package <owner>)` or `<id> (service <owner>)`, so both are compared.
    fn place_structures(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_by(|a, b| (!a.1, &a.0, &a.2).cmp(&(!b.1, &b.0, &b.2)));
        for (id, in_service, owner, structure) in pending {
            let key = if self.structures.contains_key(&id) {
                let kind = if in_service { "service" } else { "package" };
                format!("{id} ({kind} {owner})")
            } else {
                id
            };
            self.structures.insert(key, structure);
        }
    }

    fn add_enumeration(&mut self, enumeration: &EnumerationInfo) {
        self.enumerations.insert(
            enumeration.name.clone(),
            Enumeration {
                values: enumeration
                    .values
                    .iter()
                    .map(|value| (value.value.clone(), deprecated(&value.lifecycle)))
                    .collect(),
                deprecated: deprecated(&enumeration.lifecycle),
            },
        );
    }
}

fn members(fields: &[FieldInfo]) -> BTreeMap<String, Member> {
    fields
        .iter()
        .map(|field| {
            (
                field.name.clone(),
                Member {
                    ty: type_name(&field.ty),
                    deprecated: deprecated(&field.lifecycle),
                },
            )
        })
        .collect()
}

fn operation_of(operation: &OperationInfo) -> Operation {
    Operation {
        params: members(&operation.params),
        result: type_name(&operation.output.ty),
        api: api_route(&operation.metadata),
        rest: rest_route(&operation.metadata),
        deprecated: deprecated(&operation.lifecycle),
    }
}

/// `GET /api/vcenter/vm/{vm}`, with `?dispatch` parameters and `[Header:value]` dispatch
/// headers; several verb annotations (none occur) are joined with ` | `.
fn api_route(metadata: &Metadata) -> Option<String> {
    let routes: Vec<String> = VERBS
        .iter()
        .filter_map(|verb| {
            let element = metadata.get(verb)?;
            let mut route = format!(
                "{verb} /api{}{}",
                element.string("path").unwrap_or_default(),
                query(&element.strings("params"))
            );
            let headers = element.strings("headers");
            if !headers.is_empty() {
                route.push_str(&format!(" [{}]", headers.join(", ")));
            }
            Some(route)
        })
        .collect();
    (!routes.is_empty()).then(|| routes.join(" | "))
}

fn rest_route(metadata: &Metadata) -> Option<String> {
    let element = metadata.get("RequestMapping")?;
    Some(format!(
        "{} /rest{}{}",
        element.string("method").unwrap_or("?"),
        element.string("value").unwrap_or_default(),
        query(&element.strings("params"))
    ))
}

fn query(params: &[&str]) -> String {
    if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    }
}

/// A type as the metamodel spells it: `STRING`, `com.vmware.vcenter.vm.info`,
/// `OPTIONAL<LIST<ID>>`, `MAP<STRING, LONG>`.
pub fn type_name(ty: &Type) -> String {
    match &ty.category {
        TypeCategory::Builtin => ty
            .builtin_type
            .as_ref()
            .map_or_else(|| "?".to_owned(), |b| b.as_str().to_owned()),
        TypeCategory::UserDefined => ty
            .user_defined_type
            .as_ref()
            .map_or_else(|| "?".to_owned(), |u| u.resource_id.clone()),
        TypeCategory::Generic => {
            let Some(generic) = &ty.generic_instantiation else {
                return "?".to_owned();
            };
            let part = |t: &Option<Type>| t.as_ref().map_or_else(|| "?".to_owned(), type_name);
            if generic.map_key_type.is_some() || generic.map_value_type.is_some() {
                format!(
                    "{}<{}, {}>",
                    generic.generic_type,
                    part(&generic.map_key_type),
                    part(&generic.map_value_type)
                )
            } else {
                format!("{}<{}>", generic.generic_type, part(&generic.element_type))
            }
        }
        TypeCategory::Unknown(category) => category.clone(),
    }
}
