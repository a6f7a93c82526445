#!/usr/bin/env bash
# batch -j auto against a rate-limited function: the bundled emulator's `limited` (Lambda,
# 20 ms a call) taking RATE calls/s, with a burst of BURST. Reports, for -j auto and for a
# fixed -j 16: throughput as a share of RATE, and throttled answers as a share of calls.
# Targets (issue 16): -j auto >= 85 % of RATE, throttled <= 10 % of calls, no failed line.
#   bash bench/auto.sh                 RATE=200 BURST=10 LINES=2000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${RATE:-200}" BURST="${BURST:-10}" LINES="${LINES:-2000}"
cargo build --release --quiet
bin="$PWD/target/release/fcall"
work="$(mktemp -d)"
emu=""
trap '[ -n "$emu" ] && kill "$emu" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" emulator --bind 127.0.0.1:0 --limit-rate "$RATE" --limit-burst "$BURST" >"$work/emu.out" &
emu=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/emu.out" 2>/dev/null && break; sleep 0.05; done
addr="$(sed -n 's/^listening on //p' "$work/emu.out")"
export FCALL_CONFIG="$work/config.toml" FCALL_CACHE_DIR="$work/cache"
"$bin" profile add lambda --provider aws region=us-east-1 endpoint="http://$addr" \
  access_key_id=testak secret_access_key=testsk 2>/dev/null
seq 1 "$LINES" >"$work/input"
stat() { curl -s "http://$addr/_emulator/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['counters'].get('$1', 0))"; }
run() {
  local jobs="$1" calls0 thr0 start end code=0
  calls0=$(stat aws.limited.calls); thr0=$(stat aws.limited.throttled)
  start=$(date +%s.%N)
  "$bin" batch limited -i "$work/input" -j "$jobs" >"$work/out" 2>"$work/err" || code=$?
  end=$(date +%s.%N)
  python3 - "$jobs" "$start" "$end" "$code" "$(stat aws.limited.calls)" "$calls0" "$(stat aws.limited.throttled)" "$thr0" "$RATE" "$LINES" "$work/out" <<'PY'
import json, sys
jobs, start, end, code, calls, calls0, thr, thr0, rate, lines, out = sys.argv[1:]
secs = float(end) - float(start)
ok = sum(1 for l in open(out) if json.loads(l).get("ok"))
calls, thr = int(calls) - int(calls0), int(thr) - int(thr0)
print(f"-j {jobs:>4}: {int(lines)/secs:7.1f} calls/s = {int(lines)/secs/float(rate):5.1%} of the limit · "
      f"throttled {thr}/{calls+thr} = {thr/max(1,calls+thr):5.1%} · ok {ok}/{lines} · exit {code}")
PY
}
echo "limited: $RATE calls/s (burst $BURST), $LINES lines"
run auto
run 16
