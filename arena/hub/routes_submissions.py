"""Submissions: contest and practice submits, runs on the samples, and the submission view."""

from __future__ import annotations

from pathlib import PurePath

import msgspec
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

from arena.contest_time import Phase
from arena.hub import auth, idempotency, moderators, participants, views
from arena.hub.endpoints import Endpoint, routes_for
from arena.hub.http import ApiError, json, not_found, path_int, read_body
from arena.hub.routes_problems import problem_of_contest, visible_problem
from arena.hub.state import HubState, hub_state
from arena.languages import LanguageError
from arena.limits import MAX_SOURCE_BYTES
from arena.protocol import (
    Accepted,
    PracticeSubmitBody,
    RunBody,
    RunOutcome,
    SubmissionView,
    SubmitBody,
    UserInfo,
)
from arena.storage import queue, review, submission_views
from arena.storage.bank import ProblemRow
from arena.storage.queue import RunJob

MAX_FORM_BYTES = (
    2 * MAX_SOURCE_BYTES + 16 * 1024
)  # the source plus multipart framing  # test names are paths under data/
MAX_INPUT_BYTES = 1024 * 1024


def _check_source(state: HubState, language: str, source: bytes) -> None:
    if language not in state.languages.ids:
        raise ApiError(
            422,
            "bad_language",
            f"language {language!r} is not accepted",
            allowed=state.languages.ids,
        )
    if len(source) > MAX_SOURCE_BYTES:
        raise ApiError(413, "too_large", f"the source is larger than {MAX_SOURCE_BYTES} bytes")
    if not source.strip():
        raise ApiError(422, "empty_source", "the source is empty")


async def _rate_limit(state: HubState, user: UserInfo, scope: str) -> None:
    settings = state.settings
    key = f"submit:{scope}:{user.id}"
    if not await auth.allow(
        state, key, settings.submissions_per_window, settings.submission_window_s
    ):
        raise ApiError(
            429,
            "rate_limited",
            f"at most {settings.submissions_per_window} submissions per"
            f" {settings.submission_window_s} s",
            retry_after_s=settings.submission_window_s,
        )


async def _contest_submit(
    request: Request,
    user: UserInfo,
    contest_id: int,
    problem_ref: str,
    language: str,
    source: bytes,
) -> Response:
    key = idempotency.client_key(request)
    submission_id, replayed = await contest_submission(
        hub_state(request), user, contest_id, problem_ref, language, source, key
    )
    return json(Accepted(submission_id), 202, idempotency.replay_headers(replayed))


async def contest_submission(
    state: HubState,
    user: UserInfo,
    contest_id: int,
    problem_ref: str,
    language: str,
    source: bytes,
    key: str | None = None,
) -> tuple[int, bool]:
    """Every check of a contest submission, then the submit; shared with the Contest API.
    Returns the submission and whether it is the one ``key`` made before (then no check but
    the key's applies: a retry after the end still gets its submission)."""
    info = await views.contest(state, contest_id)
    await views.require_visible(state, info, user)
    author = user.id
    user = await participants.contestant(
        state, contest_id, user, fresh=True
    )  # a team member submits as the team
    problem = info.problem_by_label(problem_ref)
    before = await idempotency.replay(
        state,
        user,
        key,
        problem_id=None if problem is None else problem.problem_id,
        contest_id=contest_id,
        language=language,
        source=source,
    )
    if before is not None:
        return before, True
    extra = await participants.participation_of(state, contest_id, user, fresh=True)
    # A contestant with time of their own (a moderator's per-contestant extension) submits
    # until their own end; everyone else until the contest's.
    if info.clock.phase_for(views.now(), extra or 0) != Phase.RUNNING:
        raise ApiError(403, "not_running", "submissions are accepted only while the contest runs")
    if extra is None:
        raise ApiError(403, "not_registered", "register for the contest first")
    if problem is None:
        labels = [p.label for p in info.problems]
        raise ApiError(
            422, "bad_problem", f"the contest has no problem {problem_ref!r}", allowed=labels
        )
    _check_source(state, language, source)
    await _rate_limit(state, user, f"contest:{contest_id}")
    submission_id = await idempotency.submit(
        state,
        user,
        problem.problem_id,
        language,
        source,
        key,
        contest_id=contest_id,
        author_id=author,
    )
    return submission_id, False


