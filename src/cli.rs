//! The command line (clap derive). Also the source of `completions/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `profile add --help`: the value forms, examples, and every provider's keys from the
/// provider table (`*` required, `(secret)` masked, `$VAR` what stands in for it).
fn profile_add_help() -> String {
    let mut s = String::from(
        "Values: KEY=VALUE (literal), KEY@env=VAR (read from $VAR), KEY@command=CMD (CMD's output).
Examples:
  fcall profile add hw --provider huawei region=cn-north-4 project_id=ID token@env=HW_TOKEN
  fcall profile add hw-ak --provider huawei region=cn-north-4 project_id=ID access_key=AK \\
      secret_key@command='pass show hw/sk'
  fcall profile add lambda --provider aws aws_profile=prod
  fcall profile add of --provider openfaas endpoint=http://127.0.0.1:8080 password@env=OF_PASS

Keys (* required, (secret) kept out of sight, (or $VAR) a variable that stands in for it):",
    );
    for p in crate::providers::PROVIDERS {
        s.push_str(&format!("\n  {} ({}):", p.key, p.product));
        let mut line = String::from("   ");
        for k in p.keys {
            let mut word = format!(" {}", k.name);
            if k.required {
                word.push('*');
            }
            if k.secret {
                word.push_str(" (secret)");
            }
            if !k.env.is_empty() {
                let vars: Vec<String> = k.env.iter().map(|v| format!("${v}")).collect();
                word.push_str(&format!(" (or {})", vars.join(", ")));
            }
            if line.len() + word.len() > 92 {
                s.push_str(&format!("\n{line}"));
                line = String::from("   ");
            }
            line.push_str(&word);
        }
        s.push_str(&format!("\n{line}"));
    }
    s
}

/// A help text followed by the exit-code table, which lives with the exit classes.
fn with_exit_codes(text: &str) -> String {
    format!("{text}{}", crate::error::Exit::help_table())
}

#[derive(Debug, Parser)]
#[command(
    name = "fcall",
    version,
    about = "Invoke serverless functions: result on stdout, decoded log tail and summary on stderr",
    after_help = with_exit_codes("Examples:
  fcall profile add hw --provider huawei region=cn-north-4 project_id=0123... token@env=HW_TOKEN
  fcall invoke hello -d '{\"name\":\"x\"}' --tail
  fcall invoke hello --async --wait

")
)]
pub struct Cli {
    /// Profile to use (default: the config's default_profile)
    #[arg(short, long, global = true, env = "FCALL_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file (default: <config dir>/fcall/config.toml)
    #[arg(long, global = true, env = "FCALL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to colour stderr
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Show requests and responses on stderr (secrets masked)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn as_str(self) -> &'static str {
        match self {
            ColorWhen::Auto => "auto",
            ColorWhen::Always => "always",
            ColorWhen::Never => "never",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Invoke a function (sync by default); its result goes to stdout
    #[command(after_help = with_exit_codes("Examples:
  fcall invoke hello -d '{\"name\":\"x\"}' --tail        sync, decoded log tail on stderr
  fcall invoke my-pkg/hello -d @event.json             payload from a file
  echo '{}' | fcall invoke hello                       payload from stdin
  fcall invoke hello --qualifier alias:prod            an alias (also written '!prod')
  fcall invoke hello --async --wait                    async, then wait for the outcome
  fcall invoke stock-quote/market/today -X GET --query company=Google    (Altair)
  fcall invoke job --async --wait --listen 127.0.0.1:0 receive the callback (Altair)
  fcall -p lambda invoke my-fn:prod --dry-run-remote   Lambda DryRun: may I invoke it?
  fcall invoke hello --output json | jq .duration_ms   the JSON envelope
  fcall invoke hello --dry-run                         show the request, send nothing

"))]
    Invoke(InvokeArgs),

    /// Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line
    #[command(after_help = with_exit_codes("Input (NDJSON, read line by line, never whole):
  Each line is one invocation's payload, sent as is (a trailing CR is dropped; blank lines are
  skipped but still counted). A line that is a JSON object with a \"payload\" key is instead
    {\"payload\": P, \"id\": ID, \"qualifier\": Q}
  where P is any JSON (a string is sent as its text, anything else as written), ID an optional
  string or number copied to the envelope, Q an optional version or alias for that line. Such an
  object may have no other key (a line with an unknown key fails as a bad line); to send an
  object that has a \"payload\" key of its own, wrap it: {\"payload\": {\"payload\": 1}}.

Output:
  One --output json envelope per input line on stdout, in input order, each with \"line\" (the
  1-based input line number) and \"id\" (the line's id, or null); a line is printed as soon as it
  and every line before it are done. At most -j calls run at once, and finished lines wait for
  earlier ones in a window of at most 2 x -j lines, so memory stays flat. On a terminal, stderr
  shows a progress bar; at the end a summary line: invocations, ok, function errors, refused
  (codes 3 and 4), transport errors, p50/p95/p99 latency.

Exit code: 0 when every line was ok, else the most severe class met, in this order:
  5 transport > 4 refused > 3 credentials > 2 bad line or input > 1 internal > 7 expectation
  not met > 6 function failed
(the highest code, except that 7 and 6, calls that went through and answered, rank below every
failure of the request), --fail-fast or not; 130 when interrupted (lines already printed stay complete). A
failure before the first call (profile, token, unreadable --input) ends the batch with no envelopes.

Examples:
  seq 1 100 | fcall batch echo -j 16                      payloads 1..100, 16 at a time
  fcall batch hello --input events.ndjson --rate 20       at most 20 starts per second
  fcall batch hello --input events.ndjson --fail-fast     stop starting calls at the first failure
  fcall batch job --async < jobs.ndjson | jq -r .invocation_id

"))]
    Batch(BatchArgs),

