"""A problem upload whose job died does not stay 'checking' forever: a worker SIGKILLed in the
middle of the check leaves a lease that runs out, and another worker's sweeper queues the upload
again (the staged version kept, the check started afresh, a notice saying why); an upload
interrupted too often fails with the reason, and a queued upload whose job Redis lost, or whose
taker died before its claim, is queued again. A job taken back stops its check, and the check
ends as an answer before the job's own time runs out."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from arq.jobs import Job
from pipeline_support import SOURCES, kill_worker, start_worker, worker_env
from support import make_problem, redis_url

from arena.storage import jobs, problem_uploads, queue
from arena.storage.blobs import DiskBlobStore

pytestmark = pytest.mark.sandbox

UPLOAD_REDIS_DB = 15  # no other test uses it
SUBMISSIONS = 4
# Each accepted submission sleeps on each test: the check lasts long enough to be cut short.
SLOW_AC = "import time\ntime.sleep(0.4)\n" + SOURCES["AC"]


@pytest.fixture
async def arq_redis() -> AsyncIterator[Any]:
    redis = await jobs.connect(redis_url(UPLOAD_REDIS_DB))
    await redis.flushdb()
    yield redis
    await redis.aclose()


def _package(root: Path) -> bytes:
    tests = {
        "sample/1": ("1 2\n", "3\n"),
        "secret/1": ("5 6\n", "11\n"),
        "secret/2": ("7 7\n", "14\n"),
    }
    make_problem(root, tests, time_limit_s=2.0)
    accepted = root / "submissions" / "accepted"
    accepted.mkdir(parents=True)
    for i in range(SUBMISSIONS):
        (accepted / f"slow{i}.py").write_text(SLOW_AC)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"pkg/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


async def _wait(db: Any, query: str, *args: Any, timeout_s: float = 300) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await db.fetchval(query, *args)
        if value:
            return value
        await asyncio.sleep(0.3)
    rows = await db.fetch("SELECT id, status, attempt, notice, error FROM problem_uploads")
    raise AssertionError(f"timed out: {query} {args}: {[dict(r) for r in rows][-5:]}")


async def _until_done(db: Any, upload_id: int) -> None:
    await _wait(
        db, "SELECT status IN ('ready', 'failed') FROM problem_uploads WHERE id = $1", upload_id
    )


@asynccontextmanager
async def _worker(
    db: Any, database_url: str, blob_dir: Path, log: Path, upload_id: int, **settings: str
) -> AsyncIterator[None]:
    """A worker on the uploads' own Redis for the test's span; afterwards the upload is left
    settled, so no later test's sweeper takes it up."""
    env = worker_env(database_url, blob_dir, ARENA_REDIS_URL=redis_url(UPLOAD_REDIS_DB), **settings)
    worker = start_worker(env, log)
    try:
        yield
    finally:
        kill_worker(worker)
        await _settle(db, upload_id)


