#!/usr/bin/env bash
# The demo behind `make up`: checks every example problem with `arena problem check`, which judges
# each of its submissions in the gVisor sandbox against the verdict its folder promises.
set -euo pipefail
cd "$(dirname "$0")/.."
for problem in examples/problems/*/; do
  echo "== $(basename "$problem")"
  .venv/bin/arena problem check "$problem"
done