    /// Run suites of invocation cases (*.fcall.toml) and check what each answers
    #[command(after_help = with_exit_codes("A suite file (TOML):
  profile = \"prod\"                 # defaults for every case: profile, function, timeout (s)
  function = \"hello\"
  [[case]]
  name = \"greets by name\"
  payload = { name = \"ada\" }       # any TOML value, sent as JSON; or payload_file = \"x.json\"
  expect = ['.result_json.greeting == \"hello ada\"', '.duration_ms < 500']
A case may also set function, profile, qualifier, async, wait, headers = { K = \"V\" }, method,
path, query = { K = \"V\" }, content_type, max_duration_ms, log_contains and timeout. Strings may
use {{env.NAME}}, {{uuid}} (one per case) and {{now}}. A case passes when every expectation
yields true (a failing function is fine if expected: expect = ['.function_error != null']);
without expect, when the call succeeds.

Output: one line per case as it ends (ok, FAILED: a check did not hold, ERROR: it could not
run, with the reasons), then `test result: ok. N passed; M failed`. --junit FILE writes JUnit
XML; --report json prints one NDJSON line per case on stdout instead (case lines on stderr).
On GitHub Actions (GITHUB_ACTIONS=true) failing cases are also annotated at their line, and a
table is appended to $GITHUB_STEP_SUMMARY.

Exit code: 0 when every case passed; 7 when a case FAILED a check (or its function failed
unexpectedly); else, when cases could not run, the most severe of their codes
(5 > 4 > 3 > 2 > 1). A suite that cannot be read, or an expression that does not compile, is
exit 2 before any case runs.

Examples:
  fcall test                                   every *.fcall.toml under the current folder
  fcall test smoke/ --junit report.xml -j 8
  fcall test smoke/api.fcall.toml --filter greets

"))]
    Test(TestArgs),

    /// Read a function's whole log from the platform's log service: one request's, the recent
    /// log, or a live follow; the lines go to stdout
    #[command(after_help = with_exit_codes("Where the log comes from:
  Lambda: CloudWatch Logs (the function's log group), Function Compute: Simple Log Service (the
  logConfig's project and logstore), FunctionGraph: LTS (the function's log group and stream),
  Altair IoT Studio: the function's log route, OpenFaaS: the
  gateway's /system/logs (basic auth). Log services ingest a few seconds late: a request's lines
  may take that long to appear.

Examples:
  fcall logs hello --request-id 8f5b3c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c   one request's log
  fcall logs hello --since 1h --filter ERROR                          the last hour's errors
  fcall logs hello -f                                                  follow (Ctrl-C stops)
  fcall logs hello --since 2024-01-02T03:00:00Z --until 2024-01-02T04:00:00Z --output json

"))]
    Logs(LogsArgs),

    /// Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)
    #[command(after_help = "Examples:
  fcall status svc/job job-001                      Function Compute stateful async invocation
  fcall status hello 1167bf8c-87b0-43ab-8f5f-26b16c64f252 --output json")]
    Status(TaskArgs),

    /// Stop an async invocation that is still running
    #[command(after_help = "Example:
  fcall stop svc/job job-001")]
    Stop(TaskArgs),

    /// Receive async callbacks and print them: bodies on stdout, status lines on stderr
    #[command(after_help = "Example:
  fcall listen --bind 127.0.0.1:8080            prints the callback URL to give to --callback-url
  fcall invoke job --async --callback-url URL   (in another shell)")]
    Listen(ListenArgs),

    /// Manage profiles (one per provider account)
    #[command(
        subcommand,
        after_help = "Examples:\n  fcall profile add hw --provider huawei region=cn-north-4 project_id=... token@env=HW_TOKEN\n  fcall profile list"
    )]
    Profile(ProfileCommand),

    /// Decode what providers send in headers
    #[command(
        subcommand,
        after_help = "Examples:\n  fcall decode log 'X-Cff-Function-Log: MjAyNC0wMS0wMlQw...'\n  fcall decode summary '{\"duration\":1.9,\"memorySize\":128}'"
    )]
    Decode(DecodeCommand),

    /// Print a shell completion script
    #[command(after_help = "Example:\n  fcall completions bash > /etc/bash_completion.d/fcall")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff)
    #[command(after_help = "Example:\n  fcall man > /usr/local/share/man/man1/fcall.1")]
    Man,

    /// Run the local emulator of every provider's invoke API
    #[command(after_help = "Example:
  fcall emulator --bind 127.0.0.1:9000
