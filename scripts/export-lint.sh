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
  # Scenarios that do not load (the corpus's deliberate errors) have no export.
  "$DILAB" check "$y" >/dev/null 2>&1 || continue
  dir="$WORK/$(echo "$y" | tr '/.-' '___')"
  mkdir -p "$dir/traced" "$dir/plain"
  "$DILAB" export "$y" --to fastapi -o "$dir/traced/app.py" 2>/dev/null
  "$DILAB" export "$y" --to fastapi --plain -o "$dir/plain/app.py" 2>/dev/null
  n=$((n + 1))
done
status=0
"$lint/bin/pyflakes" "$WORK" || status=1
python="$root/fastapi-0.165.0/bin/python"
if [ -x "$python" ]; then
  for d in "$WORK"/*/plain; do
    (cd "$d" && "$python" -c 'import app' >/dev/null 2>"$d/err") && continue
    # A scenario about an app FastAPI refuses to build (a scope error, a cycle) fails traced as well: expected.
    (cd "$d/../traced" && "$python" -c 'import app' >/dev/null 2>&1) || continue
    echo "plain export does not import, the traced one does: $d"; tail -5 "$d/err"; status=1
  done
fi
[ "$status" -eq 0 ] && echo "export-lint: $n scenarios, traced and plain exports clean under pyflakes; plain exports import"
exit "$status"
