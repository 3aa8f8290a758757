//! The server's vSphere API release, and refusing operations it lacks.
//!
//! The generated crate covers several releases (8.0 U3 to 9.1, say); each
//! operation's [`OperationSpec::releases`] lists those that have it. A call
//! of an operation the server's release lacks would fail on the server
//! anyway ("404" or "Cannot find service"); the client refuses it first,
//! with an error naming the operation, the releases that have it and the
//! server's release ([`Error::NotInRelease`]).
//!
//! # How the release is learned
//!
//! Once per client, when the first call of an operation that some release
//! lacks needs it (operations every release has never ask), or when
//! [`Client::server_release`] or [`Client::supports`] is called:
//!
//! 1. **`hello`** (`POST /api/vcenter/system?action=hello`,
//!    `com.vmware.vcenter.system`, vSphere 8.0.2 and later): the client
//!    sends the releases it knows, newest first, and the server answers
//!    with the first one it supports. This is the API's own release
//!    negotiation, answers in the same release identifiers the crate uses
//!    (`8.0.3.0`), needs no privileges beyond a session, and names exactly
//!    the newest of the crate's releases the server implements — which is
//!    what deciding an operation needs. A server newer than every known
//!    release answers with the newest one.
//! 2. **The appliance version** (`GET /api/appliance/system/version`, or
//!    its `/rest` route): for servers without `hello` (before 8.0.2) or
//!    that share none of the crate's releases. Its `version`
//!    (`7.0.3.01000`) is a product version, compared with the releases by
//!    its numbers.
//! 3. **Neither**: servers that cannot say (govmomi's vcSim simulator
//!    implements neither) have an unknown release, and every call is tried
//!    as before.
//!
//! An answer that says a service does not exist or cannot be used (a 4xx
//! such as 404, 403 or 400, a 501, `NOT_FOUND`, `OPERATION_NOT_FOUND`)
//! moves to the next step and is kept; a failure that may pass (transport
//! errors, 401 before login, 408, 429, 5xx) is not kept: the call is tried,
//! and the next one asks again.
//!
//! # Deciding
//!
//! The server's release `S` is matched to the newest known release at or
//! below it (by numbers): the operation is supported when that release has
//! it. A server older than every known release is judged by the oldest one,
//! but only to refuse what came later: an operation the oldest release has
//! is tried. An operation every known release has, or a crate that knows no
//! releases, is never refused.

use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::spec::{
    HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation, Releases,
};

/// How the client learned the server's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseSource {
    /// The `hello` negotiation (vSphere 8.0.2 and later).
    Hello,
    /// The appliance version (`com.vmware.appliance.system.version`).
    ApplianceVersion,
}

/// The server's vSphere API release, as far as the client knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerRelease {
    /// The release: the identifier `hello` agreed on (`8.0.3.0`), or the
    /// appliance's version (`7.0.3.01000`).
    pub release: String,
    /// Where it comes from.
    pub source: ReleaseSource,
}

/// `com.vmware.vcenter.system.hello`. Only `/api`: the service came with
/// 8.0.2, whose servers all have `/api`.
pub(crate) static HELLO: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.system",
    operation_id: "hello",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/system",
        query: &[("action", "hello")],
        params: &[ParamBinding {
            param: "spec",
            location: ParamLocation::Body,
        }],
    }),
    rest: None,
    releases: Releases::UNKNOWN,
    // A negotiation changes nothing on the server, so a repeat is harmless.
    idempotency: Idempotency::Safe,
};

/// `com.vmware.appliance.system.version.get`.
pub(crate) static APPLIANCE_VERSION: OperationSpec = OperationSpec {
    service_id: "com.vmware.appliance.system.version",
    operation_id: "get",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/appliance/system/version",
        query: &[],
        params: &[],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/appliance/system/version",
        query: &[],
        params: &[],
    }),
    releases: Releases::UNKNOWN,
    idempotency: Idempotency::Safe,
};

/// The numbers of a release or version (`7.0.3.01000` → `[7, 0, 3, 1000]`);
/// `None` when a part is not a number.
pub(crate) fn numbers(release: &str) -> Option<Vec<u64>> {
    release
        .trim()
        .split('.')
        .map(|part| part.parse::<u64>().ok())
        .collect()
}

