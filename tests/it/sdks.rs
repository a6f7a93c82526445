//! The vendors' own SDKs against the emulator (issue 18): botocore, aliyun-fc2, the FC 2.0
//! Tea SDK, the FC 3.0 SDK, the Huawei FunctionGraph SDK and iots run their invoke, async
//! and status calls unchanged. It installs them from PyPI into a throwaway venv, so it needs
//! the network and is not part of CI:
//!
//!     cargo test --test it sdks -- --ignored
//!
//! (or `bash scripts/sdk_conformance.sh`, which this runs with the binary under test).

use crate::support::*;

#[test]
#[ignore = "needs PyPI: run with --ignored (or bash scripts/sdk_conformance.sh)"]
fn the_vendors_sdks_run_unchanged_against_the_emulator() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/sdk_conformance.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .env("FCALL", bin())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.matches("\nok ").count() + usize::from(stdout.starts_with("ok ")),
        6,
        "{stdout}"
    );
}
