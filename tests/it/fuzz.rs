//! Bounded fuzzing on stable Rust (proptest): whatever arrives from the network, a file or
//! a pasted value, the parsers, signers' checks, providers and the emulator answer with a
//! value or an error, never a panic. Cases per property: PROPTEST_CASES (default 256), so
//! CI spends a bounded time here; run with PROPTEST_CASES=100000 for a longer hunt.
//! (Coverage-guided cargo-fuzz needs a nightly toolchain, which this project's machines lack.)

use std::collections::BTreeMap;

use fcall::config::{Profile, Value};
use fcall::http::{HttpRequest, HttpResponse};
use fcall::invocation::{Invocation, Mode};
use proptest::prelude::*;
use time::OffsetDateTime;

fn profile(provider: &str, pairs: &[(&str, &str)]) -> Profile {
    Profile {
        name: "p".into(),
        provider: provider.into(),
        values: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Str(v.to_string())))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn providers() -> Vec<Box<dyn fcall::providers::Provider>> {
    let none = |_: &str| None;
    vec![
        fcall::providers::from_profile(
            &profile(
                "huawei",
                &[
                    ("region", "r"),
                    ("project_id", "p"),
                    ("access_key", "a"),
                    ("secret_key", "s"),
                ],
            ),
            &none,
        )
        .unwrap(),
        fcall::providers::from_profile(
            &profile(
                "aliyun",
                &[
                    ("endpoint", "http://h"),
                    ("service", "s"),
                    ("access_key_id", "a"),
                    ("access_key_secret", "s"),
                ],
            ),
            &none,
        )
        .unwrap(),
        fcall::providers::from_profile(
            &profile("altair", &[("space", "s"), ("token", "t")]),
            &none,
        )
        .unwrap(),
        // the auth modes that fetch a token, so that its answer is fuzzed too
        fcall::providers::from_profile(
            &profile(
                "huawei",
                &[
                    ("region", "r"),
                    ("project_id", "p"),
                    ("iam_user", "u"),
                    ("iam_password", "pw"),
                    ("iam_domain", "d"),
                ],
            ),
            &none,
        )
        .unwrap(),
        fcall::providers::from_profile(
            &profile(
                "altair",
                &[("space", "s"), ("client_id", "c"), ("client_secret", "cs")],
            ),
            &none,
        )
        .unwrap(),
        fcall::providers::from_profile(
            &profile(
                "aws",
                &[
                    ("region", "us-east-1"),
                    ("access_key_id", "a"),
                    ("secret_access_key", "s"),
                    ("session_token", "t"),
                ],
            ),
            &none,
        )
        .unwrap(),
        fcall::providers::from_profile(
            &profile("openfaas", &[("namespace", "dev"), ("password", "p")]),
            &none,
        )
        .unwrap(),
    ]
}

fn header_names() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("X-Cff-Function-Log".to_string()),
        Just("X-Cff-Invoke-Summary".to_string()),
        Just("X-Is-Func-Err".to_string()),
        Just("X-Func-Err-Code".to_string()),
        Just("X-CFF-Billing-Duration".to_string()),
        Just("X-Fc-Log-Result".to_string()),
        Just("X-Fc-Error-Type".to_string()),
        Just("X-Fc-Invocation-Duration".to_string()),
        Just("X-Invoked".to_string()),
        Just("X-Amz-Log-Result".to_string()),
        Just("X-Amz-Function-Error".to_string()),
        Just("X-Amzn-ErrorType".to_string()),
        Just("X-Duration-Seconds".to_string()),
        Just("X-Call-Id".to_string()),
        Just("Retry-After".to_string()),
        Just("Authorization".to_string()),
        Just("X-Sdk-Date".to_string()),
        Just("Date".to_string()),
        Just("Host".to_string()),
        Just("X-Amz-Target".to_string()),
        Just("X-Auth-Token".to_string()),
        "[A-Za-z-]{1,12}",
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((header_names(), "\\PC{0,60}"), 0..8)
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "\\{\"(result|log|status|request_id|error_code|error_msg|ErrorCode|ErrorMessage|errorType|errorMessage|error|details|invocations|status|returnPayload|access_token|expires_in)\":(\"[^\"]{0,20}\"|[0-9]{1,5}|null|\\[\\]|\\{\\})\\}"
            .prop_map(String::into_bytes),
    ]
}

