
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'fcall' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'fcall'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'fcall' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke a function (sync by default); its result goes to stdout')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run suites of invocation cases (*.fcall.toml) and check what each answers')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Read a function''s whole log from the platform''s log service: one request''s, the recent log, or a live follow; the lines go to stdout')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop an async invocation that is still running')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive async callbacks and print them: bodies on stdout, status lines on stderr')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage profiles (one per provider account)')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode what providers send in headers')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run the local emulator of every provider''s invoke API')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;invoke' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Payload: literal text, @FILE, or @- for stdin (piped stdin is read when -d is absent)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Content type of the payload')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content type of the payload')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, repeatable')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. ''.result_json.status == "ok"''); exit 7 when one does not (6 if the function failed)')
            [CompletionResult]::new('--jq', '--jq', [CompletionResultType]::ParameterName, 'Print this jq expression''s output over the JSON envelope instead of the result (strings as text, the rest as JSON, one per line); exit codes unchanged')
            [CompletionResult]::new('--invocation-id', '--invocation-id', [CompletionResultType]::ParameterName, 'With --async: your id for the invocation (Function Compute stateful async invocation / task id)')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'Where an async invocation''s result is sent (X-Callback-Url: Altair, OpenFaaS)')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'With --async --wait: receive the result on this local address (Altair, OpenFaaS)')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'With --listen: the public URL that reaches the listen address (a tunnel, say)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human (result on stdout, report on stderr) or a JSON envelope')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'How a JSON result (or envelope) is shown: indented (format), coloured (colors), both (all) or as sent (none). Default: all when stdout is a terminal (colours as --color, NO_COLOR and TERM say), none when it is piped, which keeps the bytes exact')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('--logs-wait', '--logs-wait', [CompletionResultType]::ParameterName, 'With --logs: how long to wait for the log service to have the whole log, in seconds')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--validate-json', '--validate-json', [CompletionResultType]::ParameterName, 'Refuse a payload that is not valid JSON before sending anything')
            [CompletionResult]::new('--ignore-stdin', '--ignore-stdin', [CompletionResultType]::ParameterName, 'Do not read a payload from stdin when -d is absent (in a `while read` loop, say, where stdin holds the loop''s own input)')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --async: wait until the invocation finishes (exit 0 or 6); also retry a function that is not ready yet (Altair) until it is, within --timeout')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('--logs', '--logs', [CompletionResultType]::ParameterName, 'After the call, fetch the invocation''s complete log from the platform''s log service and show it in place of the tail (a failure to fetch it is a warning, never the exit code)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the request that would be sent (signed, secrets masked) and exit 0')
            [CompletionResult]::new('--dry-run-remote', '--dry-run-remote', [CompletionResultType]::ParameterName, 'Have the provider check the call without running the function: it exists and you may invoke it (AWS Lambda DryRun; exit 0, or 3/4 with the reason)')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command line (secrets masked) and exit 0')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'With --dry-run or --curl: show secrets and signatures instead of ****')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;batch' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'NDJSON input: a file, or - for stdin')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'NDJSON input: a file, or - for stdin')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and latency holds, cut on throttling answers (up to --max-concurrency)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Invocations in flight at most, or `auto`: start at 4, grow while calls succeed and latency holds, cut on throttling answers (up to --max-concurrency)')
            [CompletionResult]::new('--max-concurrency', '--max-concurrency', [CompletionResultType]::ParameterName, 'With -j auto: the concurrency it never goes above')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Start at most N invocations per second (N may be a fraction, e.g. 0.5)')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'Run only shard K of N: the lines n with (n - 1) mod N = K - 1, their `line` numbers kept (`auto/N`: K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, which count from 0)')
            [CompletionResult]::new('--failures', '--failures', [CompletionResultType]::ParameterName, 'Write every line that did not succeed to FILE, as batch input with its id, to replay them')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Record each line''s state in FILE (append-only) and, run again with the same input and options, skip what finished: its envelope is printed from the journal, and a line that was sent but not answered is reported `uncertain`, not sent again')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Content type of the payload')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'Content type of the payload')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Version or alias (FunctionGraph: an alias as alias:NAME or !NAME)')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method (Altair, OpenFaaS: POST GET PUT PATCH DELETE)')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'Query parameter passed to the function, repeatable (Altair, OpenFaaS)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, repeatable')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, repeatable')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'A jq expression over the JSON envelope that must yield true, repeatable (e.g. ''.result_json.status == "ok"''); exit 7 when one does not (6 if the function failed)')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'With --async: where each invocation''s result is sent (Altair X-Callback-Url)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: batch prints one JSON envelope per line')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'After the first line that is not ok, start no more; those in flight finish and are printed')
            [CompletionResult]::new('--retry-uncertain', '--retry-uncertain', [CompletionResultType]::ParameterName, 'With --journal: send the uncertain lines again (they may have run already)')
            [CompletionResult]::new('--only-new', '--only-new', [CompletionResultType]::ParameterName, 'With --journal: print only the envelopes of lines run now, not those from the journal')
            [CompletionResult]::new('--async', '--async', [CompletionResultType]::ParameterName, 'Invoke asynchronously: the provider accepts the call and gives an id (exit 0)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Ask for the log tail (invoke: shown decoded on stderr; JSON: the "log" field)')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;batch;merge' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;batch;help' {
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;batch;help;merge' {
            break
        }
        'fcall;batch;help;help' {
            break
        }
        'fcall;test' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Cases run at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Cases run at once')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Run only the cases whose name contains TEXT')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write a JUnit XML report to FILE')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'human: a line per case on stdout; json: an NDJSON line per case on stdout, with its envelope (the case lines then go to stderr)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;logs' {
            [CompletionResult]::new('--request-id', '--request-id', [CompletionResultType]::ParameterName, 'Only this request''s lines (the request id invoke printed)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'From this time on: back from now (30s, 10m, 2h, 1d) or RFC 3339 (default: 10m, or the last day with --request-id)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Up to this time: back from now or RFC 3339')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Only lines that contain this text')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N lines')
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Version or alias whose log to read')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: human lines, or NDJSON {timestamp, message, request_id, stream, provider}')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep reading new lines as they arrive, until Ctrl-C (exit 130)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading new lines as they arrive, until Ctrl-C (exit 130)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC rather than local time')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;status' {
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Version or alias the invocation was made on')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;stop' {
            [CompletionResult]::new('--qualifier', '--qualifier', [CompletionResultType]::ParameterName, 'Version or alias the invocation was made on')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Whole-request timeout in seconds (with --wait: how long to wait in all)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Connection timeout in seconds')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries for failures that cannot have run the function (connect errors, 429, 503)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--retry-sync', '--retry-sync', [CompletionResultType]::ParameterName, 'Also retry a synchronous call that may have reached the function (reset, timeout, 502/503/504): this MAY RUN YOUR FUNCTION TWICE')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify TLS certificates (warns every time: the exchange can be read and changed)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;listen' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on (loopback by default; port 0 picks a free one)')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public URL that reaches the bind address (a tunnel, say)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many callbacks')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default is marked with *): name, provider, region or endpoint')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set keys of a profile in place (comments and the rest kept)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a profile')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile with secrets masked')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;profile;add' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: huawei, aliyun, altair, aws or openfaas (their keys are listed below); without it and without keys, on a terminal, fcall asks for both')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing profile of that name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;list' {
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'human: lines; json: one array of {name, provider, default, region, endpoint}')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;set' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;unset' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;show' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--resolve', '--resolve', [CompletionResultType]::ParameterName, 'Also build the provider and say where each setting comes from (file and section, variable, metadata service), never a secret; nothing is fetched')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;import' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s tools (huawei, aliyun, aws...)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put this before each imported profile''s name')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Import every profile found')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace fcall profiles of the same name')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;remove' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;default' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;profile;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default is marked with *): name, provider, region or endpoint')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set keys of a profile in place (comments and the rest kept)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a profile')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile with secrets masked')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;profile;help;add' {
            break
        }
        'fcall;profile;help;list' {
            break
        }
        'fcall;profile;help;set' {
            break
        }
        'fcall;profile;help;unset' {
            break
        }
        'fcall;profile;help;show' {
            break
        }
        'fcall;profile;help;import' {
            break
        }
        'fcall;profile;help;remove' {
            break
        }
        'fcall;profile;help;default' {
            break
        }
        'fcall;profile;help;help' {
            break
        }
        'fcall;decode' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;decode;log' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Tail limit in bytes (to flag truncation); default from the header name')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;decode;summary' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;decode;help' {
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;decode;help;log' {
            break
        }
        'fcall;decode;help;summary' {
            break
        }
        'fcall;decode;help;help' {
            break
        }
        'fcall;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;man' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;emulator' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free one)')
            [CompletionResult]::new('--write-profiles', '--write-profiles', [CompletionResultType]::ParameterName, 'Write ready profiles for every provider (named huawei, aliyun, altair, aws, openfaas) pointed at this emulator into FILE, then serve: `export FCALL_CONFIG=FILE` to use them')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Calls per second the function `limited` (Lambda) takes before it throttles')
            [CompletionResult]::new('--limit-burst', '--limit-burst', [CompletionResultType]::ParameterName, 'Calls `limited` takes at once above its rate (its token bucket''s size)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'FunctionGraph token accepted as X-Auth-Token')
            [CompletionResult]::new('--access-key', '--access-key', [CompletionResultType]::ParameterName, 'Access key accepted for AK/SK signing')
            [CompletionResult]::new('--secret-key', '--secret-key', [CompletionResultType]::ParameterName, 'Secret key for AK/SK signing')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Altair OAuth2 client id')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'Altair OAuth2 client secret')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the Altair tokens it issues, in seconds')
            [CompletionResult]::new('--credential-ttl', '--credential-ttl', [CompletionResultType]::ParameterName, 'Lifetime of the temporary keys it issues (AWS STS, SSO and metadata; Alibaba STS and metadata; Huawei security tokens), in seconds: short, to see fcall refresh them')
            [CompletionResult]::new('--iam-user', '--iam-user', [CompletionResultType]::ParameterName, 'IAM user that can fetch tokens')
            [CompletionResult]::new('--iam-password', '--iam-password', [CompletionResultType]::ParameterName, 'That user''s password')
            [CompletionResult]::new('--iam-domain', '--iam-domain', [CompletionResultType]::ParameterName, 'That user''s domain (account name)')
            [CompletionResult]::new('--basic-user', '--basic-user', [CompletionResultType]::ParameterName, 'OpenFaaS gateway basic-auth user')
            [CompletionResult]::new('--basic-password', '--basic-password', [CompletionResultType]::ParameterName, 'OpenFaaS gateway basic-auth password')
            [CompletionResult]::new('--log-delay-ms', '--log-delay-ms', [CompletionResultType]::ParameterName, 'Log ingestion delay: a log line shows in the log APIs this long after it was written')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use (default: the config''s default_profile)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: <config dir>/fcall/config.toml)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show requests and responses on stderr (secrets masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'fcall;help' {
            [CompletionResult]::new('invoke', 'invoke', [CompletionResultType]::ParameterValue, 'Invoke a function (sync by default); its result goes to stdout')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Invoke a function once per input line (NDJSON), concurrently; one JSON envelope per line')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Run suites of invocation cases (*.fcall.toml) and check what each answers')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Read a function''s whole log from the platform''s log service: one request''s, the recent log, or a live follow; the lines go to stdout')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Look once at an async invocation: its status on stdout (exit 0; 6 if it failed)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop an async invocation that is still running')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive async callbacks and print them: bodies on stdout, status lines on stderr')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'Manage profiles (one per provider account)')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Decode what providers send in headers')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('emulator', 'emulator', [CompletionResultType]::ParameterValue, 'Run the local emulator of every provider''s invoke API')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'fcall;help;invoke' {
            break
        }
        'fcall;help;batch' {
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the outputs of `batch --shard` runs into one output in line order, with the summary and exit code of the whole')
            break
        }
        'fcall;help;batch;merge' {
            break
        }
        'fcall;help;test' {
            break
        }
        'fcall;help;logs' {
            break
        }
        'fcall;help;status' {
            break
        }
        'fcall;help;stop' {
            break
        }
        'fcall;help;listen' {
            break
        }
        'fcall;help;profile' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add (or with --force replace) a profile; on a terminal, without keys, asks for them')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles (the default is marked with *): name, provider, region or endpoint')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set keys of a profile in place (comments and the rest kept)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove keys from a profile')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show a profile with secrets masked')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'List the profiles of the vendors'' own tools (~/.aws today) and import them as fcall profiles that point at them (no secret is copied)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('default', 'default', [CompletionResultType]::ParameterValue, 'Make a profile the default')
            break
        }
        'fcall;help;profile;add' {
            break
        }
        'fcall;help;profile;list' {
            break
        }
        'fcall;help;profile;set' {
            break
        }
        'fcall;help;profile;unset' {
            break
        }
        'fcall;help;profile;show' {
            break
        }
        'fcall;help;profile;import' {
            break
        }
        'fcall;help;profile;remove' {
            break
        }
        'fcall;help;profile;default' {
            break
        }
        'fcall;help;decode' {
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Decode a base64 log tail (X-Cff-Function-Log, X-Fc-Log-Result, X-Amz-Log-Result)')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Render an invocation summary with units: X-Cff-Invoke-Summary JSON, a Lambda REPORT line or Function Compute''s `Duration: … Billed Duration: …` line')
            break
        }
        'fcall;help;decode;log' {
            break
        }
        'fcall;help;decode;summary' {
            break
        }
        'fcall;help;completions' {
            break
        }
        'fcall;help;man' {
            break
        }
        'fcall;help;emulator' {
            break
        }
        'fcall;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
