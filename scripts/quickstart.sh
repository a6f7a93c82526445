#!/usr/bin/env bash
# Install fcall, start the bundled emulator on a free loopback port, add a profile for it
# in a throwaway config, and invoke a function with its log tail: what a newcomer runs first.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo install --locked --quiet --path . --root "${FCALL_INSTALL_ROOT:-$HOME/.cargo}"
FCALL="${FCALL_INSTALL_ROOT:-$HOME/.cargo}/bin/fcall"

work="$(mktemp -d)"
emulator_pid=""
cleanup() { [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# the emulator prints "listening on ADDR" first
"$FCALL" emulator --bind 127.0.0.1:0 >"$work/emulator.out" &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
  sleep 0.05
done
addr="$(sed -n 's/^listening on //p' "$work/emulator.out")"
[ -n "$addr" ] || { echo "the emulator did not start" >&2; exit 1; }

export FCALL_CONFIG="$work/config.toml" FCALL_CACHE_DIR="$work/cache"
"$FCALL" profile add emu --provider huawei region=cn-north-4 \
  project_id=0123456789abcdef0123456789abcdef endpoint="http://$addr" token=testtoken

# show each command, its output (result on stdout, report on stderr) and its exit code
show() {
  printf '\n$ fcall %s\n' "$*"
  local code=0
  "$FCALL" "$@" 2>&1 || code=$?
  printf '[exit code %s]\n' "$code"
}
show invoke echo -d '{"hello":"fcall"}' --tail
show invoke fail --tail
show invoke echo --async --wait
# a pasted tail whose first character was cut in half by the provider
show decode log "X-Cff-Function-Log: $(printf '开始 start\n结束 done\n' | tail -c 20 | base64)"
