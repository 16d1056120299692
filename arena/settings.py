"""Typed settings, read from the environment when asked for, never at import time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import msgspec

_ENV_PREFIX = "ARENA_"
_SOURCE_SANDBOX_DIR = Path(__file__).resolve().parent.parent / "sandbox"
_SOURCE_WEB_DIR = Path(__file__).resolve().parent.parent / "web" / "dist"


def _decode_path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    sandbox_dir: Path = _SOURCE_SANDBOX_DIR
    sandbox_image: str = "arena-sandbox:latest"
    # gVisor is the isolation boundary; runc shares the host kernel with untrusted code.
    sandbox_runtime: str = "runsc"
    unsafe_allow_runc_for_untrusted_code: bool = False
    sandbox_pool_size: int = 2
    # A worker keeps this many started containers beyond its judging slots, so a slot that
    # finishes takes a ready one instead of waiting for the replacement of its last one.
    sandbox_pool_spare: int = 1
    sandbox_cpus: float = 1.0
    # Per-container cap; each run's own memory limit is enforced inside by the runner.
    sandbox_memory_mib: int = 2048
    sandbox_work_mib: int = 512
    sandbox_tmp_mib: int = 64
    sandbox_overhead_mib: int = 256
    sandbox_pids: int = 1024
    docker_url: str | None = None
    blob_dir: Path = Path("/var/lib/arena/blobs")  # the content-addressed test data store
    # Concurrent judgings per worker process = sandbox slots; one CPU each.
    judge_slots: int = msgspec.field(default_factory=lambda: os.cpu_count() or 1)
    # The core of each slot: "auto" (slot i on the i-th core), "" (no pinning), or a list such as
    # "2,3" (several workers on one machine: each its own cores). See arena/judge/pool.py.
    judge_cpus: str = "auto"
    # A judging still running after this long ends as a judging error (retried with a new job,
    # flagged for moderators after judge_max_errors); arq's own job timeout is a little longer.
    judge_job_timeout_s: int = 600
    judge_max_errors: int = 3
    # A queued row whose job is older than this and gone from Redis (lost) is enqueued again.
    judge_requeue_after_s: float = 60.0
    # A claim's lease: the judging worker renews it every third of this; once expired (the worker
    # died) the sweeper, which runs every judge_sweep_every_s, queues the submission again.
    judge_lease_s: float = 10.0
    judge_sweep_every_s: int = 2
    # Judgings of one contestant in flight at once (0: no cap); the others wait their turn.
    judge_max_in_flight_per_user: int = 1
    # The most wall time all tests of one submission may take together (see grader.time_budget_s).
    judge_budget_cap_s: float = 300.0
    # On SIGTERM a worker takes no new job and gives its judgings this long to finish; the rest
    # are handed back (a new attempt, queued at once). The orchestrator's kill must come later.
    worker_grace_s: float = 25.0
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    # The hub (HTTP API + WebSockets).
    hub_host: str = "127.0.0.1"
    hub_port: int = 8000
    hub_db_pool_size: int = 10
    # How long a hub process keeps a session's user and a contestant's registration without
    # asking Redis or Postgres (arena.hub.local_cache): the most a logout, a disabled account or
    # a disqualification can take to show if the hub misses the change message. 0: not kept.
    hub_local_cache_s: float = 10.0
    # Hub processes of one `arena hub` sharing its port (SO_REUSEPORT), about one per core; with
    # hub_reuse_port a lone process binds so that others (started apart) may share the port.
    hub_processes: int = 1
    hub_reuse_port: bool = False
    # On SIGTERM a hub reports not ready and tells its sockets to reconnect elsewhere, keeps
    # serving for ``hub_drain_s`` (while balancers take it out), then stops listening and gives
    # the HTTP requests in flight ``hub_grace_s`` to finish.
    hub_drain_s: float = 0.0
    hub_grace_s: int = 10
    session_ttl_s: int = 14 * 24 * 3600
    # OWASP's argon2id floor (19 MiB, 2 passes): a login burst is CPU-bound on hashing.
    password_time_cost: int = 2
    password_memory_kib: int = 19 * 1024
    # Failed logins per window: per (username, client address), and per address (IPv6: /64).
    login_attempts: int = 10
    login_address_failures: int = 100
    # Session tokens per minute per client address that match no session (guessing).
    unknown_tokens_per_minute: int = 60
    login_window_s: int = 300
    registrations_per_hour: int = 100  # per client address
    submissions_per_window: int = 12  # per contestant
    submission_window_s: int = 60
    run_timeout_s: float = 60.0  # POST .../run waits this long for a sandbox
    run_max_in_flight_per_user: int = 2  # runs waiting or running at once, per user (0: no cap)
    ws_queue_messages: int = 512  # per socket; a client further behind is resynced
    # Spectators: unsent bytes in a socket's transport past which it is resynced once it drains.
    ws_buffer_bytes: int = 256 * 1024
    # A reconnect further behind than this many events gets a snapshot, not a replay.
    ws_replay_max_events: int = 1000
    spectator_sockets_per_address: int = 200  # anonymous ones, per hub process (IPv6: /64)
    ccs_feeds_per_address: int = 10  # open event feeds per hub process (IPv6: /64)
    ws_max_frame_bytes: int = 64 * 1024
    # An admin's problem package upload (POST /api/admin/problems/upload): the zip's own size,
    # and what it may unpack to (a zip bomb is refused while it is being unpacked).
    problem_upload_max_bytes: int = 64 << 20
    problem_upload_unpacked_max_bytes: int = 1 << 30
    # The upload's worker job renews its lease every third of this; once it has expired (the
    # worker died) the sweeper queues the upload again (arena/storage/upload_recovery.py).
    problem_upload_lease_s: float = 30.0
    # A queued upload whose job is gone from Redis this long after it was queued is queued
    # again (its job may wait behind judgings: longer than a judging's).
    problem_upload_requeue_after_s: float = 300.0
    # Checking an upload (every submission of the package judged) may take this long; then the
    # check ends as an error. Never longer than what staging left of the job's own time (arq
    # ends the job after problem_upload_job_s, and that would count as an interrupted attempt).
    problem_upload_check_s: float = 1700.0
    problem_upload_job_s: float = 1800.0
    ws_send_timeout_s: float = 10.0  # a socket that takes longer to accept a frame is dropped
    leaderboard_tick_s: float = 0.25
    page_size: int = 50
    # The Contest API event feed: a newline after this long without an event (the spec: at
    # most 120 s), and how often a connected feed looks for changes.
    ccs_keepalive_s: float = 100.0
    ccs_poll_s: float = 1.0
    web_dir: Path = _SOURCE_WEB_DIR  # the built browser app (web/dist); absent: API only
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Observability: "json" logs are one object a line (with request / submission ids).
    log_format: Literal["json", "text"] = "text"
    log_level: str = "INFO"
    hub_access_log: bool = False  # one line per HTTP request (the request id is in it)
    # The worker serves Prometheus metrics on this port when set (the hub on /metrics).
    worker_metrics_port: int | None = None
    # Each worker writes its status (host, slots, busy) to Redis this often; the judging
    # status page calls a worker silent for three intervals stale.
    worker_heartbeat_s: float = 5.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build from ``ARENA_<FIELD>`` variables; a malformed value raises with its name."""
        env = os.environ if environ is None else environ
        raw: dict[str, str] = {}
        for field in msgspec.structs.fields(cls):
            value = env.get(_ENV_PREFIX + field.name.upper())
            if value is not None:
                raw[field.name] = value
        try:
            return msgspec.convert(raw, cls, strict=False, dec_hook=_decode_path)
        except msgspec.ValidationError as exc:
            raise ValueError(
                f"bad environment setting: {exc} (variables are ARENA_<FIELD>)"
            ) from exc
