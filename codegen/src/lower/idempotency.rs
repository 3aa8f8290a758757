//! Which operations may be sent again when the effect of an attempt is
//! unknown (the connection was reset, the server answered 503 or 429).
//!
//! The metamodel has no idempotency flag; two facts in it are reliable:
//!
//! * an operation whose route is a `GET` only reads. Its `/api` route says
//!   so even where the legacy `/rest` protocol sends the same operation as a
//!   `POST …?~action=get`, so the operation, not the route, is marked;
//! * an operation taking an optional string parameter `client_token` lets
//!   the server recognise a repeated request: its documentation promises
//!   idempotent creation when the token is given (content library and
//!   namespace creates). It is idempotent only for calls that pass one.
//!
//! Everything else (creates, actions, updates, deletes: a repeated `DELETE`
//! answers `NOT_FOUND` for work that succeeded) is not.

use crate::ir::{Builtin, Field, HttpMethod, Idempotency, Route, TypeRef};

/// The wire name of the client token parameter.
pub(crate) const CLIENT_TOKEN: &str = "client_token";

/// Decides the idempotency of an operation from its parameters and routes.
pub(crate) fn decide(params: &[Field], api: Option<&Route>, rest: Option<&Route>) -> Idempotency {
    let takes_token = params.iter().any(|param| {
        param.name == CLIENT_TOKEN
            && param.ty == TypeRef::Optional(Box::new(TypeRef::Builtin(Builtin::String)))
    });
    if takes_token {
        return Idempotency::WithToken(CLIENT_TOKEN.to_owned());
    }
    // The `/api` route is the operation's own REST mapping; `/rest` routes
    // of reads are often `POST`s, so it decides only when there is no
    // `/api` route.
    match api.or(rest) {
        Some(route) if route.method == HttpMethod::Get => Idempotency::Safe,
        _ => Idempotency::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Doc, RouteSource};

    fn route(method: HttpMethod) -> Route {
        Route {
            method,
            path: "/api/x".to_owned(),
            query: Vec::new(),
            params: Vec::new(),
            source: RouteSource::Verb,
        }
    }

    fn param(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.to_owned(),
            rust_name: name.to_owned(),
            ty,
            doc: Doc::default(),
            lifecycle: Default::default(),
            resource_types: Vec::new(),
            union_case: None,
            zero_if_missing: false,
            releases: Default::default(),
        }
    }

    #[test]
    fn reads_are_safe_by_their_api_route() {
        let get = route(HttpMethod::Get);
        let post = route(HttpMethod::Post);
        assert_eq!(decide(&[], Some(&get), Some(&post)), Idempotency::Safe);
        assert_eq!(decide(&[], None, Some(&get)), Idempotency::Safe);
        assert_eq!(decide(&[], Some(&post), Some(&get)), Idempotency::None);
        for method in [HttpMethod::Put, HttpMethod::Patch, HttpMethod::Delete] {
            assert_eq!(decide(&[], Some(&route(method)), None), Idempotency::None);
        }
        assert_eq!(decide(&[], None, None), Idempotency::None);
    }

    #[test]
    fn an_optional_client_token_makes_a_create_repeatable() {
        let token = param(
            CLIENT_TOKEN,
            TypeRef::Optional(Box::new(TypeRef::Builtin(Builtin::String))),
        );
        let post = route(HttpMethod::Post);
        assert_eq!(
            decide(std::slice::from_ref(&token), Some(&post), None),
            Idempotency::WithToken(CLIENT_TOKEN.to_owned())
        );
        // Only the optional string of that name is the documented token.
        let other = param(CLIENT_TOKEN, TypeRef::Builtin(Builtin::Long));
        assert_eq!(decide(&[other], Some(&post), None), Idempotency::None);
        let renamed = param(
            "token",
            TypeRef::Optional(Box::new(TypeRef::Builtin(Builtin::String))),
        );
        assert_eq!(decide(&[renamed], Some(&post), None), Idempotency::None);
    }
}
