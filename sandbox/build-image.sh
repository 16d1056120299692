#!/usr/bin/env bash
# Builds the sandbox image offline: mmdebstrap from Debian's packages, then `docker import`.
# Skips the build when an image for the current recipe hash exists. Usage: build-image.sh [TAG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo="${1:-arena-sandbox}"
recipe_hash=$(cat "$here/packages.txt" "$here"/runner*.py "$here/zygote.py" "$here/launch.c" "$here/threadstack.c" \
  "$here/warm-caches.sh" "$here/npm/package.json" "$here/npm/package-lock.json" "$here/build-image.sh" | sha256sum | cut -c1-16)
if docker image inspect "$repo:$recipe_hash" >/dev/null 2>&1; then
  docker tag "$repo:$recipe_hash" "$repo:latest"
  echo "sandbox image $repo:$recipe_hash is up to date"
  exit 0
fi
packages=$(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | paste -sd, -)
work=$(mktemp -d /var/tmp/arena-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building sandbox image $repo:$recipe_hash ($packages)"
# The npm registry's toolchains (TypeScript with Node's typings, the Kotlin compiler), installed
# on the host from the pinned lock file; the Kotlin distribution's sources and JS/Wasm libraries
# are not needed to judge.
cp "$here/npm/package.json" "$here/npm/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -f "$work"/node_modules/kotlin-compiler/lib/*-sources.jar "$work"/node_modules/kotlin-compiler/lib/*.klib
mmdebstrap --variant=minbase --include="$packages" \
  --customize-hook='mkdir -p "$1/opt/arena/npm"' \
  --customize-hook="copy-in $here/runner.py $here/runner_box.py $here/runner_pump.py $here/runner_spawn.py $here/zygote.py $here/launch.c $here/threadstack.c $here/warm-caches.sh /opt/arena" \
  --customize-hook="copy-in $work/node_modules /opt/arena/npm" \
  --customize-hook='chroot "$1" gcc -O2 -Wall -static -o /opt/arena/launch /opt/arena/launch.c' \
  --customize-hook='chroot "$1" gcc -O2 -Wall -shared -fPIC -o /opt/arena/threadstack.so /opt/arena/threadstack.c' \
  --customize-hook='chroot "$1" sh /opt/arena/warm-caches.sh' \
  --customize-hook='ln -s /opt/arena/npm/node_modules/@typescript/typescript-linux-x64/lib/tsc "$1/usr/local/bin/tsc"' \
  --customize-hook='ln -s /opt/arena/npm/node_modules/kotlin-compiler/bin/kotlinc "$1/usr/local/bin/kotlinc"' \
  --customize-hook='echo "arena:x:1000:1000:sandboxed user code:/tmp:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "arena:x:1000:" >> "$1/etc/group"' \
  --customize-hook='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  bookworm "$work/rootfs.tar"
docker import --change 'CMD ["python3", "-I", "-S", "/opt/arena/runner.py"]' \
  --change 'WORKDIR /work' "$work/rootfs.tar" "$repo:$recipe_hash"
docker tag "$repo:$recipe_hash" "$repo:latest"
echo "built $repo:$recipe_hash"
