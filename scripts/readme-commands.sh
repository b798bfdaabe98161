#!/usr/bin/env bash
# Every command in the README's ```sh blocks, run in order as a newcomer would type them (after the first block,
# which is how this very run was set up). `dilab` is the build's binary on PATH; lesson progress goes to a temporary
# state folder; the uvicorn line is started in the background, asked once with curl, and stopped.
# A command must exit 0 — a lesson `answer` may also exit 1 (a wrong answer is an answer).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin_dir=$(cd "$(dirname "${1:-.build/debug/dilab}")" && pwd)
export PATH="$bin_dir:$PATH"
export DILAB_STATE_DIR; DILAB_STATE_DIR=$(mktemp -d)
rm -rf /tmp/app
trap 'rm -rf "$DILAB_STATE_DIR"' EXIT

mapfile -t commands < <(awk '/^```sh/{n++; f=1; next} /^```/{f=0} f && n>1' README.md)
[ "${#commands[@]}" -ge 10 ] || { echo "FAIL: found only ${#commands[@]} README commands"; exit 1; }

ran=0
for line in "${commands[@]}"; do
  [ -n "${line// }" ] || continue
  printf '$ %s\n' "$line"
  if [[ "$line" == *"bin/uvicorn "* ]]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    (eval "${line%%#*} --host 127.0.0.1 --port $port" >/tmp/app/uvicorn.log 2>&1 &)
    for _ in $(seq 50); do curl -fsS "127.0.0.1:$port/users/1" >/tmp/app/curl.out 2>/dev/null && break; sleep 0.2; done
    pkill -f "uvicorn app:app --host 127.0.0.1 --port $port" || true
    grep -q '"id":1' /tmp/app/curl.out || { cat /tmp/app/uvicorn.log; echo "FAIL: uvicorn did not answer"; exit 1; }
    ran=$((ran + 1)); continue
  fi
  status=0
  eval "$line" >/tmp/readme-command.out 2>&1 || status=$?
  if [ "$status" -ne 0 ] && ! { [[ "$line" == *" answer "* ]] && [ "$status" -eq 1 ]; }; then
    tail -n 20 /tmp/readme-command.out
    echo "FAIL: README command exited $status: $line"
    exit 1
  fi
  ran=$((ran + 1))
done
cd "$repo"
echo "readme: all $ran commands ran as written"