/// Answers a log service may give: bytes, NDJSON lines, CloudWatch's `events`, LTS's `logs`,
/// SLS's list of items, a logConfig, with odd values where strings or numbers belong.
fn log_bodies() -> impl Strategy<Value = Vec<u8>> {
    let value = "(\"[^\"]{0,12}\"|-?[0-9]{1,20}|null|true|\\[\\]|\\{\\})";
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        proptest::string::string_regex(&format!("(\\{{\"(text|timestamp|instance|name)\":{value}\\}}\n){{0,4}}"))
            .unwrap()
            .prop_map(String::into_bytes),
        proptest::string::string_regex(&format!("\\{{\"(events|logs|nextToken|logConfig|LoggingConfig|log_group_id|log_stream_id)\":(\\[(\\{{\"(message|content|timestamp|logStreamName|line_num|labels)\":{value}\\}},?){{0,3}}\\]|{value})\\}}"))
            .unwrap()
            .prop_map(String::into_bytes),
        proptest::string::string_regex(&format!("\\[(\\{{\"(message|__time__|instanceID)\":{value}\\}},?){{0,3}}\\]"))
            .unwrap()
            .prop_map(String::into_bytes),
    ]
}

fn bearer() -> fcall::credentials::Credential {
    fcall::credentials::Credential::Bearer("t".into())
}

