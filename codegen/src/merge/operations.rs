//! The merge rules of [`super`] for services and operations: operations
//! by id, parameters (rule 3 with the route check), results, declared
//! errors, and the comparison of each release's routes (rule 4).

use std::collections::{BTreeMap, BTreeSet};

use super::members::{Member, describe, make_optional, optional_inner, without_optional};
use super::report::{ConflictKind, Definition};
use super::{Gathered, Merger, Versions};
use crate::ir::{HttpMethod, ParamLocation, Route};
use crate::rest;
use crate::wire::{
    ConstantInfo, ErrorInfo, FieldInfo, Metadata, OperationInfo, ServiceInfo, WireMap,
};

impl Merger<'_> {
    pub(super) fn service(&mut self, id: &str, versions: &Versions<&ServiceInfo>) -> ServiceInfo {
        let newest = versions[0].1;
        let operations = Gathered::new(versions.iter().map(|(r, s)| {
            let list: Vec<(&String, (&ServiceInfo, &OperationInfo))> = s
                .operations
                .0
                .iter()
                .map(|(op_id, op)| (op_id, (*s, op)))
                .collect();
            (*r, list)
        }));
        let mut merged: Vec<(String, OperationInfo, Vec<Member>)> = Vec::new();
        for (op_id, op_versions) in operations.iter() {
            let (info, params) = self.operation(id, op_id, op_versions);
            merged.push((op_id.clone(), info, params));
        }
        // Rule 3 for parameters needs the union's routes, which read the
        // synchronous twin's merged metadata.
        let metadata: BTreeMap<String, Metadata> = merged
            .iter()
            .map(|(op_id, info, _)| (op_id.clone(), info.metadata.clone()))
            .collect();
        let operations = merged
            .into_iter()
            .map(|(op_id, mut info, params)| {
                let sync = op_id
                    .strip_suffix(crate::names::TASK_SUFFIX)
                    .and_then(|sync| metadata.get(sync));
                info.params = self.optional_params(id, &op_id, &info, params, sync);
                (op_id, info)
            })
            .collect();
        let constants: Versions<&WireMap<ConstantInfo>> =
            versions.iter().map(|(r, s)| (*r, &s.constants)).collect();
        ServiceInfo {
            name: newest.name.clone(),
            operations: WireMap(operations),
            structures: WireMap::default(),
            enumerations: WireMap::default(),
            constants: self.constants(&format!("service {id}"), &constants),
            metadata: newest.metadata.clone(),
            documentation: newest.documentation.clone(),
            lifecycle: newest.lifecycle,
            releases: self.present(versions),
        }
    }

    /// One operation: parameters (rule 3 not applied yet), result, errors,
    /// and the route comparison of rule 4.
    fn operation(
        &mut self,
        service_id: &str,
        op_id: &str,
        versions: &Versions<(&ServiceInfo, &OperationInfo)>,
    ) -> (OperationInfo, Vec<Member>) {
        let location = format!("operation {service_id}.{op_id}");
        let newest = versions[0].1.1;
        let owner_releases: Vec<usize> = versions.iter().map(|(r, _)| *r).collect();
        let lists: Versions<&[FieldInfo]> = versions
            .iter()
            .map(|(r, (_, op))| (*r, op.params.as_slice()))
            .collect();
        let params = self.members(&location, "param", &owner_releases, &lists);

        let mut output = newest.output.clone();
        let bases: BTreeSet<String> = versions
            .iter()
            .map(|(_, (_, op))| describe(without_optional(&op.output.ty)))
            .collect();
        if bases.len() > 1 {
            let definitions = self.definitions(
                versions
                    .iter()
                    .map(|(r, (_, op))| (*r, describe(&op.output.ty))),
            );
            self.report.conflict(
                ConflictKind::OutputType,
                format!("{location} result"),
                self.newest_wins(Some(versions[0].0)),
                definitions,
            );
        } else if optional_inner(&output.ty).is_none()
            && versions
                .iter()
                .any(|(_, (_, op))| optional_inner(&op.output.ty).is_some())
        {
            output.ty = make_optional(output.ty);
            self.report
                .optional_declared
                .push(format!("{location} result"));
        }

        self.compare_routes(service_id, op_id, versions);

        let errors = Gathered::new(versions.iter().map(|(r, (_, op))| {
            let list: Vec<(&String, &ErrorInfo)> =
                op.errors.iter().map(|e| (&e.structure_id, e)).collect();
            (*r, list)
        }));
        let errors = errors
            .iter()
            .map(|(_, error_versions)| error_versions[0].1.clone())
            .collect();
        let info = OperationInfo {
            name: newest.name.clone(),
            params: Vec::new(),
            output,
            errors,
            metadata: newest.metadata.clone(),
            documentation: newest.documentation.clone(),
            lifecycle: newest.lifecycle,
            releases: self.present(versions),
        };
        (info, params)
    }

    /// Rule 4 for routes: each release's `/api` and `/rest` routes, as the
    /// parameters every release has bind them, must agree.
    fn compare_routes(
        &mut self,
        service_id: &str,
        op_id: &str,
        versions: &Versions<(&ServiceInfo, &OperationInfo)>,
    ) {
        let common: BTreeSet<&str> = versions[0]
            .1
            .1
            .params
            .iter()
            .map(|p| p.name.as_str())
            .filter(|name| {
                versions
                    .iter()
                    .all(|(_, (_, op))| op.params.iter().any(|p| p.name == *name))
            })
            .collect();
        let texts: Vec<(usize, String)> = versions
            .iter()
            .map(|(r, (service, op))| {
                let sync_metadata = op_id
                    .strip_suffix(crate::names::TASK_SUFFIX)
                    .and_then(|sync| service.operations.get(sync))
                    .map(|sync| &sync.metadata);
                let routes = rest::routes(&rest::OperationRef {
                    service_id,
                    operation_id: op_id,
                    metadata: &op.metadata,
                    params: &op.params,
                    sync_metadata,
                });
                let text = format!(
                    "/api: {}; /rest: {}",
                    route_text(&routes.api, &common),
                    route_text(&routes.rest, &common)
                );
                (*r, text)
            })
            .collect();
        let distinct: BTreeSet<&String> = texts.iter().map(|(_, t)| t).collect();
        if distinct.len() > 1 {
            let definitions = self.definitions(texts.into_iter());
            self.report.conflict(
                ConflictKind::Route,
                format!("operation {service_id}.{op_id}"),
                self.newest_wins(Some(versions[0].0)),
                definitions,
            );
        }
    }

    /// Rule 3 for an operation's parameters: optional unless the union's
    /// route binds the parameter to a path variable, or making it optional
    /// would change a route.
    fn optional_params(
        &mut self,
        service_id: &str,
        op_id: &str,
        info: &OperationInfo,
        params: Vec<Member>,
        sync_metadata: Option<&Metadata>,
    ) -> Vec<FieldInfo> {
        let location = format!("operation {service_id}.{op_id}");
        let routes_of = |params: &[FieldInfo]| {
            rest::routes(&rest::OperationRef {
                service_id,
                operation_id: op_id,
                metadata: &info.metadata,
                params,
                sync_metadata,
            })
        };
        let plain: Vec<FieldInfo> = params.iter().map(|m| m.info.clone()).collect();
        let before = routes_of(&plain);
        let in_path = |name: &str| {
            [&before.api, &before.rest].into_iter().any(|route| {
                route.as_ref().is_ok_and(|route| {
                    route
                        .params
                        .iter()
                        .any(|b| b.param == name && matches!(b.location, ParamLocation::Path(_)))
                })
            })
        };
        let mut kept = Vec::new();
        let mut wrapped: Vec<Member> = Vec::with_capacity(params.len());
        for mut member in params {
            if member.optional_by.is_some() && in_path(&member.info.name) {
                kept.push((
                    member.info.name.clone(),
                    "it is a path variable of the route",
                ));
                member.optional_by = None;
            }
            wrapped.push(member);
        }
        let candidate: Vec<FieldInfo> = wrapped
            .iter()
            .map(|m| match m.optional_by {
                Some(_) => FieldInfo {
                    ty: make_optional(m.info.ty.clone()),
                    ..m.info.clone()
                },
                None => m.info.clone(),
            })
            .collect();
        let result = if routes_of(&candidate) == before {
            wrapped
                .into_iter()
                .map(|member| self.apply_optional(&location, "param", member))
                .collect()
        } else {
            for member in wrapped.iter().filter(|m| m.optional_by.is_some()) {
                kept.push((
                    member.info.name.clone(),
                    "an optional parameter would change the route",
                ));
            }
            plain
        };
        for (name, why) in kept {
            let definitions = vec![Definition {
                releases: Vec::new(),
                text: format!("optional by rule 3, but {why}"),
            }];
            self.report.conflict(
                ConflictKind::KeptRequired,
                format!("{location} param {name}"),
                "kept required as the newest declaration has it".to_owned(),
                definitions,
            );
        }
        result
    }
}

