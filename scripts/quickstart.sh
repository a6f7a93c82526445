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

export FCALL_CONFIG="$work/config.toml" FCALL_CACHE_DIR="$work/cache"
# the emulator writes a profile for each provider into the config, then prints
# "listening on ADDR"
"$FCALL" emulator --bind 127.0.0.1:0 --write-profiles "$FCALL_CONFIG" >"$work/emulator.out" 2>/dev/null &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
  sleep 0.05
done
addr="$(sed -n 's/^listening on //p' "$work/emulator.out")"
[ -n "$addr" ] || { echo "the emulator did not start" >&2; exit 1; }


# show each command, its output (result on stdout, report on stderr) and its exit code
show() {
  printf '\n$ fcall %s\n' "$*"
  local code=0
  "$FCALL" "$@" 2>&1 || code=$?
  printf '[exit code %s]\n' "$code"
}
show profile list
show invoke echo -d '{"hello":"fcall"}' --tail
show invoke fail --tail
show invoke echo --async --wait
# the other providers, each with its profile
show -p aliyun invoke svc/echo -d '{"k":1}' --expect '.result_json.k == 1'
show -p aws invoke fail --tail
show -p openfaas invoke echo -d hi --jq .result
# a pasted tail whose first character was cut in half by the provider
show decode log "X-Cff-Function-Log: $(printf '开始 start\n结束 done\n' | tail -c 20 | base64)"
