#!/usr/bin/env bash
# A bounded coverage-guided fuzz run (libFuzzer, from the Swift toolchain) over the loader, graph, engine,
# renderers and exporters: `FuzzHarness.run`. Seeds: the findings corpus, every shipped scenario and lesson
# scenario. A crash, a trap, a hang past -timeout or an RSS past -rss_limit_mb fails the run and leaves the
# input in .build-fuzz/findings/ — commit it under Tests/DILabFuzzTests/Corpus/ once fixed, so `swift test`
# replays it for ever.
#
#   bash scripts/fuzz.sh [SECONDS]        default $DILAB_FUZZ_SECONDS or 60; scripts/test-all.sh runs it
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${DILAB_FUZZ_SECONDS:-60}
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; fi
scratch=.build-fuzz

swift build --product dilab-fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer -Xswiftc -DDILAB_FUZZ
bin="$scratch/debug/dilab-fuzz"

work="$scratch/corpus"
findings="$scratch/findings"
rm -rf "$work"; mkdir -p "$work" "$findings"
cp Tests/DILabFuzzTests/Corpus/* "$work"/
for f in Tests/DILabTests/Fixtures/crash/*; do cp "$f" "$work/crash-$(basename "$f")"; done
i=0
while IFS= read -r f; do cp "$f" "$work/seed-$i.yaml"; i=$((i + 1)); done < <(find scenarios lessons -name '*.yaml' ! -name lesson.yaml | sort)

echo "fuzz: ${seconds}s over $(ls "$work" | wc -l) seeds"
status=0
"$bin" "$work" -dict=scripts/fuzz.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
  -artifact_prefix="$findings/" -print_final_stats=1 >"$scratch/fuzz.log" 2>&1 || status=$?
tail -n 25 "$scratch/fuzz.log"
if [ "$status" -ne 0 ]; then
  echo "FAIL: the fuzzer found an input that crashes or hangs dilab (see $findings/)"
  exit 1
fi
echo "fuzz: ok"