proptest! {
    /// Whatever a log service answers, and whatever page token comes back to fcall, the log
    /// readers give lines or an error, never a panic.
    #[test]
    fn log_readers_read_any_answer(
        status in prop_oneof![Just(200u16), 100u16..600],
        body in log_bodies(),
        request_id in proptest::option::of("[a-f0-9-]{0,12}"),
        page in proptest::option::of(prop_oneof![
            "(window|find|read)\n[0-9a-z/\\[\\]$-]{0,12}(\n[0-9-]{0,20}){0,3}",
            "\\PC{0,30}",
        ]),
    ) {
        let resp = HttpResponse { status, headers: vec![], body };
        let q = fcall::logs::LogQuery {
            function: "f".into(),
            request_id,
            since: Some(OffsetDateTime::UNIX_EPOCH),
            ..Default::default()
        };
        let src = fcall::logs::LogSource { name: "s".into(), parts: vec!["g".into(), "us-east-1".into()] };
        for p in providers() {
            let Some(logs) = p.logs() else { continue };
            let _ = logs.log_source(&q, Some(&resp));
            let _ = logs.page_request(&q, &src, page.as_deref(), Some(&bearer()), OffsetDateTime::UNIX_EPOCH);
            let _ = logs.parse_page(&q, &src, page.as_deref(), &resp);
        }
    }

    #[test]
    fn providers_interpret_any_answer(status in 100u16..600, headers in headers(), body in bodies(), asynchronous in any::<bool>()) {
        let resp = HttpResponse { status, headers, body };
        let mut inv = Invocation::new("f");
        inv.mode = if asynchronous { Mode::Async } else { Mode::Sync };
        inv.tail = true;
        for p in providers() {
            let _ = p.interpret(&inv, &resp);
            if let Some(status) = p.async_status() {
                let _ = status.interpret_status("id", &resp);
            }
            if let Some(tokens) = p.tokens() {
                let answer = fcall::credentials::Answer::Http(resp.clone());
                let _ = tokens.step(&[answer], OffsetDateTime::UNIX_EPOCH);
            }
            if let Some(check) = p.remote_check() {
                let _ = check.interpret_check(&resp);
            }
            let _ = p.refused(&resp);
        }
    }

    #[test]
    fn providers_build_any_function_reference(function in "\\PC{0,40}", qualifier in proptest::option::of("\\PC{0,12}"), id in proptest::option::of("\\PC{0,12}")) {
        let mut inv = Invocation::new(&function);
        inv.qualifier = qualifier;
        inv.invocation_id = id;
        inv.callback_url = Some("http://127.0.0.1:1/cb".into());
        for p in providers() {
            let _ = p.function_id(&inv);
            let _ = p.build(&inv, Some(&bearer()), OffsetDateTime::UNIX_EPOCH);
        }
    }

    #[test]
    fn signature_checks_take_any_request(method in "[A-Z]{1,7}", path in "/\\PC{0,40}", headers in headers(), body in bodies()) {
        let req = HttpRequest { method, base: "http://h".into(), path, query: vec![], headers, body };
        let secret = |_: &str| Some("s".to_string());
        let now = OffsetDateTime::UNIX_EPOCH;
        let _ = fcall::signing::huawei::verify(&req, secret, now);
        let _ = fcall::signing::fc::verify(&req, secret, now);
        let _ = fcall::signing::acs3::verify(&req, secret, now);
        let _ = fcall::signing::sigv4::verify(&req, secret, now);
        let _ = fcall::signing::sls::verify(&req, &req.path, secret);
    }

    #[test]
    fn the_emulator_answers_any_request(method in prop_oneof![Just("GET".to_string()), Just("POST".to_string()), Just("PUT".to_string()), "[A-Z]{1,6}"], path in prop_oneof![
            "/v2/[a-z0-9]{1,5}/fgs/functions/\\PC{0,30}",
            "/(2021-04-06|2016-08-15)/services/[a-z.]{0,8}/functions/\\PC{0,20}",
            "/2023-03-30/functions/\\PC{0,30}",
            "/spaces/[a-z]{0,5}/functions/\\PC{0,30}",
            "/2015-03-31/functions/\\PC{0,40}/invocations",
            "/(async-)?function/\\PC{0,30}",
            "/(oauth2/token|v3/auth/tokens)",
            "/(system/logs|logstores/\\PC{0,20})?",
            "/v2/[a-z0-9]{1,5}/groups/[a-z-]{0,10}/streams/[a-z-]{0,14}/content/query",
            "/spaces/[a-z]{0,5}/functions/[a-z]{0,8}/logs",
            "/\\PC{0,30}"],
        query in prop::collection::vec(("(type|from|to|line|offset|query|since|tail|name|namespace)", "\\PC{0,12}"), 0..5),
        headers in headers(), body in prop_oneof![bodies(), log_bodies()]) {
        let state = fcall::emulator::State::new(fcall::emulator::Credentials {
            token: "t".into(), access_key: "a".into(), secret_key: "s".into(),
            iam_user: "u".into(), iam_password: "p".into(), iam_domain: "d".into(),
            client_id: "c".into(), client_secret: "cs".into(), token_ttl: 60, credential_ttl: 60,
            basic_user: "admin".into(), basic_password: "bp".into(),
        });
        let mut headers = headers;
        headers.push(("Authorization".into(), "Bearer t".into()));
        let req = HttpRequest { method: method.to_string(), base: "http://h".into(), path, query, headers, body };
        let _ = state.respond(&req, OffsetDateTime::now_utc());
    }

    #[test]
    fn config_files_of_any_shape_load_or_explain(text in prop_oneof![
            "\\PC{0,200}",
            "(\\[profiles\\.[a-z]{1,3}\\]\n([a-z_]{1,10} = (\"[^\"\n]{0,10}\"|true|[0-9]{1,3}|\\{ (env|command|x) = \"[a-z]{0,5}\" \\}|\\[\"a\"\\])\n){0,4}){0,3}"]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &text).unwrap();
        if let Ok(cfg) = fcall::config::load(&path) {
            let none = |_: &str| None;
            for p in cfg.profiles.values() {
                let _ = fcall::providers::from_profile(p, &none);
                let _ = fcall::config::render_masked(p, &fcall::providers::registry::is_secret_key);
            }
        }
    }
}

