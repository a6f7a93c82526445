#!/usr/bin/env bash
# fcall against the floor: curl for one call and for start-up, oha for fan-out, and peak
# memory, in one run against the bundled emulator on loopback. Prints ratios.
#   bash bench/run.sh            (installs oha from crates.io if it is missing)
#   RUNS=50 bash bench/run.sh    (runs per single-call measurement, default 30)
#   FLOOR=1 bash bench/run.sh    (also the HTTP client's own floor: bench/floor, reqwest
#                                 set up as fcall sets it up, with no provider work)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null || { echo "bench: curl is needed (apt-get install curl)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
OHA="$(command -v oha || true)"
if [ -z "$OHA" ]; then
  echo "bench: installing oha (cargo install --locked oha)…" >&2
  cargo install --locked --quiet oha
  OHA="$(command -v oha || echo "$HOME/.cargo/bin/oha")"
fi

cargo build --release --quiet
floor=()
if [ "${FLOOR:-0}" = 1 ]; then
  # built from a copy with fcall's lock file, so it links the very versions fcall does
  src=target/bench-floor-src
  rm -rf "$src" && mkdir -p "$src" && cp -r bench/floor/. "$src/" && cp Cargo.lock "$src/"
  CARGO_TARGET_DIR=target/bench-floor cargo build --release --quiet --manifest-path "$src/Cargo.toml"
  floor=(--floor "$PWD/target/bench-floor/release/fcall-bench-floor")
fi
exec python3 bench/bench.py --fcall "$PWD/target/release/fcall" --oha "$OHA" --runs "${RUNS:-30}" "${floor[@]}"
