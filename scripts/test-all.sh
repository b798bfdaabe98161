#!/usr/bin/env bash
# The README's test command: build, unit tests, the conformance suite, lessons, and the checks that
# need real processes (FastAPI differential run, serve smoke test, REPL in tmux) when their scripts exist.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

step "swift build"
swift build --product dilab
DILAB=.build/debug/dilab

step "swift test"
# The live-socket deadline tests (ConnectionTests) run on their own afterwards: synchronous tests (Python
# subprocesses, headless Chromium) occupy Swift's cooperative pool, which has one thread per core and on which
# Hummingbird's handlers also run, so in the full parallel run a served 413 could wait seconds for a thread.
swift test --skip ConnectionTests
step "swift test --filter ConnectionTests (alone: their deadlines are sub-second)"
swift test --filter ConnectionTests

step "dilab run on every scenario: exit 0, and the JSON form parses"
while IFS= read -r f; do
  "$DILAB" run "$f" >/dev/null
  "$DILAB" run "$f" --format json | python3 -c 'import json,sys; json.load(sys.stdin)'
done < <(find scenarios -name '*.yaml' | sort)

# Not a measurement: a guard against quadratic regressions (a per-provider index rebuild once made a 10,000-provider
# chain take 231 s to check in debug; it takes ~1.5 s). 60 s per command is 20x what a debug build needs.
step "scripts/bench-scale.sh (guard: N = 10,000 of each shape, debug build, 60 s a command)"
SIZES=10000 TARGET_S=60 bash scripts/bench-scale.sh "$DILAB"

step "dilab test scenarios/"
"$DILAB" test scenarios --jobs 2 --require-expectations --junit .build/dilab-junit.xml

if [ -d lessons ] && [ -n "$(ls -A lessons 2>/dev/null | grep -v '^README' || true)" ]; then
  step "dilab lesson selftest"
  "$DILAB" lesson selftest
  step "scripts/lesson-python.sh: every Python snippet in lessons/ parses and matches its scenario"
  bash scripts/lesson-python.sh "$DILAB"
fi

for script in scripts/fuzz.sh scripts/readme-commands.sh scripts/export-lint.sh scripts/verify.sh scripts/import-tutorials.sh scripts/import-roundtrip.sh scripts/import-record-exports.sh scripts/serve-smoke.sh scripts/repl-tmux.sh scripts/lesson-tmux.sh; do
  if [ -x "$script" ]; then
    step "$script"
    bash "$script" "$DILAB"
  fi
done

# The serve benchmark, as a smoke: a second per server on debug builds, so the script cannot rot (not a measurement).
if command -v wrk >/dev/null 2>&1; then
  step "scripts/bench-serve.sh (smoke: 1 s per server)"
  swift build --product dilab-bench-hummingbird
  BIN_DIR=.build/debug DURATION=1s WARMUP=0 ROUNDS=1 CONNS=4 THREADS=1 bash scripts/bench-serve.sh
else
  step "scripts/bench-serve.sh skipped: no wrk (apt-get install -y wrk)"
fi

step "all green"
