"""Contest API configuration objects and times, checked against the ICPC JSON schemas."""

from __future__ import annotations

import msgspec
import pytest
from ccs_sample import START, at, info, source
from ccs_support import schema_version, validate

from arena.ccs import objects
from arena.ccs.source import view_for
from arena.ccs.times import abstime, reltime
from arena.contest_time import ContestClock
from arena.languages import Language


def builtins(value: object) -> object:
    return msgspec.to_builtins(value)


def test_times_have_the_spec_formats() -> None:
    assert abstime(START) == "2026-05-01T10:00:00.000Z"
    assert reltime(0) == "0:00:00.000"
    assert reltime(5 * 3600 * 1000) == "5:00:00.000"
    assert reltime(-(15 * 60_000 + 32_457)) == "-0:15:32.457"
    assert reltime(123 * 3600_000 + 61_001) == "123:01:01.001"


def test_contest_of_each_scoreboard_type() -> None:
    icpc = builtins(objects.contest(info()))
    validate("contest", icpc)
    assert icpc == {
        "id": "wf26",
        "name": "World Finals",
        "formal_name": "World Finals",
        "start_time": "2026-05-01T10:00:00.000Z",
        "duration": "5:00:00.000",
        "scoreboard_freeze_duration": "1:00:00.000",
        "scoreboard_thaw_time": None,
        "scoreboard_type": "pass-fail",
        "penalty_time": "0:20:00.000",
    }
    ioi = builtins(objects.contest(info(external_id=None, scoring="score")))
    validate("contest", ioi)
    assert ioi["id"] == "7"  # type: ignore[index]
    assert "penalty_time" not in ioi  # type: ignore[operator]
    for kind in (objects.judgement_types(info()), objects.judgement_types(info(scoring="score"))):
        for judgement_type in kind:
            validate("judgement-type", builtins(judgement_type))
    penalties = {t.id: t.penalty for t in objects.judgement_types(info())}
    assert (penalties["WA"], penalties["CE"], penalties["AC"]) == (True, False, False)


def test_state_follows_the_milestones() -> None:
    frozen_clock = ContestClock(
        start=START, duration_s=5 * 3600, freeze_duration_s=3600, unfrozen_at=at(400)
    )
    contest = info(clock=frozen_clock, finalized_at=at(310))
    seen = {}
    for minute in (-1, 10, 250, 301, 350, 401):
        state = objects.state(contest, at(minute))
        validate("state", builtins(state))
        seen[minute] = state
    assert seen[-1] == objects.state(contest, at(-100))  # nothing yet, and stable
    assert seen[10].started == abstime(START) and seen[10].frozen is None
    assert seen[250].frozen == abstime(at(240)) and seen[250].ended is None
    assert seen[301].ended == abstime(at(300))
    # Finalized but still frozen: not the end of updates until the thaw.
    assert seen[350].finalized == abstime(at(310)) and seen[350].end_of_updates is None
    assert seen[401].thawed == abstime(at(400))
    assert seen[401].end_of_updates == abstime(at(400))
    never_frozen = info(clock=ContestClock(start=START, duration_s=3600), finalized_at=at(70))
    assert objects.state(never_frozen, at(80)).end_of_updates == abstime(at(70))


def test_languages_problems_and_teams() -> None:
    table = [
        Language(
            id="java",
            name="Java",
            extensions=["java"],
            source_file="Main.java",
            compile=["javac", "{source}"],
            run=["java", "Main"],
        ),
        Language(
            id="python3",
            name="Python 3",
            extensions=["py"],
            source_file="main.py",
            compile=[],
            run=["python3", "{source}"],
        ),
    ]
    languages = objects.languages(table)
    for language in languages:
        validate("language", builtins(language))
    assert languages[0].entry_point_name == "Main class"
    assert languages[0].compiler == objects.CcsCommand("javac", "Main.java")
    assert languages[1].compiler is None
    contest = source()
    jury = view_for(contest.info, jury=True, now=at(-5))
    public = view_for(contest.info, jury=False, now=at(-5))
    assert objects.problems(contest, public) == []  # before the start
    problems = objects.problems(contest, jury)
    for item in problems:
        validate("problem", builtins(item))
    assert [(p.id, p.label, p.time_limit, p.rgb) for p in problems] == [
        ("apples", "A", 2.5, "#ff0000"),
        ("bananas", "B", 2.5, None),  # a colour the spec would refuse is left out
    ]
    scored = msgspec.structs.replace(contest, info=info(scoring="score"))
    assert objects.problems(scored, jury)[0].max_score == 1.0
    teams = objects.teams(contest)
    for team in teams:
        validate("team", builtins(team))
    assert [(t.id, t.name, t.hidden) for t in teams][-1] == ("4", "dave", True)


def test_the_schemas_are_the_draft_version_and_catch_mistakes() -> None:
    assert schema_version() == objects.API_VERSION == "draft"
    good = builtins(objects.contest(info()))
    assert isinstance(good, dict)
    for bad in (
        {**good, "penalty_time": 20},  # the 2022-07 integer minutes
        {**good, "duration": "5:00"},
        {**good, "start_time": "2026-05-01 10:00"},
    ):
        with pytest.raises(AssertionError, match=r"contest\.json"):
            validate("contest", bad)
    row = {"rank": 1, "team_id": "1", "score": {"num_solved": 0, "total_time": "0:00:00"}}
    board = {"time": abstime(START), "contest_time": "0:00:00", "state": {}, "rows": [row]}
    with pytest.raises(AssertionError, match=r"scoreboard\.json"):
        validate("scoreboard", board)  # score.time must be there, even as null
    row["score"] = {**row["score"], "time": None}  # type: ignore[dict-item]
    validate("scoreboard", board)


@pytest.mark.parametrize("max_run_time", [0.043, 0.051, 0.057, 1.013])
def test_milliseconds_pass_the_schemas_also_through_a_reference(max_run_time: float) -> None:
    """``multipleOf: 0.001`` holds for every whole millisecond, in judgement.json and in
    judgements.json, which reaches it through a $ref (binary floats fail 0.051 / 0.001); a
    finer time still fails there."""
    judgement = {
        "id": "1-1",
        "submission_id": "1",
        "judgement_type_id": "AC",
        "current": True,
        "start_time": "2026-12-06T18:52:53.439Z",
        "start_contest_time": "0:01:02.516",
        "end_time": "2026-12-06T18:52:53.731Z",
        "end_contest_time": "0:01:02.807",
        "max_run_time": max_run_time,
    }
    validate("judgement", judgement)
    validate("judgements", [judgement])
    with pytest.raises(AssertionError, match=r"^judgements\.json: 0/max_run_time: "):
        validate("judgements", [{**judgement, "max_run_time": max_run_time + 0.0005}])
