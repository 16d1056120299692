#!/usr/bin/env bash
# The pipeline chaos test at bench size: several hundred submissions while workers are SIGKILLed
# every few seconds and Redis restarts once. Prints the elapsed time and the judged rate.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
start=$(date +%s)
ARENA_CHAOS_SUBMISSIONS=$n .venv/bin/pytest -q tests/judge/test_pipeline.py -k chaos -p no:cacheprovider
end=$(date +%s)
echo "chaos: $n submissions, all final and correct, in $((end - start)) s" \
  "($(python3 -c "print(round($n / max(1, $end - $start), 2))") judged/s under chaos)"
