use super::*;

fn env_of(pairs: Vec<(String, String)>) -> impl Fn(&str) -> Option<String> {
    move |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Resolve with `files`, the environment `env` and `named` (an explicit profile).
fn resolve(
    files: &SharedFiles,
    env: &[(&str, &str)],
    named: Option<&str>,
) -> Result<Option<Found>> {
    let lookup = env_of(pairs(env));
    let profile = named
        .map(str::to_string)
        .or_else(|| lookup("AWS_PROFILE"))
        .unwrap_or_else(|| "default".into());
    Chain {
        env: &lookup,
        files,
        profile: &profile,
        explicit: named.is_some(),
        region: Some("us-east-1"),
    }
    .resolve()
}

/// The case table made by `scripts/botocore_precedence.py` from botocore itself: for each
/// set of files, environment and explicit profile, fcall picks the same method, the same
/// static key and the same region (botocore reads `AWS_DEFAULT_REGION`; fcall also reads
/// `AWS_REGION` first, which no case sets), and fails where botocore fails.
#[test]
fn botocore_picks_the_same() {
    let table: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/aws-precedence-botocore.json"
    ))
    .unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let files = SharedFiles::from_texts(
            case["credentials"].as_str().unwrap(),
            case["config"].as_str().unwrap(),
        );
        let mut env: Vec<(String, String)> = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        env.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
        let lookup = env_of(env);
        let named = case["profile"].as_str();
        let profile = named
            .map(str::to_string)
            .or_else(|| lookup("AWS_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let chain = Chain {
            env: &lookup,
            files: &files,
            profile: &profile,
            explicit: named.is_some(),
            region: None,
        };
        let expect = &case["expect"];
        let got = chain.resolve();
        if let Some(error) = expect["error"].as_str() {
            let e = got
                .err()
                .unwrap_or_else(|| panic!("{name}: botocore fails ({error}), fcall does not"));
            let text = e.to_string();
            let matches = match error {
                "InfiniteLoopConfigError" => text.contains("loop"),
                "InvalidConfigError" => text.contains("both source_profile and credential_source"),
                "ProfileNotFound" => text.contains("is in neither"),
                "PartialCredentialsError" => text.contains("partial AWS credentials"),
                other => panic!("{name}: no mapping for botocore's {other}"),
            };
            assert!(matches, "{name}: botocore {error}, fcall: {text}");
            continue;
        }
        let found = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            found.as_ref().map(|f| f.method),
            expect["method"].as_str(),
            "{name}"
        );
        if let (Some(key), Some(f)) = (expect["access_key"].as_str(), &found) {
            if f.method != "custom-process" {
                match f
                    .source
                    .step(&[], time::OffsetDateTime::UNIX_EPOCH)
                    .unwrap()
                {
                    crate::credentials::Step::Done(d) => {
                        assert_eq!(d.credential.keys().unwrap().id, key, "{name}")
                    }
                    other => panic!("{name}: {other:?}"),
                }
            }
        }
        assert_eq!(
            chain.region().map(|r| r.0),
            expect["region"].as_str().map(str::to_string),
            "{name}: region"
        );
    }
}

#[test]
fn container_and_instance_metadata_come_last() {
    let files = SharedFiles::from_texts(
        "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = s\n",
        "",
    );
    let container = [(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:9/creds",
    )];
    let f = resolve(&files, &container, None).unwrap().unwrap();
    assert_eq!(
        f.method, "shared-credentials-file",
        "a profile's keys beat the container"
    );
    let empty = SharedFiles::default();
    let f = resolve(&empty, &container, None).unwrap().unwrap();
    assert_eq!(f.method, "container-role");
    let f = resolve(
        &empty,
        &[(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/abc",
        )],
        None,
    )
    .unwrap()
    .unwrap();
    assert!(f
        .source
        .describe()
        .contains("http://169.254.170.2/v2/credentials/abc"));
    let f = resolve(&empty, &[], None).unwrap().unwrap();
    assert_eq!(f.method, "iam-role", "the instance metadata service last");
    assert!(
        resolve(&empty, &[("AWS_EC2_METADATA_DISABLED", "true")], None)
            .unwrap()
            .is_none()
    );
    let f = resolve(
        &empty,
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:7/")],
        None,
    )
    .unwrap()
    .unwrap();
    assert!(
        f.source.describe().contains("http://127.0.0.1:7"),
        "{}",
        f.source.describe()
    );
    // plain http only to loopback and the ECS/EKS hosts, as botocore allows
    let e = resolve(
        &empty,
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://evil.example/creds",
        )],
        None,
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("use https://"), "{e}");
    for ok in [
        "https://x.example/c",
        "http://169.254.170.23/v1/credentials",
        "http://[::1]:8/c",
        "http://localhost/c",
    ] {
        assert!(container_uri_allowed(ok).is_ok(), "{ok}");
    }
}

