"""Feed objects and the changes between two refreshes."""

from __future__ import annotations

import json

import msgspec
from ccs_sample import START, at, info, source
from ccs_support import validate

from arena.ccs import feed
from arena.ccs.catalog import Inputs
from arena.ccs.source import view_for
from arena.contest_time import ContestClock
from arena.protocol import CcsEvent


def objects_at(minute: float, **contest: object) -> list[feed.FeedObject]:
    data = source(info(**contest))
    return feed.feed_objects(Inputs(data, view_for(data.info, jury=True, now=at(minute)), []))


def test_feed_objects_are_complete_ordered_and_valid() -> None:
    found = objects_at(260)
    types = [o.type for o in found]
    assert types[0] == "contest"
    # Referenced objects come first.
    order = [t for i, t in enumerate(types) if t not in types[:i]]
    assert order == [
        "contest", "judgement-types", "problems", "teams", "state", "submissions",
        "judgements", "runs", "clarifications", "awards",
    ]  # fmt: skip
    for obj in found:
        line = msgspec.json.encode(CcsEvent(obj.type, obj.id, msgspec.Raw(obj.data), "1"))
        event = json.loads(line)
        validate("event-feed", event)


def test_changes_send_only_differences_and_end_of_updates_last() -> None:
    never_frozen = ContestClock(start=START, duration_s=5 * 3600)
    before = objects_at(260, clock=never_frozen)
    assert feed.changes({feed.key(o.type, o.id): o.data for o in before}, before) == []
    later = objects_at(400, clock=never_frozen, finalized_at=at(330))
    previous = {feed.key(o.type, o.id): o.data for o in before}
    previous[("submissions", "99")] = b'{"id":"99"}'  # gone since
    found = feed.changes(previous, later)
    assert [c.type for c in found][-2:] == ["submissions", "state"]
    assert found[-2].data is None and found[-2].id == "99"
    state = json.loads(found[-1].data or b"")
    assert state["end_of_updates"] is not None  # never frozen: final once finalized
    # The contest and the state changed (ended, finalized); the contest itself did not.
    assert [c.type for c in found].count("contest") == 0


def test_ends_updates_reads_stored_and_computed_states() -> None:
    final = objects_at(
        400, clock=ContestClock(start=START, duration_s=5 * 3600), finalized_at=at(330)
    )
    state = next(o.data for o in final if o.type == "state")
    running = next(o.data for o in objects_at(260) if o.type == "state")
    assert feed.ends_updates("state", state) and feed.ends_updates("state", state.decode())
    assert not feed.ends_updates("state", running)
    assert not feed.ends_updates("state", None)  # a deletion
    assert not feed.ends_updates("contest", state)
