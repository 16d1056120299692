"""The scoreboard and the awards from ranking rows, for the jury and during the freeze."""

from __future__ import annotations

import msgspec
from ccs_sample import SUBMISSIONS, TEAMS, at, info, source
from ccs_support import validate

from arena.ccs import awards, objects, results, scoreboard
from arena.ccs.source import GroupFacts, TeamFacts, view_for

PROBLEMS = {1: "apples", 2: "bananas"}


def test_scoreboard_ranks_and_cells() -> None:
    contest = source()
    view = view_for(contest.info, jury=True, now=at(260))
    board = scoreboard.scoreboard(contest, view, objects.state(contest.info, at(260)), PROBLEMS)
    validate("scoreboard", msgspec.to_builtins(board))
    rows = [(r.rank, r.team_id, r.score.num_solved, r.score.total_time) for r in board.rows]
    # Alice: 30 + 250; Bob: 50 + 20 penalty; Carol nothing; Dave is disqualified (no row).
    assert rows == [
        (1, "1", 2, "4:40:00.000"),
        (2, "2", 1, "1:10:00.000"),
        (3, "3", 0, "0:00:00.000"),
    ]
    bob = board.rows[1]
    assert bob.score.time == "0:50:00.000"
    assert board.rows[2].score.time is None
    apples = bob.problems[0]
    assert (apples.num_judged, apples.solved, apples.time) == (2, True, "0:50:00.000")
    bananas = board.rows[2].problems[1]
    assert (bananas.num_pending, bananas.solved) == (1, False)


def test_frozen_public_scoreboard_and_exact_ties() -> None:
    contest_info = info()
    cutoff = contest_info.clock.public_cutoff_ms()
    contest = source(contest_info, cutoff)
    view = view_for(contest.info, jury=False, now=at(260))
    board = scoreboard.scoreboard(contest, view, objects.state(contest.info, at(260)), PROBLEMS)
    validate("scoreboard", msgspec.to_builtins(board))
    alice = board.rows[0]
    assert (alice.score.num_solved, alice.problems[1].num_pending) == (1, 1)
    # Two teams with nothing share the last rank and are ordered by name.
    tied = msgspec.structs.replace(
        contest,
        teams=[*TEAMS, TeamFacts(5, "aaron", False)],
        board={**contest.board, 5: contest.board[3]},
    )
    rows = scoreboard.ranked(tied)
    assert [(r.user_id, r.rank) for r in rows][-2:] == [(5, 3), (3, 3)]
    score_contest = msgspec.structs.replace(contest, info=info(scoring="score"))
    validate(
        "scoreboard",
        msgspec.to_builtins(
            scoreboard.scoreboard(score_contest, view, objects.state(contest.info, at(5)), PROBLEMS)
        ),
    )


def test_awards_winner_medals_and_first_to_solve() -> None:
    contest = source()
    view = view_for(contest.info, jury=True, now=at(260))
    found = {a.id: a for a in awards.awards(contest, view, scoreboard.ranked(contest), PROBLEMS)}
    for award in found.values():
        validate("award", msgspec.to_builtins(award))
    assert found["winner"].team_ids == ["1"]
    assert found["gold-medal"].team_ids == ["1", "2"]  # Carol has solved nothing
    assert found["silver-medal"].team_ids == []
    # Dave (disqualified) was first on A, but does not count.
    assert found["first-to-solve-apples"].team_ids == ["1"]
    # Carol's B is still judging and came before Alice's accepted B: not decided yet.
    assert found["first-to-solve-bananas"].team_ids == []
    judged = msgspec.structs.replace(
        contest,
        submissions=[
            msgspec.structs.replace(s, status="done", verdict="WA") if s.id == 4 else s
            for s in SUBMISSIONS
        ],
    )
    found = {a.id: a for a in awards.awards(judged, view, scoreboard.ranked(judged), PROBLEMS)}
    assert found["first-to-solve-bananas"].team_ids == ["1"]
    # The public, during the freeze, cannot know who solved B first.
    public = view_for(judged.info, jury=False, now=at(260))
    found = {a.id: a for a in awards.awards(judged, public, scoreboard.ranked(judged), PROBLEMS)}
    assert found["first-to-solve-bananas"].team_ids == []


def test_group_winners_in_awards_and_results_tsv() -> None:
    """Each group's best-ranked scoring team wins it; ties share; a disqualified member (Dave)
    and a team with nothing solved (Carol) win nothing; a group nobody scored in has no winner."""
    teams = [
        TeamFacts(1, "alice", False, None, ["open"]),
        TeamFacts(2, "bob", False, None, ["open", "students"]),
        TeamFacts(3, "carol", False, None, ["late"]),
        TeamFacts(4, "dave", True, None, ["students"]),
    ]
    groups = [
        GroupFacts("late", "Late"),
        GroupFacts("open", "Open"),
        GroupFacts("students", "Students"),
    ]
    contest = msgspec.structs.replace(source(), teams=teams, groups=groups)
    view = view_for(contest.info, jury=True, now=at(260))
    ranked = scoreboard.ranked(contest)
    found = {a.id: a for a in awards.awards(contest, view, ranked, PROBLEMS)}
    for award in found.values():
        validate("award", msgspec.to_builtins(award))
    assert found["group-winner-open"].team_ids == ["1"]
    assert found["group-winner-open"].citation == "Winner of Open"
    assert found["group-winner-students"].team_ids == ["2"]  # Dave is disqualified
    assert found["group-winner-late"].team_ids == []  # Carol solved nothing
    tsv = results.results_tsv(contest, ranked).splitlines()
    assert [line.split("\t")[-1] for line in tsv[1:]] == ["Open", "Students", ""]
    # A tie in a group: both win it.
    tied = msgspec.structs.replace(contest, board={**contest.board, 2: contest.board[1]})
    winners = awards.group_winners(tied, scoreboard.ranked(tied))
    assert winners["open"] == [1, 2]
