use super::*;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2024-01-02 03:04:05 UTC);

fn http(status: u16, body: &str) -> Answer {
    Answer::Http(HttpResponse {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    })
}

fn sent(step: Step) -> HttpRequest {
    match step {
        Step::Send { request, .. } => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn done(step: Step) -> Fetched {
    match step {
        Step::Done(f) => f,
        other => panic!("expected credentials, got {other:?}"),
    }
}

fn keys(id: &str, token: Option<&str>) -> Keys {
    Keys {
        id: id.into(),
        secret: "testsecret".into(),
        token: token.map(str::to_string),
    }
}

const STS_OK: &str = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIATEMP</AccessKeyId><SecretAccessKey>tmp/secret</SecretAccessKey><SessionToken>tmp-token</SessionToken><Expiration>2024-01-02T04:04:05Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";

/// The STS requests botocore's own client serialized and signed
/// (`scripts/botocore_sts_vectors.py`), byte for byte.
#[test]
fn sts_requests_match_what_botocore_sends() {
    let table: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/sts-botocore.json")).unwrap();
    for case in table["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let region = case["region"].as_str().unwrap();
        let p = &case["params"];
        let text = |k: &str| p[k].as_str().map(str::to_string);
        let sts = Sts {
            endpoint: format!("https://sts.{region}.amazonaws.com"),
            region: region.into(),
        };
        let req = if case["operation"] == "AssumeRole" {
            let role = AssumeRole {
                source: given(
                    keys("AKIDTEST", case["session_token"].as_str()),
                    "test".into(),
                ),
                role_arn: text("RoleArn").unwrap(),
                session_name: text("RoleSessionName"),
                external_id: text("ExternalId"),
                duration_seconds: p["DurationSeconds"].as_u64().map(|d| d as u32),
                sts,
                profile: "p".into(),
            };
            sent(role.step(&[], T0).unwrap())
        } else {
            let wi = WebIdentity {
                token_file: "/t".into(),
                role_arn: text("RoleArn").unwrap(),
                session_name: text("RoleSessionName"),
                sts,
                origin: "test".into(),
            };
            let token = Answer::Read(Ok(text("WebIdentityToken").unwrap().into_bytes()));
            sent(wi.step(&[token], T0).unwrap())
        };
        assert_eq!(req.method, case["method"], "{name}");
        assert_eq!(
            req.url(),
            case["url"]
                .as_str()
                .unwrap()
                .trim_end_matches('/')
                .to_string()
                + "/",
            "{name}"
        );
        assert_eq!(
            String::from_utf8_lossy(&req.body),
            case["body"].as_str().unwrap(),
            "{name}"
        );
        for (k, v) in case["headers"].as_object().unwrap() {
            if k == "Content-Length" {
                assert_eq!(req.body.len().to_string(), v.as_str().unwrap(), "{name}");
                continue;
            }
            assert_eq!(req.header(k), v.as_str(), "{name}: {k}");
        }
        if case["signed"] == false {
            assert_eq!(req.header("Authorization"), None, "{name}: unsigned");
        }
    }
}

#[test]
fn assume_role_runs_its_source_first_and_reads_the_answer() {
    // the source is itself a role: two STS calls, the second signed with the first's keys
    let inner = AssumeRole {
        source: given(keys("AKIDBASE", None), "base".into()),
        role_arn: "arn:aws:iam::1:role/mid".into(),
        session_name: None,
        external_id: None,
        duration_seconds: None,
        sts: Sts {
            endpoint: "http://127.0.0.1:1".into(),
            region: "us-east-1".into(),
        },
        profile: "mid".into(),
    };
    let outer = AssumeRole {
        source: Arc::new(inner),
        role_arn: "arn:aws:iam::1:role/top".into(),
        session_name: Some("s".into()),
        external_id: None,
        duration_seconds: None,
        sts: Sts {
            endpoint: "http://127.0.0.1:1".into(),
            region: "us-east-1".into(),
        },
        profile: "top".into(),
    };
    let first = sent(outer.step(&[], T0).unwrap());
    assert!(String::from_utf8_lossy(&first.body).contains("role%2Fmid"));
    assert!(
        String::from_utf8_lossy(&first.body).contains("RoleSessionName=fcall-session-1704164645")
    );
    assert!(first
        .header("Authorization")
        .unwrap()
        .contains("Credential=AKIDBASE/"));
    let second = sent(outer.step(&[http(200, STS_OK)], T0).unwrap());
    assert!(String::from_utf8_lossy(&second.body).contains("role%2Ftop"));
    assert!(second
        .header("Authorization")
        .unwrap()
        .contains("Credential=ASIATEMP/"));
    assert_eq!(second.header("X-Amz-Security-Token"), Some("tmp-token"));
    let f = done(
        outer
            .step(&[http(200, STS_OK), http(200, STS_OK)], T0)
            .unwrap(),
    );
    assert_eq!(f.expires_at, Some(T0.unix_timestamp() + 3600));
    assert_eq!(f.credential.keys().unwrap().secret, "tmp/secret");
    // the cache key is stable (no clock in it) and differs by role
    assert_eq!(outer.cache_key(), outer.cache_key());
    assert!(
        outer.describe().contains("arn:aws:iam::1:role/top") && outer.describe().contains("mid")
    );
    let refused = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: u is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>";
    let e = outer.step(&[http(403, refused)], T0).err().unwrap();
    assert!(
        matches!(&e, Error::Auth(m) if m.contains("AccessDenied: User: u is not authorized")),
        "{e}"
    );
    assert!(!e.to_string().contains("testsecret"));
}

#[test]
fn sso_reads_the_cached_token_then_the_portal() {
    let sso = Sso {
        cache_file: "/home/u/.aws/sso/cache/x.json".into(),
        portal: "https://portal.sso.us-east-1.amazonaws.com".into(),
        account_id: "123456789012".into(),
        role_name: "Dev".into(),
        profile: "dev".into(),
    };
    assert!(matches!(sso.step(&[], T0).unwrap(), Step::Read { path } if path.ends_with("x.json")));
    let cached = Answer::Read(Ok(
        br#"{"accessToken":"sso-tok","expiresAt":"2024-01-02T05:00:00Z"}"#.to_vec(),
    ));
    let req = sent(sso.step(std::slice::from_ref(&cached), T0).unwrap());
    assert_eq!(req.url(), "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?account_id=123456789012&role_name=Dev");
    assert_eq!(req.header("x-amz-sso_bearer_token"), Some("sso-tok"));
    let answer = http(
        200,
        r#"{"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"s","sessionToken":"t","expiration":1704168245000}}"#,
    );
    let f = done(sso.step(&[cached.clone(), answer], T0).unwrap());
    assert_eq!(f.expires_at, Some(1_704_168_245));
    let e = sso
        .step(&[cached.clone(), http(401, "{}")], T0)
        .err()
        .unwrap();
    assert!(
        e.to_string().contains("run `aws sso login --profile dev`"),
        "{e}"
    );
    let expired = Answer::Read(Ok(
        br#"{"accessToken":"sso-tok","expiresAt":"2024-01-02T03:00:00Z"}"#.to_vec(),
    ));
    let e = sso.step(&[expired], T0).err().unwrap();
    assert!(e.to_string().contains("has expired"), "{e}");
    let e = sso
        .step(&[Answer::Read(Err("No such file".into()))], T0)
        .err()
        .unwrap();
    assert!(e.to_string().contains("no cached SSO token"), "{e}");
}

#[test]
fn credential_process_json_version_one() {
    let f = parse_process(br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"s","SessionToken":"t","Expiration":"2024-01-02T04:00:00Z"}"#, T0).unwrap();
    assert_eq!(
        f.expires_at,
        Some(datetime!(2024-01-02 04:00:00 UTC).unix_timestamp())
    );
    let f = parse_process(
        br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"s"}"#,
        T0,
    )
    .unwrap();
    assert_eq!(
        f.expires_at, None,
        "without Expiration: kept for the command, not cached"
    );
    for (bad, why) in [
        (
            &br#"{"Version":2,"AccessKeyId":"AK","SecretAccessKey":"s"}"#[..],
            "only version 1",
        ),
        (
            br#"{"Version":1,"AccessKeyId":"AK"}"#,
            "no AccessKeyId or SecretAccessKey",
        ),
        (b"AKIA s3cret", "not JSON"),
        (
            br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"s","Expiration":"soon"}"#,
            "not an RFC 3339",
        ),
    ] {
        let e = parse_process(bad, T0).unwrap_err();
        assert!(e.contains(why), "{e}");
        assert!(!e.contains("s3cret"));
    }
    let p = Process {
        command: r#"aws-vault export --format=json "my profile""#.into(),
        profile: "p".into(),
    };
    match p.step(&[], T0).unwrap() {
        Step::Run { argv } => {
            assert_eq!(argv, ["aws-vault", "export", "--format=json", "my profile"])
        }
        other => panic!("{other:?}"),
    }
    let ran = Answer::Ran {
        code: Some(1),
        stdout: b"SECRET-OUT".to_vec(),
        stderr: b"no session\x1b[31m\n".to_vec(),
    };
    let e = p.step(&[ran], T0).err().unwrap().to_string();
    assert!(e.contains("exited with status 1: no session"), "{e}");
    assert!(!e.contains("SECRET-OUT") && !e.contains('\x1b'), "{e}");
}

