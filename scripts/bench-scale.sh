#!/usr/bin/env bash
# Scale benchmark (issue 10): generated chains, cycles, fan-outs (siblings) and routes at N = 10 … 10,000,
# timing `dilab check` and `dilab run` on each. Speed targets live here, never in unit tests.
# Builds nothing: pass the binary as $1 (default .build/release/dilab; `swift build -c release --product dilab`).
# TARGET_S (default 5) is the budget per command; any run over it, or any exit other than 0/2, fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

DILAB=${1:-.build/release/dilab}
[ -x "$DILAB" ] || { echo "bench-scale: no dilab binary at $DILAB (build first, or pass its path)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-scale: python3 is needed to generate the scenarios" >&2; exit 2; }
TARGET_S=${TARGET_S:-5}
SIZES=${SIZES:-"10 100 1000 10000"}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" $SIZES <<'PY'
import sys
work, sizes = sys.argv[1], [int(n) for n in sys.argv[2:]]
def chain(n):
    s = "scenario: chain\nproviders:\n  d0: {}\n" + "".join(f"  d{i}: {{params: {{x: Depends(d{i-1})}}}}\n" for i in range(1, n))
    return s + f"routes:\n  - GET /a: {{params: {{x: Depends(d{n-1})}}, returns: 1}}\nrequests:\n  - GET /a\n"
def cycle(n):
    s = "scenario: cycle\nproviders:\n" + "".join(f"  d{i}: {{params: {{x: Depends(d{(i+1)%n})}}}}\n" for i in range(n))
    return s + "routes:\n  - GET /a: {params: {x: Depends(d0)}, returns: 1}\nrequests:\n  - GET /a\n"
def siblings(n):
    s = "scenario: siblings\nproviders:\n" + "".join(f"  d{i}: {{}}\n" for i in range(n))
    s += "routes:\n  - GET /a:\n      params: {" + ", ".join(f"p{i}: Depends(d{i})" for i in range(n)) + "}\n"
    return s + "      returns: 1\nrequests:\n  - GET /a\n"
def routes(n):
    s = "scenario: routes\nproviders:\n  d: {}\nroutes:\n" + "".join(f"  - GET /r{i}: {{params: {{x: Depends(d)}}, returns: {i}}}\n" for i in range(n))
    return s + "requests:\n" + "".join(f"  - GET /r{i}\n" for i in range(0, n, max(1, n // 10)))
for n in sizes:
    for name, gen in [("chain", chain), ("cycle", cycle), ("siblings", siblings), ("routes", routes)]:
        open(f"{work}/{name}-{n}.yaml", "w").write(gen(n))
PY

# Wall seconds of one command, and its exit code (0 and 2 are both fine: a refusal is an answer).
measure() {
    local start end rc
    start=$(date +%s.%N)
    set +e; "$@" >/dev/null 2>&1; rc=$?; set -e
    end=$(date +%s.%N)
    printf '%s %s' "$(echo "$end - $start" | bc -l | awk '{printf "%.2f", $1}')" "$rc"
}

failed=0
printf '%-10s %7s %10s %6s %10s %6s\n' case N "check s" exit "run s" exit
for kind in chain cycle siblings routes; do
    for n in $SIZES; do
        f=$WORK/$kind-$n.yaml
        read -r cs crc <<<"$(measure "$DILAB" check "$f")"
        read -r rs rrc <<<"$(measure "$DILAB" run "$f")"
        printf '%-10s %7s %10s %6s %10s %6s\n' "$kind" "$n" "$cs" "$crc" "$rs" "$rrc"
        for rc in "$crc" "$rrc"; do [ "$rc" = 0 ] || [ "$rc" = 2 ] || failed=1; done
        for s in "$cs" "$rs"; do awk -v s="$s" -v t="$TARGET_S" 'BEGIN { exit !(s > t) }' && failed=1; done
    done
done
[ "$failed" = 0 ] && echo "bench-scale: every command finished in under ${TARGET_S}s with exit 0 or 2" \
                 || { echo "bench-scale: FAILED (a crash, or a command over ${TARGET_S}s)" >&2; exit 1; }
