#!/usr/bin/env bash
# Round trip: `dilab export --to fastapi` of shipped scenarios, then `dilab import` of the exported app, must give
# the same dependency graph (`dilab graph`: every route, handler, dependency tree with its kind, use_cache,
# scope and scopes, and every request parameter). Import flattens routers, so the level a dependency was declared
# at (app / include / router / decorator) is not compared — the merged order is. A scenario whose app FastAPI
# refuses (`expect_app_errors:`) must be refused by the import with the same error. Scenarios whose constructs do
# not round trip would be listed in docs/import.md and skipped here by name (none are).
# Usage: scripts/import-roundtrip.sh [path/to/dilab] [scenario files...]
set -euo pipefail
cd "$(dirname "$0")/.."
DILAB=$(cd "$(dirname "${1:-.build/debug/dilab}")" && pwd)/$(basename "${1:-.build/debug/dilab}")
shift || true
files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  mapfile -t files < <(find scenarios -name '*.yaml' | sort)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Routes are compared as a set: the export declares app routes and router routes in its own order, which the
# import reads back as FastAPI's matching order.
normalise() {
  sed -E 's/, (app|include|router|decorator)( [A-Za-z0-9_]+)?\]/]/' |
    python3 -c 'import sys; print("\n\n".join(sorted(b.strip("\n") for b in sys.stdin.read().split("\n\n") if b.strip())))'
}
# Scenarios whose constructs do not round trip (docs/import.md), skipped by name: none at present.
known=()
# The errors a scenario's `expect_app_errors:` names, one a line, as FastAPI prints them (a cycle's sentence ends
# with the RecursionError FastAPI dies with).
app_errors() {
  python3 -c '
import json, sys
lines = open(sys.argv[1]).read().split("\n")
start = lines.index("expect_app_errors:") + 1
for line in lines[start:]:
    if not line.startswith("  - "):
        break
    text = line[4:].strip()
    text = json.loads(text) if text.startswith("\"") else text.strip("\x27")
    print(text.split("dies with ")[-1])
' "$1"
}
# An app FastAPI refuses: `refused` when the export's import exits 2 naming each expected error, else `differ`.
refused() {
  local f=$1 dir=$2 profile=$3 status=0
  if ! "$DILAB" export "$f" --fastapi "$profile" -o "$dir/app/exported_app.py" 2>"$dir/export.err"; then
    echo differ; echo "FAIL export: $f"; tail -3 "$dir/export.err"; return
  fi
  (cd "$dir" && "$DILAB" import app/exported_app.py --fastapi "$profile" -o "$dir/imported.yaml" >/dev/null 2>"$dir/import.err") || status=$?
  if [ "$status" -ne 2 ]; then echo differ; echo "FAIL import of an app FastAPI refuses exited $status, not 2: $f"; return; fi
  local expected
  while IFS= read -r expected; do
    if ! grep -qF -- "$expected" "$dir/import.err"; then
      echo differ; echo "FAIL import of $f does not say: $expected"; tail -2 "$dir/import.err"; return
    fi
  done < <(app_errors "$f")
  echo refused
}
# One scenario: prints `same`, `refused`, `skipped`, or `differ` followed by what differed, into its own folder.
one() {
  local f=$1 dir=$2
  mkdir -p "$dir/app"
  if [ "${#known[@]}" -gt 0 ] && printf '%s\n' "${known[@]}" | grep -qxF "$f"; then echo skipped; return; fi
  local profile
  profile=$(sed -n 's/^fastapi: *"\{0,1\}\([^"# ]*\).*/\1/p' "$f" | head -1)
  profile=${profile:-latest}
  # An app FastAPI refuses to build (a cycle, scope= before 0.121, a header model on 0.105) has no graph to read
  # back: its import must fail as the scenario says FastAPI does, with the same error.
  if grep -q '^expect_app_errors:' "$f"; then refused "$f" "$dir" "$profile"; return; fi
  if ! "$DILAB" graph "$f" >"$dir/before.txt" 2>/dev/null; then echo skipped; return; fi
  if ! "$DILAB" export "$f" --fastapi "$profile" -o "$dir/app/exported_app.py" 2>"$dir/export.err"; then
    echo differ; echo "FAIL export: $f"; tail -3 "$dir/export.err"; return
  fi
  if ! (cd "$dir" && "$DILAB" import app/exported_app.py --fastapi "$profile" -o "$dir/imported.yaml" 2>"$dir/import.err"); then
    echo differ; echo "FAIL import: $f"; tail -5 "$dir/import.err"; return
  fi
  if ! "$DILAB" graph "$dir/imported.yaml" >"$dir/after.txt" 2>"$dir/graph.err"; then
    echo differ; echo "FAIL graph of the import: $f"; head -5 "$dir/after.txt" "$dir/graph.err"; return
  fi
  if diff <(normalise <"$dir/before.txt") <(normalise <"$dir/after.txt") >"$dir/diff.txt"; then
    echo same
  else
    echo differ; echo "DIFF  $f"; head -20 "$dir/diff.txt"
  fi
}

# JOBS scenarios at a time (default 2: CI's two cores; each is mostly one Python process), reported in file order.
. scripts/jobs.sh
run_files one "$work" "${files[@]}"
same=0; refused=0; differ=0; skipped=0
for i in "${!files[@]}"; do
  case $(head -1 "$work/result.$i") in
    same) same=$((same + 1)) ;;
    refused) refused=$((refused + 1)) ;;
    skipped) skipped=$((skipped + 1)) ;;
    *) differ=$((differ + 1)); tail -n +2 "$work/result.$i" ;;
  esac
done
echo "import-roundtrip: $same same graph, $refused refused with FastAPI's own app error, $differ differ, $skipped skipped"
[ "$differ" -eq 0 ]
