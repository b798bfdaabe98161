#!/usr/bin/env bash
# Serve benchmark (issue 12): `dilab serve benchmarks/serve.yaml` vs a bare Hummingbird 2 server answering the same
# JSON on the same route (benchmarks/bench-hummingbird) vs the scenario's FastAPI export on uvicorn[standard], each
# under wrk on loopback, at each connection count in CONNS. Per run: req/s, p50/p99 latency (wrk --latency) and the
# server's CPU per request (utime+stime of the server process from /proc/PID/stat, before and after, over the
# requests wrk completed). The three servers run side by side and the runs alternate between them round by round,
# so a neighbour's load hits all three alike; the table gives the median and min–max over ROUNDS.
#
#   scripts/bench-serve.sh                                  # release build, 3 rounds × 10 s × 16 and 64 connections
#   DURATION=3s ROUNDS=1 CONNS=16 SERVERS="dilab bare" scripts/bench-serve.sh
#   BIN_DIR=.build/debug DURATION=1s WARMUP=0 ROUNDS=1 CONNS=4 scripts/bench-serve.sh   # a smoke: builds nothing
#
# Environment: DURATION (10s), WARMUP (2s, per server and connection count, not counted), ROUNDS (3), CONNS ("16 64"),
# THREADS (wrk threads, 2), SERVERS ("dilab bare uvicorn"), BIN_DIR (use the binaries there and build nothing;
# default: swift build -c release), VENV (~/.cache/dilab/bench-serve-venv, created with fastapi==0.165.0 and
# uvicorn[standard] when missing), PORT_BASE (18600: dilab, +1 bare, +2 uvicorn), KEEP=1 keeps the work directory
# (server logs, wrk output, results.tsv). DILAB_B=/path/to/another/dilab adds it as a fourth server, "dilab-b"
# (+3), run alternately with the others: an A/B of two builds, pair by pair in one run (add dilab-b to SERVERS
# if you set SERVERS). Speed targets are read off this table, never asserted here.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-"16 64"}
THREADS=${THREADS:-2}
SERVERS=${SERVERS:-"dilab bare uvicorn${DILAB_B:+ dilab-b}"}
DILAB_B=${DILAB_B:-}
BIN_DIR=${BIN_DIR:-}
VENV=${VENV:-$HOME/.cache/dilab/bench-serve-venv}
PORT_BASE=${PORT_BASE:-18600}
FASTAPI_VERSION=0.165.0
SCENARIO=benchmarks/serve.yaml
ROUTE=/items/7
HEADER="x-client: wrk"
EXPECTED='{"item_id":7,"session":"Session","client":"wrk"}'

say() { echo "bench-serve: $*" >&2; }
die() { say "$*"; exit 2; }

command -v wrk >/dev/null || die "wrk is needed (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed (the summary, and the uvicorn venv)"
[ -r /proc/self/stat ] || die "/proc is needed for the server CPU figures"
for c in $CONNS; do [ "$c" -ge "$THREADS" ] || die "CONNS ($c) must be at least THREADS ($THREADS): wrk needs a connection per thread"; done
for s in $SERVERS; do case $s in dilab|bare|uvicorn) ;; dilab-b) [ -x "$DILAB_B" ] || die "dilab-b needs DILAB_B, a dilab binary";; *) die "unknown server '$s' in SERVERS (dilab, bare, uvicorn, dilab-b)";; esac; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-serve.XXXXXX")
declare -A PID=()
cleanup() {
  local name pid
  for name in "${!PID[@]}"; do
    pid=${PID[$name]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- binaries and the venv -------------------------------------------------------------------------------------
if [ -z "$BIN_DIR" ]; then
  say "swift build -c release (dilab, dilab-bench-hummingbird)"
  swift build -c release --product dilab >&2
  swift build -c release --product dilab-bench-hummingbird >&2
  BIN_DIR=$(swift build -c release --show-bin-path)
fi
DILAB=$BIN_DIR/dilab
BARE=$BIN_DIR/dilab-bench-hummingbird
[ -x "$DILAB" ] || die "no dilab at $DILAB"
[[ " $SERVERS " != *" bare "* ]] || [ -x "$BARE" ] || die "no dilab-bench-hummingbird at $BARE (swift build --product dilab-bench-hummingbird)"

if [[ " $SERVERS " == *" uvicorn "* ]]; then
  if ! "$VENV/bin/python" -c "import fastapi, uvicorn, uvloop, httptools, sys; sys.exit(fastapi.__version__ != '$FASTAPI_VERSION')" 2>/dev/null; then
    say "creating $VENV (fastapi==$FASTAPI_VERSION, uvicorn[standard])"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "fastapi==$FASTAPI_VERSION" "uvicorn[standard]" >&2
  fi
  "$DILAB" export "$SCENARIO" --to fastapi -o "$WORK/app.py" >/dev/null
fi

# ---- servers ---------------------------------------------------------------------------------------------------
port_of() { case $1 in dilab) echo "$PORT_BASE";; bare) echo $((PORT_BASE + 1));; uvicorn) echo $((PORT_BASE + 2));; dilab-b) echo $((PORT_BASE + 3));; esac; }

