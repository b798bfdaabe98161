#!/usr/bin/env bash
# Scale benchmark (issue 10): generated chains, cycles, fan-outs (siblings) and routes at N = 10 … 10,000,
# timing `dilab check` and `dilab run` on each. Speed targets live here, never in unit tests.
# Builds nothing: pass the binary as $1 (default .build/release/dilab; `swift build -c release --product dilab`).
# TARGET_S (default 5) is the budget per command (wall seconds); any run over it, or any exit other than 0/2, fails
# the script. Each command is timed in wall and in CPU seconds (user + system): the machine is shared, and CPU time
# is what moves least with the load. ROUNDS=n runs each command n times and reports the median of each figure;
# KEEP=1 keeps the generated scenarios (their folder is printed) for profiling.
set -euo pipefail
cd "$(dirname "$0")/.."

DILAB=${1:-.build/release/dilab}
[ -x "$DILAB" ] || { echo "bench-scale: no dilab binary at $DILAB (build first, or pass its path)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-scale: python3 is needed to generate the scenarios" >&2; exit 2; }
TARGET_S=${TARGET_S:-5}
SIZES=${SIZES:-"10 100 1000 10000"}
ROUNDS=${ROUNDS:-1}
WORK=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "bench-scale: keeping the scenarios in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

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

# One command's wall and CPU (user + system) seconds, and its exit code (0 and 2 are both fine: a refusal is an
# answer), as `wall cpu rc`; with ROUNDS > 1 the median wall and the median CPU of the rounds, and the last exit.
once() {
    local TIMEFORMAT='%R %U %S' times rc
    set +e
    times=$( { time "$@" >/dev/null 2>&1; } 2>&1 ); rc=$?
    set -e
    # `time` reports the command's exit through $? of the group; the times are on the last line.
    echo "$times" | tail -1 | awk -v rc="$rc" '{ printf "%.2f %.2f %s\n", $1, $2 + $3, rc }'
}
measure() {
    local i out mid=$(( (ROUNDS + 1) / 2 ))
    out=$(for ((i = 0; i < ROUNDS; i++)); do once "$@"; done)
    printf '%s %s %s' "$(echo "$out" | sort -n -k1,1 | sed -n "${mid}p" | cut -d' ' -f1)" \
        "$(echo "$out" | sort -n -k2,2 | sed -n "${mid}p" | cut -d' ' -f2)" "$(echo "$out" | tail -1 | cut -d' ' -f3)"
}

failed=0
printf '%-10s %7s %8s %8s %5s %8s %8s %5s\n' case N "check s" "cpu s" exit "run s" "cpu s" exit
for kind in chain cycle siblings routes; do
    for n in $SIZES; do
        f=$WORK/$kind-$n.yaml
        read -r cs ccpu crc <<<"$(measure "$DILAB" check "$f")"
        read -r rs rcpu rrc <<<"$(measure "$DILAB" run "$f")"
        printf '%-10s %7s %8s %8s %5s %8s %8s %5s\n' "$kind" "$n" "$cs" "$ccpu" "$crc" "$rs" "$rcpu" "$rrc"
        for rc in "$crc" "$rrc"; do [ "$rc" = 0 ] || [ "$rc" = 2 ] || failed=1; done
        for s in "$cs" "$rs"; do awk -v s="$s" -v t="$TARGET_S" 'BEGIN { exit !(s > t) }' && failed=1; done
    done
done
[ "$failed" = 0 ] && echo "bench-scale: every command finished in under ${TARGET_S}s with exit 0 or 2" \
                 || { echo "bench-scale: FAILED (a crash, or a command over ${TARGET_S}s)" >&2; exit 1; }
