"""The event feed as pure functions: every object a view sees, in feed order, and the changes
between what a feed already said and what is true now.

Feed order puts referenced objects before the objects that refer to them (teams before their
submissions, submissions before judgements, judgements before runs), deletions after updates and
in the reverse order, and a state saying ``end_of_updates`` last of all, as the spec requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from arena.ccs import objects
from arena.ccs.catalog import COLLECTIONS, Inputs, collection
from arena.protocol.ccs import CcsState

# Accounts stay out of the feed: they are REST only (the spec's checker compares the feed with
# every REST endpoint but accounts, which differ by who asks).
_FED = tuple(kind for kind in COLLECTIONS if kind != "accounts")
_AFTER_TEAMS = _FED.index("teams") + 1
FEED_TYPES = ("contest", *_FED[:_AFTER_TEAMS], "state", *_FED[_AFTER_TEAMS:])
_encoder = msgspec.json.Encoder()
_state_decoder = msgspec.json.Decoder(CcsState)


class FeedObject(msgspec.Struct, frozen=True):
    type: str
    id: str | None  # None for the singletons (contest, state)
    data: bytes  # the object's JSON, exactly as the feed sends it


class Change(msgspec.Struct, frozen=True):
    type: str
    id: str | None
    data: bytes | None  # None: the object was deleted


def key(type_: str, object_id: str | None) -> tuple[str, str]:
    return (type_, object_id or "")


def feed_objects(inputs: Inputs) -> list[FeedObject]:
    out = [FeedObject("contest", None, _encoder.encode(objects.contest(inputs.source.info)))]
    for kind in FEED_TYPES[1:]:
        if kind == "state":
            state = objects.state(inputs.source.info, inputs.view.now)
            out.append(FeedObject("state", None, _encoder.encode(state)))
            continue
        for item in collection(kind, inputs):
            out.append(FeedObject(kind, str(item.id), _encoder.encode(item)))
    return out


def ends_updates(type_: str, data: bytes | str | None) -> bool:
    """Whether an event (its type and JSON data) is the state saying the feed is over."""
    if type_ != "state" or data is None:
        return False
    return _state_decoder.decode(data).end_of_updates is not None


def changes(
    previous: Mapping[tuple[str, str], bytes], current: Sequence[FeedObject]
) -> list[Change]:
    """What to send so that a client that saw ``previous`` ends up seeing ``current``."""
    present = {key(o.type, o.id) for o in current}
    updates = [
        Change(o.type, o.id, o.data) for o in current if previous.get(key(o.type, o.id)) != o.data
    ]
    gone = sorted(
        (k for k in previous if k not in present),
        key=lambda k: (-FEED_TYPES.index(k[0]) if k[0] in FEED_TYPES else 0, k[1]),
    )
    deletions = [Change(type_, object_id or None, None) for type_, object_id in gone]
    out = updates + deletions
    last = [c for c in out if ends_updates(c.type, c.data)]
    return [c for c in out if not ends_updates(c.type, c.data)] + last