start_server() {
  local name=$1 port
  port=$(port_of "$name")
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use (PORT_BASE=$PORT_BASE)"; fi
  case $name in
    dilab) NO_COLOR=1 "$DILAB" serve "$SCENARIO" --host 127.0.0.1 --port "$port" >"$WORK/dilab.log" 2>&1 & ;;
    dilab-b) NO_COLOR=1 "$DILAB_B" serve "$SCENARIO" --host 127.0.0.1 --port "$port" >"$WORK/dilab-b.log" 2>&1 & ;;
    bare) "$BARE" --host 127.0.0.1 --port "$port" >"$WORK/bare.log" 2>&1 & ;;
    # One worker, uvloop and httptools (what [standard] brings); no access log: the app's own trace lines stay.
    uvicorn) (cd "$WORK" && exec "$VENV/bin/uvicorn" app:app --host 127.0.0.1 --port "$port" --no-access-log) >"$WORK/uvicorn.log" 2>&1 & ;;
  esac
  PID[$name]=$!
}

# Waits until the route answers (60 s at most), then checks the answer is the expected JSON, byte for byte.
wait_ready() {
  local name=$1 url body
  url="http://127.0.0.1:$(port_of "$name")$ROUTE"
  for _ in $(seq 600); do
    kill -0 "${PID[$name]}" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name exited during startup"; }
    if body=$(curl -sf -m 2 -H "$HEADER" "$url" 2>/dev/null); then
      [ "$body" = "$EXPECTED" ] || die "$name answered $body, expected $EXPECTED"
      say "$name ready (pid ${PID[$name]}) on $url"
      return
    fi
    sleep 0.1
  done
  cat "$WORK/$name.log" >&2
  die "$name did not answer $url within 60 s"
}

# utime+stime of the whole process (every thread, live or exited), in clock ticks; fields 14 and 15 of
# /proc/PID/stat, counted after the parenthesised command name, which may hold spaces.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
TICK=$(getconf CLK_TCK)

# wrk's "612.00us" / "1.23ms" / "2.00s" in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

RESULTS=$WORK/results.tsv
printf 'server\tconns\tround\trequests\trps\tp50_ms\tp99_ms\tcpu_us_per_req\terrors\trss_mib\n' >"$RESULTS"

