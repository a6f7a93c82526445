
use builtin;
use str;

set edit:completion:arg-completer[fcall] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'fcall'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'fcall'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand invoke 'Invoke a function (sync by default); its result goes to stdout'
            cand batch 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line'
            cand test 'Run suites of invocation cases (*.fcall.toml) and check what each answers'
            cand logs 'Read a function''s whole log from the platform''s log service: one request''s, the recent log, or a live follow; the lines go to stdout'
            cand status 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)'
            cand stop 'Stop an async invocation that is still running'
            cand listen 'Receive async callbacks and print them: bodies on stdout, status lines on stderr'
            cand profile 'Manage profiles (one per provider account)'
            cand decode 'Decode what providers send in headers'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand emulator 'Run the local emulator of every provider''s invoke API'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;invoke'= {
            cand -d 'Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)'
            cand --data 'Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)'
            cand -t 'Content type of the payload'
            cand --content-type 'Content type of the payload'
            cand --qualifier 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)'
            cand -X 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)'
            cand --method 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)'
            cand --query 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)'
            cand -H 'Extra request header, repeatable'
            cand --header 'Extra request header, repeatable'
            cand --expect 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. ''.result_json.status == "ok"''); exit 7 when one does not (6 if the function failed)'
            cand --jq 'Print this jq expression''s output over the JSON envelope instead of the result (strings as text, the rest as JSON, one per line); exit codes unchanged'
            cand --invocation-id 'With --async: your id for the invocation (Function Compute stateful async invocation / task id)'
            cand --callback-url 'Where an async invocation''s result is sent (X-Callback-Url: Altair, OpenFaaS)'
            cand --listen 'With --async --wait: receive the result on this local address (Altair, OpenFaaS)'
            cand --public-url 'With --listen: the public URL that reaches the listen address (a tunnel, say)'
            cand --output 'Output format: human (result on stdout, report on stderr) or a JSON envelope'
            cand --pretty 'How a JSON result (or envelope) is shown: indented (format), coloured (colors), both (all) or as sent (none). Default: all when stdout is a terminal (colours as --color, NO_COLOR and TERM say), none when it is piped, which keeps the bytes exact'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand --logs-wait 'With --logs: how long to wait for the log service to have the whole log, in seconds'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --validate-json 'Refuse a payload that is not valid JSON before sending anything'
            cand --ignore-stdin 'Do not read a payload from stdin when -d is absent (in a `while read` loop, say, where stdin holds the loop''s own input)'
            cand --async 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)'
            cand --tail 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)'
            cand --wait 'With --async: wait until the invocation finishes (exit 0 or 6); also retry a function that is not ready yet (Altair) until it is, within --timeout'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand --logs 'After the call, fetch the invocation''s complete log from the platform''s log service and show it in place of the tail (a failure to fetch it is a warning, never the exit code)'
            cand --dry-run 'Print the request that would be sent (signed, secrets masked) and exit 0'
            cand --dry-run-remote 'Have the provider check the call without running the function: it exists and you may invoke it (AWS Lambda DryRun; exit 0, or 3/4 with the reason)'
            cand --curl 'Print an equivalent curl command line (secrets masked) and exit 0'
            cand --show-secrets 'With --dry-run or --curl: show secrets and signatures instead of ****'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;batch'= {
            cand -i 'NDJSON input: a file, or - for stdin'
            cand --input 'NDJSON input: a file, or - for stdin'
            cand -j 'Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and latency holds, cut on throttling answers (up to --max-concurrency)'
            cand --jobs 'Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and latency holds, cut on throttling answers (up to --max-concurrency)'
            cand --max-concurrency 'With -j auto: the concurrency it never goes above'
            cand --rate 'Start at most N invocations per second (N may be a fraction, e.g. 0.5)'
            cand --shard 'Run only shard K of N: the lines n with (n - 1) mod N = K - 1, their `line` numbers kept (`auto/N`: K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, which count from 0)'
            cand --failures 'Write every line that did not succeed to FILE, as batch input with its id, to replay them'
            cand --journal 'Record each line''s state in FILE (append-only) and, run again with the same input and options, skip what finished: its envelope is printed from the journal, and a line that was sent but not answered is reported `uncertain`, not sent again'
            cand -t 'Content type of the payload'
            cand --content-type 'Content type of the payload'
            cand --qualifier 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)'
            cand -X 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)'
            cand --method 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)'
            cand --query 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)'
            cand -H 'Extra request header, repeatable'
            cand --header 'Extra request header, repeatable'
            cand --expect 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. ''.result_json.status == "ok"''); exit 7 when one does not (6 if the function failed)'
            cand --callback-url 'With --async: where each invocation''s result is sent (Altair X-Callback-Url)'
            cand --output 'Output format: batch prints one JSON envelope per line'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --fail-fast 'After the first line that is not ok, start no more; those in flight finish and are printed'
            cand --retry-uncertain 'With --journal: send the uncertain lines again (they may have run already)'
            cand --only-new 'With --journal: print only the envelopes of lines run now, not those from the journal'
            cand --async 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)'
            cand --tail 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand merge 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;batch;merge'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;batch;help'= {
            cand merge 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;batch;help;merge'= {
        }
        &'fcall;batch;help;help'= {
        }
        &'fcall;test'= {
            cand -j 'Cases run at once'
            cand --jobs 'Cases run at once'
            cand --filter 'Run only the cases whose name contains TEXT'
            cand --junit 'Also write a JUnit XML report to FILE'
            cand --report 'human: a line per case on stdout; json: an NDJSON line per case on stdout, with its envelope (the case lines then go to stderr)'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;logs'= {
            cand --request-id 'Only this request''s lines (the request id invoke printed)'
            cand --since 'From this time on: back from now (30s, 10m, 2h, 1d) or RFC 3339 (default: 10m, or the last day with --request-id)'
            cand --until 'Up to this time: back from now or RFC 3339'
            cand --filter 'Only lines that contain this text'
            cand --limit 'Stop after N lines'
            cand --qualifier 'Version or alias whose log to read'
            cand --output 'Output format: human lines, or NDJSON {timestamp, message, request_id, stream, provider}'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -f 'Keep reading new lines as they arrive, until Ctrl-C (exit 130)'
            cand --follow 'Keep reading new lines as they arrive, until Ctrl-C (exit 130)'
            cand --utc 'Show times in UTC rather than local time'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;status'= {
            cand --qualifier 'Version or alias the invocation was made on'
            cand --output 'Output format'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;stop'= {
            cand --qualifier 'Version or alias the invocation was made on'
            cand --output 'Output format'
            cand --timeout 'Whole-request timeout in seconds (with --wait: how long to wait in all)'
            cand --connect-timeout 'Connection timeout in seconds'
            cand --retries 'Retries for failures that cannot have run the function (connect errors, 429, 503)'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --retry-sync 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
            cand --insecure 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;listen'= {
            cand --bind 'Address to listen on (loopback by default; port 0 picks a free one)'
            cand --public-url 'The public URL that reaches the bind address (a tunnel, say)'
            cand --count 'Stop after this many callbacks'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
            cand list 'List profiles (the default is marked with *): name, provider, region or endpoint'
            cand set 'Set keys of a profile in place (comments and the rest kept)'
            cand unset 'Remove keys from a profile'
            cand show 'Show a profile with secrets masked'
            cand import 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
            cand remove 'Remove a profile'
            cand default 'Make a profile the default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;profile;add'= {
            cand --provider 'Provider: huawei, aliyun, altair, aws or openfaas (their keys are listed below); without it and without keys, on a terminal, fcall asks for both'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --force 'Replace an existing profile of that name'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;list'= {
            cand --output 'human: lines; json: one array of {name, provider, default, region, endpoint}'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;set'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;unset'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;show'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --resolve 'Also build the provider and say where each setting comes from (file and section, variable, metadata service), never a secret; nothing is fetched'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;import'= {
            cand --provider 'Only this provider''s tools (huawei, aliyun, aws...)'
            cand --prefix 'Put this before each imported profile''s name'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand --all 'Import every profile found'
            cand --force 'Replace fcall profiles of the same name'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;remove'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;default'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;profile;help'= {
            cand add 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
            cand list 'List profiles (the default is marked with *): name, provider, region or endpoint'
            cand set 'Set keys of a profile in place (comments and the rest kept)'
            cand unset 'Remove keys from a profile'
            cand show 'Show a profile with secrets masked'
            cand import 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
            cand remove 'Remove a profile'
            cand default 'Make a profile the default'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;profile;help;add'= {
        }
        &'fcall;profile;help;list'= {
        }
        &'fcall;profile;help;set'= {
        }
        &'fcall;profile;help;unset'= {
        }
        &'fcall;profile;help;show'= {
        }
        &'fcall;profile;help;import'= {
        }
        &'fcall;profile;help;remove'= {
        }
        &'fcall;profile;help;default'= {
        }
        &'fcall;profile;help;help'= {
        }
        &'fcall;decode'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand log 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
            cand summary 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;decode;log'= {
            cand --limit 'Tail limit in bytes (to flag truncation); default from the header name'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;decode;summary'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;decode;help'= {
            cand log 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
            cand summary 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;decode;help;log'= {
        }
        &'fcall;decode;help;summary'= {
        }
        &'fcall;decode;help;help'= {
        }
        &'fcall;completions'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;man'= {
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;emulator'= {
            cand --bind 'Address to listen on (port 0 picks a free one)'
            cand --write-profiles 'Write ready profiles for every provider (named huawei, aliyun, altair, aws, openfaas) pointed at this emulator into FILE, then serve: `export FCALL_CONFIG=FILE` to use them'
            cand --limit-rate 'Calls per second the function `limited` (Lambda) takes before it throttles'
            cand --limit-burst 'Calls `limited` takes at once above its rate (its token bucket''s size)'
            cand --token 'FunctionGraph token accepted as X-Auth-Token'
            cand --access-key 'Access key accepted for AK/SK signing'
            cand --secret-key 'Secret key for AK/SK signing'
            cand --client-id 'Altair OAuth2 client id'
            cand --client-secret 'Altair OAuth2 client secret'
            cand --token-ttl 'Lifetime of the Altair tokens it issues, in seconds'
            cand --credential-ttl 'Lifetime of the temporary keys it issues (AWS STS, SSO and metadata; Alibaba STS and metadata; Huawei security tokens), in seconds: short, to see fcall refresh them'
            cand --iam-user 'IAM user that can fetch tokens'
            cand --iam-password 'That user''s password'
            cand --iam-domain 'That user''s domain (account name)'
            cand --basic-user 'OpenFaaS gateway basic-auth user'
            cand --basic-password 'OpenFaaS gateway basic-auth password'
            cand --log-delay-ms 'Log ingestion delay: a log line shows in the log APIs this long after it was written'
            cand -p 'Profile to use (default: the config''s default_profile)'
            cand --profile 'Profile to use (default: the config''s default_profile)'
            cand --config 'Config file (default: <config dir>/fcall/config.toml)'
            cand --color 'When to colour stderr'
            cand -v 'Show requests and responses on stderr (secrets masked)'
            cand --verbose 'Show requests and responses on stderr (secrets masked)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'fcall;help'= {
            cand invoke 'Invoke a function (sync by default); its result goes to stdout'
            cand batch 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line'
            cand test 'Run suites of invocation cases (*.fcall.toml) and check what each answers'
            cand logs 'Read a function''s whole log from the platform''s log service: one request''s, the recent log, or a live follow; the lines go to stdout'
            cand status 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)'
            cand stop 'Stop an async invocation that is still running'
            cand listen 'Receive async callbacks and print them: bodies on stdout, status lines on stderr'
            cand profile 'Manage profiles (one per provider account)'
            cand decode 'Decode what providers send in headers'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff)'
            cand emulator 'Run the local emulator of every provider''s invoke API'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'fcall;help;invoke'= {
        }
        &'fcall;help;batch'= {
            cand merge 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
        }
        &'fcall;help;batch;merge'= {
        }
        &'fcall;help;test'= {
        }
        &'fcall;help;logs'= {
        }
        &'fcall;help;status'= {
        }
        &'fcall;help;stop'= {
        }
        &'fcall;help;listen'= {
        }
        &'fcall;help;profile'= {
            cand add 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
            cand list 'List profiles (the default is marked with *): name, provider, region or endpoint'
            cand set 'Set keys of a profile in place (comments and the rest kept)'
            cand unset 'Remove keys from a profile'
            cand show 'Show a profile with secrets masked'
            cand import 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
            cand remove 'Remove a profile'
            cand default 'Make a profile the default'
        }
        &'fcall;help;profile;add'= {
        }
        &'fcall;help;profile;list'= {
        }
        &'fcall;help;profile;set'= {
        }
        &'fcall;help;profile;unset'= {
        }
        &'fcall;help;profile;show'= {
        }
        &'fcall;help;profile;import'= {
        }
        &'fcall;help;profile;remove'= {
        }
        &'fcall;help;profile;default'= {
        }
        &'fcall;help;decode'= {
            cand log 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
            cand summary 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line'
        }
        &'fcall;help;decode;log'= {
        }
        &'fcall;help;decode;summary'= {
        }
        &'fcall;help;completions'= {
        }
        &'fcall;help;man'= {
        }
        &'fcall;help;emulator'= {
        }
        &'fcall;help;help'= {
        }
    ]
    $completions[$command]
}
