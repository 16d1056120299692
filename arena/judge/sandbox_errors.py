"""What can go wrong in the sandbox: a judging error, or the submission's own fault."""

from __future__ import annotations


class SandboxError(RuntimeError):
    """The sandbox failed, not the submission: a judging error."""


class SandboxOutOfMemory(SandboxError):
    """The whole container hit its memory cap (the submission's fault: MLE)."""


class SandboxRunaway(SandboxError):
    """A run outlived its wall limit by the whole margin; the container was destroyed (TLE)."""

    def __init__(self, message: str, elapsed_ms: int) -> None:
        super().__init__(message)
        self.elapsed_ms = elapsed_ms


class UnsafeRuntimeError(SandboxError):
    pass