#[test]
fn credential_source_names_the_source_of_a_role() {
    let cfg = "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Environment\n[profile m]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Ec2InstanceMetadata\n[profile bad]\nrole_arn = arn:aws:iam::123456789012:role/r\ncredential_source = Nowhere\n";
    let files = SharedFiles::from_texts("", cfg);
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKENV"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let f = resolve(&files, &env, Some("r")).unwrap().unwrap();
    assert_eq!(f.method, "assume-role");
    assert!(
        f.source.describe().contains("AWS_ACCESS_KEY_ID"),
        "{}",
        f.source.describe()
    );
    let e = resolve(&files, &[], Some("r")).err().unwrap();
    assert!(
        e.to_string()
            .contains("credential_source Environment has no credentials"),
        "{e}"
    );
    let f = resolve(&files, &[], Some("m")).unwrap().unwrap();
    assert!(
        f.source.describe().contains("instance metadata"),
        "{}",
        f.source.describe()
    );
    let e = resolve(&files, &[], Some("bad")).err().unwrap();
    assert!(e.to_string().contains("is not Environment"), "{e}");
}

#[test]
fn configured_endpoints_in_the_sdks_order() {
    let cfg = "[profile p]\nservices = local\nendpoint_url = http://127.0.0.1:1\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:2/\n";
    let files = SharedFiles::from_texts("", cfg);
    let p = files.profile("p").unwrap();
    let at = |env: &[(&str, &str)], key: &str, id: &str| {
        let lookup = env_of(pairs(env));
        Chain {
            env: &lookup,
            files: &files,
            profile: "p",
            explicit: true,
            region: Some("eu-west-1"),
        }
        .configured_endpoint(&p, id, key)
    };
    assert_eq!(at(&[], "sts", "STS").as_deref(), Some("http://127.0.0.1:2"));
    assert_eq!(
        at(&[], "lambda", "LAMBDA").as_deref(),
        Some("http://127.0.0.1:1")
    );
    assert_eq!(
        at(&[("AWS_ENDPOINT_URL", "http://127.0.0.1:3")], "sts", "STS").as_deref(),
        Some("http://127.0.0.1:3")
    );
    let both = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:3"),
        ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4"),
    ];
    assert_eq!(
        at(&both, "sts", "STS").as_deref(),
        Some("http://127.0.0.1:4")
    );
    assert_eq!(
        at(
            &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")],
            "sts",
            "STS"
        ),
        None
    );
}

#[test]
fn sts_is_regional_unless_legacy_or_regionless() {
    let files = SharedFiles::from_texts("", "[profile p]\n");
    let p = files.profile("p").unwrap();
    let sts = |env: &[(&str, &str)], region: Option<&str>| {
        let lookup = env_of(pairs(env));
        Chain {
            env: &lookup,
            files: &files,
            profile: "p",
            explicit: true,
            region,
        }
        .sts(&p)
    };
    assert_eq!(
        sts(&[], Some("eu-west-1")).endpoint,
        "https://sts.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        sts(&[], Some("cn-north-1")).endpoint,
        "https://sts.cn-north-1.amazonaws.com.cn"
    );
    let global = sts(
        &[("AWS_STS_REGIONAL_ENDPOINTS", "legacy")],
        Some("eu-west-1"),
    );
    assert_eq!(
        (global.endpoint.as_str(), global.region.as_str()),
        ("https://sts.amazonaws.com", "us-east-1")
    );
    assert_eq!(sts(&[], None).endpoint, "https://sts.amazonaws.com");
}

#[test]
fn sso_profiles_need_their_settings_and_find_the_cached_token() {
    let cfg = "[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n[profile legacy]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n[profile half]\nsso_account_id = 1\n";
    let files = SharedFiles::from_texts("", cfg);
    let f = resolve(&files, &[], Some("s")).unwrap().unwrap();
    assert_eq!(f.method, "sso");
    let e = resolve(&files, &[], Some("half")).err().unwrap();
    assert!(
        e.to_string()
            .contains("lacks sso_role_name, sso_start_url, sso_region"),
        "{e}"
    );
    // botocore's token cache names: the SHA-1 of the session name, or of the start URL
    assert_eq!(
        sso_cache_name("corp"),
        "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    );
    assert_eq!(
        sso_cache_name("https://x.awsapps.com/start"),
        "3947de8b16688092197fa616c34e01335f21d256.json"
    );
    assert!(resolve(&files, &[], Some("legacy")).unwrap().is_some());
}
