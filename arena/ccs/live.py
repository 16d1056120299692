"""Live objects of the Contest API: submissions, judgements, runs and clarifications.

Ids: a submission is its number; its judgement is ``<submission>-<attempt>`` (a rejudge is a new
judgement, the one it replaces stays with ``current: false``); a run is
``<judgement>-<test ordinal>``. A question is its number, its answer ``<question>-r``, an
announcement ``a<number>``. The public sees no verdicts (no judgements, no runs) of submissions
made during the freeze, no runs and no ``max_run_time`` until the contest is
over and unfrozen (``View.details``), and of the clarifications only announcements and answers
made public (quoting the question, without who asked).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import msgspec
from msgspec import UNSET

from arena.ccs.objects import ENTRY_POINTS, team_id
from arena.ccs.source import ContestSource, RunFacts, SubmissionFacts, View, hidden_verdict
from arena.ccs.times import abstime, reltime
from arena.contest_time import ContestClock
from arena.protocol.ccs import CcsClarification, CcsFileRef, CcsJudgement, CcsRun, CcsSubmission
from arena.protocol.vocabulary import Scoring


def judgement_id(sub: SubmissionFacts) -> str:
    return f"{sub.id}-{sub.attempt}"


def _counted(source: ContestSource) -> list[tuple[SubmissionFacts, str]]:
    """Submissions to problems still in the contest by registered teams, with the problem id."""
    slugs = {p.problem_id: p.slug for p in source.problems}
    teams = {t.user_id for t in source.teams}
    return [
        (s, slugs[s.problem_id])
        for s in sorted(source.submissions, key=lambda s: s.id)
        if s.problem_id in slugs and s.user_id in teams
    ]


def submission(
    sub: SubmissionFacts, problem_id: str, clock: ContestClock, view: View
) -> CcsSubmission:
    files = []
    if view.jury:  # the source itself is for moderators only
        href = f"contests/{view.contest_key}/submissions/{sub.id}/files"
        files = [CcsFileRef(href=href, filename="files.zip", mime="application/zip")]
    entry = ENTRY_POINTS.get(sub.language)
    return CcsSubmission(
        id=str(sub.id),
        language_id=sub.language,
        problem_id=problem_id,
        team_id=team_id(sub.user_id),
        time=abstime(sub.submitted_at),
        contest_time=reltime(clock.contest_ms(sub.submitted_at)),
        entry_point=entry[1] if entry is not None else None,
        files=files,
    )


def submissions(source: ContestSource, view: View) -> list[CcsSubmission]:
    return [submission(sub, slug, source.info.clock, view) for sub, slug in _counted(source)]


def _judged(source: ContestSource, view: View) -> list[SubmissionFacts]:
    """Submissions whose current attempt this view may see being judged."""
    return [
        sub
        for sub, _ in _counted(source)
        if sub.status != "queued" and not hidden_verdict(view, source.info, sub.submitted_at)
    ]


def _runs_by_submission(source: ContestSource) -> dict[int, list[RunFacts]]:
    runs: dict[int, list[RunFacts]] = defaultdict(list)
    for run in source.runs:
        runs[run.submission_id].append(run)
    return runs


class _Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """What a judgement is made of: the submission's current attempt or one a rejudge replaced."""

    submission: SubmissionFacts
    attempt: int
    status: str
    verdict: str | None
    score: float | None
    time_ms: int | None
    judging_started_at: datetime | None
    judged_at: datetime | None
    current: bool


def _attempts(source: ContestSource, view: View) -> list[_Attempt]:
    judged = {sub.id: sub for sub, _ in _counted(source)}
    out = []
    for past in source.past_judgements:
        sub = judged.get(past.submission_id)
        if sub is None or hidden_verdict(view, source.info, sub.submitted_at):
            continue
        fields = msgspec.structs.asdict(past)
        del fields["submission_id"]
        out.append(_Attempt(submission=sub, current=False, **fields))
    for sub in _judged(source, view):
        out.append(
            _Attempt(
                submission=sub,
                attempt=sub.attempt,
                status=sub.status,
                verdict=sub.verdict,
                score=sub.score,
                time_ms=sub.time_ms,
                judging_started_at=sub.judging_started_at,
                judged_at=sub.judged_at,
                current=True,
            )
        )
    return sorted(out, key=lambda a: (a.submission.id, a.attempt))


