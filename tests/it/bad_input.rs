//! The bad-input matrix: each case gets the documented exit code and a one-line error that
//! names the input and the fix, never a panic (and, as in every test, never a secret).

use crate::support::*;

/// A config with one profile `p` of the given body (the endpoint is never reached).
fn profile(body: &str) -> String {
    format!("[profiles.p]\n{body}\n")
}

const HW: &str = "provider = \"huawei\"\nregion = \"cn-north-4\"\nproject_id = \"0123456789abcdef0123456789abcdef\"\nendpoint = \"http://127.0.0.1:9\"";
const FC: &str = "provider = \"aliyun\"\nendpoint = \"http://127.0.0.1:9\"\naccess_key_id = \"a\"\naccess_key_secret = \"b\"";
const FC3: &str = "provider = \"aliyun\"\napi = \"3.0\"\nendpoint = \"http://127.0.0.1:9\"\naccess_key_id = \"a\"\naccess_key_secret = \"b\"";
const ALT: &str =
    "provider = \"altair\"\nspace = \"s\"\nendpoint = \"http://127.0.0.1:9\"\ntoken = \"t\"";

const AWS: &str = "provider = \"aws\"\nregion = \"us-east-1\"\nendpoint = \"http://127.0.0.1:9\"\naccess_key_id = \"a\"\nsecret_access_key = \"b\"";
const OF: &str = "provider = \"openfaas\"\nendpoint = \"http://127.0.0.1:9\"";

struct Case {
    name: &'static str,
    config: Option<String>,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    code: i32,
    says: &'static str,
    /// clap's own usage errors are several lines (usage and a hint); ours are one.
    one_line: bool,
}

fn case(
    name: &'static str,
    config: Option<String>,
    args: &[&str],
    code: i32,
    says: &'static str,
) -> Case {
    Case {
        name,
        config,
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: None,
        code,
        says,
        one_line: true,
    }
}

fn hw(extra: &str) -> Option<String> {
    Some(profile(&format!("{HW}\n{extra}")))
}

