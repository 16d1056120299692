#!/bin/bash
# Runs the Contest API's own checker (check-api.sh of icpc/ccs-specs, see SOURCE.md) against a
# running hub: run.sh URL USER:PASSWORD [more check-api.sh options]. Needs curl, jq and php-cli
# (scripts/setup.sh installs them); the JSON schemas come from ../shared/conformance/ccs-specs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
URL=$1 CREDENTIALS=$2
shift 2
SCHEMAS=${ARENA_CCS_SCHEMAS:-$REPO/../shared/conformance/ccs-specs/json-schema}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/check-api.sh" "$HERE/check-api-consistency.php" "$WORK/"
cp -r "$SCHEMAS" "$WORK/json-schema"
chmod -R u+w "$WORK"
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
printf '#!/bin/sh\nexec %s %s "$@"\n' "$PYTHON" "$HERE/yajsv.py" > "$WORK/yajsv"
chmod +x "$WORK/yajsv"
# The credentials go in a netrc file: check-api.sh splits its curl options on spaces.
HOST=${URL#*://}
HOST=${HOST%%/*}
HOST=${HOST%%:*}
printf 'machine %s login %s password "%s"\n' "$HOST" "${CREDENTIALS%%:*}" "${CREDENTIALS#*:}" \
  > "$WORK/netrc"
exec "$WORK/check-api.sh" -j "$WORK/yajsv" -c "-s --netrc-file $WORK/netrc" "$@" "$URL"
