#!/usr/bin/env bash
# The demo behind `make up`: checks the example problems in the gVisor sandbox, imports them as a
# running demo contest with demo accounts, then serves Arena (a judging worker and a hub) until
# Ctrl-C. ARENA_DEMO_CHECK=0 skips the package checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ARENA=.venv/bin/arena
export ARENA_HUB_PORT="${ARENA_HUB_PORT:-8000}"

if [[ "${ARENA_DEMO_CHECK:-1}" != 0 ]]; then
  for problem in examples/problems/*/; do
    echo "== arena problem check $(basename "$problem")"
    "$ARENA" problem check "$problem"
  done
fi

# A contest that started a minute ago, re-imported on every run so that it is always running.
demo=.state/demo/contest
mkdir -p "$demo"
start=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
cat > "$demo/contest.yaml" <<YAML
id: demo
name: Arena demo contest
start_time: $start
duration: "3:00:00"
scoreboard_freeze_duration: "0:30:00"
penalty_time: 20
YAML
echo "problems:" > "$demo/problems.yaml"
label=A
for problem in examples/problems/*/; do
  name=$(basename "$problem")
  ln -sfn "$PWD/$problem" "$demo/$name"
  printf '  - id: %s\n    label: %s\n' "$name" "$label" >> "$demo/problems.yaml"
  label=$(echo "$label" | tr 'A-Y' 'B-Z')
done
"$ARENA" contest import "$demo"
for account in alice:contestant bob:contestant judge:moderator; do
  echo "arena-demo" | "$ARENA" user add "${account%%:*}" --role "${account##*:}"
done
"$ARENA" contest register demo alice bob

"$ARENA" worker > .state/demo/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
cat <<TEXT

Arena is running: http://127.0.0.1:$ARENA_HUB_PORT  (API under /api, sockets under /ws)
Demo accounts (password arena-demo): alice, bob (registered for contest "demo"), judge (moderator)
  curl -s -XPOST localhost:$ARENA_HUB_PORT/api/auth/login -d '{"username":"alice","password":"arena-demo"}'
Worker log: .state/demo/worker.log. Ctrl-C stops everything.

TEXT
"$ARENA" hub