/// What a numeric flag may be given: numbers of every size and spelling, and junk.
fn numeric_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        (-400i32..400).prop_map(|e| format!("1e{e}")),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        "[0-9eE.+-]{1,24}",
    ]
}

proptest! {
    /// Every numeric flag, whatever its text: clap refuses it, or what it becomes (the
    /// transport's timeouts, batch's interval) fits the clock without overflow (issue 18:
    /// `--rate 1e-20` panicked).
    #[test]
    fn numeric_flags_parse_or_are_refused(v in numeric_text()) {
        use clap::Parser;
        use fcall::cli::{Cli, Command};
        for flag in ["--timeout", "--connect-timeout", "--retries", "--rate", "--jobs"] {
            let Ok(cli) = Cli::try_parse_from(["fcall", "batch", "f", flag, v.as_str()]) else {
                continue;
            };
            let Command::Batch(b) = cli.command else { unreachable!() };
            let opts = b.net.options(false);
            let now = std::time::Instant::now();
            prop_assert!(now.checked_add(opts.timeout).is_some());
            prop_assert!(now.checked_add(opts.connect_timeout).is_some());
            prop_assert!(opts.retries <= fcall::cli::MAX_RETRIES);
            if let Some(iv) = b.interval() {
                prop_assert!(now.checked_add(iv).is_some(), "{flag} {v}: {iv:?}");
            }
            if flag == "--rate" {
                prop_assert!(b.interval().is_some(), "--rate {v} gave no interval");
            }
        }
        for flag in ["--timeout", "--connect-timeout", "--retries"] {
            if let Ok(cli) = Cli::try_parse_from(["fcall", "invoke", "f", flag, v.as_str()]) {
                let Command::Invoke(i) = cli.command else { unreachable!() };
                let opts = i.net.options(false);
                prop_assert!(std::time::Instant::now().checked_add(opts.timeout).is_some());
            }
        }
    }
}

/// Any argument vector made of fcall's flags and hostile values: clap accepts or refuses it,
/// and what it accepted turns into transport options and a batch interval without a panic.
fn argv() -> impl Strategy<Value = Vec<String>> {
    let flag = prop_oneof![
        Just("--timeout"),
        Just("--connect-timeout"),
        Just("--retries"),
        Just("--rate"),
        Just("-j"),
        Just("-d"),
        Just("-H"),
        Just("-t"),
        Just("-X"),
        Just("--query"),
        Just("--qualifier"),
        Just("--callback-url"),
        Just("--listen"),
        Just("--count"),
        Just("--async"),
        Just("--wait"),
        Just("--tail"),
        Just("--dry-run"),
        Just("-v"),
    ]
    .prop_map(str::to_string);
    let value = prop_oneof![
        numeric_text(),
        "\\PC{0,12}",
        Just("\u{1b}[2J\r\n".to_string())
    ];
    let command = prop_oneof![
        Just("invoke"),
        Just("batch"),
        Just("listen"),
        Just("status")
    ];
    (command, proptest::collection::vec((flag, value), 0..6)).prop_map(|(c, pairs)| {
        let mut v = vec!["fcall".to_string(), c.to_string()];
        if c != "listen" {
            v.push("f".into());
        }
        for (f, x) in pairs {
            v.push(f);
            v.push(x);
        }
        v
    })
}

proptest! {
    #[test]
    fn any_argv_parses_or_is_refused_without_a_panic(args in argv()) {
        use clap::Parser;
        use fcall::cli::{Cli, Command};
        if let Ok(cli) = Cli::try_parse_from(&args) {
            match cli.command {
                Command::Invoke(i) => { let _ = i.net.options(true); }
                Command::Batch(b) => { let _ = (b.net.options(false), b.interval()); }
                _ => {}
            }
        }
    }
}
