#!/usr/bin/env bash
# Round trip: `dilab export --to fastapi` of shipped scenarios, then `dilab import` of the exported app, must give
# the same dependency graph (`dilab graph`: every route, handler, dependency tree with its kind, use_cache,
# scope and scopes, and every request parameter). Import flattens routers, so the level a dependency was declared
# at (app / include / router / decorator) is not compared — the merged order is. Scenarios whose constructs do
# not round trip are listed in docs/import.md and skipped here by name.
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
# Constructs that do not round trip (docs/import.md): the export names each callable instance's class per
# instance (FixedContentQueryChecker_checker_bar); a wrapper without functools.wraps is, to FastAPI, the wrapper.
# A yield provider whose setup always raises is exported without its (unreachable) yield, so FastAPI sees a plain function.
known=(scenarios/classes/p11-callable-instances.yaml scenarios/classes/wrapped-without-functools-wraps.yaml
       scenarios/exceptions/p05-dependency-raises-before-yield.yaml)
same=0; differ=0; skipped=0
for f in "${files[@]}"; do
  if printf '%s\n' "${known[@]}" | grep -qxF "$f"; then skipped=$((skipped + 1)); continue; fi
  # An app FastAPI refuses to build (a cycle, scope= before 0.121) cannot be imported: there is no app.
  if grep -q '^expect_app_errors:' "$f"; then skipped=$((skipped + 1)); continue; fi
  # Pydantic body models (`models:`) are imported as `dict` bodies, with a warning: dilab import does not read
  # a model's fields yet.
  if grep -q '^models:' "$f"; then skipped=$((skipped + 1)); continue; fi
  if ! "$DILAB" graph "$f" >"$work/before.txt" 2>/dev/null; then skipped=$((skipped + 1)); continue; fi
  profile=$(sed -n 's/^fastapi: *"\{0,1\}\([^"# ]*\).*/\1/p' "$f" | head -1)
  profile=${profile:-latest}
  mkdir -p "$work/app"; rm -f "$work/app/"*.py
  if ! "$DILAB" export "$f" --fastapi "$profile" -o "$work/app/exported_app.py" 2>"$work/export.err"; then
    echo "FAIL export: $f"; tail -3 "$work/export.err"; differ=$((differ + 1)); continue
  fi
  if ! (cd "$work" && "$DILAB" import app/exported_app.py --fastapi "$profile" -o "$work/imported.yaml" 2>"$work/import.err"); then
    echo "FAIL import: $f"; tail -5 "$work/import.err"; differ=$((differ + 1)); continue
  fi
  if ! "$DILAB" graph "$work/imported.yaml" >"$work/after.txt" 2>"$work/graph.err"; then
    echo "FAIL graph of the import: $f"; head -5 "$work/after.txt" "$work/graph.err"; differ=$((differ + 1)); continue
  fi
  if diff <(normalise <"$work/before.txt") <(normalise <"$work/after.txt") >"$work/diff.txt"; then
    same=$((same + 1))
  else
    echo "DIFF  $f"; head -20 "$work/diff.txt"; differ=$((differ + 1))
  fi
done
echo "import-roundtrip: $same same graph, $differ differ, $skipped skipped (app errors, known constructs)"
[ "$differ" -eq 0 ]
