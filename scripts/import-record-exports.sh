#!/usr/bin/env bash
# Record mode on apps dilab did not write by hand either way: each scenario is exported (`dilab export --to
# fastapi`), the export is imported with `--record` of the scenario's own sequential requests and websocket connections, and the imported
# scenario must pass `dilab test` (dilab gives what the real app gave), the observed-events check
# (scripts/import-observed.py) and `dilab verify`. Needs python3 with PyYAML to read the requests (else skips).
# Usage: scripts/import-record-exports.sh [path/to/dilab] [scenario files...]
#   (default: scenarios/seeds, scenarios/models and scenarios/middleware; JOBS at a time, 2 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
DILAB=$(cd "$(dirname "${1:-.build/debug/dilab}")" && pwd)/$(basename "${1:-.build/debug/dilab}")
shift || true
files=("$@")
[ "${#files[@]}" -gt 0 ] || mapfile -t files < <(find scenarios/seeds scenarios/models scenarios/middleware -name '*.yaml' | sort)
python3 -c 'import yaml' 2>/dev/null || { echo "import-record-exports: skipped (python3 has no PyYAML)"; exit 0; }
# No scenario is skipped by name: record mode reads every construct of these folders.
known=()
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
one() {
  local f=$1 work=$2 profile args r out
  mkdir -p "$work"
  if printf '%s\n' "${known[@]}" | grep -qxF "$f"; then echo skipped; return; fi
  # An app FastAPI refuses to build has nothing to import.
  if grep -q '^expect_app_errors:' "$f"; then echo skipped; return; fi
  profile=$(sed -n 's/^fastapi: *"\{0,1\}\([^"# ]*\).*/\1/p' "$f" | head -1)
  profile=${profile:-latest}
  # The scenario's requests, one per line: `METHOD /target` or the JSON object --record reads. Overlapping
  # requests (at:, disconnect:, cancel:) and per-request overrides have no --record form: such files are skipped.
  if ! python3 - "$f" >"$work/requests.txt" <<'PY'
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for r in doc.get("requests") or []:
    if isinstance(r, str):
        print(r)
    elif isinstance(r, dict) and "request" in r and not {"at", "disconnect", "cancel", "dependency_overrides", "websocket"} & set(r):
        print(json.dumps({k: r[k] for k in ("request", "headers", "cookies", "body") if k in r}))
    elif isinstance(r, dict) and "websocket" in r and not {"at", "worker", "dependency_overrides"} & set(r):
        print(json.dumps({k: r[k] for k in ("websocket", "headers", "cookies", "script") if k in r}))
    else:
        sys.exit(3)
PY
  then echo skipped; return; fi
  args=()
  while IFS= read -r r; do args+=(--record "$r"); done <"$work/requests.txt"
  rm -rf "$work/app"; mkdir -p "$work/app"
  "$DILAB" export "$f" --fastapi "$profile" -o "$work/app/app.py" 2>/dev/null
  out=$work/app/imported.yaml
  if ! (cd "$work/app" && "$DILAB" import app.py --fastapi "$profile" "${args[@]}" -o "$out" 2>"$work/import.err"); then
    echo failed; echo "FAIL import: $f"; tail -5 "$work/import.err"; return
  fi
  if ! "$DILAB" test "$out" >"$work/test.out" 2>&1; then
    echo failed; echo "FAIL test: $f"; grep -v '^PASS' "$work/test.out" | head -8; return
  fi
  if ! "$DILAB" run "$out" --format json | python3 "$repo/scripts/import-observed.py" "$out" >"$work/observed.out" 2>&1; then
    echo failed; echo "FAIL events: $f"; head -8 "$work/observed.out"; return
  fi
  if ! "$DILAB" verify "$out" --fastapi "$profile" >"$work/verify.out" 2>&1; then
    echo failed; echo "FAIL verify: $f"; tail -8 "$work/verify.out"; return
  fi
  echo passed
}

. scripts/jobs.sh
run_files one "$work" "${files[@]}"
passed=0; failed=0; skipped=0
for i in "${!files[@]}"; do
  case $(head -1 "$work/result.$i") in
    passed) passed=$((passed + 1)) ;;
    skipped) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)); tail -n +2 "$work/result.$i" ;;
  esac
done
echo "import-record-exports: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
