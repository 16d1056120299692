"""Per-contest event sequencing over Redis: one counter, one bounded stream, one channel.

A Lua script numbers each event, appends it to the contest's stream under the id ``<seq>-0`` and
publishes it, atomically: subscribers see events in seq order, and a client that reconnects with
its last seq reads exactly the events it missed from the stream (XRANGE from seq + 1), or learns
that they fell out of the bounded history and takes a fresh snapshot instead.
"""

from __future__ import annotations

from typing import Any

from arena.protocol import ContestEvent, Envelope, envelope_decoder, json_encoder
from arena.storage import keys

HISTORY_LENGTH = 20_000

_PUBLISH = """
local seq = redis.call('INCR', KEYS[1])
-- The publish time (Redis's clock, shared by every hub) lets hubs measure their pub/sub lag.
local now = redis.call('TIME')
local ts = now[1] .. '.' .. string.format('%06d', tonumber(now[2]))
local envelope = '{"seq":' .. seq .. ',"ts":' .. ts .. ',"audience":"' .. ARGV[1]
    .. '","body":' .. ARGV[2] .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], seq .. '-0', 'e', envelope)
redis.call('PUBLISH', KEYS[3], envelope)
return seq
"""


async def publish(redis: Any, contest_id: int, audience: str, event: ContestEvent) -> int:
    """Sequence, keep and broadcast one event; returns its seq."""
    if '"' in audience or "\\" in audience:
        raise ValueError(f"bad audience {audience!r}")
    seq: int = await redis.eval(
        _PUBLISH,
        3,
        keys.contest_seq(contest_id),
        keys.contest_history(contest_id),
        keys.contest_channel(contest_id),
        audience,
        json_encoder.encode(event),
        HISTORY_LENGTH,
    )
    return int(seq)


async def current_seq(redis: Any, contest_id: int) -> int:
    value = await redis.get(keys.contest_seq(contest_id))
    return int(value) if value is not None else 0


async def since(
    redis: Any, contest_id: int, last_seq: int, max_events: int = HISTORY_LENGTH
) -> list[Envelope] | None:
    """Events after ``last_seq`` in order, or None when some of them are no longer kept or
    there are more than ``max_events`` (a snapshot is then cheaper than the replay)."""
    current = await current_seq(redis, contest_id)
    if last_seq == current:
        return []
    if last_seq > current or current - last_seq > max_events:
        # A seq from the future: Redis lost its counter (restarted without persistence), so
        # the client's state belongs to numbers that no longer mean anything; start over.
        return None
    entries = await redis.xrange(keys.contest_history(contest_id), min=f"{last_seq + 1}-0", max="+")
    envelopes = [envelope_decoder.decode(fields[b"e"]) for _, fields in entries]
    # Complete only if the history still starts right after last_seq and reaches current.
    if not envelopes or envelopes[0].seq != last_seq + 1 or envelopes[-1].seq < current:
        return None
    return envelopes