Prints \"listening on ADDR\" first. It serves FunctionGraph (and its IAM), Function
Compute 2.0/3.0, Altair IoT Studio, AWS Lambda and an OpenFaaS gateway. Default credentials:
FunctionGraph token testtoken; AK/SK testak/testsk (also Function Compute's AccessKey and
Lambda's key); IAM user testuser / testpassword in domain testdomain; Altair client
testclient / testsecret; OpenFaaS basic auth admin / testpassword.
Functions: echo (returns the payload), fail (a function error), longlog (a log longer
than the tail), slow (sleeps {\"sleep_ms\": N}, default 3000), maybe (fails when the payload
has \"fail\": true), big (returns {\"bytes\": N} bytes), flood (logs {\"lines\": N} lines), busy (FC,
Lambda: 429 on every other call), notready and stock-quote (Altair), inspect (OpenFaaS); others are
not found. Altair callbacks go to loopback addresses only. Every invocation's log is kept and
served by each provider's log API (CloudWatch Logs, Simple Log Service, LTS, the OpenFaaS-style
log routes), each line --log-delay-ms after it was written. GET /_emulator/stats returns request
counters.")]
    Emulator(EmulatorArgs),
}

/// `--pretty`: what is done to a JSON result shown on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrettyWhat {
    All,
    Format,
    Colors,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct InvokeArgs {
    /// Function: NAME, PACKAGE/NAME or a URN (FunctionGraph), SERVICE/NAME (FC), NAME[/path] (Altair, OpenFaaS), NAME[:Q] or an ARN (Lambda)
    pub function: String,

    /// Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)
    #[arg(short, long, value_name = "DATA")]
    pub data: Option<String>,

    /// Refuse a payload that is not valid JSON before sending anything
    #[arg(long)]
    pub validate_json: bool,

    /// Do not read a payload from stdin when -d is absent (in a `while read` loop, say,
    /// where stdin holds the loop's own input)
    #[arg(long, conflicts_with = "data")]
    pub ignore_stdin: bool,

    #[command(flatten)]
    pub call: CallArgs,

    #[command(flatten)]
    pub check: CheckArgs,

    /// Print this jq expression's output over the JSON envelope instead of the result
    /// (strings as text, the rest as JSON, one per line); exit codes unchanged
    #[arg(long, value_name = "EXPR", conflicts_with_all = ["dry_run", "curl"])]
    pub jq: Option<String>,

    /// With --async: wait until the invocation finishes (exit 0 or 6); also retry a function
    /// that is not ready yet (Altair) until it is, within --timeout
    #[arg(long)]
    pub wait: bool,

    /// With --async: your id for the invocation (Function Compute stateful async invocation / task id)
    #[arg(long, value_name = "ID", requires = "async_")]
    pub invocation_id: Option<String>,

    /// Where an async invocation's result is sent (X-Callback-Url: Altair, OpenFaaS)
    #[arg(
        long,
        value_name = "URL",
        requires = "async_",
        conflicts_with = "listen"
    )]
    pub callback_url: Option<String>,

    /// With --async --wait: receive the result on this local address (Altair, OpenFaaS)
    #[arg(long, value_name = "ADDR", requires = "wait")]
    pub listen: Option<String>,

    /// With --listen: the public URL that reaches the listen address (a tunnel, say)
    #[arg(long, value_name = "URL", requires = "listen")]
    pub public_url: Option<String>,

    /// Output format: human (result on stdout, report on stderr) or a JSON envelope
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,

    /// How a JSON result (or envelope) is shown: indented (format), coloured (colors), both
    /// (all) or as sent (none). Default: all when stdout is a terminal (colours as --color,
    /// NO_COLOR and TERM say), none when it is piped, which keeps the bytes exact
    #[arg(long, value_enum, value_name = "WHAT")]
    pub pretty: Option<PrettyWhat>,

    #[command(flatten)]
    pub net: NetArgs,

    /// After the call, fetch the invocation's complete log from the platform's log service and
    /// show it in place of the tail (a failure to fetch it is a warning, never the exit code)
    #[arg(long, conflicts_with = "async_")]
    pub logs: bool,

    /// With --logs: how long to wait for the log service to have the whole log, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "logs")]
    pub logs_wait: u64,

    /// Print the request that would be sent (signed, secrets masked) and exit 0
    #[arg(long, conflicts_with = "curl")]
    pub dry_run: bool,

    /// Have the provider check the call without running the function: it exists and you may
    /// invoke it (AWS Lambda DryRun; exit 0, or 3/4 with the reason)
    #[arg(long, conflicts_with_all = ["async_", "tail"])]
    pub dry_run_remote: bool,

    /// Print an equivalent curl command line (secrets masked) and exit 0
    #[arg(long)]
    pub curl: bool,

    /// With --dry-run or --curl: show secrets and signatures instead of ****
    #[arg(long)]
    pub show_secrets: bool,
}

