#!/usr/bin/env bash
# Instructions per request of `dilab serve benchmarks/serve.yaml`, counted by valgrind's callgrind: the serve A/B
# that load on the machine does not move. wrk's req/s and CPU time on a shared 2-core machine move by 30% or more
# between runs of the same binary; the instruction count of the same binary moves by under 0.5%. It is not a speed
# (cache misses, contention and wake-ups are not in it, and under valgrind the threads run one at a time, so the
# server never batches as it does under real load), so use it to compare builds, and bench-serve.sh for speeds.
#
#   scripts/bench-serve-instructions.sh                          # .build/release/dilab
#   scripts/bench-serve-instructions.sh /tmp/old/dilab .build/release/dilab     # an A/B, one line per binary
#   PROFILE=1 scripts/bench-serve-instructions.sh                # also the top functions, inclusive
#
# Per binary: strip its DWARF (valgrind 3.19 cannot read Swift 6's), start it under callgrind, warm it up for WARMUP
# with wrk, zero the counters, run wrk for DURATION (CONNS connections, 1 thread), dump the counters and divide
# the instructions (Ir, every thread of the server) by the requests wrk completed. LOG_LIMIT (10) is the server's
# --log-limit: under real load the live log sheds nearly every line, as it does here at 10 lines a second.
# Environment: DURATION (6s), WARMUP (2s), CONNS (4), LOG_LIMIT (10), PORT (18680), PROFILE, KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-6s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-4}
LOG_LIMIT=${LOG_LIMIT:-10}
PORT=${PORT:-18680}
HEADER="x-client: wrk"
ROUTE=/items/7

say() { echo "bench-serve-instructions: $*" >&2; }
die() { say "$*"; exit 2; }
for tool in valgrind callgrind_control callgrind_annotate wrk curl strip; do
  command -v $tool >/dev/null || die "$tool is needed (apt-get install -y valgrind wrk curl binutils)"
done
[ $# -gt 0 ] || set -- .build/release/dilab
for bin in "$@"; do [ -x "$bin" ] || die "not an executable: $bin (swift build -c release --product dilab)"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-serve-ir.XXXXXX")
VP=
cleanup() {
  [ -n "$VP" ] && kill "$VP" 2>/dev/null && wait "$VP" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

n=0
for bin in "$@"; do
  n=$((n + 1))
  stripped=$WORK/dilab-$n
  strip -g -o "$stripped" "$bin"
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg-$n.out" "$stripped" serve benchmarks/serve.yaml \
    --port "$PORT" --log-limit "$LOG_LIMIT" > "$WORK/serve-$n.log" 2>&1 &
  VP=$!
  up=
  for _ in $(seq 200); do
    curl -sf -H "$HEADER" "http://127.0.0.1:$PORT$ROUTE" > /dev/null && { up=1; break; }
    sleep 0.3
  done
  [ -n "$up" ] || die "$bin did not answer on port $PORT under valgrind (see $WORK/serve-$n.log; KEEP=1 keeps it)"
  wrk -t1 -c"$CONNS" -d"$WARMUP" -H "$HEADER" "http://127.0.0.1:$PORT$ROUTE" > /dev/null
  callgrind_control -z "$VP" > /dev/null 2>&1
  requests=$(wrk -t1 -c"$CONNS" -d"$DURATION" -H "$HEADER" "http://127.0.0.1:$PORT$ROUTE" | awk '/requests in/ {print $1}')
  callgrind_control -d "$VP" > /dev/null 2>&1
  sleep 1
  kill "$VP"; wait "$VP" 2>/dev/null || true
  VP=
  dump=$(ls "$WORK/cg-$n.out".* 2>/dev/null | head -1)
  [ -n "$dump" ] && [ "${requests:-0}" -gt 0 ] || die "no counts for $bin (requests: ${requests:-none})"
  ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
  printf '%s: %d requests, %d instructions a request\n' "$bin" "$requests" $((ir / requests))
  if [ -n "${PROFILE:-}" ]; then
    callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 2,40p \
      | awk -v n="$requests" '{ ir = $1; gsub(",", "", ir); $1 = ""; $2 = ""; printf "  %9d %s\n", ir / n, substr($0, 1, 150) }'
  fi
  PORT=$((PORT + 1))
done
