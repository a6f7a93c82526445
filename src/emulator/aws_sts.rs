//! Where AWS credentials come from, as the emulator plays it: STS `AssumeRole` (SigV4,
//! service `sts`, with the emulator's own or issued keys) and `AssumeRoleWithWebIdentity`
//! (unsigned), the IAM Identity Center portal's `GetRoleCredentials`, the instance
//! metadata service (IMDSv2: a token first, v1 requests refused) and the container
//! credentials endpoint. Each issues short-lived keys ([`super::issued`], lifetime
//! `--credential-ttl`) that the Lambda and CloudWatch Logs routes then take.
//!
//! Test hooks: a role ARN holding `denied` may not be assumed (`AccessDenied`); a web
//! identity token `bad` is refused (`InvalidIdentityToken`); an SSO access token is
//! taken when it starts with `sso-`; the container endpoint takes the emulator's token
//! (`--token`) as `Authorization`.

use serde_json::json;
use time::OffsetDateTime;

use super::{Reply, State};
use crate::http::{parse_query, HttpRequest, HttpResponse};

/// The role the instance metadata service hands out.
const IMDS_ROLE: &str = "emulator-instance-role";

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/") => sts(st, req, now),
        ("GET", "/federation/credentials") => Some(sso(st, req, now)),
        ("PUT", "/latest/api/token") => Some(imds_token(st, req, now)),
        ("GET", p) if p.starts_with("/latest/meta-data/") => Some(imds(st, req, now)),
        ("GET", p) if p.starts_with("/v2/credentials/") => Some(container(st, req, now)),
        _ => None,
    }
}

fn xml(status: u16, st: &State, body: String) -> Reply {
    HttpResponse {
        status,
        headers: vec![
            ("Content-Type".into(), "text/xml".into()),
            ("x-amzn-RequestId".into(), st.new_id()),
        ],
        body: body.into_bytes(),
    }
    .into()
}

fn sts_error(st: &State, status: u16, code: &str, message: &str) -> Reply {
    st.count(&format!("aws.sts.refused.{code}"));
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    xml(
        status,
        st,
        format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            st.new_id()
        ),
    )
}

