# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_fcall_global_optspecs
    string join \n p/profile= config= color= v/verbose h/help V/version
end

function __fish_fcall_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_fcall_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_fcall_using_subcommand
    set -l cmd (__fish_fcall_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c fcall -n "__fish_fcall_needs_command" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_needs_command" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_needs_command" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_needs_command" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_needs_command" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_needs_command" -s V -l version -d 'Print version'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "invoke" -d 'Invoke a function (sync by default); its result goes to stdout'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "batch" -d 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "test" -d 'Run suites of invocation cases (*.fcall.toml) and check what each answers'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "logs" -d 'Read a function\'s whole log from the platform\'s log service: one request\'s, the recent log, or a live follow; the lines go to stdout'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "status" -d 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "stop" -d 'Stop an async invocation that is still running'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "listen" -d 'Receive async callbacks and print them: bodies on stdout, status lines on stderr'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "profile" -d 'Manage profiles (one per provider account)'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "decode" -d 'Decode what providers send in headers'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "emulator" -d 'Run the local emulator of every provider\'s invoke API'
complete -c fcall -n "__fish_fcall_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s d -l data -d 'Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s t -l content-type -d 'Content type of the payload' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l qualifier -d 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s X -l method -d 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l query -d 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s H -l header -d 'Extra request header, repeatable' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l expect -d 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. \'.result_json.status == "ok"\'); exit 7 when one does not (6 if the function failed)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l jq -d 'Print this jq expression\'s output over the JSON envelope instead of the result (strings as text, the rest as JSON, one per line); exit codes unchanged' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l invocation-id -d 'With --async: your id for the invocation (Function Compute stateful async invocation / task id)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l callback-url -d 'Where an async invocation\'s result is sent (X-Callback-Url: Altair, OpenFaaS)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l listen -d 'With --async --wait: receive the result on this local address (Altair, OpenFaaS)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l public-url -d 'With --listen: the public URL that reaches the listen address (a tunnel, say)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l output -d 'Output format: human (result on stdout, report on stderr) or a JSON envelope' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l pretty -d 'How a JSON result (or envelope) is shown: indented (format), coloured (colors), both (all) or as sent (none). Default: all when stdout is a terminal (colours as --color, NO_COLOR and TERM say), none when it is piped, which keeps the bytes exact' -r -f -a "all\t''
format\t''
colors\t''
none\t''"
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l logs-wait -d 'With --logs: how long to wait for the log service to have the whole log, in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l validate-json -d 'Refuse a payload that is not valid JSON before sending anything'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l ignore-stdin -d 'Do not read a payload from stdin when -d is absent (in a `while read` loop, say, where stdin holds the loop\'s own input)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l async -d 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l tail -d 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l wait -d 'With --async: wait until the invocation finishes (exit 0 or 6); also retry a function that is not ready yet (Altair) until it is, within --timeout'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l logs -d 'After the call, fetch the invocation\'s complete log from the platform\'s log service and show it in place of the tail (a failure to fetch it is a warning, never the exit code)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l dry-run -d 'Print the request that would be sent (signed, secrets masked) and exit 0'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l dry-run-remote -d 'Have the provider check the call without running the function: it exists and you may invoke it (AWS Lambda DryRun; exit 0, or 3/4 with the reason)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l curl -d 'Print an equivalent curl command line (secrets masked) and exit 0'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -l show-secrets -d 'With --dry-run or --curl: show secrets and signatures instead of ****'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand invoke" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s i -l input -d 'NDJSON input: a file, or - for stdin' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s j -l jobs -d 'Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and latency holds, cut on throttling answers (up to --max-concurrency)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l max-concurrency -d 'With -j auto: the concurrency it never goes above' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l rate -d 'Start at most N invocations per second (N may be a fraction, e.g. 0.5)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l shard -d 'Run only shard K of N: the lines n with (n - 1) mod N = K - 1, their `line` numbers kept (`auto/N`: K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, which count from 0)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l failures -d 'Write every line that did not succeed to FILE, as batch input with its id, to replay them' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l journal -d 'Record each line\'s state in FILE (append-only) and, run again with the same input and options, skip what finished: its envelope is printed from the journal, and a line that was sent but not answered is reported `uncertain`, not sent again' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s t -l content-type -d 'Content type of the payload' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l qualifier -d 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s X -l method -d 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l query -d 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s H -l header -d 'Extra request header, repeatable' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l expect -d 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. \'.result_json.status == "ok"\'); exit 7 when one does not (6 if the function failed)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l callback-url -d 'With --async: where each invocation\'s result is sent (Altair X-Callback-Url)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l output -d 'Output format: batch prints one JSON envelope per line' -r -f -a "json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l fail-fast -d 'After the first line that is not ok, start no more; those in flight finish and are printed'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l retry-uncertain -d 'With --journal: send the uncertain lines again (they may have run already)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l only-new -d 'With --journal: print only the envelopes of lines run now, not those from the journal'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l async -d 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l tail -d 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -a "merge" -d 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and not __fish_seen_subcommand_from merge help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from merge" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from merge" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from merge" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from merge" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
complete -c fcall -n "__fish_fcall_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand test" -s j -l jobs -d 'Cases run at once' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -l filter -d 'Run only the cases whose name contains TEXT' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -l junit -d 'Also write a JUnit XML report to FILE' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand test" -l report -d 'human: a line per case on stdout; json: an NDJSON line per case on stdout, with its envelope (the case lines then go to stderr)' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand test" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand test" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand test" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand test" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand test" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand test" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand test" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l request-id -d 'Only this request\'s lines (the request id invoke printed)' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l since -d 'From this time on: back from now (30s, 10m, 2h, 1d) or RFC 3339 (default: 10m, or the last day with --request-id)' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l until -d 'Up to this time: back from now or RFC 3339' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l filter -d 'Only lines that contain this text' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l limit -d 'Stop after N lines' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l qualifier -d 'Version or alias whose log to read' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l output -d 'Output format: human lines, or NDJSON {timestamp, message, request_id, stream, provider}' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand logs" -s f -l follow -d 'Keep reading new lines as they arrive, until Ctrl-C (exit 130)'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l utc -d 'Show times in UTC rather than local time'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand logs" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand status" -l qualifier -d 'Version or alias the invocation was made on' -r
complete -c fcall -n "__fish_fcall_using_subcommand status" -l output -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand status" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand status" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand status" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand status" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand status" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand status" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand status" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand status" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand status" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand status" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l qualifier -d 'Version or alias the invocation was made on' -r
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l output -d 'Output format' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l timeout -d 'Whole-request timeout in seconds (with --wait: how long to wait in all)' -r
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l connect-timeout -d 'Connection timeout in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l retries -d 'Retries for failures that cannot have run the function (connect errors, 429, 503)' -r
complete -c fcall -n "__fish_fcall_using_subcommand stop" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l retry-sync -d 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE'
complete -c fcall -n "__fish_fcall_using_subcommand stop" -l insecure -d 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)'
complete -c fcall -n "__fish_fcall_using_subcommand stop" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand stop" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand listen" -l bind -d 'Address to listen on (loopback by default; port 0 picks a free one)' -r
complete -c fcall -n "__fish_fcall_using_subcommand listen" -l public-url -d 'The public URL that reaches the bind address (a tunnel, say)' -r
complete -c fcall -n "__fish_fcall_using_subcommand listen" -l count -d 'Stop after this many callbacks' -r
complete -c fcall -n "__fish_fcall_using_subcommand listen" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand listen" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand listen" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand listen" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand listen" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "add" -d 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "list" -d 'List profiles (the default is marked with *): name, provider, region or endpoint'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "set" -d 'Set keys of a profile in place (comments and the rest kept)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "unset" -d 'Remove keys from a profile'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "show" -d 'Show a profile with secrets masked'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "import" -d 'List the profiles of the vendors\' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "remove" -d 'Remove a profile'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "default" -d 'Make a profile the default'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and not __fish_seen_subcommand_from add list set unset show import remove default help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -l provider -d 'Provider: huawei, aliyun, altair, aws or openfaas (their keys are listed below); without it and without keys, on a terminal, fcall asks for both' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -l force -d 'Replace an existing profile of that name'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -l output -d 'human: lines; json: one array of {name, provider, default, region, endpoint}' -r -f -a "human\t''
json\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from set" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from set" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from set" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from unset" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from unset" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from unset" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -l resolve -d 'Also build the provider and say where each setting comes from (file and section, variable, metadata service), never a secret; nothing is fetched'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l provider -d 'Only this provider\'s tools (huawei, aliyun, aws...)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l prefix -d 'Put this before each imported profile\'s name' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l all -d 'Import every profile found'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -l force -d 'Replace fcall profiles of the same name'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from remove" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from remove" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from remove" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from default" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from default" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from default" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from default" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from default" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List profiles (the default is marked with *): name, provider, region or endpoint'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set keys of a profile in place (comments and the rest kept)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove keys from a profile'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a profile with secrets masked'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "import" -d 'List the profiles of the vendors\' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a profile'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "default" -d 'Make a profile the default'
complete -c fcall -n "__fish_fcall_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -f -a "log" -d 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -f -a "summary" -d 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute\'s `Duration: … Billed Duration: …` line'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and not __fish_seen_subcommand_from log summary help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -l limit -d 'Tail limit in bytes (to flag truncation); default from the header name' -r
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from summary" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from summary" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from summary" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from summary" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from summary" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from help" -f -a "log" -d 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from help" -f -a "summary" -d 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute\'s `Duration: … Billed Duration: …` line'
complete -c fcall -n "__fish_fcall_using_subcommand decode; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand completions" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand completions" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand completions" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand completions" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand completions" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand man" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand man" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand man" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand man" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand man" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l bind -d 'Address to listen on (port 0 picks a free one)' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l write-profiles -d 'Write ready profiles for every provider (named huawei, aliyun, altair, aws, openfaas) pointed at this emulator into FILE, then serve: `export FCALL_CONFIG=FILE` to use them' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l limit-rate -d 'Calls per second the function `limited` (Lambda) takes before it throttles' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l limit-burst -d 'Calls `limited` takes at once above its rate (its token bucket\'s size)' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l token -d 'FunctionGraph token accepted as X-Auth-Token' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l access-key -d 'Access key accepted for AK/SK signing' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l secret-key -d 'Secret key for AK/SK signing' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l client-id -d 'Altair OAuth2 client id' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l client-secret -d 'Altair OAuth2 client secret' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l token-ttl -d 'Lifetime of the Altair tokens it issues, in seconds' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l credential-ttl -d 'Lifetime of the temporary keys it issues (AWS STS, SSO and metadata; Alibaba STS and metadata; Huawei security tokens), in seconds: short, to see fcall refresh them' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l iam-user -d 'IAM user that can fetch tokens' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l iam-password -d 'That user\'s password' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l iam-domain -d 'That user\'s domain (account name)' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l basic-user -d 'OpenFaaS gateway basic-auth user' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l basic-password -d 'OpenFaaS gateway basic-auth password' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l log-delay-ms -d 'Log ingestion delay: a log line shows in the log APIs this long after it was written' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -s p -l profile -d 'Profile to use (default: the config\'s default_profile)' -r
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l config -d 'Config file (default: <config dir>/fcall/config.toml)' -r -F
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -l color -d 'When to colour stderr' -r -f -a "auto\t''
always\t''
never\t''"
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -s v -l verbose -d 'Show requests and responses on stderr (secrets masked)'
complete -c fcall -n "__fish_fcall_using_subcommand emulator" -s h -l help -d 'Print help'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "invoke" -d 'Invoke a function (sync by default); its result goes to stdout'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "batch" -d 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "test" -d 'Run suites of invocation cases (*.fcall.toml) and check what each answers'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "logs" -d 'Read a function\'s whole log from the platform\'s log service: one request\'s, the recent log, or a live follow; the lines go to stdout'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "status" -d 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "stop" -d 'Stop an async invocation that is still running'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "listen" -d 'Receive async callbacks and print them: bodies on stdout, status lines on stderr'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "profile" -d 'Manage profiles (one per provider account)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "decode" -d 'Decode what providers send in headers'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "completions" -d 'Print a shell completion script'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "man" -d 'Print the man page (roff)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "emulator" -d 'Run the local emulator of every provider\'s invoke API'
complete -c fcall -n "__fish_fcall_using_subcommand help; and not __fish_seen_subcommand_from invoke batch test logs status stop listen profile decode completions man emulator help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from batch" -f -a "merge" -d 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "add" -d 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List profiles (the default is marked with *): name, provider, region or endpoint'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "set" -d 'Set keys of a profile in place (comments and the rest kept)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "unset" -d 'Remove keys from a profile'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show a profile with secrets masked'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "import" -d 'List the profiles of the vendors\' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Remove a profile'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "default" -d 'Make a profile the default'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from decode" -f -a "log" -d 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)'
complete -c fcall -n "__fish_fcall_using_subcommand help; and __fish_seen_subcommand_from decode" -f -a "summary" -d 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute\'s `Duration: … Billed Duration: …` line'