fn cases(dir: &std::path::Path) -> Vec<Case> {
    let dir_arg = format!("@{}", dir.display());
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_addr = busy.local_addr().unwrap().to_string();
    std::mem::forget(busy); // keep the port taken for the whole test
    let mut v = vec![
        // configuration (3)
        case("malformed TOML", Some("[profiles.p]\nprovider = huawei\n".into()), &["invoke", "f"], 3, "config.toml:2:"),
        case("unknown provider", Some(profile("provider = \"nimbus\"")), &["invoke", "f"], 3, "unknown provider 'nimbus'"),
        case("profile without provider", Some(profile("region = \"x\"")), &["invoke", "f"], 3, "provider"),
        case("unsupported value shape", Some(profile("provider = \"huawei\"\ntoken = { vault = \"x\" }")), &["invoke", "f"], 3, "token"),
        case("huawei without region", Some(profile("provider = \"huawei\"\ntoken = \"t\"")), &["invoke", "f"], 3, "'region'"),
        case("huawei without project", Some(profile("provider = \"huawei\"\nregion = \"r\"\ntoken = \"t\"")), &["invoke", "f"], 3, "'project_id'"),
        case("huawei without credentials", hw(""), &["invoke", "f"], 3, "no credentials"),
        case("huawei with two credentials", hw("token = \"t\"\naccess_key = \"a\"\nsecret_key = \"s\""), &["invoke", "f"], 3, "more than one kind"),
        case("huawei AK without SK", hw("access_key = \"a\""), &["invoke", "f"], 3, "'secret_key'"),
        case("huawei IAM without domain", hw("iam_user = \"u\"\niam_password = \"p\""), &["invoke", "f"], 3, "'iam_domain'"),
        case("aliyun without key id", Some(profile("provider = \"aliyun\"\nendpoint = \"http://127.0.0.1:9\"\naccess_key_secret = \"b\"")), &["invoke", "s/f"], 3, "'access_key_id'"),
        case("aliyun without account or endpoint", Some(profile("provider = \"aliyun\"\nregion = \"cn-hangzhou\"\naccess_key_id = \"a\"\naccess_key_secret = \"b\"")), &["invoke", "s/f"], 3, "'account_id'"),
        case("aliyun unknown api", Some(profile(&format!("{FC}\napi = \"4.0\""))), &["invoke", "s/f"], 3, "api '4.0'"),
        case("aliyun unknown api_version", Some(profile(&format!("{FC}\napi_version = \"2020-01-01\""))), &["invoke", "s/f"], 3, "api_version '2020-01-01'"),
        case("altair without space", Some(profile("provider = \"altair\"\ntoken = \"t\"")), &["invoke", "f"], 3, "'space'"),
        case("altair without client secret", Some(profile("provider = \"altair\"\nspace = \"s\"\nclient_id = \"c\"")), &["invoke", "f"], 3, "'client_secret'"),
        case("secret command fails", hw("token = { command = \"exit 7\" }"), &["invoke", "f"], 3, "token"),
        case("secret command prints nothing", hw("token = { command = \"true\" }"), &["invoke", "f"], 3, "printed nothing"),
        case("secret variable unset", hw("token = { env = \"FCALL_TEST_UNSET\" }"), &["invoke", "f"], 3, "FCALL_TEST_UNSET"),
        case("unknown profile", hw("token = \"t\""), &["-p", "nope", "invoke", "f"], 3, "nope"),
        case("no profile at all", None, &["invoke", "f"], 3, "fcall profile add"),
        case("several profiles, no default", Some(format!("{}[profiles.q]\n{HW}\ntoken = \"t\"\n", profile(&format!("{HW}\ntoken = \"t\"")))), &["invoke", "f"], 3, "pass -p NAME"),
        case("default profile that does not exist", Some(format!("default_profile = \"gone\"\n{}", profile(&format!("{HW}\ntoken = \"t\"")))), &["invoke", "f"], 3, "gone"),
        // usage (2)
        case("profile add: unknown provider", None, &["profile", "add", "x", "--provider", "gcp"], 2, "unknown provider 'gcp'"),
        case("profile add: unknown key", None, &["profile", "add", "x", "--provider", "huawei", "regoin=x"], 2, "'regoin' is not a profile key for provider huawei"),
        case("profile add: no '='", None, &["profile", "add", "x", "--provider", "huawei", "region"], 2, "region"),
        case("bad -H", hw("token = \"t\""), &["invoke", "f", "-H", "NoColon"], 2, "\"Name: value\""),
        case("-d @ a missing file", hw("token = \"t\""), &["invoke", "f", "-d", "@/no/such/file"], 2, "cannot read the payload file"),
        case("-d @ a directory", hw("token = \"t\""), &["invoke", "f", "-d", &dir_arg], 2, "is a directory"),
        case("--query without '='", hw("token = \"t\""), &["invoke", "f", "--query", "k"], 2, "KEY=VALUE"),
        case("--validate-json on bad JSON", hw("token = \"t\""), &["invoke", "f", "-d", "{oops", "--validate-json"], 2, "not valid JSON"),
        case("malformed URN", hw("token = \"t\""), &["invoke", "urn:fss:a:b"], 2, "expected urn:fss:REGION"),
        case("huawei bad function name", hw("token = \"t\""), &["invoke", "1abc"], 2, "function name '1abc'"),
        case("huawei bad version", hw("token = \"t\""), &["invoke", "f", "--qualifier", "v/1"], 2, "version 'v/1'"),
        case("huawei URN and --qualifier disagree", hw("token = \"t\""), &["invoke", "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:f:v1", "--qualifier", "v2"], 2, "give one of them"),
        case("aliyun bad invocation id", Some(profile(FC)), &["invoke", "s/f", "--async", "--invocation-id", "9x"], 2, "invalid invocation id '9x'"),
        case("aliyun without service", Some(profile(FC)), &["invoke", "f"], 2, "SERVICE/FUNCTION"),
        case("aliyun 3.0 with a service", Some(profile(FC3)), &["invoke", "s/f"], 2, "no services"),
        case("aliyun bad qualifier", Some(profile(FC)), &["invoke", "s/f", "--qualifier", "a.b"], 2, "invalid qualifier 'a.b'"),
        case("aliyun bad id for status", Some(profile(FC)), &["status", "s/f", "x.y"], 2, "invalid invocation id"),
        case("altair four path levels", Some(profile(ALT)), &["invoke", "f/a/b/c/d"], 2, "Altair passes at most 3"),
        case("altair uppercase name", Some(profile(ALT)), &["invoke", "Fn"], 2, "lowercase"),
        case("altair unknown method", Some(profile(ALT)), &["invoke", "f", "-X", "TRACE"], 2, "take POST, GET"),
        case("altair async with GET", Some(profile(ALT)), &["invoke", "f", "--async", "-X", "GET", "--callback-url", "http://x"], 2, "POST only"),
        case("altair async without callback", Some(profile(ALT)), &["invoke", "f", "--async"], 2, "--callback-url"),
        case("altair wait without listen", Some(profile(ALT)), &["invoke", "f", "--async", "--wait"], 2, "--listen"),
        case("listen on a provider that polls", hw("token = \"t\""), &["invoke", "f", "--async", "--wait", "--listen", "127.0.0.1:0"], 2, "--listen receives callbacks"),
        case("listen port in use", Some(profile(ALT)), &["invoke", "f", "--async", "--wait", "--listen", &busy_addr], 2, "cannot listen for callbacks"),
        case("emulator port in use", None, &["emulator", "--bind", &busy_addr], 2, "cannot listen on"),
        case("stop on FunctionGraph", hw("token = \"t\""), &["stop", "f", "id"], 2, "cannot stop"),
        case("aws non-JSON payload", Some(profile(AWS)), &["invoke", "f", "-d", "plain text"], 2, "takes a JSON payload"),
        case("aws bad function", Some(profile(AWS)), &["invoke", "f n"], 2, "invalid Lambda function 'f n'"),
        case("aws short account in an ARN", Some(profile(AWS)), &["invoke", "arn:aws:lambda:us-east-1:123:function:f"], 2, "12 digits"),
        case("aws two qualifiers", Some(profile(AWS)), &["invoke", "f:1", "--qualifier", "2"], 2, "give one"),
        case("aws bad qualifier", Some(profile(AWS)), &["invoke", "f", "--qualifier", "a.b"], 2, "--qualifier a.b"),
        case("aws async wait", Some(profile(AWS)), &["invoke", "f", "--async", "--wait"], 2, "keeps no status"),
        case("aws callback url", Some(profile(AWS)), &["invoke", "f", "--async", "--callback-url", "http://x"], 2, "takes no callback URL"),
        case("aws status", Some(profile(AWS)), &["status", "f", "id"], 2, "no status query"),
        case("aws no region", Some(profile("provider = \"aws\"\naccess_key_id = \"a\"\nsecret_access_key = \"b\"")), &["invoke", "f"], 3, "no AWS region"),
        case("aws key without secret", Some(profile("provider = \"aws\"\naccess_key_id = \"a\"")), &["invoke", "f"], 3, "'secret_access_key'"),
        case("openfaas username without password", Some(profile(&format!("{OF}\nusername = \"u\""))), &["invoke", "f"], 3, "'password'"),
        case("openfaas empty namespace", Some(profile(OF)), &["invoke", "f."], 2, "NAME.NAMESPACE"),
        case("openfaas dry-run-remote", Some(profile(OF)), &["invoke", "f", "--dry-run-remote"], 2, "cannot check a call"),
        case("decode log: not base64", None, &["decode", "log", "%%%"], 2, "base64"),
        case("decode log: empty", None, &["decode", "log", "   "], 2, ""),
        case("decode summary: not JSON", None, &["decode", "summary", "{nope"], 2, ""),
    ];
    // clap's own checks
    for (name, args, says) in [
        ("unknown command", vec!["frobnicate"], "frobnicate"),
        (
            "--timeout not a number",
            vec!["invoke", "f", "--timeout", "soon"],
            "soon",
        ),
        (
            "--dry-run with --curl",
            vec!["invoke", "f", "--dry-run", "--curl"],
            "cannot be used with",
        ),
        (
            "--public-url without --listen",
            vec!["invoke", "f", "--public-url", "http://x"],
            "--listen",
        ),
        (
            "unknown color",
            vec!["--color", "sometimes", "profile", "list"],
            "sometimes",
        ),
        (
            "completions for an unknown shell",
            vec!["completions", "tcsh"],
            "tcsh",
        ),
    ] {
        let mut c = case(name, hw("token = \"t\""), &args, 2, says);
        c.one_line = false;
        v.push(c);
    }
    // binary stdin is a payload, not an error: it reaches the (unreachable) endpoint
    let mut c = case(
        "binary stdin",
        Some(profile(FC)),
        &["invoke", "s/f", "--retries", "0"],
        5,
        "could not connect",
    );
    c.stdin = Some(vec![0, 0xff, 0xfe, 0x80]);
    v.push(c);
    v
}

#[test]
fn bad_input_matrix() {
    let scratch = tempfile::tempdir().unwrap();
    let all = cases(scratch.path());
    assert!(all.len() >= 40, "{} cases", all.len());
    for c in all {
        let sb = Sandbox::new();
        if let Some(cfg) = &c.config {
            sb.write_config(cfg);
        }
        let mut cmd = sb.cmd();
        cmd.args(&c.args);
        if let Some(input) = &c.stdin {
            cmd.write_stdin(input.clone());
        }
        let o = Outcome::of(cmd.assert());
        assert_eq!(o.code, c.code, "{}: exit code\n{}", c.name, o.stderr);
        assert!(
            o.stderr.contains(c.says),
            "{}: stderr lacks {:?}:\n{}",
            c.name,
            c.says,
            o.stderr
        );
        if c.one_line {
            assert_eq!(
                o.stderr.lines().count(),
                1,
                "{}: one line\n{}",
                c.name,
                o.stderr
            );
            assert!(
                o.stderr.starts_with("fcall: error: "),
                "{}: {}",
                c.name,
                o.stderr
            );
        }
        assert!(o.stdout.is_empty(), "{}: nothing on stdout", c.name);
    }
}
