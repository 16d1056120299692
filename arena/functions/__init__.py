"""Function problems (LeetCode style): per-language stubs and harnesses from a signature.

Pure code: the language table names each row's harness (``harness = "cpp"``); a problem's
signature (``arena.functions.signature``) turns into the stub a contestant starts from and into
the program that is compiled: the contestant's code with a harness that reads the test input,
calls the function and prints its result canonically for the usual output validators.
"""

from __future__ import annotations

from collections.abc import Callable

from arena.functions import scripts, typed
from arena.functions.signature import (
    Param,
    Signature,
    SignatureError,
    ValueType,
    parse_signature,
)

__all__ = [
    "HARNESSES",
    "Param",
    "Signature",
    "SignatureError",
    "ValueType",
    "parse_signature",
    "stub",
    "wrap",
]

Stub = Callable[[Signature], str]
Wrap = Callable[[Signature, str], str]

HARNESSES: dict[str, tuple[Stub, Wrap]] = {
    "python": (scripts.python_stub, scripts.python_wrap),
    "javascript": (scripts.javascript_stub, scripts.javascript_wrap),
    "typescript": (scripts.typescript_stub, scripts.javascript_wrap),
    "cpp": (typed.cpp_stub, typed.cpp_wrap),
    "java": (typed.java_stub, typed.java_wrap),
    "kotlin": (typed.kotlin_stub, typed.kotlin_wrap),
    "go": (typed.go_stub, typed.go_wrap),
}


def _harness(name: str) -> tuple[Stub, Wrap]:
    try:
        return HARNESSES[name]
    except KeyError:
        known = ", ".join(sorted(HARNESSES))
        raise SignatureError(f"no function harness {name!r} (known: {known})") from None


def stub(signature: Signature, harness: str) -> str:
    """The starting code with the function's signature in the harness's language."""
    return _harness(harness)[0](signature)


def wrap(signature: Signature, harness: str, source: str) -> str:
    """The program to compile: the contestant's code and the harness that calls it."""
    return _harness(harness)[1](signature, source)
