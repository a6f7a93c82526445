//! `batch --journal`: a batch killed with `kill -9` and run again sends no finished line
//! twice, reports the unanswered ones `uncertain`, and `--retry-uncertain` completes them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::*;

fn lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("an envelope"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_killed_batch_resumes_without_sending_a_finished_line_twice() {
    const N: u64 = 600;
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    let text: String = (1..=N)
        .map(|i| format!("{{\"payload\":{{\"sleep_ms\":20,\"n\":{i}}},\"id\":{i}}}\n"))
        .collect();
    std::fs::write(&input, text).unwrap();
    let journal = sb.dir.path().join("batch.journal");
    let args = [
        "batch",
        "slow",
        "-i",
        input.to_str().unwrap(),
        "-j",
        "16",
        "--journal",
        journal.to_str().unwrap(),
    ];

    // run 1: killed with SIGKILL once 150 lines are out
    let mut child = Command::new(bin())
        .args(args)
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .env_remove("FCALL_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    for _ in 0..150 {
        out.read_line(&mut first).unwrap();
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let sent_1 = emu.counter("huawei.sync.slow");
    assert!(sent_1 < N, "the batch ended before it was killed");

    // run 2: the same command; nothing finished is sent again
    let o = sb.run(&args);
    let all = lines(&o.stdout_str());
    let numbers: Vec<u64> = all.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(
        numbers,
        (1..=N).collect::<Vec<_>>(),
        "every line once, in order"
    );
    let uncertain = all
        .iter()
        .filter(|l| l["error"]["kind"] == "uncertain")
        .count() as u64;
    // the calls in flight when it was killed: at most a window's worth
    assert!(
        uncertain > 0 && uncertain <= 2 * 16,
        "{uncertain} uncertain"
    );
    o.code(5).stderr_has(&format!("uncertain {uncertain}"));
    assert!(all
        .iter()
        .filter(|l| l["error"].is_null())
        .all(|l| l["ok"] == true));
    let sent_2 = emu.counter("huawei.sync.slow");
    // each line ran at most once: the finished ones exactly once, the uncertain ones once or never
    assert!(
        sent_2 <= N && sent_2 >= N - uncertain,
        "{sent_2} calls for {N} lines, {uncertain} uncertain"
    );

    // run 3: --retry-uncertain sends those, and only those
    let mut retry = args.to_vec();
    retry.push("--retry-uncertain");
    let o = sb.run(&retry);
    o.code(0);
    assert!(lines(&o.stdout_str()).iter().all(|l| l["ok"] == true));
    assert_eq!(emu.counter("huawei.sync.slow"), sent_2 + uncertain);

    // run 4: all finished: nothing is sent; --only-new prints nothing
    let mut quiet = args.to_vec();
    quiet.push("--only-new");
    let o = sb.run(&quiet);
    o.code(0);
    assert_eq!(o.stdout_str(), "");
    assert_eq!(emu.counter("huawei.sync.slow"), sent_2 + uncertain);
}

#[test]
fn a_journal_resumes_only_its_own_batch() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let input = sb.dir.path().join("input.ndjson");
    std::fs::write(&input, "1\n2\n3\n").unwrap();
    let journal = sb.dir.path().join("j");
    let i = input.to_str().unwrap();
    let j = journal.to_str().unwrap();
    sb.run(&["batch", "echo", "-i", i, "--journal", j]).code(0);
    assert_eq!(emu.counter("huawei.sync.echo"), 3);
    // the same batch again: printed from the journal, nothing sent
    let o = sb.run(&["batch", "echo", "-i", i, "--journal", j]);
    o.code(0);
    assert_eq!(o.stdout_str().lines().count(), 3);
    assert_eq!(emu.counter("huawei.sync.echo"), 3);
    // another input
    std::fs::write(&input, "1\nchanged\n3\n").unwrap();
    sb.run(&["batch", "echo", "-i", i, "--journal", j])
        .code(2)
        .stderr_has("line 2 of the input is not the line the journal records");
    // other options
    sb.run(&["batch", "echo", "-i", i, "--journal", j, "-t", "text/plain"])
        .code(2)
        .stderr_has("it records a batch with other options");
    sb.run(&["batch", "echo", "-i", i, "--retry-uncertain"])
        .code(2);
}