/// How each call is made: shared by `invoke` and `batch`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Content type of the payload
    #[arg(
        short = 't',
        long,
        default_value = "application/json",
        value_name = "TYPE"
    )]
    pub content_type: String,

    /// Invoke asynchronously: the provider accepts the call and gives an id (exit 0)
    #[arg(long = "async")]
    pub async_: bool,

    /// Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)
    #[arg(long)]
    pub tail: bool,

    /// Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)
    #[arg(long, value_name = "Q")]
    pub qualifier: Option<String>,

    /// HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Query parameter passed to the function, repeatable (Altair, OpenFaaS)
    #[arg(long = "query", value_name = "K=V")]
    pub query: Vec<String>,

    /// Extra request header, repeatable
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
}

/// Checks of each call's JSON envelope: shared by `invoke` and `batch`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A jq expression over the JSON envelope that must yield true, repeatable (e.g.
    /// '.result_json.status == "ok"'); exit 7 when one does not (6 if the function failed)
    #[arg(long = "expect", value_name = "EXPR")]
    pub expect: Vec<String>,
}

/// `fcall batch`: one invocation per input line.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BatchArgs {
    #[command(subcommand)]
    pub command: Option<BatchCommand>,

    /// Function: as for invoke
    #[arg(required = true)]
    pub function: Option<String>,

    /// NDJSON input: a file, or - for stdin
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,

    /// Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and
    /// latency holds, cut on throttling answers (up to --max-concurrency)
    #[arg(short = 'j', long, value_name = "N|auto", default_value = "8", value_parser = parse_jobs)]
    pub jobs: Jobs,

    /// With -j auto: the concurrency it never goes above
    #[arg(
        long,
        value_name = "N",
        default_value_t = 256,
        value_parser = clap::value_parser!(u32).range(1..=4096)
    )]
    pub max_concurrency: u32,

    /// Start at most N invocations per second (N may be a fraction, e.g. 0.5)
    #[arg(long, value_name = "N", value_parser = positive_rate)]
    pub rate: Option<f64>,

    /// After the first line that is not ok, start no more; those in flight finish and are printed
    #[arg(long)]
    pub fail_fast: bool,

    /// Run only shard K of N: the lines n with (n - 1) mod N = K - 1, their `line` numbers kept
    /// (`auto/N`: K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, which count from 0)
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    /// Write every line that did not succeed to FILE, as batch input with its id, to replay them
    #[arg(long, value_name = "FILE")]
    pub failures: Option<PathBuf>,

    /// Record each line's state in FILE (append-only) and, run again with the same input and
    /// options, skip what finished: its envelope is printed from the journal, and a line that
    /// was sent but not answered is reported `uncertain`, not sent again
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,

    /// With --journal: send the uncertain lines again (they may have run already)
    #[arg(long, requires = "journal")]
    pub retry_uncertain: bool,

    /// With --journal: print only the envelopes of lines run now, not those from the journal
    #[arg(long, requires = "journal")]
    pub only_new: bool,

    #[command(flatten)]
    pub call: CallArgs,

    #[command(flatten)]
    pub check: CheckArgs,

    /// With --async: where each invocation's result is sent (Altair X-Callback-Url)
    #[arg(long, value_name = "URL", requires = "async_")]
    pub callback_url: Option<String>,

    /// Output format: batch prints one JSON envelope per line
    #[arg(long, value_enum, default_value_t = BatchOutput::Json)]
    pub output: BatchOutput,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchOutput {
    Json,
}

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Merge the outputs of `batch --shard` runs into one output in line order, with the
    /// summary and exit code of the whole
    #[command(after_help = "Example:
  fcall batch merge shard-1.ndjson shard-2.ndjson shard-3.ndjson > all.ndjson")]
    Merge {
        /// The shards' outputs (NDJSON envelopes, each in line order)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
}