async def contest_submit(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    body = await read_body(request, SubmitBody)
    return await _contest_submit(
        request,
        user,
        path_int(request, "contest_id"),
        body.problem,
        body.language,
        body.source.encode(),
    )


async def multipart_submit(request: Request) -> Response:
    """``POST /contests/{contest_id}/users/{user_id}/submit`` with a ``file`` (and ``problem``)."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    if path_int(request, "user_id") != user.id:
        raise ApiError(403, "forbidden", "you can only submit as yourself")
    # Starlette spools file parts to disk without a size cap: refuse big bodies before parsing.
    declared = request.headers.get("content-length")
    if declared is None or not declared.isascii() or not declared.isdigit():
        raise ApiError(411, "length_required", "send the form with a Content-Length")
    if int(declared) > MAX_FORM_BYTES:
        raise ApiError(413, "too_large", f"the source is larger than {MAX_SOURCE_BYTES} bytes")
    try:
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(400, "bad_request", "the form needs a 'file' field with the source")
            source = await upload.read(MAX_SOURCE_BYTES + 1)
            filename = upload.filename or ""
            problem_ref = str(form.get("problem") or PurePath(filename).stem)
            language = str(form.get("language") or "")
    except MultiPartException as exc:
        raise ApiError(400, "bad_request", f"a multipart form is expected: {exc}") from None
    upload_name = PurePath(filename)
    if not language:
        try:
            language = state.languages.for_path(upload_name).id  # type: ignore[arg-type]
        except LanguageError as exc:
            raise ApiError(422, "bad_language", str(exc), allowed=state.languages.ids) from None
    return await _contest_submit(
        request, user, path_int(request, "contest_id"), problem_ref, language, source
    )


async def practice_submit(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    row = await visible_problem(state, request.path_params["slug"], user)
    body = await read_body(request, PracticeSubmitBody)
    source = body.source.encode()
    key = idempotency.client_key(request)
    problem_id = row.id
    before = await idempotency.replay(
        state,
        user,
        key,
        problem_id=problem_id,
        contest_id=None,
        language=body.language,
        source=source,
    )
    if before is not None:
        return json(Accepted(before), 202, idempotency.replay_headers(True))
    _check_source(state, body.language, source)
    await _rate_limit(state, user, "practice")
    submission_id = await idempotency.submit(state, user, problem_id, body.language, source, key)
    return json(Accepted(submission_id), 202)


async def run(request: Request) -> Response:
    """Judge on the samples (or one custom input) in a sandbox; nothing is stored or counted."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    row = await visible_problem(state, request.path_params["slug"], user)
    return await _run(request, state, user, row)


async def contest_run(request: Request) -> Response:
    """``run`` for a problem of a running contest, which the bank hides until the end."""
    state = hub_state(request)
    user = await auth.require_user(state, request)
    info = await views.contest(state, path_int(request, "contest_id"))
    await views.require_visible(state, info, user)
    jury = await moderators.moderates(state, info.id, user)
    if info.clock.phase(views.now()) == Phase.UPCOMING and not jury:
        raise ApiError(403, "not_started", "the problems are shown when the contest starts")
    if not jury and not await participants.is_registered(state, info.id, user, fresh=True):
        raise ApiError(403, "not_registered", "register for the contest first")
    row = await problem_of_contest(state, info, request.path_params["label"])
    return await _run(request, state, user, row)


async def _run(request: Request, state: HubState, user: UserInfo, row: ProblemRow) -> Response:
    body = await read_body(request, RunBody)
    source = body.source.encode()
    _check_source(state, body.language, source)
    custom = None if body.input is None else body.input.encode()
    if custom is not None and len(custom) > MAX_INPUT_BYTES:
        raise ApiError(413, "too_large", f"the input is larger than {MAX_INPUT_BYTES} bytes")
    await _rate_limit(state, user, "run")
    settings = state.settings
    job = RunJob(row.id, row.current_version, body.language, source, custom)
    try:
        raw = await queue.run(
            state.redis,
            user.id,
            job,
            wait_s=settings.run_timeout_s,
            max_in_flight=settings.run_max_in_flight_per_user,
        )
    except queue.RunsInFlight as exc:
        raise ApiError(429, "runs_in_flight", str(exc), retry_after_s=5) from None
    except Exception as exc:
        raise ApiError(503, "run_failed", f"the run failed in the sandbox: {exc}") from None
    if raw is None:
        raise ApiError(503, "busy", "no sandbox was free in time; try again")
    return Response(raw, media_type="application/json")


def shown_message(is_sample: bool, own: bool, jury: bool) -> bool:
    """A checker's message quotes the expected answer: contestants see it for samples only."""
    return jury or (own and is_sample)


async def get_submission(request: Request) -> Response:
    state = hub_state(request)
    user = await auth.require_user(state, request)
    submission_id = path_int(request, "submission_id")
    async with state.db.acquire() as conn:
        row = await submission_views.submission(conn, submission_id)
    if row is None:
        raise not_found(f"submission {submission_id}")
    # No connection is held from here to the next acquire: the lookups below may each take one
    # (batched), and requests holding one while waiting for another could empty the pool.
    jury = auth.is_moderator(user) or (
        row.contest_id is not None and await moderators.moderates(state, row.contest_id, user)
    )
    own = row.user_id == user.id or jury
    if not own and row.contest_id is not None:  # a teammate's submission is the team's
        own = row.user_id == (await participants.contestant(state, row.contest_id, user)).id
    if not own:
        ended = False
        if row.contest_id is not None:
            info = await views.contest(state, row.contest_id)
            at = views.now()
            # Verdicts of a frozen board stay hidden until the reveal, even after the end.
            ended = info.over_for_everyone(at) and not info.clock.frozen(at)
            ended = ended and await views.visible(state, info, user)
        if not ended:  # others' code stays private during a contest and in practice
            raise not_found(f"submission {submission_id}")
    async with state.db.acquire() as conn:
        # After the end and the reveal, an accepted solution its author shares shows its code.
        shared = not own and await review.is_shared(conn, submission_id)
        tests = await submission_views.test_results(conn, submission_id, row.attempt)
    view = SubmissionView(
        id=row.id,
        user_id=row.user_id,
        problem=row.slug,
        contest_id=row.contest_id,
        language=row.language,
        status=row.status,
        verdict=row.verdict,
        score=row.score,
        time_ms=row.time_ms,
        memory_kib=row.memory_kib,
        submitted_at=views.iso(row.submitted_at) or "",
        compile_output=row.compile_output,
        tests=[
            t.result
            if shown_message(t.is_sample, own, jury)
            else msgspec.structs.replace(t.result, message="")
            for t in tests
        ],
        source=row.source.decode(errors="replace") if own or shared else None,
        mode=row.mode,
    )
    return json(view)


_SUBMIT_ERRORS = (403, 422, 429)
_RUN_ERRORS = (403, 422, 429, 503)
_TAGS = ("submissions",)
# The multipart upload of /contests/{cid}/users/{uid}/submit (the DOMjudge-style form).
_SUBMIT_FORM = {
    "type": "object",
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "the source file"},
        "problem": {"type": "string", "description": "label (default: the file's name)"},
        "language": {"type": "string", "description": "language id (default: by extension)"},
    },
    "required": ["file"],
}
endpoints = [
    Endpoint(
        "POST",
        "/api/contests/{contest_id}/submissions",
        contest_submit,
        "Submit to a running contest (registered contestants)",
        {202: Accepted},
        auth="required",
        body=SubmitBody,
        errors=_SUBMIT_ERRORS,
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/contests/{contest_id}/users/{user_id}/submit",
        multipart_submit,
        "Submit a file as a multipart upload (as the caller)",
        {202: Accepted},
        auth="required",
        form_schema=_SUBMIT_FORM,
        errors=_SUBMIT_ERRORS,
        tags=_TAGS,
    ),
    Endpoint(
        "POST",
        "/api/problems/{slug}/submissions",
        practice_submit,
        "A practice submission",
        {202: Accepted},
        auth="required",
        body=PracticeSubmitBody,
        errors=(422, 429),
        tags=_TAGS,
    ),
    *(
        Endpoint(
            "POST",
            path,
            handler,
            summary,
            {200: RunOutcome},
            auth="required",
            body=RunBody,
            errors=_RUN_ERRORS,
            tags=_TAGS,
        )
        for path, handler, summary in (
            (
                "/api/problems/{slug}/run",
                run,
                "Run on the samples (or on one input) in a sandbox; nothing is stored",
            ),
            (
                "/api/contests/{contest_id}/problems/{label}/run",
                contest_run,
                "Run on a contest problem's samples (registered contestants)",
            ),
        )
    ),
    Endpoint(
        "GET",
        "/api/submissions/{submission_id}",
        get_submission,
        "A submission: status, verdict, per-test results; code for its author and moderators",
        {200: SubmissionView},
        auth="required",
        tags=_TAGS,
    ),
]
routes = routes_for(endpoints)
