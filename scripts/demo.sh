#!/usr/bin/env bash
# The demo behind `make up`: judges every submission of the example problems in the gVisor sandbox
# and prints each verdict against the one its folder expects.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for problem in examples/problems/*/; do
  for folder in "$problem"submissions/*/; do
    expected=$(basename "$folder")
    for source in "$folder"*; do
      verdict=$(.venv/bin/arena judge "$problem" "$source" --json 2>/dev/null \
        | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["verdict"])') || verdict=ERROR
      printf '%-10s %-36s %-22s %s\n' "$(basename "$problem")" "${source#"$problem"}" "$expected" "$verdict"
    done
  done
done
exit $status