/// `-j`: a fixed number of calls in flight, or adaptive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jobs {
    Fixed(u32),
    Auto,
}

fn parse_jobs(s: &str) -> Result<Jobs, String> {
    match s {
        "auto" => Ok(Jobs::Auto),
        n => match n.parse::<u32>() {
            Ok(n) if (1..=4096).contains(&n) => Ok(Jobs::Fixed(n)),
            _ => Err(format!(
                "'{s}' is not a number of calls in flight: give 1 to 4096, or auto"
            )),
        },
    }
}

/// `--shard K/N`; `k` is `None` for `auto/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: Option<u64>,
    pub n: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let bad = || format!("'{s}' is not a shard: write K/N with 1 <= K <= N (e.g. 2/4), or auto/N");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let n: u64 = n
        .parse()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or_else(bad)?;
    let k = match k {
        "auto" => None,
        k => Some(
            k.parse::<u64>()
                .ok()
                .filter(|k| (1..=n).contains(k))
                .ok_or_else(bad)?,
        ),
    };
    Ok(Shard { k, n })
}

impl BatchArgs {
    /// The time between starts `--rate` asks for: the one conversion (`--rate` is at least
    /// [`MIN_RATE`], so it always fits a `Duration`).
    pub fn interval(&self) -> Option<std::time::Duration> {
        self.rate
            .and_then(|r| std::time::Duration::try_from_secs_f64(1.0 / r).ok())
    }
}

