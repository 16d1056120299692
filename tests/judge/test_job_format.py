"""Jobs in Redis are plain msgpack data: a pickle planted in the queue never runs."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import msgspec
import pytest
from arq.jobs import DeserializationError, deserialize_job
from support import redis_url

from arena.judge.process import build_worker
from arena.settings import Settings
from arena.storage import jobs
from arena.storage.queue import RUN_FUNCTION

REDIS_DB = 12  # no other test uses it


class _Planted:
    """What an attacker with access to Redis would store: unpickling it writes a file."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> Any:
        return (Path.write_text, (self.target, "owned"))


def test_a_pickled_job_is_refused_before_it_runs(tmp_path: Path) -> None:
    target = tmp_path / "owned"
    planted = pickle.dumps({"t": 1, "f": RUN_FUNCTION, "a": [_Planted(target)], "k": {}, "et": 0})
    with pytest.raises(DeserializationError):
        deserialize_job(planted, deserializer=jobs.deserialize)
    assert not target.exists()
    with pytest.raises(msgspec.DecodeError):
        jobs.deserialize(planted)
    assert not target.exists()


def test_the_worker_reads_and_writes_jobs_as_msgpack() -> None:
    worker = build_worker(Settings(redis_url=redis_url(REDIS_DB)), burst=True)
    assert worker.job_serializer is jobs.serialize
    assert worker.job_deserializer is jobs.deserialize


async def test_enqueued_jobs_are_stored_as_msgpack() -> None:
    redis = await jobs.connect(redis_url(REDIS_DB))
    try:
        job = await redis.enqueue_job(RUN_FUNCTION, 7, 1, "python3", b"print(1)\n", None)
        assert job is not None
        raw = await redis.get(f"arq:job:{job.job_id}")
        assert not raw.startswith(b"\x80")  # a pickle's first byte
        stored = msgspec.msgpack.decode(raw)
        assert stored["f"] == RUN_FUNCTION
        assert stored["a"] == [7, 1, "python3", b"print(1)\n", None]
        await redis.delete(f"arq:job:{job.job_id}")
        await redis.zrem("arq:queue", job.job_id)
    finally:
        await redis.aclose()


def test_an_exception_result_is_stored_as_its_text() -> None:
    stored = jobs.deserialize(jobs.serialize({"r": ValueError("no sandbox"), "s": False}))
    assert stored == {"r": "ValueError('no sandbox')", "s": False}