/// One protocol's route for the report, with the bindings of `shown`
/// parameters: `POST /api/x?action=y [a=path:a, b=body]`, or why there is
/// none.
fn route_text(route: &Result<Route, String>, shown: &BTreeSet<&str>) -> String {
    let route = match route {
        Ok(route) => route,
        Err(reason) => return format!("none ({reason})"),
    };
    let method = match route.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Delete => "DELETE",
    };
    let mut text = format!("{method} {}", route.path);
    for (index, (key, value)) in route.query.iter().enumerate() {
        text.push(if index == 0 { '?' } else { '&' });
        text.push_str(key);
        if !value.is_empty() {
            text.push('=');
            text.push_str(value);
        }
    }
    let bindings: Vec<String> = route
        .params
        .iter()
        .filter(|b| shown.contains(b.param.as_str()))
        .map(|b| {
            let location = match &b.location {
                ParamLocation::Path(n) => format!("path:{n}"),
                ParamLocation::Query(n) => format!("query:{n}"),
                ParamLocation::Body => "body".to_owned(),
                ParamLocation::BodyField(n) => format!("field:{n}"),
                ParamLocation::Header(n) => format!("header:{n}"),
            };
            format!("{}={location}", b.param)
        })
        .collect();
    if !bindings.is_empty() {
        text.push_str(&format!(" [{}]", bindings.join(", ")));
    }
    text
}
