#!/usr/bin/env bash
# The pipeline chaos test at bench size: several hundred submissions while workers are SIGKILLed
# every few seconds and Redis restarts once. Prints the elapsed time and the judged rate. Then the
# recovery test (issue 12): a burst of 24 submissions with a worker SIGKILLed in the middle of a
# judging twice; prints the longest wait from submit to verdict (the goal: under 60 s).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
start=$(date +%s)
ARENA_CHAOS_SUBMISSIONS=$n .venv/bin/pytest -q tests/judge/test_pipeline.py -k chaos -p no:cacheprovider
end=$(date +%s)
echo "chaos: $n submissions, all final and correct, in $((end - start)) s" \
  "($(python3 -c "print(round($n / max(1, $end - $start), 2))") judged/s under chaos)"
.venv/bin/pytest -q -s tests/judge/test_recovery.py -k killed -p no:cacheprovider \
  | grep -E "^recovery:|passed|failed"