run_wrk() {
  local name=$1 conns=$2 round=$3 duration=$4 out url before after requests rps p50 p99 errors cpu
  url="http://127.0.0.1:$(port_of "$name")$ROUTE"
  out=$WORK/wrk-$name-$conns-$round.txt
  kill -0 "${PID[$name]}" 2>/dev/null || { cat "$WORK/$name.log" >&2; die "$name has exited"; }
  before=$(cpu_ticks "${PID[$name]}")
  wrk -t"$THREADS" -c"$conns" -d"$duration" --latency -H "$HEADER" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $name"; }
  after=$(cpu_ticks "${PID[$name]}")
  [ "$round" = warmup ] && return
  requests=$(awk '/requests in/ {print $1}' "$out")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { cat "$out" >&2; die "wrk completed no request against $name"; }
  cpu=$(awk -v t=$((after - before)) -v hz="$TICK" -v n="$requests" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$conns" "$round" "$requests" "$rps" "$p50" "$p99" "$cpu" "$errors" \
    "$(rss_mib "${PID[$name]}")" >>"$RESULTS"
  say "$(printf '%-8s c=%-3s round %s: %9s req/s  p50 %7s ms  p99 %7s ms  cpu %7s µs/req  errors %s' \
    "$name" "$conns" "$round" "$rps" "$p50" "$p99" "$cpu" "$errors")"
}

for s in $SERVERS; do start_server "$s"; done
for s in $SERVERS; do wait_ready "$s"; done

say "$(nproc) cores, wrk -t$THREADS -d$DURATION, connections: $CONNS, rounds: $ROUNDS, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
  for c in $CONNS; do for s in $SERVERS; do run_wrk "$s" "$c" warmup "$WARMUP"; done; done
fi
for r in $(seq "$ROUNDS"); do
  for c in $CONNS; do for s in $SERVERS; do run_wrk "$s" "$c" "$r" "$DURATION"; done; done
done

for s in dilab dilab-b; do
  [ -n "${PID[$s]:-}" ] || continue
  lines=$(wc -l <"$WORK/$s.log")
  summaries=$(grep -c 'not shown (load' "$WORK/$s.log" || true)
  say "$s: its live trace has $lines lines ($summaries of them 'not shown (load…)' summaries)"
done

python3 - "$RESULTS" "$DURATION" "$THREADS" <<'PY'
import csv, statistics, sys
path, duration, threads = sys.argv[1:4]
rows = list(csv.DictReader(open(path), delimiter="\t"))
servers = [s for s in ("dilab", "dilab-b", "bare", "uvicorn") if any(r["server"] == s for r in rows)]
conns = sorted({int(r["conns"]) for r in rows})
names = {"dilab": "dilab serve", "dilab-b": "dilab serve (DILAB_B)", "bare": "bare Hummingbird 2", "uvicorn": "FastAPI export on uvicorn"}

def values(server, c, key):
    return [float(r[key]) for r in rows if r["server"] == server and int(r["conns"]) == c]

def fmt(xs, digits=0, comma=True):
    f = (lambda x: f"{x:,.{digits}f}") if comma else (lambda x: f"{x:.{digits}f}")
    m = statistics.median(xs)
    return f(m) if len(xs) == 1 else f"{f(m)} ({f(min(xs))}–{f(max(xs))})"

rounds = len({r["round"] for r in rows})
print(f"\nmedian (min–max) over {rounds} round(s) of wrk -t{threads} -d{duration} --latency, loopback\n")
print("| server | conns | req/s | p50 ms | p99 ms | server CPU µs/req | errors | RSS MiB |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for c in conns:
    for s in servers:
        print(f"| {names[s]} | {c} | {fmt(values(s, c, 'rps'))} | {fmt(values(s, c, 'p50_ms'), 2)} | "
              f"{fmt(values(s, c, 'p99_ms'), 2)} | {fmt(values(s, c, 'cpu_us_per_req'))} | "
              f"{int(sum(values(s, c, 'errors')))} | {int(max(values(s, c, 'rss_mib')))} |")

def paired(a, b, key, c):
    # Ratios taken run by run (the same round, the same connection count), then summarised.
    by_round = lambda s: {r["round"]: float(r[key]) for r in rows if r["server"] == s and int(r["conns"]) == c}
    x, y = by_round(a), by_round(b)
    return [x[k] / y[k] for k in x if k in y and y[k] > 0]

lines = []
for c in conns:
    if "dilab" in servers and "bare" in servers:
        lines.append(f"c={c}: throughput dilab/bare {fmt(paired('dilab', 'bare', 'rps', c), 2, False)}×, "
                     f"p50 dilab/bare {fmt(paired('dilab', 'bare', 'p50_ms', c), 1, False)}×, "
                     f"CPU per request dilab/bare {fmt(paired('dilab', 'bare', 'cpu_us_per_req', c), 1, False)}×")
    if "dilab" in servers and "uvicorn" in servers:
        lines.append(f"c={c}: CPU per request uvicorn/dilab {fmt(paired('uvicorn', 'dilab', 'cpu_us_per_req', c), 2, False)}× "
                     f"(above 1: dilab spends less), throughput dilab/uvicorn {fmt(paired('dilab', 'uvicorn', 'rps', c), 2, False)}×")
    if "dilab" in servers and "dilab-b" in servers:
        lines.append(f"c={c}: dilab/dilab-b throughput {fmt(paired('dilab', 'dilab-b', 'rps', c), 2, False)}×, "
                     f"CPU per request {fmt(paired('dilab', 'dilab-b', 'cpu_us_per_req', c), 2, False)}×, "
                     f"p50 {fmt(paired('dilab', 'dilab-b', 'p50_ms', c), 2, False)}×")
if lines:
    print("\n" + "\n".join(lines))
PY