/// STS's query API: `Action=…&Version=2011-06-15` in a form body (Alibaba's STS, which
/// also answers on `/`, is another version and not answered here).
fn sts(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    let form = parse_query(std::str::from_utf8(&req.body).ok()?);
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("Version") != Some("2011-06-15") {
        return None;
    }
    let role = get("RoleArn").unwrap_or("");
    let session = get("RoleSessionName").unwrap_or("");
    if role.is_empty() || session.is_empty() {
        return Some(sts_error(
            st,
            400,
            "ValidationError",
            "RoleArn and RoleSessionName are required",
        ));
    }
    let action = get("Action").unwrap_or("");
    match action {
        "AssumeRole" => {
            if let Err(reply) = signed_for_sts(st, req, now) {
                return Some(reply);
            }
            if role.contains("denied") {
                return Some(sts_error(st, 403, "AccessDenied", &format!(
                    "User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole on resource: {role}"
                )));
            }
        }
        "AssumeRoleWithWebIdentity" => match get("WebIdentityToken") {
            None | Some("") | Some("bad") => {
                return Some(sts_error(st, 400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"))
            }
            Some(_) => {}
        },
        other => {
            return Some(sts_error(st, 400, "InvalidAction", &format!("Could not find operation {other} for version 2011-06-15")))
        }
    }
    let source = if action == "AssumeRole" {
        "aws.sts.assume_role"
    } else {
        "aws.sts.web_identity"
    };
    let k = st.issue_keys(source, "ASIA", now);
    Some(xml(
        200,
        st,
        format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <{action}Result>\n    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      <Arn>{role}/{session}</Arn>\n      <AssumedRoleId>AROAEMULATOR:{session}</AssumedRoleId>\n    </AssumedRoleUser>\n  </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
            k.id, k.secret, k.token, k.expiration(), st.new_id()
        ),
    ))
}

/// The SigV4 check of an `AssumeRole`, answered in STS's XML shape.
fn signed_for_sts(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Result<(), Reply> {
    let signer = crate::signing::sigv4::verify(req, |ak| st.secret_of(ak), now)
        .map_err(|e| sts_error(st, 403, "SignatureDoesNotMatch", &e.to_string()))?;
    if signer.service != "sts" {
        return Err(sts_error(
            st,
            403,
            "SignatureDoesNotMatch",
            "Credential should be scoped to correct service: 'sts'.",
        ));
    }
    st.check_session(
        &signer.access_key_id,
        req.header("X-Amz-Security-Token"),
        now,
    )
    .map_err(|_| {
        sts_error(
            st,
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        )
    })
}

fn sso(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    let token = req.header("x-amz-sso_bearer_token").unwrap_or("");
    let q = |k: &str| super::query(req, k).unwrap_or("").to_string();
    if !token.starts_with("sso-") {
        st.count("aws.sso.refused");
        return json_reply(
            401,
            &json!({"message": "Session token not found or invalid"}),
            &[("x-amzn-ErrorType", "UnauthorizedException")],
        );
    }
    if q("account_id").is_empty() || q("role_name").is_empty() {
        return json_reply(
            400,
            &json!({"message": "account_id and role_name are required"}),
            &[("x-amzn-ErrorType", "InvalidRequestException")],
        );
    }
    let k = st.issue_keys("aws.sso", "ASIA", now);
    json_reply(
        200,
        &json!({"roleCredentials": {"accessKeyId": k.id, "secretAccessKey": k.secret,
            "sessionToken": k.token, "expiration": k.expires_at * 1000}}),
        &[],
    )
}

fn json_reply(status: u16, body: &serde_json::Value, headers: &[(&str, &str)]) -> Reply {
    let mut r = super::json_response(status, body);
    for (k, v) in headers {
        r.headers.push((k.to_string(), v.to_string()));
    }
    r.into()
}

fn text(status: u16, body: &str) -> Reply {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.as_bytes().to_vec(),
    }
    .into()
}

/// `PUT /latest/api/token`: an IMDSv2 session token for the TTL asked (1 to 21600 s).
fn imds_token(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    let ttl = req
        .header("x-aws-ec2-metadata-token-ttl-seconds")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| (1..=21_600).contains(t));
    let Some(ttl) = ttl else {
        return text(400, "");
    };
    st.count("aws.imds.token");
    let token = format!("imds-{}", crate::credentials::random_hex());
    st.issue(&token, now.unix_timestamp() + ttl);
    text(200, &token)
}

/// The metadata tree, IMDSv2 only: a request without a valid token gets 401.
fn imds(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    let valid = req
        .header("x-aws-ec2-metadata-token")
        .is_some_and(|t| st.token_valid(t, now));
    if !valid {
        st.count("aws.imds.refused");
        return text(401, "");
    }
    const ROLES: &str = "/latest/meta-data/iam/security-credentials/";
    match req.path.strip_prefix(ROLES) {
        Some("") => text(200, IMDS_ROLE),
        Some(role) if role == IMDS_ROLE => {
            let k = st.issue_keys("aws.imds", "ASIA", now);
            json_reply(
                200,
                &json!({"Code": "Success", "LastUpdated": k.expiration(), "Type": "AWS-HMAC",
                    "AccessKeyId": k.id, "SecretAccessKey": k.secret, "Token": k.token,
                    "Expiration": k.expiration()}),
                &[],
            )
        }
        _ if req.path == "/latest/meta-data/placement/region" => text(200, "us-east-1"),
        _ => text(404, ""),
    }
}

/// The container credentials endpoint: the emulator's token as `Authorization`.
fn container(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    if req.header("Authorization") != Some(st.creds.token.as_str()) {
        st.count("aws.container.refused");
        return json_reply(401, &json!({"message": "invalid authorization token"}), &[]);
    }
    let k = st.issue_keys("aws.container", "ASIA", now);
    json_reply(
        200,
        &json!({"AccessKeyId": k.id, "SecretAccessKey": k.secret, "Token": k.token,
            "Expiration": k.expiration(), "RoleArn": "arn:aws:iam::123456789012:role/emulator-task"}),
        &[],
    )
}
