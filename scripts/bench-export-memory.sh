#!/usr/bin/env bash
# The exported app's memory under load (issue 12): export a scenario, serve it with uvicorn, send it many
# requests over keep-alive connections, and report the server's RSS (VmRSS from /proc) after a warm-up, after
# the load, and after an idle pause. Before the fix the recorder kept every event (~2 KB per request) forever.
#
#   scripts/bench-export-memory.sh [SCENARIO]        # default benchmarks/seed-like.yaml
#   REQUESTS=20000 CLIENTS=4 DILAB=.build/release/dilab scripts/bench-export-memory.sh
#   APP=/path/app.py scripts/bench-export-memory.sh  # serve an app.py as it is (e.g. one exported by an older dilab)
#
# uvicorn lives in its own venv beside the managed ones ($DILAB_VENV_DIR, else ~/.cache/dilab/venvs), created on
# first use with the pinned FastAPI: the managed venvs `dilab verify` uses stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-benchmarks/seed-like.yaml}
DILAB=${DILAB:-.build/release/dilab}
[ -x "$DILAB" ] || DILAB=.build/debug/dilab
REQUESTS=${REQUESTS:-20000}
CLIENTS=${CLIENTS:-4}
PORT=${PORT:-$((20000 + RANDOM % 20000))}
FASTAPI=${FASTAPI:-0.165.0}
root="${DILAB_VENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dilab/venvs}"
venv="$root/uvicorn-fastapi-$FASTAPI"
if [ ! -f "$venv/.dilab-ready" ]; then
  echo "creating $venv (pip install fastapi==$FASTAPI uvicorn) ..." >&2
  rm -rf "$venv"
  mkdir -p "$root"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "fastapi==$FASTAPI" uvicorn
  touch "$venv/.dilab-ready"
fi

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if [ -n "${APP:-}" ]; then cp "$APP" "$work/app.py"; else "$DILAB" export "$SCENARIO" --to fastapi >"$work/app.py"; fi

# Served as a learner would serve it; the per-event log goes to a file (it is I/O, not memory).
(cd "$work" && exec "$venv/bin/python" -m uvicorn app:app --port "$PORT" --log-level warning --no-access-log) 2>"$work/server.log" &
server=$!
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }

# The client: the scenario's own requests (the export's REQUESTS list, read as data with ast, never executed),
# cycled over CLIENTS keep-alive connections in threads.
cat >"$work/load.py" <<'EOF'
import ast, http.client, sys, threading, time
path, port, total, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
tree = ast.parse(open(path).read())
specs = next(ast.literal_eval(n.value) for n in tree.body
             if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "REQUESTS" for t in n.targets))
for _ in range(100):
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect(); break
    except OSError:
        time.sleep(0.1)
statuses = {}
def worker(n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(n):
        s = specs[i % len(specs)]
        headers = dict(s["headers"])
        if s["cookies"]:
            headers["cookie"] = "; ".join(f"{k}={v}" for k, v in s["cookies"])
        if s["body"] is not None:
            headers["content-type"] = "application/json"
        c.request(s["method"], s["target"], body=s["body"], headers=headers)
        r = c.getresponse(); r.read()
        statuses[r.status] = statuses.get(r.status, 0) + 1
started = time.time()
threads = [threading.Thread(target=worker, args=(total // clients,)) for _ in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{sum(statuses.values())} requests in {time.time() - started:.1f} s, statuses {statuses}")
EOF

"$venv/bin/python" "$work/load.py" "$work/app.py" "$PORT" 200 1 >/dev/null
sleep 1
before=$(rss)
"$venv/bin/python" "$work/load.py" "$work/app.py" "$PORT" "$REQUESTS" "$CLIENTS"
after=$(rss)
sleep 5
idle=$(rss)
kb_per_request=$(awk -v a="$after" -v b="$before" -v n="$REQUESTS" 'BEGIN { printf "%.3f", (a - b) / n }')
echo "$SCENARIO on uvicorn (FastAPI $FASTAPI): RSS after warm-up ${before} KiB, after $REQUESTS requests ${after} KiB, 5 s later ${idle} KiB (${kb_per_request} KiB/request)"
