#!/usr/bin/env bash
# Takes lesson 01 in the real lesson prompt, in tmux, as a learner at a terminal would, then the exercise of
# lesson 05. Checks: `help` lists the commands and is not graded; a wrong short answer and a wrong choice are
# explained; the choice letters `a` and `c` answer (they are not `answer`/`check` there); `next` after the last
# step says the lesson is done and opens lesson 02; saving the exercise's file re-checks it (watch mode).
# Builds nothing: pass the binary as $1 (default .build/debug/dilab). Own tmux server, temporary state.
set -euo pipefail
cd "$(dirname "$0")/.."

DILAB=${1:-.build/debug/dilab}
[ -x "$DILAB" ] || { echo "lesson-tmux: no dilab binary at $DILAB (build first, or pass its path)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "lesson-tmux: tmux is needed (apt-get install tmux)" >&2; exit 2; }
DILAB=$(cd "$(dirname "$DILAB")" && pwd)/$(basename "$DILAB")

TIMEOUT=${LESSON_TMUX_TIMEOUT:-15}
WORK=$(mktemp -d)
SOCK=$WORK/tmux.sock
STATE=$WORK/state
SESSION=lesson
started=$(date +%s%N)

unset TMUX
t() { tmux -S "$SOCK" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

screen() { t capture-pane -p -J -S - -t "$SESSION" 2>/dev/null || true; }
fail() {
  echo "lesson-tmux: FAIL: $*" >&2
  echo "---- screen (last 60 lines) ----" >&2
  screen | tail -60 >&2
  exit 1
}
wait_for() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until grep -qF -- "$1" <<<"$(screen)"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "waited ${TIMEOUT}s for: $1"
    sleep 0.05
  done
}
# Types a line and waits for the prompt to come back (the reply is complete then).
say() {
  local before
  before=$(screen | grep -c '› ' || true)
  t send-keys -t "$SESSION" -l "$1"
  t send-keys -t "$SESSION" Enter
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until [ "$(screen | grep -c '› ' || true)" -gt "$before" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no prompt after: $1"
    sleep 0.05
  done
}
attempts() {  # attempts recorded for lesson $1 step $2
  python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["lessons"][sys.argv[2]]["steps"].get(sys.argv[3],{}).get("attempts",0))' \
    "$STATE/progress.json" "$1" "$2"
}

t -f /dev/null new-session -d -s "$SESSION" -x 160 -y 50 -c "$PWD" \
  "bash -c 'DILAB_STATE_DIR=\"\$1\" \"\$2\" lesson 01; echo \$? > \"\$3\"; sleep 60' lesson-tmux '$STATE' '$DILAB' '$WORK/exit'"
wait_for 'Type `help` (or `?`) for the commands'
screen | grep -qF 'dilab lesson 01 next' && fail "the first screen shows CLI commands inside the prompt"

say next
say next
wait_for 'In which order does FastAPI produce them?'
say help
wait_for 'Commands here (none of them is graded'
say '?'
say hnit
wait_for 'did you mean `hint`'
[ "$(attempts 01-depends predict-blog)" = 0 ] || fail "help, ? or a typo was graded"
echo "lesson-tmux: help, ? and a typo are not graded"

say 'call get_settings; call get_db; call get_current_user; cache.hit get_settings; cache.hit get_db; call get_post; handler read_post'
wait_for "Correct: that is exactly FastAPI's order."
say next
say next
wait_for 'how many times does the body of get_db run?'
say 2
wait_for 'The lines of the trace that decide it'
say 1
say next
wait_for 'but the handler'
say a
wait_for '✗ Not quite: a) FastAPI refuses to register the route'
wait_for 'a path parameter read by a dependency is fine'
say c
wait_for '✓ Correct.'
[ "$(attempts 01-depends who-is-last)" = 2 ] || fail "a and c were not both graded as answers"
echo "lesson-tmux: wrong answers are explained; the letters a and c answer a choice step"

say next
wait_for 'Lesson 01-depends is done'
wait_for 'Opening the next lesson.'
wait_for 'lesson 02 › '
echo "lesson-tmux: next after the last step says done and opens lesson 02"

# Lesson 05's exercise, reached as a learner would, then solved by saving the file.
say 'lesson 05'
say next
say next
say giveup
say next
say b
say next
say DependencyScopeError
say next
wait_for 'Exercise. Edit your copy'
copy=$STATE/workspace/05-scopes/transfer.yaml
[ -f "$copy" ] || fail "no workspace copy at $copy"
sleep 1   # a modification time the watch can tell apart
cp lessons/05-scopes/audit-solution.yaml "$copy"
wait_for "Saved: $copy — checked again."
wait_for "Your scenario's trace matches the goal."
echo "lesson-tmux: saving the exercise's file re-checks it"

t send-keys -t "$SESSION" -l quit
t send-keys -t "$SESSION" Enter
deadline=$(( $(date +%s) + TIMEOUT ))
until [ -s "$WORK/exit" ]; do [ "$(date +%s)" -lt "$deadline" ] || fail "quit did not end the prompt"; sleep 0.05; done
[ "$(cat "$WORK/exit")" = 0 ] || fail "dilab lesson exited $(cat "$WORK/exit")"
echo "lesson-tmux: PASS ($(( ($(date +%s%N) - started) / 1000000 )) ms)"
