"""An uploaded problem package's import and check as a worker job: unpacking, loading and hashing
a package up to the upload cap is no work for a hub's event loop, and judging its submissions is
a worker's.

The job claims the upload under a lease it renews (a dead worker's upload is taken back by the
sweeper: arena/storage/upload_recovery.py), stages the package as a new version, then checks
that version as it will be judged (the stored plan: its time limit, its validator) with the
package's input validators and its own submissions, one row at a time: each row goes to the
admins' sockets at once and the check so far to Postgres, for the upload page's verdict table.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
import docker.errors
from redis.exceptions import RedisError

from arena.judge import lease
from arena.judge.input_check import check_inputs
from arena.judge.package_check import check_submissions
from arena.judge.sandbox import SandboxError
from arena.judge.worker import WorkerState
from arena.problems.errors import PackageError
from arena.problems.expectations import verdict_of
from arena.problems.package import load_package
from arena.protocol.uploads import InputCheck, PackageCheck, ProblemUploadChecked, SubmissionCheck
from arena.storage import problem_uploads
from arena.storage.archives import ArchiveLimits, unpacked
from arena.storage.blobs import DiskBlobStore
from arena.storage.errors import ImportFailure
from arena.storage.problem_uploads import Claimed, UploadRow
from arena.storage.problems import PROBLEM_MARKERS

log = logging.getLogger(__name__)
_INPUTS_SAVED = 50
# Of the job's time, what is kept after the check for saving it and telling the admins.
_FINISH_S = 30.0


async def problem_upload(ctx: dict[str, Any], upload_id: int, attempt: int = 0) -> str:
    state: WorkerState = ctx["arena"]
    settings = state.settings
    # arq ends the job this long after it starts; the check ends first, as an answer.
    deadline = asyncio.get_running_loop().time() + settings.problem_upload_job_s - _FINISH_S
    lease_s = settings.problem_upload_lease_s
    async with state.db.acquire() as conn:
        claimed = await problem_uploads.claim(conn, upload_id, attempt, lease_s)
    if claimed is None:
        return f"problem upload {upload_id}: attempt {attempt} is not waiting to be checked"

    async def renew(conn: asyncpg.Connection) -> bool:
        return await problem_uploads.renew(conn, claimed, lease_s)

    heartbeat = asyncio.create_task(
        lease.keep(state.db, lease_s, renew, f"problem upload {upload_id}")
    )
    work = asyncio.create_task(_stage_and_check(state, claimed, deadline))
    state.busy += 1
    try:
        await asyncio.wait({work, heartbeat}, return_when=asyncio.FIRST_COMPLETED)
        taken_back = not work.done()
        if taken_back:
            # The upload is no longer this attempt's (the sweeper saw its lease run out: a
            # stall): the next attempt judges the package, this one must not judge it too.
            log.warning(
                "problem upload %s: attempt %s taken back, check stopped", upload_id, attempt
            )
            work.cancel()
            await asyncio.wait({work})
    finally:
        work.cancel()  # arq's timeout (the job itself cancelled): the work ends with it
        heartbeat.cancel()
        state.busy -= 1
    if taken_back:
        async with state.db.acquire() as conn:
            now = await problem_uploads.get(conn, upload_id)
        if now is not None:  # as it is now, whoever changed it
            await problem_uploads.announce(state.redis, now)
        return f"problem upload {upload_id}: attempt {attempt} taken back; its check stopped"
    row = work.result()
    if row is None:
        return f"problem upload {upload_id}: taken back while it was checked"
    await problem_uploads.announce(state.redis, row)
    return f"problem upload {upload_id}: {row.status} {row.error or ''}".rstrip()


async def _stage_and_check(
    state: WorkerState, claimed: Claimed, deadline: float
) -> UploadRow | None:
    settings = state.settings
    blobs = DiskBlobStore(settings.blob_dir)
    limits = ArchiveLimits(max_bytes=settings.problem_upload_unpacked_max_bytes)
    async with state.db.acquire() as conn:
        try:
            row = await problem_uploads.stage(
                conn, blobs, claimed, state.languages.code_stubs(), limits
            )
        except Exception as exc:  # not the package's fault (it would be an ImportFailure)
            log.exception("problem upload %s: staging failed", claimed.id)
            await problem_uploads.mark_failed(
                conn, claimed.id, f"staging failed: {type(exc).__name__}: {exc}", claimed.attempt
            )
            return await problem_uploads.get(conn, claimed.id)
    if row.status != "checking" or row.problem_id is None or row.version is None:
        return row  # refused by the importer (failed), or taken back meanwhile
    await problem_uploads.announce(state.redis, row)  # staged: the version is known
    check = _Check(state, claimed)
    left_s = deadline - asyncio.get_running_loop().time()
    budget_s = max(0.0, min(settings.problem_upload_check_s, left_s))
    try:
        async with asyncio.timeout(budget_s):
            await check.run(blobs, limits, row.problem_id, row.version)
    except TimeoutError:
        if budget_s < settings.problem_upload_check_s:
            return await check.finish(f"the job's time ran out ({budget_s:.0f} s left to check)")
        return await check.finish(f"it took longer than {settings.problem_upload_check_s:g} s")
    except (SandboxError, docker.errors.DockerException) as exc:
        return await check.finish(f"judging error (sandbox): {exc}")
    except (ImportFailure, PackageError, OSError) as exc:  # the staged archive, read again
        return await check.finish(f"the package could not be read again: {exc}")
    except Exception as exc:  # the staged version's plan, Postgres: still an answer, not a hang
        log.exception("problem upload %s: check failed", claimed.id)
        return await check.finish(f"{type(exc).__name__}: {exc}")
    return await check.finish()


class _Check:
    """The check of one claimed upload as it grows: kept in Postgres after each submission and
    every ``_INPUTS_SAVED`` inputs (not after each: a package may have thousands of tests), each
    row pushed at once."""

    def __init__(self, state: WorkerState, claimed: Claimed) -> None:
        self._state = state
        self._claimed = claimed
        self.inputs: list[InputCheck] = []
        self.submissions: list[SubmissionCheck] = []

    async def run(
        self, blobs: DiskBlobStore, limits: ArchiveLimits, problem_id: int, version: int
    ) -> None:
        state = self._state
        archive = blobs.path_for(self._claimed.archive_hash)
        if archive is None:
            raise ImportFailure("upload", None, "the uploaded archive is no longer stored")
        await self._save("running")
        async with unpacked(archive, PROBLEM_MARKERS, limits) as root:
            problem = await asyncio.to_thread(load_package, root)
            helpers = state.pool.helpers or state.pool
            await check_inputs(helpers, state.languages, problem, self._input)
            await self._save("running")
            plan = await state.plans.get(problem_id, version)
            await check_submissions(
                state.pool, helpers, state.languages, problem, plan, self._submission
            )

    async def finish(self, error: str | None = None) -> UploadRow | None:
        if error is not None:
            log.warning("problem upload %s: check not finished: %s", self._claimed.id, error)
        check = self._check("error", error) if error else self._check("running")
        if error is None:
            check = self._check(verdict_of(check))
        async with self._state.db.acquire() as conn:
            return await problem_uploads.save_check(conn, self._claimed, check, done=True)

    def _check(self, state: str, message: str = "") -> PackageCheck:
        return PackageCheck(
            state=state, inputs=self.inputs, submissions=self.submissions, message=message
        )

    async def _save(self, state: str) -> None:
        async with self._state.db.acquire() as conn:
            await problem_uploads.save_check(conn, self._claimed, self._check(state))

    async def _input(self, row: InputCheck) -> None:
        self.inputs.append(row)
        if len(self.inputs) % _INPUTS_SAVED == 0:
            await self._save("running")
        await self._push(ProblemUploadChecked(upload_id=self._claimed.id, input=row))

    async def _submission(self, row: SubmissionCheck) -> None:
        self.submissions.append(row)
        await self._save("running")
        await self._push(ProblemUploadChecked(upload_id=self._claimed.id, submission=row))

    async def _push(self, frame: ProblemUploadChecked) -> None:
        # Best effort: the rows are in Postgres too, and the page reads them from there.
        with contextlib.suppress(OSError, RedisError):
            await problem_uploads.announce_row(self._state.redis, frame)
