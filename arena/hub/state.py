"""What every request of one hub process shares; built in the app's lifespan."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
from argon2 import PasswordHasher

from arena.hub.batch import Batcher
from arena.hub.local_cache import LocalCaches
from arena.hub.per_address import PerAddress
from arena.languages import LanguageTable
from arena.protocol import UserInfo
from arena.settings import Settings
from arena.storage.blobs import BlobStore

if TYPE_CHECKING:
    from arena.hub.fanout import Fanout


class HubState(msgspec.Struct, kw_only=True):
    settings: Settings
    db: asyncpg.Pool
    redis: Any  # redis.asyncio.Redis (an ArqRedis: it also enqueues jobs)
    hasher: PasswordHasher
    languages: LanguageTable
    blobs: BlobStore
    fanout: Fanout
    # Sessions and registrations remembered in-process (dropped on Redis change messages).
    local: LocalCaches
    # Postgres lookups that arrive together share one query (arena.hub.batch): sessions by
    # token hash, and (contest, user) → (acting registration, own time or None).
    session_lookups: Batcher[bytes, UserInfo]
    # Redis reads (MGET) and session cache fills (SET NX each, one pipeline) batched the same way.
    redis_reads: Batcher[str, bytes]
    session_fills: Batcher[tuple[str, bytes], bool]
    participation_lookups: Batcher[tuple[int, int], tuple[int, int | None]]
    rating_lookups: Batcher[int, int]  # user → current rating (the unrated: absent)
    # Long-lived connections per client address in this process.
    spectators: PerAddress = msgspec.field(default_factory=PerAddress)
    feeds: PerAddress = msgspec.field(default_factory=PerAddress)
    # Set on SIGTERM: readiness fails, sockets are told to reconnect, the ticker lets go.
    draining: bool = False
    # Names this process in /api/health: which of the processes sharing a port answered.
    process_id: str = msgspec.field(default_factory=lambda: uuid.uuid4().hex[:12])
