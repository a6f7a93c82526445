//! Batch at scale: `--shard` splits one input between processes, `batch merge` puts their
//! outputs back in order, `--failures` writes what to replay.

use std::process::{Command, Stdio};

use crate::support::*;

/// What two runs' envelopes must agree on (request ids and timings differ by nature).
fn essence(line: &serde_json::Value) -> String {
    format!(
        "{} {} {} {} {}",
        line["line"], line["id"], line["ok"], line["status"], line["result"]
    )
}

fn essences(ndjson: &str) -> Vec<String> {
    ndjson
        .lines()
        .map(|l| essence(&serde_json::from_str(l).expect("an envelope")))
        .collect()
}

#[test]
fn four_shards_merged_are_the_unsharded_run() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    let mut text = String::new();
    for i in 1..=101 {
        if i % 17 == 0 {
            text.push('\n'); // blank lines count, and belong to no shard's output
        } else {
            text.push_str(&format!("{{\"payload\":{{\"n\":{i}}},\"id\":\"e-{i}\"}}\n"));
        }
    }
    std::fs::write(&input, &text).unwrap();
    let whole = sb.run(&["batch", "echo", "-i", input.to_str().unwrap(), "-j", "4"]);
    whole.code(0);
    // four processes at once, as four pods of an Indexed Job would run
    let children: Vec<_> = (0..4)
        .map(|k| {
            let out =
                std::fs::File::create(sb.dir.path().join(format!("shard-{k}.ndjson"))).unwrap();
            Command::new(bin())
                .args([
                    "batch",
                    "echo",
                    "-i",
                    input.to_str().unwrap(),
                    "--shard",
                    "auto/4",
                    "-j",
                    "4",
                ])
                .env("FCALL_CONFIG", sb.config())
                .env("FCALL_CACHE_DIR", sb.cache())
                .env("JOB_COMPLETION_INDEX", k.to_string())
                .env_remove("FCALL_PROFILE")
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let shards: Vec<String> = (0..4)
        .map(|k| {
            sb.dir
                .path()
                .join(format!("shard-{k}.ndjson"))
                .display()
                .to_string()
        })
        .collect();
    // each shard kept the global line numbers of its own lines
    let first = std::fs::read_to_string(&shards[0]).unwrap();
    let numbers: Vec<u64> = first
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(numbers.iter().all(|n| (n - 1) % 4 == 0), "{numbers:?}");
    let mut args = vec!["batch", "merge"];
    args.extend(shards.iter().map(String::as_str));
    let merged = sb.run(&args);
    merged
        .code(0)
        .stderr_has("batch merge: 96 invocations · ok 96 ·");
    assert_eq!(
        essences(&merged.stdout_str()),
        essences(&whole.stdout_str())
    );
    assert_eq!(merged.stdout_str().lines().count(), 96);
    // a shard given twice is refused, not counted twice
    sb.run(&["batch", "merge", &shards[1], &shards[1]])
        .code(2)
        .stderr_has("is in two inputs");
}

#[test]
fn merge_recomputes_the_exit_code_and_shard_flags_are_checked() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    std::fs::write(
        &input,
        "{\"n\":1}\n{\"n\":2,\"fail\":true}\n{\"n\":3}\n{\"n\":4}\n",
    )
    .unwrap();
    let i = input.to_str().unwrap();
    for k in 1..=2 {
        let o = sb.run(&["batch", "maybe", "-i", i, "--shard", &format!("{k}/2")]);
        std::fs::write(sb.dir.path().join(format!("s{k}")), &o.stdout).unwrap();
    }
    let s1 = sb.dir.path().join("s1").display().to_string();
    let s2 = sb.dir.path().join("s2").display().to_string();
    sb.run(&["batch", "merge", &s1, &s2])
        .code(6)
        .stderr_has("batch merge: 4 invocations · ok 3 · function errors 1");
    sb.run(&["batch", "maybe", "-i", i, "--shard", "3/2"])
        .code(2)
        .stderr_has("is not a shard");
    sb.run(&["batch", "maybe", "-i", i, "--shard", "auto/2"])
        .code(2)
        .stderr_has("neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set");
    std::fs::write(sb.dir.path().join("junk"), "not json\n").unwrap();
    sb.run(&[
        "batch",
        "merge",
        sb.dir.path().join("junk").to_str().unwrap(),
    ])
    .code(2)
    .stderr_has("not a batch envelope");
}

#[test]
fn failures_are_written_as_input_that_replays_them() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    std::fs::write(
        &input,
        "{\"n\":1}\n{\"payload\":{\"n\":2,\"fail\":true},\"id\":\"second\"}\nplain text\n{\"payload\":\"fail\",\"id\":4}\n{\"n\":5,\"fail\":true}\n",
    )
    .unwrap();
    let failures = sb.dir.path().join("failures.ndjson");
    let o = sb.run(&[
        "batch",
        "maybe",
        "-i",
        input.to_str().unwrap(),
        "--failures",
        failures.to_str().unwrap(),
        "--expect",
        ".ok and .result != \"plain text\"",
    ]);
    o.code(7).stderr_has("total ");
    let written = std::fs::read_to_string(&failures).unwrap();
    assert_eq!(
        written,
        "{\"id\":\"second\",\"payload\":{\"n\":2,\"fail\":true}}\n{\"id\":null,\"payload\":\"plain text\"}\n{\"id\":null,\"payload\":{\"n\":5,\"fail\":true}}\n"
    );
    // replaying them sends the same payloads: the same lines fail again
    let again = sb.run(&["batch", "maybe", "-i", failures.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> = again
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "second");
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[1]["result"], "plain text");
}

/// `-j auto` against a function behind a rate limit: every line completes (the throttled
/// answers are retried after backoff), and the summary says how far it went. Its speed is
/// measured by `bench/auto.sh`, not here.
#[test]
fn adaptive_concurrency_completes_every_line_under_throttling() {
    let emu = Emulator::start_with(&["--limit-rate", "400", "--limit-burst", "4"]);
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    let text: String = (1..=120).map(|i| format!("{i}\n")).collect();
    std::fs::write(&input, text).unwrap();
    let o = sb.run(&[
        "batch",
        "limited",
        "-i",
        input.to_str().unwrap(),
        "-j",
        "auto",
        "--retries",
        "8",
    ]);
    o.code(0)
        .stderr_has("batch: 120 invocations · ok 120 ·")
        .stderr_has("concurrency reached ")
        .stderr_has("throttled answers ");
    assert_eq!(emu.counter("aws.limited.calls"), 120);
    sb.run(&["batch", "limited", "-j", "0"])
        .code(2)
        .stderr_has("give 1 to 4096, or auto");
}
