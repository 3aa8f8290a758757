//! Operations whose request, as VMware's OpenAPI of vCenter 7.0.3 describes
//! it, differs from what the generated client sends. Each test asserts the
//! OpenAPI form; while the generator (or the runtime's parameter model)
//! disagrees, the test fails and says how.

mod support_mock;

use serde_json::json;
use support_mock::{answering_json, client_for, describe, header, single_request};
use vsphere_vapi::Protocol;
use vsphere_vapi::esx::hosts::Software;
use vsphere_vapi::esx::hosts::software::{ConnectionSpec, connection_spec};
use vsphere_vapi::vcenter::authentication::{Token, token};

/// `esx.json: GET /api/esx/software` takes the connection spec's fields as
/// query parameters `auth_type` (required), `host_credential`, `host`; a GET
/// carries no body. The generated operation binds `spec` as the whole body
/// (`ParamLocation::Body` on a GET route), following the 9.1.1 bindings'
/// `request_body_parameter='spec'`.
#[tokio::test]
async fn esx_hosts_software_get_sends_the_connection_spec_as_query() {
    let server = answering_json(
        200,
        json!({"notifications": {}, "software_info": {"components": []}}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    let spec = ConnectionSpec {
        auth_type: connection_spec::AuthenticationType::Existing,
        host_credential: None,
        host: Some("host-10".to_owned()),
    };
    // Only the request matters here; the answer may not decode.
    let _ = Software::new(&client).get(&spec).await;
    let request = single_request(&server).await;
    let seen = describe(&request);
    assert_eq!(request.method.as_str(), "GET", "{seen}");
    assert_eq!(request.url.path(), "/api/esx/software", "{seen}");
    assert!(
        request.body.is_empty(),
        "{seen} must not carry a body, got {}",
        String::from_utf8_lossy(&request.body)
    );
    assert_eq!(
        support_mock::query_params(&request),
        [
            ("auth_type".to_owned(), vec!["EXISTING".to_owned()]),
            ("host".to_owned(), vec!["host-10".to_owned()]),
        ]
        .into(),
        "query of {seen}"
    );
}

/// `vcenter.json: POST /api/vcenter/authentication/token` consumes
/// `application/x-www-form-urlencoded` with form fields `grant_type`,
/// `subject_token`, ... (the OAuth 2.0 token exchange of RFC 8693). The
/// generated operation sends `spec` as a JSON body; the runtime's parameter
/// model has no form encoding.
#[tokio::test]
async fn authentication_token_issue_is_form_encoded() {
    let server = answering_json(
        200,
        json!({"access_token": "eyJ.x.y", "token_type": "Bearer", "expires_in": 600}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    let spec = token::IssueSpec {
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange".to_owned(),
        resource: None,
        audience: None,
        scope: None,
        requested_token_type: Some("urn:ietf:params:oauth:token-type:saml2".to_owned()),
        subject_token: Some("eyJhbGciOi.subject".to_owned()),
        subject_token_type: Some("urn:ietf:params:oauth:token-type:access_token".to_owned()),
        actor_token: None,
        actor_token_type: None,
    };
    let _ = Token::new(&client).issue(&spec).await;
    let request = single_request(&server).await;
    let seen = describe(&request);
    assert_eq!(request.method.as_str(), "POST", "{seen}");
    assert_eq!(request.url.path(), "/api/vcenter/authentication/token", "{seen}");
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded"),
        "Content-Type of {seen}"
    );
    let form: std::collections::BTreeMap<String, String> =
        wiremock::http::Url::parse(&format!(
            "http://form/?{}",
            String::from_utf8_lossy(&request.body)
        ))
        .expect("form body parses as a query")
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(
        form,
        [
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("requested_token_type", "urn:ietf:params:oauth:token-type:saml2"),
            ("subject_token", "eyJhbGciOi.subject"),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        "form of {seen}"
    );
}
