#!/usr/bin/env bash
# Every ```python block of lessons/*/lesson.md must be valid Python (ast.parse), and each function it defines
# that the lesson's scenarios also define (their FastAPI export, `dilab export --to fastapi`) must agree on
# `async def` vs `def`: a snippet that shows `def` for a handler whose trace runs on the loop teaches the wrong thing.
# Usage: scripts/lesson-python.sh [DILAB]  (default .build/debug/dilab). Exit 1 on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."
DILAB=${1:-.build/debug/dilab}
[ -x "$DILAB" ] || { echo "lesson-python: no dilab binary at $DILAB" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for dir in lessons/*/; do
  name=$(basename "$dir")
  mkdir -p "$WORK/$name"
  for y in "$dir"*.yaml; do
    [ "$(basename "$y")" = lesson.yaml ] && continue
    "$DILAB" export "$y" --to fastapi > "$WORK/$name/$(basename "$y" .yaml).py" 2>/dev/null || true
  done
done

python3 - "$WORK" <<'PY'
import ast, glob, os, re, sys

work = sys.argv[1]
problems, blocks = [], 0

def functions(tree):
    """name -> set of {True (async), False (sync)} for every def in the module, nested ones too."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(node.name, set()).add(isinstance(node, ast.AsyncFunctionDef))
    return out

for md in sorted(glob.glob("lessons/*/lesson.md")):
    lesson = os.path.basename(os.path.dirname(md))
    exported = {}
    for py in glob.glob(os.path.join(work, lesson, "*.py")):
        try:
            for k, v in functions(ast.parse(open(py).read())).items():
                exported.setdefault(k, set()).update(v)
        except SyntaxError as e:
            problems.append(f"{py}: the export of {lesson} does not parse: {e}")
    text = open(md).read()
    for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
        blocks += 1
        line = text.count("\n", 0, m.start()) + 2
        try:
            tree = ast.parse(m.group(1))
        except SyntaxError as e:
            problems.append(f"{md}:{line + (e.lineno or 1) - 1}: not valid Python: {e.msg}")
            continue
        for name, kinds in functions(tree).items():
            want = exported.get(name)
            if not want or len(want) > 1 or len(kinds) > 1:
                continue  # not in the scenarios, or both forms exist (a start and a solution)
            if kinds != want:
                shown = "async def" if True in kinds else "def"
                real = "async def" if True in want else "def"
                problems.append(f"{md}: `{shown} {name}` but the lesson's scenario exports `{real} {name}`")

for p in problems:
    print("lesson-python: " + p, file=sys.stderr)
print(f"lesson-python: {blocks} Python blocks in lessons/*/lesson.md, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
PY
