#!/usr/bin/env bash
# Real FastAPI as the judge (docs/verify.md). Every scenario (corpus and lessons) is exported and run under each pinned FastAPI —
# 0.165.0 (latest), 0.120.4, 0.115.14 and 0.105.0 — in venvs outside the repository, and compared event by event
# with the engine. Then a self-check: a deliberately wrong rule must make `dilab verify` fail.
set -euo pipefail
cd "$(dirname "$0")/.."
DILAB=${1:-.build/debug/dilab}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The corpus and every scenario the lessons use (exercise starts included: a lesson must not teach a wrong trace).
mapfile -t lesson_scenarios < <(find lessons -name '*.yaml' ! -name lesson.yaml 2>/dev/null | sort)

for profile in latest 0.120 0.115 0.105; do
  echo "── dilab verify scenarios lessons --fastapi $profile"
  status=0
  "$DILAB" verify scenarios "${lesson_scenarios[@]}" --fastapi "$profile" --jobs 2 >"$log" || status=$?
  grep -v '^ok' "$log" || true
  [ "$status" -eq 0 ] || { echo "FAIL: dilab and FastAPI disagree under $profile (exit $status)"; exit 1; }
done

# The check must be able to fail: simulate with 0.115's rule (cleanup before the response) and judge with 0.165.
root="${DILAB_VENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dilab/venvs}"
out=$(mktemp)
if "$DILAB" verify scenarios/seeds/db-session-read-user.yaml --fastapi 0.115 --python "$root/fastapi-0.165.0/bin/python" >"$out"; then
  cat "$out"; echo "FAIL: a wrong cleanup rule was not caught"; exit 1
fi
grep -q 'first divergence at event 4' "$out" || { cat "$out"; echo "FAIL: the wrong rule was caught at the wrong place"; exit 1; }
# The same for websockets: 0.165's denial rule (an HTTPException becomes its own HTTP response) judged by 0.105,
# where Starlette sends nothing and uvicorn answers 500.
if "$DILAB" verify scenarios/websockets/verify-denials.yaml --fastapi latest --python "$root/fastapi-0.105.0/bin/python" >"$out"; then
  cat "$out"; echo "FAIL: a wrong websocket denial rule was not caught"; exit 1
fi
grep -q 'denial status' "$out" || { cat "$out"; echo "FAIL: the wrong websocket rule was caught at the wrong place"; exit 1; }
rm -f "$out"
echo "verify: all profiles agree; a wrong rule is caught (HTTP and websocket)"
