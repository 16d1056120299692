"""Admins' problem package uploads: staged by a worker, checked (input validators, then the
package's own submissions against their folders' verdicts), published on request."""

from __future__ import annotations

import msgspec


class SubmissionCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One file of ``submissions/<folder>/`` judged against the verdict its folder promises."""

    folder: str  # accepted, wrong_answer, time_limit_exceeded, …
    file: str
    expected: str  # what the folder promises: "AC", "RTE or MLE", "not AC", …
    outcome: str  # "ok", "mismatch" or "skipped"
    verdict: str = ""  # what it got ("" when skipped)
    time_ms: int = 0
    note: str = ""  # why it was skipped, or its score


class InputCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One test input through one input validator (exit 42: valid)."""

    validator: str
    test: str  # "" for a row about the validator itself (broken, skipped)
    outcome: str  # "ok", "rejected", "broken" (does not build) or "skipped" (no language)
    note: str = ""  # the validator's message or exit status


class PackageCheck(msgspec.Struct, frozen=True, kw_only=True):
    """The check of a staged version; ``state`` is "running", "passed", "failed" (a mismatch or
    a rejected input) or "error" (the check could not finish: ``message`` says why)."""

    state: str
    inputs: list[InputCheck] = []
    submissions: list[SubmissionCheck] = []
    message: str = ""


class CheckSummary(msgspec.Struct, frozen=True, kw_only=True):
    state: str  # as PackageCheck.state
    submissions: int  # judged or skipped so far
    mismatched: int
    inputs: int  # (validator, test) pairs checked so far
    rejected: int  # rejected inputs and validators that do not build


class ProblemUpload(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    status: str  # queued, checking, ready, failed, published
    problem_id: int | None
    version: int | None  # the staged version (live only once published)
    test_count: int | None
    error: str | None  # why the package was refused (file, line, field when known)
    created_at: str
    published_at: str | None
    # The check's counts (None before it starts); the rows: GET …/uploads/{id}/check.
    check: CheckSummary | None = None
    # What happened to the upload's job, e.g. the worker checking it stopped and it was queued
    # again; None when nothing did.
    notice: str | None = None


class ProblemUploads(msgspec.Struct, frozen=True):
    uploads: list[ProblemUpload]


class ProblemUploadChanged(msgspec.Struct, frozen=True, tag="problem_upload"):
    """Pushed on the admins' sockets (/ws/admin) when an upload changes status."""

    upload: ProblemUpload


class ProblemUploadChecked(msgspec.Struct, frozen=True, kw_only=True, tag="problem_upload_check"):
    """Pushed on the admins' sockets as the check goes: one row, as soon as it is known."""

    upload_id: int
    submission: SubmissionCheck | None = None
    input: InputCheck | None = None
