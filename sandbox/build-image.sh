#!/usr/bin/env bash
# Builds the sandbox image offline: mmdebstrap from Debian's packages, then `docker import`.
# Skips the build when an image for the current recipe hash exists. Usage: build-image.sh [TAG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo="${1:-arena-sandbox}"
recipe_hash=$(cat "$here/packages.txt" "$here/runner.py" "$here/launch.c" "$here/ts/node-globals.d.ts" \
  "$here/build-image.sh" | sha256sum | cut -c1-16)
if docker image inspect "$repo:$recipe_hash" >/dev/null 2>&1; then
  docker tag "$repo:$recipe_hash" "$repo:latest"
  echo "sandbox image $repo:$recipe_hash is up to date"
  exit 0
fi
packages=$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | paste -sd, -)
work=$(mktemp -d /var/tmp/arena-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building sandbox image $repo:$recipe_hash ($packages)"
mmdebstrap --variant=minbase --include="$packages" \
  --customize-hook='mkdir -p "$1/opt/arena/ts"' \
  --customize-hook="copy-in $here/runner.py /opt/arena" \
  --customize-hook="copy-in $here/ts/node-globals.d.ts /opt/arena/ts" \
  --customize-hook="copy-in $here/launch.c /opt/arena" \
  --customize-hook='chroot "$1" gcc -O2 -Wall -o /opt/arena/launch /opt/arena/launch.c' \
  --customize-hook='echo "arena:x:1000:1000:sandboxed user code:/tmp:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "arena:x:1000:" >> "$1/etc/group"' \
  --customize-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$work/rootfs.tar"
docker import --change 'CMD ["python3", "-I", "-S", "/opt/arena/runner.py"]' \
  --change 'WORKDIR /work' "$work/rootfs.tar" "$repo:$recipe_hash"
docker tag "$repo:$recipe_hash" "$repo:latest"
echo "built $repo:$recipe_hash"
