#!/usr/bin/env bash
# Check that the vendors' own SDKs work against fcall's emulator, unchanged: installs them
# from PyPI into a throwaway venv, starts the emulator on a free loopback port, runs
# scripts/sdk_conformance.py against it. Needs network for PyPI; not part of CI.
#
#   bash scripts/sdk_conformance.sh            # FCALL=path/to/fcall to use another binary
#   FCALL_SDK_VENV=/tmp/venv bash scripts/sdk_conformance.sh   # reuse a venv
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
fcall="${FCALL:-}"
if [[ -z "$fcall" ]]; then
    cargo build --quiet --manifest-path "$here/Cargo.toml"
    fcall="${CARGO_TARGET_DIR:-$here/target}/debug/fcall"
fi
venv="${FCALL_SDK_VENV:-}"
cleanup_venv=""
if [[ -z "$venv" ]]; then
    venv="$(mktemp -d)"
    cleanup_venv="$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet botocore aliyun-fc2 alibabacloud-fc-open20210406 \
        alibabacloud_fc20230330 huaweicloudsdkfunctiongraph iots
fi
out="$(mktemp)"
"$fcall" emulator --bind 127.0.0.1:0 --token testtoken >"$out" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; rm -f "$out"; [[ -n "$cleanup_venv" ]] && rm -rf "$cleanup_venv"' EXIT
for _ in $(seq 1 200); do
    grep -q '^listening on ' "$out" && break
    sleep 0.05
done
addr="$(sed -n 's/^listening on //p' "$out" | head -1)"
[[ -n "$addr" ]] || { echo "the emulator did not start" >&2; exit 1; }
"$venv/bin/python" "$here/scripts/sdk_conformance.py" "http://${addr#http://}" "$@"