/// Whether release `candidate` is at or below the release numbered
/// `server` (see [`numbers`]); `None` when `candidate` is not numbers. The
/// one comparison of releases: deciding an operation's presence here and
/// the mock's release negotiation both use it.
pub(crate) fn at_or_below(candidate: &str, server: &[u64]) -> Option<bool> {
    numbers(candidate).map(|key| key.as_slice() <= server)
}

/// Whether a server of release `server` has an operation of `releases`
/// (see the module docs); `None` when it cannot be decided (no releases
/// known, or a release that is not numbers).
pub(crate) fn has_operation(releases: &Releases, server: &str) -> Option<bool> {
    if releases.known.is_empty() {
        return None;
    }
    let server = numbers(server)?;
    let mut floor = None;
    for known in releases.known {
        match at_or_below(known, &server) {
            Some(true) => floor = Some(*known),
            Some(false) => {}
            None => return None,
        }
    }
    match floor {
        Some(floor) => Some(releases.present.contains(&floor)),
        // Older than every known release: what the oldest lacks came later.
        None => Some(releases.present.contains(&releases.known[0])),
    }
}

/// Outcome of one way of asking.
enum Answer {
    Known(ServerRelease),
    /// The server does not offer this way, or offers nothing usable.
    Unavailable,
}

/// Whether a failed probe says the service is not there, or not usable by
/// this client, as opposed to a failure that may pass: a client error
/// (4xx) other than a missing or expired session (401, 407), a timeout
/// (408) or throttling (429); a server without the operation (501); an
/// answer that is not what the service returns; a protocol without a
/// route for it.
fn lasting(error: &Error) -> bool {
    match error {
        Error::InvalidRequest { .. } | Error::Decode { .. } => true,
        Error::Api { error, .. } => {
            let status = error.status();
            ((400..500).contains(&status) && !matches!(status, 401 | 407 | 408 | 429))
                || status == 501
                || matches!(
                    error.error_type(),
                    Some("NOT_FOUND" | "OPERATION_NOT_FOUND" | "UNSUPPORTED")
                )
        }
        _ => false,
    }
}