def judgements(source: ContestSource, view: View) -> list[CcsJudgement]:
    """Every judgement of the counted submissions: the current attempt's (``current: true``) and
    those a rejudge replaced (``current: false``; the old runs are not served)."""
    clock = source.info.clock
    score_contest = source.info.scoring != Scoring.PASS_FAIL
    points = {p.problem_id: p.points for p in source.problems}
    runs = _runs_by_submission(source)
    out = []
    for a in _attempts(source, view):
        sub = a.submission
        start = a.judging_started_at or sub.submitted_at
        final = a.status in ("done", "failed")
        verdict = (a.verdict or "JE") if final else None
        end = (a.judged_at or start) if final else None
        times = [r.time_ms for r in runs.get(sub.id, [])] if a.current else []
        max_ms = max(times) if times else a.time_ms
        score = a.score
        if score is None:
            score = float(points.get(sub.problem_id, 1)) if verdict == "AC" else 0.0
        out.append(
            CcsJudgement(
                id=f"{sub.id}-{a.attempt}",
                submission_id=str(sub.id),
                judgement_type_id=verdict,
                current=a.current,
                start_time=abstime(start),
                start_contest_time=reltime(clock.contest_ms(start)),
                end_time=None if end is None else abstime(end),
                end_contest_time=None if end is None else reltime(clock.contest_ms(end)),
                max_run_time=(
                    None if not final or max_ms is None or not view.details else max_ms / 1000
                ),
                score=max(0.0, score) if score_contest else UNSET,
            )
        )
    return out


def runs(source: ContestSource, view: View) -> list[CcsRun]:
    if not view.details:
        return []
    clock = source.info.clock
    by_submission = _runs_by_submission(source)
    out = []
    for sub in _judged(source, view):
        if sub.status != "done":
            continue
        # Arena records a judging's tests together at its end: that is when each run completed.
        end = sub.judged_at or sub.judging_started_at or sub.submitted_at
        for run in sorted(by_submission.get(sub.id, []), key=lambda r: r.ordinal):
            out.append(
                CcsRun(
                    id=f"{judgement_id(sub)}-{run.ordinal + 1}",
                    judgement_id=judgement_id(sub),
                    ordinal=run.ordinal + 1,
                    judgement_type_id=run.verdict,
                    time=abstime(end),
                    contest_time=reltime(clock.contest_ms(end)),
                    run_time=run.time_ms / 1000,
                )
            )
    return out


def _quote(question: str) -> str:
    return "\n".join("> " + line for line in question.splitlines())


def clarifications(source: ContestSource, view: View) -> list[CcsClarification]:
    clock = source.info.clock
    slugs = {p.problem_id: p.slug for p in source.problems}
    teams = {t.user_id for t in source.teams}
    out = [
        CcsClarification(
            id=f"a{a.id}",
            from_team_id=None,
            to_team_id=None,
            reply_to_id=None,
            problem_id=None,
            text=a.body,
            time=abstime(a.created_at),
            contest_time=reltime(clock.contest_ms(a.created_at)),
        )
        for a in source.announcements
    ]
    for c in source.clarifications:
        problem = slugs.get(c.problem_id) if c.problem_id is not None else None
        asker = team_id(c.user_id) if c.user_id in teams else None
        answered = c.answered_at or c.asked_at
        if view.jury:
            out.append(
                CcsClarification(
                    id=str(c.id),
                    from_team_id=asker,
                    to_team_id=None,
                    reply_to_id=None,
                    problem_id=problem,
                    text=c.question,
                    time=abstime(c.asked_at),
                    contest_time=reltime(clock.contest_ms(c.asked_at)),
                )
            )
        if c.answer is None or not (view.jury or c.public):
            continue
        out.append(
            CcsClarification(
                id=f"{c.id}-r",
                from_team_id=None,
                to_team_id=None if c.public else asker,
                reply_to_id=str(c.id) if view.jury else None,
                problem_id=problem,
                text=c.answer if view.jury else f"{_quote(c.question)}\n\n{c.answer}",
                time=abstime(answered),
                contest_time=reltime(clock.contest_ms(answered)),
            )
        )
    return sorted(out, key=lambda c: (c.time, c.id))
