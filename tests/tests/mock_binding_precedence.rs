//! Operations whose request differs between VMware's OpenAPI of vCenter 7.0.3
//! and the 9.1.1 bindings the client is generated from. The client follows
//! 9.1.1, as VMware's own 9.1.1 Python client does (its request serializer,
//! `vmware/vapi/data/serializers/rest.py`, sends the `request_body_parameter`
//! as a JSON body whatever the method, and uses JSON unless the operation's
//! REST metadata names another `content_type`, which these two don't). Each
//! test pins the 9.1.1 wire form and names the 7.0.3 difference, so a change
//! of either side shows up here.

mod support_mock;

use serde_json::json;
use support_mock::{answering_json, client_for, describe, header, query_params, single_request};
use vsphere_vapi::Protocol;
use vsphere_vapi::esx::hosts::Software;
use vsphere_vapi::esx::hosts::software::{ConnectionSpec, ConnectionSpecAuthType};
use vsphere_vapi::vcenter::authentication::{Token, token};

/// 9.1.1 bindings (`com/vmware/esx/hosts_client.py`, `_SoftwareStub`):
/// `GET /esx/software` with `request_body_parameter='spec'`, so the
/// connection spec travels as the JSON body. The 7.0.3 OpenAPI
/// (`esx.json: GET /api/esx/software`) had its fields as query parameters.
#[tokio::test]
async fn esx_hosts_software_get_sends_the_connection_spec_as_body() {
    let server = answering_json(
        200,
        json!({"notifications": {}, "software_info": {"components": []}}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    let spec = ConnectionSpec {
        auth_type: ConnectionSpecAuthType::Existing {
            host: Some("host-10".to_owned()),
        },
    };
    // Only the request matters here; the answer may not decode.
    let _ = Software::new(&client).get(&spec).await;
    let request = single_request(&server).await;
    let seen = describe(&request);
    assert_eq!(request.method.as_str(), "GET", "{seen}");
    assert_eq!(request.url.path(), "/api/esx/software", "{seen}");
    assert!(query_params(&request).is_empty(), "query of {seen}");
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({"auth_type": "EXISTING", "host": "host-10"}),
        "{seen}"
    );
}

/// 9.1.1 bindings (`com/vmware/vcenter/authentication_client.py`,
/// `_TokenStub`): `POST /vcenter/authentication/token` with
/// `request_body_parameter='spec'` and no `content_type`, so the issue spec
/// is a JSON body. The 7.0.3 OpenAPI described the same operation as an
/// `application/x-www-form-urlencoded` form (RFC 8693 token exchange).
#[tokio::test]
async fn authentication_token_issue_sends_a_json_body() {
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
    assert_eq!(
        request.url.path(),
        "/api/vcenter/authentication/token",
        "{seen}"
    );
    assert_eq!(
        header(&request, "content-type"),
        Some("application/json"),
        "Content-Type of {seen}"
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("the body is JSON");
    assert_eq!(
        body,
        json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "requested_token_type": "urn:ietf:params:oauth:token-type:saml2",
            "subject_token": "eyJhbGciOi.subject",
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token"
        }),
        "{seen}"
    );
}
