#!/usr/bin/env bash
# Regenerate what is generated from the clap definitions: completions/ and man/fcall.1.
# tests/cli.rs and tests/schema.rs fail when these are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/fcall"
"$bin" completions bash > completions/fcall.bash
"$bin" completions zsh > completions/_fcall
"$bin" completions fish > completions/fcall.fish
"$bin" completions powershell > completions/_fcall.ps1
"$bin" completions elvish > completions/fcall.elv
"$bin" man > man/fcall.1
