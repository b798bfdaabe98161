#!/usr/bin/env bash
# Drives the real interactive REPL in tmux, as a person at a terminal would: libedit, a TTY, key presses.
# Builds nothing: pass the binary as $1 (default .build/debug/dilab).
# Checks: a scenario loads; a request prints its trace; Up recalls it from history and Enter re-runs it;
# Tab completes a provider name; Ctrl-C drops a half-typed line and the session goes on; two requests joined
# with & run together; Ctrl-D leaves with
# exit 0; the history file lands in $XDG_STATE_HOME/dilab and a second session recalls it with Up.
# Uses its own tmux server (-S socket) and a temporary XDG_STATE_HOME: the user's tmux and history are untouched.
set -euo pipefail
cd "$(dirname "$0")/.."

DILAB=${1:-.build/debug/dilab}
[ -x "$DILAB" ] || { echo "repl-tmux: no dilab binary at $DILAB (build first, or pass its path)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "repl-tmux: tmux is needed (apt-get install tmux)" >&2; exit 2; }
DILAB=$(cd "$(dirname "$DILAB")" && pwd)/$(basename "$DILAB")

SCENARIO=scenarios/seeds/db-session-read-user.yaml
PROMPT='db-session-read-user@latest> '
TIMEOUT=${REPL_TMUX_TIMEOUT:-15}   # seconds per wait; generous for a loaded CI machine
WORK=$(mktemp -d)
SOCK=$WORK/tmux.sock
STATE=$WORK/state
HISTORY=$STATE/dilab/history
SESSION=repl
started=$(date +%s%N)

unset TMUX   # run from inside tmux too: our own server, never the caller's
t() { tmux -S "$SOCK" "$@"; }
cleanup() {
  t kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

screen() { t capture-pane -p -J -S - -t "$SESSION" 2>/dev/null || true; }
fail() {
  echo "repl-tmux: FAIL: $*" >&2
  echo "---- screen ----" >&2
  screen >&2
  exit 1
}

# Polls the pane (whole scrollback, wrapped lines joined) until it contains the fixed string $1.
wait_for() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until grep -qF -- "$1" <<<"$(screen)"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "waited ${TIMEOUT}s for: $1"
    sleep 0.05
  done
}

# Polls until the last non-blank line of the pane (the line being edited) is exactly $1.
wait_for_line() {
  local deadline=$(( $(date +%s) + TIMEOUT )) last=""
  while :; do
    last=$(screen | awk '{ sub(/[[:space:]]+$/, "") } NF { l = $0 } END { print l }')
    [ "$last" = "$1" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || fail "waited ${TIMEOUT}s for the edit line to be '$1' (it is '$last')"
    sleep 0.05
  done
}

# Polls until the REPL has exited (the wrapper below writes its status) and sets $status.
# Not tmux's #{pane_dead_status}: tmux 3.3 sometimes leaves the exited child unreaped, with no status.
wait_for_exit() {
  local deadline=$(( $(date +%s) + TIMEOUT ))
  until [ -s "$WORK/exit" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "the REPL did not exit within ${TIMEOUT}s of Ctrl-D"
    sleep 0.05
  done
  status=$(cat "$WORK/exit")
}

# A fresh REPL in a fixed-size window. A small bash wrapper records the exit status; its `trap : INT` only
# keeps Ctrl-C from ending the wrapper itself (dilab installs its own SIGINT handler, as it does anywhere).
start_repl() {
  t kill-server 2>/dev/null || true
  rm -f "$WORK/exit"
  t -f /dev/null new-session -d -s "$SESSION" -x 200 -y 50 -c "$PWD" \
    "bash -c 'trap : INT; XDG_STATE_HOME=\"\$1\" \"\$2\" repl; echo \$? > \"\$3\"; sleep 60' repl-tmux '$STATE' '$DILAB' '$WORK/exit'"
}

# Session 1 ------------------------------------------------------------------------------------------------
start_repl
wait_for 'dilab REPL — `help` for commands'
wait_for_line 'dilab>'

t send-keys -t "$SESSION" -l "load $SCENARIO"
t send-keys -t "$SESSION" Enter
wait_for "loaded $SCENARIO: A database session per request"
wait_for_line "${PROMPT% }"
echo "repl-tmux: loaded $SCENARIO"

t send-keys -t "$SESSION" -l 'GET /users/1'
t send-keys -t "$SESSION" Enter
wait_for 'request 1 · latest ──'
wait_for '#8    25 ms  exit       get_db'
wait_for_line "${PROMPT% }"
echo "repl-tmux: GET /users/1 printed its trace"

# Up recalls the request from history; Enter sends it again (request 2 on the same app).
t send-keys -t "$SESSION" Up
wait_for_line "${PROMPT}GET /users/1"
t send-keys -t "$SESSION" Enter
wait_for 'request 2 · latest ──'
wait_for '"session":"Session#2"'
echo "repl-tmux: Up recalled GET /users/1 and Enter re-ran it"

# Tab completes a provider name: `explain get_` → `explain get_db`.
t send-keys -t "$SESSION" -l 'explain get_'
wait_for_line "${PROMPT}explain get_"
t send-keys -t "$SESSION" Tab
wait_for_line "${PROMPT}explain get_db"
t send-keys -t "$SESSION" Enter
wait_for 'with scope="function"'
echo "repl-tmux: Tab completed get_ to get_db, and explain ran"

# Ctrl-C drops the half-typed line; the next command runs normally.
t send-keys -t "$SESSION" -l 'routes this-line-is-dropped'
wait_for_line "${PROMPT}routes this-line-is-dropped"
t send-keys -t "$SESSION" C-c
wait_for_line "${PROMPT% }"
t send-keys -t "$SESSION" -l 'status'
t send-keys -t "$SESSION" Enter
wait_for 'last      GET /users/1 → 200 (request 2)'
grep -qF 'usage: routes' <<<"$(screen)" && fail "the line cancelled with Ctrl-C was run"
echo "repl-tmux: Ctrl-C cancelled the line and the session went on"

# Two requests at once on one event loop: the interleaved trace (a request column) and the lanes.
t send-keys -t "$SESSION" -l 'GET /users/1 & GET /users/2 @2ms'
t send-keys -t "$SESSION" Enter
wait_for '2 requests on one event loop'
wait_for '     2 ms  #4  request    GET /users/2'
wait_for 'timeline · 2 requests on one event loop'
wait_for_line "${PROMPT% }"
echo "repl-tmux: GET /users/1 & GET /users/2 @2ms ran together and drew the lanes"

t send-keys -t "$SESSION" C-d
wait_for_exit
[ "$status" = 0 ] || fail "Ctrl-D: dilab exited $status, expected 0"
echo "repl-tmux: Ctrl-D left with exit 0"

# History persisted: libedit's file (spaces may be written as \040), without the cancelled line.
[ -s "$HISTORY" ] || fail "no history file at \$XDG_STATE_HOME/dilab/history"
decoded=$(sed 's/\\040/ /g' "$HISTORY")
for line in "load $SCENARIO" 'GET /users/1' 'explain get_db' 'status'; do
  grep -qxF -- "$line" <<<"$decoded" || fail "history file lacks '$line':
$decoded"
done
grep -qF 'this-line-is-dropped' <<<"$decoded" && fail "history kept the line cancelled with Ctrl-C"
echo "repl-tmux: history saved to \$XDG_STATE_HOME/dilab/history"

# Session 2: a new process recalls the previous session's last line with Up.
start_repl
wait_for_line 'dilab>'
t send-keys -t "$SESSION" Up
wait_for_line 'dilab> GET /users/1 & GET /users/2 @2ms'
t send-keys -t "$SESSION" C-u
wait_for_line 'dilab>'
t send-keys -t "$SESSION" C-d
wait_for_exit
[ "$status" = 0 ] || fail "second session: dilab exited $status, expected 0"
echo "repl-tmux: a new session recalled the history with Up"

# Session 3: watch mode in `lesson`. On an exercise, saving the copy checks it while the prompt waits, and
# the prompt comes back with the half-typed line; the check counts once.
LESSON=$WORK/lessons/01-watch
mkdir -p "$LESSON"
cat > "$LESSON/app.yaml" <<'YAML'
scenario: watch fixture
providers:
  get_db: {yield: true, returns: "Session#{{call}}"}
routes:
  - GET /items:
      handler: read_items
      params: {db: Depends(get_db)}
      returns: ok
requests:
  - GET /items
YAML
sed 's/db: Depends(get_db)}/db: "Depends(get_db, scope='"'"'function'"'"')"}/' "$LESSON/app.yaml" > "$LESSON/solution.yaml"
printf '# Watch\n\n## Intro\n\nText.\n' > "$LESSON/lesson.md"
cat > "$LESSON/lesson.yaml" <<'YAML'
title: Watch lesson
steps:
  - id: fix
    section: Intro
    exercise:
      start: app.yaml
      solution: solution.yaml
      kinds: [exit, response]
      goal:
        - request: GET /items
          trace: [exit get_db, response 200]
    hints: [scope="function"]
YAML
export DILAB_LESSONS=$WORK/lessons
start_repl
wait_for_line 'dilab>'
t send-keys -t "$SESSION" -l 'lesson 01'
t send-keys -t "$SESSION" Enter
wait_for 'your copy:'
copy=$STATE/dilab/workspace/01-watch/app.yaml
[ -f "$copy" ] || fail "no exercise copy at $copy"
t send-keys -t "$SESSION" -l 'half typed'
wait_for_line 'dilab> half typed'
cp "$LESSON/solution.yaml" "$copy"
wait_for "Saved: $copy — checked again."
wait_for "Your scenario's trace matches the goal."
wait_for_line 'dilab> half typed'
grep -q '"attempts" : 1' "$STATE/dilab/progress.json" || fail "the watched check did not count once: $(cat "$STATE/dilab/progress.json")"
t send-keys -t "$SESSION" C-u
t send-keys -t "$SESSION" C-d
wait_for_exit
[ "$status" = 0 ] || fail "lesson session: dilab exited $status, expected 0"
echo "repl-tmux: saving a lesson exercise re-checks it while the prompt waits"

elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
echo "repl-tmux: PASS (${elapsed} ms)"
