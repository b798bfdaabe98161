#!/usr/bin/env bash
# Smoke test of `dilab serve` as a user runs it: a real process, curl, and Ctrl-C (SIGINT) while a background
# task is still running. Builds nothing: pass the binary as $1 (default .build/debug/dilab).
# Checks: 200 with X-Request-ID, the trace at /_dilab/traces/{id} (not complete while the task runs), 404 for an
# unknown path, exit 0 after SIGINT, and the log shows both pending tasks finished before the server stopped.
# Then websockets, with Python's `websockets` client (a venv beside dilab's managed ones, made on first use): the
# chat room's broadcast to two clients, a client that drops, a 403 refusal, and SIGINT closing the rest with 1012.
set -euo pipefail
cd "$(dirname "$0")/.."

DILAB=${1:-.build/debug/dilab}
[ -x "$DILAB" ] || { echo "serve-smoke: no dilab binary at $DILAB (build first, or pass its path)" >&2; exit 2; }
command -v curl >/dev/null || { echo "serve-smoke: curl is needed" >&2; exit 2; }

# send_email takes 2 s and write_audit_log 0.5 s of scenario time; at time-scale 0.5 the email takes ~1 s.
SCENARIO=scenarios/seeds/register-welcome-email-and-audit.yaml
WORK=$(mktemp -d)
LOG=$WORK/serve.log
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "serve-smoke: FAIL: $*" >&2
  echo "---- server log ----" >&2
  cat "$LOG" >&2 || true
  exit 1
}

# Port 0: the kernel picks a free port and the server prints it once the lifespan startup has run.
# Sets PID and PORT; `what` names the server in failures.
start_server() {
  local what=$1; shift
  NO_COLOR=1 "$DILAB" serve "$@" --port 0 >"$LOG" 2>&1 &
  PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$LOG" 2>/dev/null | head -1 | sed 's/.*://' || true)
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || fail "the $what server exited during startup"
    sleep 0.1
  done
  [ -n "$PORT" ] || fail "no 'listening on' line within 10 s ($what)"
}

# Waits up to 15 s for the server to exit; sets CODE to its exit status (empty when it is still running).
wait_for_exit() {
  CODE=""
  for _ in $(seq 150); do
    if ! kill -0 "$PID" 2>/dev/null; then
      set +e; wait "$PID"; CODE=$?; set -e
      return
    fi
    sleep 0.1
  done
}

start_server HTTP "$SCENARIO" --time-scale 0.5
BASE=http://127.0.0.1:$PORT
echo "serve-smoke: server pid $PID on $BASE"

HEADERS=$WORK/headers
BODY=$(curl -sS --max-time 10 -D "$HEADERS" -X POST "$BASE/register?email=ada@example.com")
STATUS=$(head -1 "$HEADERS" | awk '{print $2}')
[ "$STATUS" = 200 ] || fail "POST /register answered $STATUS"
[ "$BODY" = '{"message":"Registered! Check your email.","user_id":42}' ] || fail "unexpected body: $BODY"
RID=$(grep -i '^x-request-id:' "$HEADERS" | head -1 | awk '{print $2}' | tr -d '\r')
[ -n "$RID" ] || fail "no X-Request-ID header"
echo "serve-smoke: 200 $BODY (X-Request-ID: $RID)"

TRACE=$(curl -sS --max-time 10 "$BASE/_dilab/traces/$RID")
grep -q '"request": "POST /register?email=ada@example.com"' <<<"$TRACE" || fail "trace $RID does not name the request: $TRACE"
grep -q '"sent 200"' <<<"$TRACE" || fail "trace $RID has no 'sent 200'"
grep -q '"complete": false' <<<"$TRACE" || fail "trace $RID is already complete: the background task did not outlast the response"
echo "serve-smoke: /_dilab/traces/$RID shows the response sent, tasks still running"

STATUS=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/nowhere")
[ "$STATUS" = 404 ] || fail "GET /nowhere answered $STATUS"