/// The slowest `--rate`: one start a day (a slower one would overflow the interval).
pub const MIN_RATE: f64 = 1.0 / 86_400.0;

fn positive_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r >= MIN_RATE => Ok(r),
        _ => Err(format!(
            "'{s}' is not a rate: give starts per second, a number from {MIN_RATE:.8} (one a day) up (e.g. 20 or 0.5)"
        )),
    }
}

/// The longest `--timeout` and `--connect-timeout`: a week (what a deadline may add to the
/// clock without overflowing it, with room to spare).
pub const MAX_TIMEOUT_SECS: u64 = 7 * 86_400;

/// The most `--retries`.
pub const MAX_RETRIES: u32 = 100;

/// Timeouts and retries, shared by every command that talks to a provider.
#[derive(Debug, Args)]
pub struct NetArgs {
    /// Whole-request timeout in seconds (with --wait: how long to wait in all)
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = crate::transport::DEFAULT_TIMEOUT_SECS,
        value_parser = clap::value_parser!(u64).range(0..=MAX_TIMEOUT_SECS)
    )]
    pub timeout: u64,

    /// Connection timeout in seconds
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(0..=MAX_TIMEOUT_SECS)
    )]
    pub connect_timeout: u64,

    /// Retries for failures that cannot have run the function (connect errors, 429, 503)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        value_parser = clap::value_parser!(u32).range(0..=MAX_RETRIES as i64)
    )]
    pub retries: u32,

    /// Also retry a synchronous call that may have reached the function (reset, timeout,
    /// 502/503/504): this MAY RUN YOUR FUNCTION TWICE
    #[arg(long)]
    pub retry_sync: bool,

    /// Do not verify TLS certificates (warns every time: the exchange can be read and changed)
    #[arg(long)]
    pub insecure: bool,
}

impl NetArgs {
    /// The transport's options these flags ask for: the one conversion.
    pub fn options(&self, verbose: bool) -> crate::transport::Options {
        use std::time::Duration;
        crate::transport::Options {
            timeout: Duration::from_secs(self.timeout.max(1)),
            connect_timeout: Duration::from_secs(self.connect_timeout.max(1)),
            retries: self.retries,
            verbose,
            insecure: self.insecure,
            retry_sync: self.retry_sync,
            announce_retries: false,
        }
    }
}

/// `fcall test`: suites of cases.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Suite files, or folders searched for *.fcall.toml (default: the current folder)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Cases run at once
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..=256)
    )]
    pub jobs: u32,

    /// Run only the cases whose name contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Also write a JUnit XML report to FILE
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// human: a line per case on stdout; json: an NDJSON line per case on stdout, with its
    /// envelope (the case lines then go to stderr)
    #[arg(long, value_enum, default_value_t = TestReport::Human)]
    pub report: TestReport,

    #[command(flatten)]
    pub net: NetArgs,
}

/// `fcall logs`: a function's log from its log service.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The function, as for invoke
    pub function: String,

    /// Only this request's lines (the request id invoke printed)
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    /// From this time on: back from now (30s, 10m, 2h, 1d) or RFC 3339 (default: 10m, or the
    /// last day with --request-id)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Up to this time: back from now or RFC 3339
    #[arg(long, value_name = "TIME", conflicts_with = "follow")]
    pub until: Option<String>,

    /// Only lines that contain this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Keep reading new lines as they arrive, until Ctrl-C (exit 130)
    #[arg(short, long)]
    pub follow: bool,

    /// Stop after N lines
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,

    /// Version or alias whose log to read
    #[arg(long, value_name = "Q")]
    pub qualifier: Option<String>,

    /// Show times in UTC rather than local time
    #[arg(long)]
    pub utc: bool,

    /// Output format: human lines, or NDJSON {timestamp, message, request_id, stream, provider}
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestReport {
    Human,
    Json,
}