impl Client {
    /// The server's vSphere API release, learned once per client (see
    /// [the module docs](crate::release)); `known` are the releases the
    /// generated crate covers (`vsphere_vapi::RELEASES`, or any operation's
    /// [`Releases::known`]), which `hello` offers the server. `Ok(None)`
    /// when the server cannot report a release (vcSim). Failures that may
    /// pass (the network, a call before login that the server refuses) are
    /// returned and not kept, so a later call asks again.
    ///
    /// The first call that learns the release decides the list offered;
    /// later calls get the same answer whatever list they pass.
    pub async fn server_release(
        &self,
        known: &'static [&'static str],
    ) -> Result<Option<ServerRelease>> {
        self.release_cell()
            .get_or_try_init(|| self.learn_release(known))
            .await
            .cloned()
    }

    /// Whether the server has the operation of `spec`, as a call decides it
    /// before sending anything: `false` when the server's release lacks it,
    /// `true` when it has it, when every release has it and when the
    /// server's release cannot be learned (the call is then tried).
    /// Fails only when learning the release failed in a way that may pass.
    pub async fn supports(&self, spec: &OperationSpec) -> Result<bool> {
        if spec.releases.in_every_known() {
            return Ok(true);
        }
        Ok(match self.server_release(spec.releases.known).await? {
            Some(server) => has_operation(&spec.releases, &server.release).unwrap_or(true),
            None => true,
        })
    }

    /// The error refusing a call of `spec`, when the server's release lacks
    /// it. Failures to learn the release do not refuse the call.
    pub(crate) async fn refusal(&self, spec: &'static OperationSpec) -> Option<Error> {
        if spec.releases.in_every_known() {
            return None;
        }
        let server = match self.server_release(spec.releases.known).await {
            Ok(Some(server)) => server,
            Ok(None) => return None,
            Err(error) => {
                tracing::debug!(%error, "the server's release is unknown for now; trying the call");
                return None;
            }
        };
        match has_operation(&spec.releases, &server.release) {
            Some(false) => Some(Error::NotInRelease {
                service: spec.service_id,
                operation: spec.operation_id,
                releases: spec.releases.present,
                server_release: server.release,
            }),
            _ => None,
        }
    }

    async fn learn_release(&self, known: &'static [&'static str]) -> Result<Option<ServerRelease>> {
        if !known.is_empty() {
            if let Answer::Known(release) = self.hello(known).await? {
                return Ok(Some(release));
            }
        }
        Ok(match self.appliance_version().await? {
            Answer::Known(release) => Some(release),
            Answer::Unavailable => {
                tracing::debug!("the server reports no API release; calls are tried");
                None
            }
        })
    }

    async fn hello(&self, known: &'static [&'static str]) -> Result<Answer> {
        let offered: Vec<&str> = known.iter().rev().copied().collect();
        let spec = serde_json::json!({ "api_releases": offered });
        let answer = self
            .operation(&HELLO)
            .param("spec", &spec)
            .send_unrefused::<Value>()
            .await;
        match answer {
            Ok(value) => {
                let release = value
                    .get("api_release")
                    .and_then(Value::as_str)
                    .filter(|release| !release.is_empty());
                Ok(match release {
                    Some(release) => Answer::Known(ServerRelease {
                        release: release.to_owned(),
                        source: ReleaseSource::Hello,
                    }),
                    // No common release: the server is older than all of them.
                    None => Answer::Unavailable,
                })
            }
            Err(error) if lasting(&error) => Ok(Answer::Unavailable),
            Err(error) => Err(error),
        }
    }

    async fn appliance_version(&self) -> Result<Answer> {
        let answer = self
            .operation(&APPLIANCE_VERSION)
            .send_unrefused::<Value>()
            .await;
        match answer {
            Ok(value) => Ok(match value.get("version").and_then(Value::as_str) {
                Some(version) if numbers(version).is_some() => Answer::Known(ServerRelease {
                    release: version.to_owned(),
                    source: ReleaseSource::ApplianceVersion,
                }),
                _ => Answer::Unavailable,
            }),
            Err(error) if lasting(&error) => Ok(Answer::Unavailable),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["8.0.3.0", "9.0.0.0", "9.1.0.0", "9.1.1.0"];

    fn releases(present: &'static [&'static str]) -> Releases {
        Releases {
            known: KNOWN,
            present,
        }
    }

    #[test]
    fn the_newest_known_release_at_or_below_the_server_decides() {
        let only_91 = releases(&["9.1.0.0", "9.1.1.0"]);
        assert_eq!(has_operation(&only_91, "8.0.3.0"), Some(false));
        assert_eq!(has_operation(&only_91, "8.0.3.00300"), Some(false));
        assert_eq!(has_operation(&only_91, "9.0.0.0"), Some(false));
        assert_eq!(has_operation(&only_91, "9.1.0.0"), Some(true));
        assert_eq!(has_operation(&only_91, "9.2.0.0"), Some(true));
        let only_80 = releases(&["8.0.3.0"]);
        assert_eq!(has_operation(&only_80, "8.0.3.0"), Some(true));
        assert_eq!(has_operation(&only_80, "9.0.0.0"), Some(false));
        assert_eq!(has_operation(&only_80, "10.0.0.0"), Some(false));
        // A gap: dropped in 9.0, back in 9.1.
        let gap = releases(&["8.0.3.0", "9.1.0.0", "9.1.1.0"]);
        assert_eq!(has_operation(&gap, "9.0.0.0"), Some(false));
        assert_eq!(has_operation(&gap, "9.1.1.0"), Some(true));
    }

    #[test]
    fn older_servers_are_refused_only_what_came_later() {
        assert_eq!(
            has_operation(&releases(&["9.1.0.0", "9.1.1.0"]), "7.0.3.01000"),
            Some(false)
        );
        assert_eq!(
            has_operation(&releases(&["8.0.3.0"]), "7.0.3.01000"),
            Some(true)
        );
        assert_eq!(has_operation(&releases(KNOWN), "6.7.0"), Some(true));
    }

    #[test]
    fn nothing_known_decides_nothing() {
        assert_eq!(has_operation(&Releases::UNKNOWN, "8.0.3.0"), None);
        assert_eq!(has_operation(&releases(&["9.1.1.0"]), "eight"), None);
        assert!(Releases::UNKNOWN.in_every_known());
        assert!(releases(KNOWN).in_every_known());
        assert!(!releases(&["9.1.1.0"]).in_every_known());
    }
}
