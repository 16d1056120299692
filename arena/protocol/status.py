"""The judging status page's answers (admins): workers, queues, failed judgings, the audit log."""

from __future__ import annotations

import msgspec


class WorkerView(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # host:pid
    host: str
    pid: int
    slots: int
    busy: int
    queues: list[str]
    started_at: str
    last_heartbeat: str
    heartbeat_age_s: float
    alive: bool  # heard from within three heartbeat intervals


class QueueView(msgspec.Struct, frozen=True):
    name: str  # the arq queue (a lane)
    ready: int
    deferred: int


class FailedJudgingView(msgspec.Struct, frozen=True, kw_only=True):
    submission_id: int
    contest_id: int | None
    username: str
    problem: str
    language: str
    attempt: int
    judge_errors: int
    error: str | None
    worker: str | None
    submitted_at: str


class JudgingStatus(msgspec.Struct, frozen=True):
    workers: list[WorkerView]
    queues: list[QueueView]
    attention: list[FailedJudgingView]


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    action: str
    contest_id: int | None
    actor: str | None
    details: str  # JSON text
    created_at: str


class AuditPage(msgspec.Struct, frozen=True):
    entries: list[AuditEntry]
    actions: list[str]  # every action in the log, for the filter
    next_before: int | None  # pass as ?before= for older entries


class RejudgeQueued(msgspec.Struct, frozen=True):
    submission_id: int
    attempt: int