/// An accepted async invocation: `fcall status` and `fcall stop`.
#[derive(Debug, Args)]
pub struct TaskArgs {
    /// The function, as for invoke
    pub function: String,

    /// The async invocation's id (request id, invocation id or task id)
    pub id: String,

    /// Version or alias the invocation was made on
    #[arg(long, value_name = "Q")]
    pub qualifier: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,

    #[command(flatten)]
    pub net: NetArgs,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add (or with --force replace) a profile; on a terminal, without keys, asks for them
    #[command(
        after_help = profile_add_help()
    )]
    Add {
        name: String,
        /// Provider: huawei, aliyun, altair, aws or openfaas (their keys are listed below);
        /// without it and without keys, on a terminal, fcall asks for both
        #[arg(long, value_name = "PROVIDER")]
        provider: Option<String>,
        /// Replace an existing profile of that name
        #[arg(long)]
        force: bool,
        /// KEY=VALUE, KEY@env=VAR or KEY@command=CMD
        #[arg(value_name = "KEY=VALUE")]
        values: Vec<String>,
    },
    /// List profiles (the default is marked with *): name, provider, region or endpoint
    #[command(
        after_help = "Examples:\n  fcall profile list\n  fcall profile list --output json | jq -r '.[].name'\nOn a terminal, aligned columns; piped, NAME<TAB>PROVIDER lines."
    )]
    List {
        /// human: lines; json: one array of {name, provider, default, region, endpoint}
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        output: OutputFormat,
    },
    /// Set keys of a profile in place (comments and the rest kept)
    #[command(
        after_help = "Examples:\n  fcall profile set hw region=eu-west-101 secret_key@env=HW_SK\n  fcall profile set lambda aws_profile=prod"
    )]
    Set {
        name: String,
        /// KEY=VALUE, KEY@env=VAR or KEY@command=CMD
        #[arg(value_name = "KEY=VALUE", required = true)]
        values: Vec<String>,
    },
    /// Remove keys from a profile
    #[command(after_help = "Example:\n  fcall profile unset hw security_token")]
    Unset {
        name: String,
        /// The keys to remove
        #[arg(value_name = "KEY", required = true)]
        keys: Vec<String>,
    },
    /// Show a profile with secrets masked
    #[command(
        after_help = "Examples:\n  fcall profile show hw\n  fcall profile show lambda --resolve     where the credentials, region and endpoint come from"
    )]
    Show {
        name: String,
        /// Also build the provider and say where each setting comes from (file and section,
        /// variable, metadata service), never a secret; nothing is fetched
        #[arg(long)]
        resolve: bool,
    },
    /// List the profiles of the vendors' own tools (~/.aws today) and import them as fcall
    /// profiles that point at them (no secret is copied)
    #[command(
        after_help = "Examples:\n  fcall profile import                   list what can be imported\n  fcall profile import prod dev          import two AWS profiles as `prod` and `dev`\n  fcall profile import --all --prefix aws-"
    )]
    Import {
        /// The vendor profiles to import (by the name the listing shows); none: list them
        #[arg(value_name = "NAME")]
        names: Vec<String>,
        /// Import every profile found
        #[arg(long, conflicts_with = "names")]
        all: bool,
        /// Only this provider's tools (huawei, aliyun, aws...)
        #[arg(long, value_name = "PROVIDER")]
        provider: Option<String>,
        /// Put this before each imported profile's name
        #[arg(long, value_name = "PREFIX", default_value = "")]
        prefix: String,
        /// Replace fcall profiles of the same name
        #[arg(long)]
        force: bool,
    },
    /// Remove a profile
    #[command(after_help = "Example:\n  fcall profile remove hw-old")]
    Remove { name: String },
    /// Make a profile the default
    #[command(after_help = "Example:\n  fcall profile default hw")]
    Default { name: String },
}