# Ctrl-C while send_email is still running.
grep -qE 'task\.end +task send_email' "$LOG" && fail "send_email ended before SIGINT; the test proves nothing"
kill -INT "$PID"
wait_for_exit
[ -n "$CODE" ] || fail "the server did not exit within 15 s of SIGINT"
PID=""
[ "$CODE" = 0 ] || fail "exit code $CODE after SIGINT (expected 0)"

line_of() { grep -nE -- "$1" "$LOG" | head -1 | cut -d: -f1 || true; }
SIG=$(line_of 'SIGINT received')
END_EMAIL=$(line_of "^\[$RID\] .*task\.end +task send_email")
END_AUDIT=$(line_of "^\[$RID\] .*task\.end +task write_audit_log")
STOPPED=$(line_of 'dilab serve: stopped')
[ -n "$SIG" ] || fail "no 'SIGINT received' line"
[ -n "$END_EMAIL" ] && [ "$END_EMAIL" -gt "$SIG" ] || fail "send_email did not finish after SIGINT"
[ -n "$END_AUDIT" ] && [ "$END_AUDIT" -gt "$END_EMAIL" ] || fail "write_audit_log did not run after send_email"
[ -n "$STOPPED" ] && [ "$STOPPED" -gt "$END_AUDIT" ] || fail "the server stopped before the tasks finished"
grep -q 'all requests finished' "$LOG" || fail "no drain report"
echo "serve-smoke: SIGINT → tasks finished (send_email, write_audit_log) → stopped, exit 0"

# ---- websockets: a third-party client against scenarios/websockets/chat-room.yaml
root="${DILAB_VENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dilab/venvs}"
venv="$root/websockets-client"
if [ ! -f "$venv/.dilab-ready" ]; then
  echo "serve-smoke: creating $venv (pip install websockets) ..."
  rm -rf "$venv"
  mkdir -p "$root"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "websockets==17.4"
  touch "$venv/.dilab-ready"
fi
: >"$LOG"
start_server websocket scenarios/websockets/chat-room.yaml
STATUS=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/chat/alice")
[ "$STATUS" = 404 ] || fail "plain GET on a websocket route answered $STATUS (FastAPI: 404)"
cat >"$WORK/chat.py" <<'PY'
import asyncio, os, signal, sys, websockets
from websockets.exceptions import InvalidStatus
base = f"ws://127.0.0.1:{sys.argv[1]}"
async def main():
    alice = await websockets.connect(f"{base}/chat/alice")
    assert await alice.recv() == "alice joined the chat"
    bob = await websockets.connect(f"{base}/chat/bob")
    assert await alice.recv() == "bob joined the chat"
    assert await bob.recv() == "bob joined the chat"
    await alice.send("hi all")
    assert await alice.recv() == "alice: hi all"
    assert await bob.recv() == "alice: hi all"
    bob.transport.abort()                                   # a drop: no close frame, the endpoint sees 1005 (uvicorn's default)
    assert await alice.recv() == "bob left the chat"
    try:
        await websockets.connect(f"{base}/nowhere")
        raise AssertionError("an upgrade to /nowhere was accepted")
    except InvalidStatus as e:
        assert e.response.status_code == 403, e.response.status_code
    os.kill(int(sys.argv[2]), signal.SIGINT)                # shutdown closes alice with 1012, as uvicorn does
    try:
        await asyncio.wait_for(alice.recv(), 10)
    except websockets.ConnectionClosed:
        pass
    assert alice.close_code == 1012, alice.close_code
    print("chat: broadcast to 2, drop told, 403 for /nowhere, 1012 on shutdown")
asyncio.run(main())
PY
"$venv/bin/python" "$WORK/chat.py" "$PORT" "$PID" || fail "the websockets client failed"
wait_for_exit
PID=""
[ "$CODE" = 0 ] || fail "websocket server: exit code ${CODE:-none} after SIGINT (expected 0)"
grep -qE 'disconnect +chat .*dropped' "$LOG" || fail "the log shows no disconnect for the dropped client"
echo "serve-smoke: websockets ok (python websockets client)"
echo "serve-smoke: ok"
