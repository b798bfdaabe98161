#!/usr/bin/env bash
# Every scenario's FastAPI export, traced (`-o DIR/app.py`: app.py and dilab_trace.py) and plain (`--plain`), must be
# clean under pyflakes (no unused imports, no undefined names), and every plain export must import under real FastAPI
# (its routes and dependencies build). pyflakes lives in a venv beside dilab's FastAPI venvs (made on first use).
# Usage: scripts/export-lint.sh [DILAB]  (default .build/debug/dilab). Exit 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
DILAB=${1:-.build/debug/dilab}
[ -x "$DILAB" ] || { echo "export-lint: no dilab binary at $DILAB" >&2; exit 2; }
root="${DILAB_VENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dilab/venvs}"
lint="$root/lint"
if [ ! -x "$lint/bin/pyflakes" ]; then
  python3 -m venv "$lint"
  "$lint/bin/pip" install -q pyflakes
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

mapfile -t files < <(find scenarios lessons -name '*.yaml' ! -name lesson.yaml | sort)
n=0
for y in "${files[@]}"; do
  dir="$WORK/$(echo "$y" | tr '/.-' '___')"
  mkdir -p "$dir/traced" "$dir/plain"
  # Scenarios that do not load (the corpus's deliberate errors) have no export: export exits 2 on them.
  if ! "$DILAB" export "$y" --to fastapi -o "$dir/traced/app.py" >/dev/null 2>&1; then rm -rf "$dir"; continue; fi
  "$DILAB" export "$y" --to fastapi --plain -o "$dir/plain/app.py" 2>/dev/null
  n=$((n + 1))
done
status=0
"$lint/bin/pyflakes" "$WORK" || status=1
python="$root/fastapi-0.165.0/bin/python"
if [ -x "$python" ]; then
  # One interpreter imports every plain export (FastAPI is imported once, not 239 times); each app is its own module.
  "$python" - "$WORK/failed.txt" "$WORK"/*/plain >/dev/null 2>&1 <<'PY' || true
import importlib.util, os, sys, traceback
failed = []
for i, d in enumerate(sys.argv[2:]):
    spec = importlib.util.spec_from_file_location(f"_dilab_lint_app_{i}", os.path.join(d, "app.py"))
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        with open(os.path.join(d, "err"), "w") as err:
            traceback.print_exc(file=err)
        failed.append(d)
with open(sys.argv[1], "w") as out:
    out.write("".join(d + "\n" for d in failed))
PY
  [ -f "$WORK/failed.txt" ] || { echo "export-lint: the import check did not run"; exit 1; }
  while IFS= read -r d; do
    # A scenario about an app FastAPI refuses to build (a scope error, a cycle) fails traced as well: expected.
    (cd "$d/../traced" && "$python" -c 'import app' >/dev/null 2>&1) || continue
    echo "plain export does not import, the traced one does: $d"; tail -5 "$d/err"; status=1
  done <"$WORK/failed.txt"
fi
[ "$status" -eq 0 ] && echo "export-lint: $n scenarios, traced and plain exports clean under pyflakes; plain exports import"
exit "$status"