#[test]
fn container_and_imds_steps() {
    let c = Container {
        uri: "http://127.0.0.1:9/v2/credentials/x?a=1".into(),
        token: None,
        token_file: Some("/var/run/token".into()),
    };
    assert!(matches!(c.step(&[], T0).unwrap(), Step::Read { .. }));
    let file = Answer::Read(Ok(b"tok\n".to_vec()));
    match c.step(std::slice::from_ref(&file), T0).unwrap() {
        Step::Send { request, timeout } => {
            assert_eq!(request.url(), "http://127.0.0.1:9/v2/credentials/x?a=1");
            assert_eq!(request.header("Authorization"), Some("tok"));
            assert_eq!(timeout, Some(CONTAINER_TIMEOUT));
        }
        other => panic!("{other:?}"),
    }
    let creds = r#"{"AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","Expiration":"2024-01-02T09:00:00Z"}"#;
    let f = done(c.step(&[file, http(200, creds)], T0).unwrap());
    assert_eq!(f.credential.keys().unwrap().token.as_deref(), Some("t"));
    let bad = Container {
        uri: "http://127.0.0.1:9/c".into(),
        token: Some("a\r\nb".into()),
        token_file: None,
    };
    assert!(bad.step(&[], T0).is_err());

    let imds = Imds {
        endpoint: "http://169.254.169.254".into(),
    };
    let put = sent(imds.step(&[], T0).unwrap());
    assert_eq!(
        (put.method.as_str(), put.path.as_str()),
        ("PUT", "/latest/api/token")
    );
    assert_eq!(
        put.header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    let token = http(200, "imds-token");
    let list = sent(imds.step(std::slice::from_ref(&token), T0).unwrap());
    assert_eq!(list.path, "/latest/meta-data/iam/security-credentials/");
    assert_eq!(list.header("x-aws-ec2-metadata-token"), Some("imds-token"));
    let role = http(200, "web-role\n");
    let get = sent(imds.step(&[token.clone(), role.clone()], T0).unwrap());
    assert_eq!(
        get.path,
        "/latest/meta-data/iam/security-credentials/web-role"
    );
    let with_code = r#"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","Expiration":"2024-01-02T09:00:00Z"}"#;
    done(
        imds.step(&[token.clone(), role.clone(), http(200, with_code)], T0)
            .unwrap(),
    );
    let e = imds.step(&[token, http(404, "")], T0).err().unwrap();
    assert!(e.to_string().contains("instance profile"), "{e}");
    let e = imds.step(&[http(403, "")], T0).err().unwrap();
    assert!(matches!(e, Error::Auth(_)), "IMDSv1 is not fallen back to");
}
