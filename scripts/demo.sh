#!/usr/bin/env bash
# The demo behind `make up` (after the setup): imports the example problems as a tagged problem
# bank, (re)starts the demo contest (running for two hours from a minute ago) with new passwords
# for its accounts, then runs one judging worker and the contestant simulator in the background
# and the hub in the foreground until Ctrl-C, which stops all three. Logs go to .state/demo/.
#
#   ARENA_DEMO_CHECK=1        first run `arena problem check` on every example (slow: minutes)
#   ARENA_DEMO_BOTS=8         simulated contestants (0: none)
#   ARENA_DEMO_RATE_S=5       mean seconds between two of their submissions
#   ARENA_HUB_PORT=8000       where Arena is served
set -euo pipefail
cd "$(dirname "$0")/.."
ARENA=.venv/bin/arena
export ARENA_HUB_PORT="${ARENA_HUB_PORT:-8000}"
bots="${ARENA_DEMO_BOTS:-8}"
logs=.state/demo
mkdir -p "$logs"

if [[ "${ARENA_DEMO_CHECK:-0}" == 1 ]]; then
  for problem in examples/problems/*/; do
    echo "== arena problem check $(basename "$problem")"
    "$ARENA" problem check "$problem"
  done
fi

echo "== arena demo seed"
summary=$("$ARENA" demo seed)
echo "$summary"

pids=()
stop() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ARENA_JUDGE_SLOTS=2 "$ARENA" worker >"$logs/worker.log" 2>&1 &
pids+=($!)
if ((bots > 0)); then
  # It waits for the hub, then registers its bots and submits through the HTTP API.
  "$ARENA" demo simulate --contest demo --contestants "$bots" \
    --rate-s "${ARENA_DEMO_RATE_S:-5}" --hub "http://127.0.0.1:$ARENA_HUB_PORT" \
    >"$logs/simulator.log" 2>&1 &
  pids+=($!)
fi

cat <<TEXT

Arena is running: open http://127.0.0.1:$ARENA_HUB_PORT/  (API under /api, sockets under /ws)
Log in as the moderator judge or as alice / bob, with the passwords above (new on every run).
The contest "demo" runs for two hours; $bots simulated contestants submit to it.
Logs: $logs/worker.log, $logs/simulator.log. Ctrl-C stops everything.

TEXT
"$ARENA" hub --port "$ARENA_HUB_PORT"
