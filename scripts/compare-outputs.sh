#!/usr/bin/env bash
# Two dilab builds, the same outputs? `dilab run` of every scenario file in the repository (scenarios/, lessons/,
# benchmarks/, Tests/), text and JSON, under each FastAPI profile, by binary OLD and binary NEW; prints each case
# whose output or exit code differs and a count. The check behind every "byte-identical" claim in
# docs/performance.md: build the old commit into another folder, then
#
#   scripts/compare-outputs.sh /tmp/old/dilab .build/release/dilab
#
# Environment: PROFILES ("latest 0.120 0.115 0.105"), FORMATS ("text json"), TIMEOUT (20 s a run).
# Exit 0 when nothing differs, 1 when something does, 2 on bad arguments.
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] && [ -x "$1" ] && [ -x "$2" ] || { echo "usage: $0 OLD_DILAB NEW_DILAB (two executables)" >&2; exit 2; }
OLD=$1 NEW=$2
PROFILES=${PROFILES:-"latest 0.120 0.115 0.105"}
FORMATS=${FORMATS:-"text json"}
TIMEOUT=${TIMEOUT:-20}
n=0 d=0
while IFS= read -r f; do
  for p in $PROFILES; do
    for fmt in $FORMATS; do
      a=$(timeout "$TIMEOUT" "$OLD" run "$f" --fastapi "$p" --format "$fmt" 2>&1; echo "exit $?")
      b=$(timeout "$TIMEOUT" "$NEW" run "$f" --fastapi "$p" --format "$fmt" 2>&1; echo "exit $?")
      n=$((n + 1))
      if [ "$a" != "$b" ]; then d=$((d + 1)); echo "differs: $f --fastapi $p --format $fmt"; fi
    done
  done
done < <(find scenarios lessons benchmarks Tests -name '*.yaml' | sort)
echo "compare-outputs: $n outputs, $d differ"
[ "$d" -eq 0 ]
