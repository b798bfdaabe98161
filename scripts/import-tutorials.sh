#!/usr/bin/env bash
# `dilab import` on FastAPI's own tutorial apps (Tests/ImportFixtures/fastapi-docs, MIT, copied unchanged):
# each app is imported with record mode under a profile's real FastAPI, then the scenario must pass
# `dilab check`, `dilab test` (dilab's engine gives the status and body real FastAPI gave for every recorded
# request), the events the real app showed (scripts/import-observed.py) and `dilab verify` (the scenario's export, run under the same FastAPI, agrees event by event).
# Usage: scripts/import-tutorials.sh [path/to/dilab] [profile ...]   (default: all four profiles)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
DILAB=$(cd "$(dirname "${1:-.build/debug/dilab}")" && pwd)/$(basename "${1:-.build/debug/dilab}")
shift || true
profiles=("$@")
[ "${#profiles[@]}" -gt 0 ] || profiles=(latest 0.120 0.115 0.105)
fixtures=$repo/Tests/ImportFixtures/fastapi-docs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Record mode runs the apps' real code: the background-task tutorials write log.txt in the working folder, so
# each app runs in a folder of its own under $work.

# app file | requests (one per line after the first)
apps=(
  "dependencies/tutorial001.py|GET /items/|GET /users/?q=x&skip=2&limit=5"
  "dependencies/tutorial002.py|GET /items/"
  "dependencies/tutorial003.py|GET /items/"
  "dependencies/tutorial004.py|GET /items/?skip=1"
  "dependencies/tutorial005.py|GET /items/?q=hello|GET /items/?q=abc"
  "dependencies/tutorial006.py|{\"request\": \"GET /items/\", \"headers\": {\"X-Token\": \"fake-super-secret-token\", \"X-Key\": \"fake-super-secret-key\"}}|{\"request\": \"GET /items/\", \"headers\": {\"X-Token\": \"wrong\", \"X-Key\": \"fake-super-secret-key\"}}"
  "dependencies/tutorial008b.py|GET /items/portal-gun|GET /items/plumbus|GET /items/nothing"
  "dependencies/tutorial008c.py|GET /items/plumbus|GET /items/other"
  "dependencies/tutorial008d.py|GET /items/plumbus|GET /items/portal-gun|GET /items/other"
  "dependencies/tutorial008e.py|GET /users/me"
  "dependencies/tutorial011.py|GET /query-checker/?q=foobar"
  "dependencies/tutorial012.py|{\"request\": \"GET /items/\", \"headers\": {\"X-Token\": \"fake-super-secret-token\", \"X-Key\": \"fake-super-secret-key\"}}|{\"request\": \"GET /users/\", \"headers\": {\"X-Token\": \"fake-super-secret-token\", \"X-Key\": \"nope\"}}"
  "background_tasks/tutorial001.py|POST /send-notification/a@b.c"
  "background_tasks/tutorial002.py|POST /send-notification/a@b.c?q=hello|POST /send-notification/x@y.z"
  "bigger_applications/app/main.py|GET /?token=jessica|GET /users/rick?token=jessica|{\"request\": \"GET /items/plumbus?token=jessica\", \"headers\": {\"X-Token\": \"fake-super-secret-token\"}}|{\"request\": \"PUT /items/gun?token=jessica\", \"headers\": {\"X-Token\": \"fake-super-secret-token\"}}|GET /users/?token=nope"
)

# One app under one profile, in its own folder (record mode's log.txt stays there): prints `ok` or `FAIL`, then
# what to show.
one() {
  local profile=$1 entry=$2 dir=$3
  mkdir -p "$dir"; cd "$dir"
  local parts app args=() r out label status
  IFS='|' read -r -a parts <<< "$entry"
  app=${parts[0]}
  for r in "${parts[@]:1}"; do args+=(--record "$r"); done
  out=$dir/$(echo "$app" | tr '/.' '__')-${profile//./}.yaml
  label="$app ($profile)"
  if [ "$app" = dependencies/tutorial008e.py ] && [ "$profile" != latest ]; then
    # Depends(scope=...) is 0.121+: before, the app itself does not import. Python's traceback and exit 2.
    status=0
    "$DILAB" import "$fixtures/$app" --fastapi "$profile" >/dev/null 2>"$dir/import.err" || status=$?
    if [ "$status" -eq 2 ] && grep -q "TypeError" "$dir/import.err" && grep -q "Traceback" "$dir/import.err"; then
      echo ok; echo "ok    $label: refused with Python's traceback, exit 2"
    else
      echo FAIL; cat "$dir/import.err"; echo "FAIL: $label should exit 2 with the TypeError traceback (got $status)"
    fi
    return
  fi
  if ! "$DILAB" import "$fixtures/$app" --fastapi "$profile" "${args[@]}" -o "$out" 2>"$dir/import.err"; then
    echo FAIL; cat "$dir/import.err"; echo "FAIL import: $label"; return
  fi
  if ! "$DILAB" check "$out" >"$dir/check.out" 2>&1; then
    echo FAIL; cat "$dir/check.out"; echo "FAIL check: $label"; return
  fi
  if ! "$DILAB" test "$out" >"$dir/test.out" 2>&1; then
    echo FAIL; cat "$dir/test.out"; echo "FAIL test (dilab disagrees with the recorded app): $label"; return
  fi
  if ! "$DILAB" run "$out" --format json | python3 "$repo/scripts/import-observed.py" "$out" >"$dir/observed.out" 2>&1; then
    echo FAIL; cat "$dir/observed.out"; echo "FAIL events (dilab's trace differs from what the real app did): $label"; return
  fi
  if ! "$DILAB" verify "$out" --fastapi "$profile" >"$dir/verify.out" 2>&1; then
    echo FAIL; cat "$dir/verify.out"; echo "FAIL verify: $label"; return
  fi
  echo ok; echo "ok    $label"
}

# JOBS apps at a time (default 2: CI's two cores), reported in order.
. scripts/jobs.sh
n=0
for profile in "${profiles[@]}"; do
  for entry in "${apps[@]}"; do
    (one "$profile" "$entry" "$work/$n") >"$work/result.$n" 2>&1 &
    n=$((n + 1))
    throttle_jobs
  done
done
wait
failed=0
checked=0
for ((i = 0; i < n; i++)); do
  if [ "$(head -1 "$work/result.$i")" = ok ]; then checked=$((checked + 1)); else failed=$((failed + 1)); fi
  tail -n +2 "$work/result.$i"
done
echo "import-tutorials: $checked imported and verified, $failed failed"
[ "$failed" -eq 0 ]
