#!/usr/bin/env bash
# One idempotent setup for a fresh machine (Debian bookworm, as root): system packages, gVisor,
# dockerd with the runsc runtime, Postgres, Redis, the virtualenv and the sandbox image.
# A second run on a set-up machine only checks, and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE="$ROOT/.state"
mkdir -p "$STATE"
log() { printf '[setup] %s\n' "$*" >&2; }

# curl, jq and php-cli: the Contest API's own checker (tests/conformance/ccs-check).
APT_PACKAGES=(docker.io runsc mmdebstrap chromium postgresql-client redis-tools docker-compose haproxy curl jq php-cli)
# gVisor release with the fast systrap platform (bookworm's runsc only has ptrace).
RUNSC_SUITE=trixie
RUNSC_BIN=/usr/local/lib/arena/runsc

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The browser app's build needs Node.js with npm (bookworm's 18 suffices for Vite 6).
command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >"$STATE/apt.log" 2>&1 || { tail -30 "$STATE/apt.log" >&2; exit 1; }
fi

if [[ ! -x $RUNSC_BIN ]]; then
  log "fetching runsc from Debian $RUNSC_SUITE"
  apt_dir="$STATE/apt-$RUNSC_SUITE"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/deb"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $RUNSC_SUITE main" \
    > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
  if apt-get "${apt_opts[@]}" update -qq && (cd "$apt_dir/deb" && apt-get "${apt_opts[@]}" download runsc -qq); then
    dpkg-deb -x "$apt_dir"/deb/runsc_*.deb "$apt_dir/x"
    install -D -m 755 "$apt_dir/x/usr/bin/runsc" "$RUNSC_BIN"
  else
    log "could not fetch runsc from $RUNSC_SUITE; using bookworm's /usr/bin/runsc (slower ptrace platform)"
    install -D -m 755 /usr/bin/runsc "$RUNSC_BIN"
  fi
fi

# --oci-seccomp: gVisor enforces the containers' seccomp profile (arena/judge/seccomp.py) inside
# the sandbox, so a submission cannot unshare, mount, chroot, ptrace, ...
# Other flags were measured with bench/judge_floor.py --runtimes (README, "The floor of a
# judging"): --overlay2 (no-op: the root is read-only), --directfs=false, --dcache: no win; kvm
# does not start without nested virtualisation; ptrace makes process starts 30-60 % cheaper but
# a system call several times dearer, which flips a syscall-heavy program to TLE: systrap stays.
daemon_json=$(printf '{\n  "runtimes": {\n    "runsc": {"path": "%s", "runtimeArgs": ["--network=none", "--oci-seccomp"]}\n  }\n}\n' "$RUNSC_BIN")
mkdir -p /etc/docker
if [[ ! -f /etc/docker/daemon.json ]] || [[ $(cat /etc/docker/daemon.json) != "$daemon_json" ]]; then
  log "registering runsc in /etc/docker/daemon.json"
  printf '%s' "$daemon_json" > /etc/docker/daemon.json
  if pid=$(pidof dockerd); then kill -HUP "$pid"; sleep 1; fi
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    >/var/log/arena-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 /var/log/arena-dockerd.log >&2; exit 1; }
fi
docker info --format '{{json .Runtimes}}' | grep -q '"runsc"' || { log "runsc is not a docker runtime"; exit 1; }
# cgroup v1: when the first container of a fresh dockerd is pinned to a core (the judge's slots
# are), runsc creates Docker's parent cpuset with no cores in it, and every pinned container then
# fails to start ("cpuset.cpus: permission denied"). Give it the machine's, as runc would.
cpuset=/sys/fs/cgroup/cpuset
if [[ -f $cpuset/cpuset.cpus ]]; then
  mkdir -p "$cpuset/docker"
  for file in cpuset.cpus cpuset.mems; do
    [[ -n $(cat "$cpuset/docker/$file") ]] || cat "$cpuset/$file" > "$cpuset/docker/$file"
  done
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/arena.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

venv_hash=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [[ ! -x .venv/bin/python ]] || [[ $(cat .venv/.arena-hash 2>/dev/null) != "$venv_hash" ]]; then
  log "installing the virtualenv (.venv)"
  python3 -m venv .venv
  if ! { .venv/bin/pip install -q --upgrade pip && .venv/bin/pip install -q -e '.[dev]'; } \
      >"$STATE/pip.log" 2>&1; then
    tail -30 "$STATE/pip.log" >&2
    log "virtualenv install failed (log: $STATE/pip.log)"
    exit 1
  fi
  .venv/bin/python -c 'import arena, starlette, arq, asyncpg, docker, msgspec' \
    || { log "virtualenv install failed"; exit 1; }
  echo "$venv_hash" > .venv/.arena-hash
fi

# The browser app (web/): `npm ci` when the lock file changes, a build when the sources change.
web_lock_hash=$(sha256sum web/package-lock.json | cut -c1-16)
if [[ $(cat web/node_modules/.arena-hash 2>/dev/null) != "$web_lock_hash" ]]; then
  log "installing the web app's packages (npm ci)"
  # `npm install` (which follows the lock) when `npm ci` refuses a lock that lacks the optional
  # per-platform packages a registry mirror does not carry (rollup's, for other systems).
  # The fallback may rewrite the lock with what it resolved: the committed lock is put back, so
  # the tree stays clean and the next run sees the same hash.
  cp web/package-lock.json "$STATE/package-lock.json"
  (cd web && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) \
    >"$STATE/npm.log" 2>&1 \
    || { tail -30 "$STATE/npm.log" >&2; log "npm install failed (log: $STATE/npm.log)"; exit 1; }
  cp "$STATE/package-lock.json" web/package-lock.json
  echo "$web_lock_hash" > web/node_modules/.arena-hash
fi
# The build also checks the wire types: web/src/protocol.ts must be what the msgspec Structs
# give (arena/protocol/web.py through json-schema-to-typescript); `make protocol` rewrites it.
web_src_hash=$( (find web/src web/public web/scripts web/index.html web/package-lock.json \
  web/tsconfig.json web/vite.config.ts arena/protocol arena/limits.py -type f -name '[!.]*' \
  ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)
if [[ $(cat web/dist/.arena-hash 2>/dev/null) != "$web_src_hash" ]]; then
  log "building the web app (web/dist)"
  .venv/bin/python -m arena.protocol.web | (cd web && node scripts/protocol.mjs --check) \
    || { log "web/src/protocol.ts is out of date: run \`make protocol\` and commit it"; exit 1; }
  (cd web && npm run build) >"$STATE/web-build.log" 2>&1 \
    || { tail -30 "$STATE/web-build.log" >&2; log "web build failed (log: $STATE/web-build.log)"; exit 1; }
  echo "$web_src_hash" > web/dist/.arena-hash
fi

bash sandbox/build-image.sh arena-sandbox
.venv/bin/arena db migrate >/dev/null
log "ready"