async def test_a_killed_workers_upload_is_checked_again_and_an_interrupted_one_fails(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    # The hub tests' blob store: in a whole session their worker's sweeper may take these
    # uploads back too, and must then find the archive.
    blob_dir = tmp_path_factory.getbasetemp() / "blobs"
    digest = DiskBlobStore(blob_dir).put(_package(tmp_path / "pkg"))
    user_id = await db.fetchval(
        "INSERT INTO users (username, password_hash, role) VALUES ($1, 'x', 'admin') RETURNING id",
        f"up-{uuid.uuid4().hex[:8]}",
    )
    slug = f"recover-{uuid.uuid4().hex[:8]}"
    async with db.acquire() as conn:
        upload_id = await problem_uploads.create(conn, slug, digest, user_id)
    await queue.enqueue_problem_upload(arq_redis, upload_id)
    env = worker_env(
        database_url,
        blob_dir,
        ARENA_REDIS_URL=redis_url(UPLOAD_REDIS_DB),
        ARENA_PROBLEM_UPLOAD_LEASE_S="3",
    )
    first = start_worker(env, tmp_path / "first.log")
    second = None
    made: list[int] = [upload_id]
    try:
        # Killed once the check has judged a submission: staged, check half done.
        await _wait(
            db,
            "SELECT status = 'checking' AND jsonb_array_length(report->'check'->'submissions') > 0"
            " FROM problem_uploads WHERE id = $1",
            upload_id,
        )
        kill_worker(first)
        killed = await problem_uploads.get(db, upload_id)
        assert killed is not None and killed.version is not None
        second = start_worker(env, tmp_path / "second.log")
        await _until_done(db, upload_id)
        row = await problem_uploads.get(db, upload_id)
        assert row is not None and row.status == "ready", row
        assert row.attempt == 1
        assert row.notice is not None and "the worker checking it stopped" in row.notice
        assert "attempt 2 of 3" in row.notice
        # The version staged by the dead worker's job is the one checked, not a second import.
        assert row.version == killed.version
        versions = await db.fetchval(
            "SELECT count(*) FROM problem_versions WHERE problem_id = $1", row.problem_id
        )
        assert versions == 1
        check = row.check
        assert check is not None and check.state == "passed", check
        # The check started afresh: each submission judged once in it, none left from before.
        assert sorted(r.file for r in check.submissions) == [
            f"slow{i}.py" for i in range(SUBMISSIONS)
        ]

        # Interrupted at its last attempt (a stale row): failed, and the admin is told why.
        worn = await db.fetchval(
            "INSERT INTO problem_uploads (slug, archive_hash, uploaded_by, status, attempt,"
            " lease_expires_at) VALUES ($1, $2, $3, 'checking', 2, now() - interval '1 minute')"
            " RETURNING id",
            f"{slug}-worn",
            digest,
            user_id,
        )
        made.append(worn)
        # Queued an hour ago with no job in Redis (lost): queued again and checked.
        lost = await db.fetchval(
            "INSERT INTO problem_uploads (slug, archive_hash, uploaded_by, enqueued_at)"
            " VALUES ($1, $2, $3, now() - interval '1 hour') RETURNING id",
            f"{slug}-lost",
            digest,
            user_id,
        )
        made.append(lost)
        await _wait(db, "SELECT status = 'failed' FROM problem_uploads WHERE id = $1", worn)
        failed = await problem_uploads.get(db, worn)
        assert failed is not None and failed.error is not None
        assert "the check was interrupted 3 times" in failed.error
        assert "the worker checking it stopped" in failed.error
        await _until_done(db, lost)
        requeued = await problem_uploads.get(db, lost)
        assert requeued is not None and requeued.status == "ready", requeued
        assert requeued.notice is not None and "its job was lost" in requeued.notice
        assert requeued.attempt == 1
    finally:
        kill_worker(first)
        if second is not None:
            kill_worker(second)
        # Nothing left for later tests' sweepers.
        await db.execute(
            "UPDATE problem_uploads SET status = 'failed', lease_expires_at = NULL"
            " WHERE id = ANY($1::bigint[]) AND status IN ('queued', 'checking')",
            made,
        )


async def test_a_check_past_its_time_ends_as_an_error_that_publishing_must_confirm(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    blob_dir = tmp_path_factory.getbasetemp() / "blobs"
    upload_id = await _queued(db, arq_redis, blob_dir, tmp_path / "pkg", "slow")
    # Four submissions sleeping on three tests each cannot all be judged in 2 s.
    log = tmp_path / "worker.log"
    async with _worker(
        db, database_url, blob_dir, log, upload_id, ARENA_PROBLEM_UPLOAD_CHECK_S="2"
    ):
        await _until_done(db, upload_id)
    row = await problem_uploads.get(db, upload_id)
    assert row is not None and row.status == "ready", row
    check = row.check
    assert check is not None and check.state == "error", check
    assert check.message == "it took longer than 2 s"
    assert len(check.submissions) < SUBMISSIONS
    user_id = await db.fetchval("SELECT uploaded_by FROM problem_uploads WHERE id = $1", upload_id)
    async with db.acquire() as conn:
        with pytest.raises(problem_uploads.CheckNotPassed, match="could not finish"):
            await problem_uploads.publish(conn, upload_id, user_id)
        published = await problem_uploads.publish(conn, upload_id, user_id, confirmed=True)
    assert published.status == "published"


async def _queued(db: Any, arq_redis: Any, blob_dir: Path, root: Path, prefix: str) -> int:
    digest = DiskBlobStore(blob_dir).put(_package(root))
    user_id = await db.fetchval(
        "INSERT INTO users (username, password_hash, role) VALUES ($1, 'x', 'admin') RETURNING id",
        f"up-{uuid.uuid4().hex[:8]}",
    )
    async with db.acquire() as conn:
        upload_id: int = await problem_uploads.create(
            conn, f"{prefix}-{uuid.uuid4().hex[:8]}", digest, user_id
        )
    await queue.enqueue_problem_upload(arq_redis, upload_id)
    return upload_id


async def _settle(db: Any, upload_id: int) -> None:
    """Nothing left for later tests' sweepers."""
    await db.execute(
        "UPDATE problem_uploads SET status = 'failed', lease_expires_at = NULL"
        " WHERE id = $1 AND status IN ('queued', 'checking')",
        upload_id,
    )


async def test_a_check_taken_back_stops_at_once(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    """Once its lease renewal finds the upload no longer its attempt's, the job stops judging
    the package (it would otherwise judge it whole, alongside the next attempt)."""
    blob_dir = tmp_path_factory.getbasetemp() / "blobs"
    upload_id = await _queued(db, arq_redis, blob_dir, tmp_path / "pkg", "taken")
    log = tmp_path / "worker.log"
    async with _worker(
        db, database_url, blob_dir, log, upload_id, ARENA_PROBLEM_UPLOAD_LEASE_S="3"
    ):
        await _wait(
            db,
            "SELECT status = 'checking' AND report->'check' IS NOT NULL"
            " FROM problem_uploads WHERE id = $1",
            upload_id,
        )
        # What a sweeper that found the lease run out does at the last attempt.
        await db.execute(
            "UPDATE problem_uploads SET status = 'failed', error = 'taken back by the test',"
            " lease_expires_at = NULL WHERE id = $1",
            upload_id,
        )
        job = Job(queue.problem_upload_job_id(upload_id), arq_redis, _deserializer=jobs.deserialize)
        result = await job.result(timeout=120)
    assert result == f"problem upload {upload_id}: attempt 0 taken back; its check stopped"
    assert "attempt 0 taken back, check stopped" in (tmp_path / "worker.log").read_text()


async def test_a_queued_upload_whose_taker_died_before_its_claim_is_queued_again(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    """A worker killed between arq's in-progress mark and its claim leaves the upload queued
    behind a mark arq keeps for half an hour: the sweeper queues it again within seconds."""
    from arq.constants import in_progress_key_prefix

    from arena.judge.process import build_worker
    from arena.settings import Settings

    blob_dir = tmp_path_factory.getbasetemp() / "blobs"
    upload_id = await _queued(db, arq_redis, blob_dir, tmp_path / "pkg", "untaken")
    env = worker_env(database_url, blob_dir)
    ttl_s = build_worker(Settings.from_env(env)).in_progress_timeout_s
    # What the dead taker left: its in-progress mark, set 30 s ago, and a row still queued.
    job_id = queue.problem_upload_job_id(upload_id)
    await arq_redis.psetex(in_progress_key_prefix + job_id, int((ttl_s - 30) * 1000), 1)
    await db.execute(
        "UPDATE problem_uploads SET enqueued_at = now() - interval '1 hour' WHERE id = $1",
        upload_id,
    )
    async with _worker(db, database_url, blob_dir, tmp_path / "worker.log", upload_id):
        await _until_done(db, upload_id)
    row = await problem_uploads.get(db, upload_id)
    assert row is not None and (row.status, row.attempt) == ("ready", 1), row
    assert row.notice is not None and "its job was lost" in row.notice


async def test_a_check_ends_as_an_answer_before_the_job_runs_out_of_time(
    db: Any, database_url: str, arq_redis: Any, tmp_path: Path, tmp_path_factory: Any
) -> None:
    """The check's time is what staging left of the job's, not a fixed span that staging plus
    the check could overrun (arq would kill the job: an interrupted attempt, not an answer)."""
    blob_dir = tmp_path_factory.getbasetemp() / "blobs"
    upload_id = await _queued(db, arq_redis, blob_dir, tmp_path / "pkg", "short")
    # 31 s for the job leaves it at most 1 s to check: four submissions sleeping 0.4 s on each
    # of three tests cannot all be judged in it, whatever the machine.
    log = tmp_path / "worker.log"
    async with _worker(db, database_url, blob_dir, log, upload_id, ARENA_PROBLEM_UPLOAD_JOB_S="31"):
        await _until_done(db, upload_id)
    row = await problem_uploads.get(db, upload_id)
    assert row is not None and (row.status, row.attempt) == ("ready", 0), row
    check = row.check
    assert check is not None and check.state == "error", check
    assert check.message.startswith("the job's time ran out"), check.message
    assert len(check.submissions) < SUBMISSIONS
