#!/usr/bin/env bash
# Where serve's CPU goes, thread by thread: `dilab serve benchmarks/serve.yaml` under wrk, each thread's CPU
# (utime+stime from /proc/PID/task/TID/stat) and context switches over DURATION, per request. Shows which thread
# is the bottleneck (the engine's thread is named after the process, NIO's I/O thread NIO-ELT-…).
#
#   scripts/serve-threads.sh                      # .build/release/dilab, 16 connections
#   CONNS=64 scripts/serve-threads.sh /tmp/old/dilab
#
# Environment: CONNS (16), DURATION (6 s), PORT (18690).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/dilab}
CONNS=${CONNS:-16}
DURATION=${DURATION:-6}
PORT=${PORT:-18690}
URL=http://127.0.0.1:$PORT/items/7
for tool in wrk curl; do command -v $tool >/dev/null || { echo "$tool is needed (apt-get install -y $tool)" >&2; exit 2; }; done
[ -x "$BIN" ] || { echo "not an executable: $BIN (swift build -c release --product dilab)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/serve-threads.XXXXXX")
NO_COLOR=1 "$BIN" serve benchmarks/serve.yaml --host 127.0.0.1 --port "$PORT" >"$WORK/serve.log" 2>&1 &
P=$!
trap 'kill $P 2>/dev/null; wait $P 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null -H 'x-client: wrk' "$URL" && break; sleep 0.1; done
wrk -t2 -c"$CONNS" -d2s -H 'x-client: wrk' "$URL" >/dev/null
snapshot() {
  for t in /proc/$P/task/*; do
    # A thread may end between the listing and the read (Dispatch's workers come and go): skip it.
    stat=$(cut -d')' -f2 "$t/stat" 2>/dev/null) && comm=$(tr ' ' '_' <"$t/comm" 2>/dev/null) \
      && switches=$(awk '/ctxt_switches/ {n += $2} END {print n}' "$t/status" 2>/dev/null) || continue
    read -r -a s <<<"$stat"
    echo "$(basename "$t") $comm $((s[11] + s[12])) $switches"
  done | sort
}
snapshot >"$WORK/before"
wrk -t2 -c"$CONNS" -d"${DURATION}s" -H 'x-client: wrk' "$URL" >"$WORK/wrk.txt"
snapshot >"$WORK/after"
requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
hz=$(getconf CLK_TCK)
echo "$requests requests in ${DURATION} s at $CONNS connections ($(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt") req/s)"
join "$WORK/before" "$WORK/after" | awk -v r="$requests" -v hz="$hz" -v d="$DURATION" '
  { cpu = ($6 - $3) / hz; sw = $7 - $4
    if (cpu > 0 || sw / r >= 0.01) printf "%-8s %-18s busy %5.1f%%  %6.1f µs/request  %.2f switches/request\n", $1, $2, 100 * cpu / d, 1e6 * cpu / r, sw / r }'
