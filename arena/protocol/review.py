"""HTTP bodies of what contestants come back for: editorials, shared solutions, and the
moderators' plagiarism reports."""

from __future__ import annotations

import msgspec


class EditorialBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    markdown: str  # Markdown with math, rendered and sanitized as statements are


class Editorial(msgspec.Struct, frozen=True):
    problem: str  # the problem's slug
    html: str
    updated_at: str
    markdown: str | None  # for moderators (to edit), else None


class SharedSolution(msgspec.Struct, frozen=True):
    submission_id: int
    user_id: int
    username: str
    language: str
    time_ms: int | None
    memory_kib: int | None
    submitted_at: str
    source: str


class SolutionList(msgspec.Struct, frozen=True):
    items: list[SharedSolution]
    page: int
    page_size: int
    total: int


class SharingBody(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    hidden: bool  # true: keep this solution out of the shared solutions


class Sharing(msgspec.Struct, frozen=True):
    submission_id: int
    hidden: bool


class PlagiarismRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    all_submissions: bool = False  # false: accepted submissions only
    threshold: float = 0.6


class PlagiarismRun(msgspec.Struct, frozen=True):
    id: int
    contest_id: int
    status: str  # queued, running, done, failed
    all_submissions: bool
    threshold: float
    compared: int  # submissions fingerprinted
    pairs: int
    message: str
    created_at: str
    finished_at: str | None


class PlagiarismSide(msgspec.Struct, frozen=True):
    submission_id: int
    user_id: int
    username: str
    disqualified: bool
    source: str


class PlagiarismPair(msgspec.Struct, frozen=True):
    problem: str  # the contest's label
    language: str
    similarity: float
    a: PlagiarismSide
    b: PlagiarismSide
    regions: list[list[int]]  # [a_start, a_end, b_start, b_end] character offsets


class PlagiarismReport(msgspec.Struct, frozen=True):
    run: PlagiarismRun
    pairs: list[PlagiarismPair]


class PlagiarismRuns(msgspec.Struct, frozen=True):
    runs: list[PlagiarismRun]