#[derive(Debug, Subcommand)]
pub enum DecodeCommand {
    /// Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)
    #[command(after_help = "Examples:
  fcall decode log 'X-Cff-Function-Log: MjAyNC0wMS0wMlQwMzowNDowNVogU3RhcnQ='
  pbpaste | fcall decode log")]
    Log {
        /// The value or a whole header line; - or nothing reads stdin
        value: Option<String>,
        /// Tail limit in bytes (to flag truncation); default from the header name
        #[arg(long, value_name = "BYTES")]
        limit: Option<usize>,
    },
    /// Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT
    /// line or Function Compute's `Duration: … Billed Duration: …` line
    #[command(after_help = "Examples:
  fcall decode summary '{\"duration\":1.913,\"billingDuration\":2,\"memorySize\":128,\"memoryUsed\":41.5}'
  fcall decode log \"$LOG_RESULT\" | fcall decode summary     the REPORT line of a Lambda tail
  fcall decode summary 'Duration: 2.96 ms, Billed Duration: 3 ms, Memory Size: 128 MB, Max Memory Used: 10.83 MB'")]
    Summary {
        /// The JSON, a whole header line, or a log holding a REPORT or FC Duration line; - or
        /// nothing reads stdin
        value: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on (loopback by default; port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: String,
    /// The public URL that reaches the bind address (a tunnel, say)
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Stop after this many callbacks
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:9000")]
    pub bind: String,
    /// Write ready profiles for every provider (named huawei, aliyun, altair, aws, openfaas)
    /// pointed at this emulator into FILE, then serve: `export FCALL_CONFIG=FILE` to use them
    #[arg(long, value_name = "FILE")]
    pub write_profiles: Option<PathBuf>,
    /// Calls per second the function `limited` (Lambda) takes before it throttles
    #[arg(long, value_name = "N", default_value_t = 50.0, value_parser = positive_rate)]
    pub limit_rate: f64,
    /// Calls `limited` takes at once above its rate (its token bucket's size)
    #[arg(long, value_name = "N", default_value_t = 5.0, value_parser = positive_rate)]
    pub limit_burst: f64,
    /// FunctionGraph token accepted as X-Auth-Token
    #[arg(long, default_value = "testtoken")]
    pub token: String,
    /// Access key accepted for AK/SK signing
    #[arg(long, default_value = "testak")]
    pub access_key: String,
    /// Secret key for AK/SK signing
    #[arg(long, default_value = "testsk")]
    pub secret_key: String,
    /// Altair OAuth2 client id
    #[arg(long, default_value = "testclient")]
    pub client_id: String,
    /// Altair OAuth2 client secret
    #[arg(long, default_value = "testsecret")]
    pub client_secret: String,
    /// Lifetime of the Altair tokens it issues, in seconds
    #[arg(
        long,
        default_value_t = 3600,
        value_parser = clap::value_parser!(i64).range(0..=31_536_000)
    )]
    pub token_ttl: i64,
    /// Lifetime of the temporary keys it issues (AWS STS, SSO and metadata; Alibaba STS and
    /// metadata; Huawei security tokens), in seconds: short, to see fcall refresh them
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 3600,
        value_parser = clap::value_parser!(i64).range(1..=129_600)
    )]
    pub credential_ttl: i64,
    /// IAM user that can fetch tokens
    #[arg(long, default_value = "testuser")]
    pub iam_user: String,
    /// That user's password
    #[arg(long, default_value = "testpassword")]
    pub iam_password: String,
    /// That user's domain (account name)
    #[arg(long, default_value = "testdomain")]
    pub iam_domain: String,
    /// OpenFaaS gateway basic-auth user
    #[arg(long, default_value = "admin")]
    pub basic_user: String,
    /// OpenFaaS gateway basic-auth password
    #[arg(long, default_value = "testpassword")]
    pub basic_password: String,
    /// Log ingestion delay: a log line shows in the log APIs this long after it was written
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub log_delay_ms: u64,
}
