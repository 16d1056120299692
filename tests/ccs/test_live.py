"""Submissions, judgements, runs and clarifications: the jury's and the public's (frozen) views."""

from __future__ import annotations

import msgspec
from ccs_sample import at, info, source
from ccs_support import validate

from arena.ccs import live
from arena.ccs.source import view_for


def test_every_live_object_matches_its_schema() -> None:
    contest = source()
    # The jury during the contest; the public after the end and the thaw (it sees no runs before).
    thawed = msgspec.structs.replace(
        contest, info=info(clock=msgspec.structs.replace(contest.info.clock, unfrozen_at=at(300)))
    )
    for seen, view in (
        (contest, view_for(contest.info, jury=True, now=at(260))),
        (thawed, view_for(thawed.info, jury=False, now=at(301))),
    ):
        for name, items in (
            ("submission", live.submissions(seen, view)),
            ("judgement", live.judgements(seen, view)),
            ("run", live.runs(seen, view)),
            ("clarification", live.clarifications(seen, view)),
        ):
            assert items, name
            for item in items:
                validate(name, msgspec.to_builtins(item))


def test_the_freeze_hides_verdicts_from_the_public() -> None:
    contest = source()
    jury = view_for(contest.info, jury=True, now=at(260))
    public = view_for(contest.info, jury=False, now=at(260))
    assert public.cutoff_ms == 240 * 60_000
    # Every submission is listed for both; only the jury may download files.
    assert [s.id for s in live.submissions(contest, public)] == ["1", "2", "3", "4", "5", "6"]
    assert all(s.files == [] for s in live.submissions(contest, public))
    files = live.submissions(contest, jury)[0].files
    assert files[0].href == "contests/wf26/submissions/1/files"
    assert live.submissions(contest, jury)[1].entry_point == "Main"  # java
    jury_judgements = {j.submission_id: j for j in live.judgements(contest, jury)}
    public_judgements = {j.submission_id: j for j in live.judgements(contest, public)}
    assert set(jury_judgements) == {"1", "2", "3", "4", "5", "6"}
    assert set(public_judgements) == {"1", "2", "3", "4", "6"}  # 5 came during the freeze
    assert jury_judgements["4"].judgement_type_id is None  # still judging
    assert jury_judgements["4"].end_time is None
    assert jury_judgements["2"].judgement_type_id == "WA"
    assert jury_judgements["2"].id == "2-1"
    # Runs tell which test a rival fails on: the jury's while the contest runs, and so is the
    # slowest run's time; the public sees the judgement alone (as the ICPC's public feed).
    assert live.runs(contest, public) == []
    assert live.runs(contest, view_for(contest.info, jury=False, now=at(200))) == []  # unfrozen
    assert all(j.max_run_time is None for j in public_judgements.values())
    assert jury_judgements["2"].max_run_time is not None
    assert public_judgements["2"].judgement_type_id == "WA"
    runs = [r for r in live.runs(contest, jury) if r.judgement_id == "2-1"]
    assert [(r.id, r.ordinal, r.judgement_type_id) for r in runs] == [
        ("2-1-1", 1, "AC"),
        ("2-1-2", 2, "WA"),
        ("2-1-3", 3, "WA"),
    ]
    # After the thaw the public sees everything again.
    thawed = msgspec.structs.replace(
        contest, info=info(clock=msgspec.structs.replace(contest.info.clock, unfrozen_at=at(300)))
    )
    later = view_for(thawed.info, jury=False, now=at(301))
    assert {j.submission_id for j in live.judgements(thawed, later)} == set(jury_judgements)
    assert live.runs(thawed, later) == live.runs(thawed, jury)
    assert {j.submission_id: j.max_run_time for j in live.judgements(thawed, later)} == {
        j.submission_id: j.max_run_time for j in live.judgements(thawed, jury)
    }
    # Ended but still frozen: no runs yet; never frozen: runs once it ends.
    assert live.runs(contest, view_for(contest.info, jury=False, now=at(301))) == []
    open_contest = msgspec.structs.replace(
        contest, info=info(clock=msgspec.structs.replace(contest.info.clock, freeze_duration_s=0))
    )
    assert live.runs(open_contest, view_for(open_contest.info, jury=False, now=at(299))) == []
    assert live.runs(open_contest, view_for(open_contest.info, jury=False, now=at(300)))


def test_clarifications_for_the_jury_and_the_public() -> None:
    contest = source()
    jury = live.clarifications(contest, view_for(contest.info, jury=True, now=at(100)))
    assert [(c.id, c.from_team_id, c.to_team_id, c.reply_to_id) for c in jury] == [
        ("a1", None, None, None),  # the announcement, before the start
        ("11", "2", None, None),
        ("11-r", None, None, "11"),  # answered to everyone
        ("12", "3", None, None),
        ("12-r", None, "3", "12"),  # answered to the asker alone
        ("13", "1", None, None),
    ]
    assert jury[0].contest_time == "-0:15:00.000"
    public = live.clarifications(contest, view_for(contest.info, jury=False, now=at(100)))
    assert [(c.id, c.from_team_id, c.to_team_id, c.reply_to_id) for c in public] == [
        ("a1", None, None, None),
        ("11-r", None, None, None),
    ]
    assert public[1].text == "> Are apples round?\n> Really?\n\nYes."
    assert public[1].problem_id == "apples"
