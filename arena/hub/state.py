"""What every request of one hub process shares; built in the app's lifespan."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
from argon2 import PasswordHasher
from starlette.requests import HTTPConnection

from arena.hub.local_cache import LocalCaches
from arena.hub.lookups import Lookups
from arena.hub.per_address import PerAddress
from arena.languages import LanguageTable
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
    # What the requests of one moment ask Postgres and Redis for, in batches.
    lookups: Lookups
    # Long-lived connections per client address in this process.
    spectators: PerAddress = msgspec.field(default_factory=PerAddress)
    feeds: PerAddress = msgspec.field(default_factory=PerAddress)
    # Set on SIGTERM: readiness fails, sockets are told to reconnect, the ticker lets go.
    draining: bool = False
    # Names this process in /api/health: which of the processes sharing a port answered.
    process_id: str = msgspec.field(default_factory=lambda: uuid.uuid4().hex[:12])


def hub_state(conn: HTTPConnection) -> HubState:
    """The process's shared state, typed (Starlette's app.state is untyped)."""
    state: HubState = conn.app.state.hub
    return state
