"""The Kattis default output validator as a pure function.

Semantics follow problemtools' ``default_validator.cc``: whitespace is the six ASCII characters C's
``isspace`` knows (so output that is not UTF-8 is compared byte for byte), letter case is folded
for ASCII only, and with a float tolerance an answer token that is a finite decimal number must be
matched by a finite decimal number within tolerance. ``nan`` and ``inf`` are never numbers here,
exactly as in problemtools, so they compare as plain words.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
from collections.abc import Iterator, Sequence

import msgspec

__all__ = [
    "CheckResult",
    "DefaultValidatorFlags",
    "check_output",
    "parse_default_validator_flags",
]


class DefaultValidatorFlags(msgspec.Struct, frozen=True):
    case_sensitive: bool = False
    space_change_sensitive: bool = False
    float_absolute_tolerance: float | None = None
    float_relative_tolerance: float | None = None

    @property
    def uses_floats(self) -> bool:
        return (
            self.float_absolute_tolerance is not None or self.float_relative_tolerance is not None
        )


class CheckResult(msgspec.Struct, frozen=True):
    accepted: bool
    message: str = ""


_ACCEPTED = CheckResult(True)

# The float grammar of the problem package format: decimal with an optional exponent. Python's
# float() alone would also take "1_000", "infinity" and surrounding spaces.
_FLOAT_RE = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TOKEN_RE = re.compile(rb"\S+")
_SPACE_SPLIT_RE = re.compile(rb"(\s+)")
_SHOW_LIMIT = 100


def parse_float(token: bytes) -> float | None:
    """The value of a decimal float token, or None if it is not one (or is out of range)."""
    if _FLOAT_RE.fullmatch(token) is None:
        return None
    value = float(token)
    return value if math.isfinite(value) else None


def parse_default_validator_flags(flags: Sequence[str]) -> DefaultValidatorFlags:
    """Read the default validator's command-line flags.

    Raises ValueError naming the offending flag; the caller knows which file it came from.
    """
    case_sensitive = False
    space_change_sensitive = False
    absolute: float | None = None
    relative: float | None = None
    words = iter(flags)
    for flag in words:
        if flag == "case_sensitive":
            case_sensitive = True
        elif flag == "space_change_sensitive":
            space_change_sensitive = True
        elif flag in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
            raw = next(words, None)
            if raw is None:
                raise ValueError(f"{flag} needs a value")
            value = parse_float(raw.encode())
            if value is None or value < 0:
                raise ValueError(f"{flag}: expected a non-negative number, got {raw!r}")
            if flag != "float_relative_tolerance":
                absolute = value
            if flag != "float_absolute_tolerance":
                relative = value
        else:
            raise ValueError(f"unknown flag {flag!r} for the default output validator")
    return DefaultValidatorFlags(case_sensitive, space_change_sensitive, absolute, relative)


def _escape(text: str) -> str:
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _show(data: bytes) -> str:
    """A token quoted for a message: escaped, never more than about 100 characters."""
    # Decoding only a prefix keeps a multi-megabyte token from being copied around.
    text = _escape(data[: _SHOW_LIMIT * 4].decode("utf-8", "backslashreplace"))
    if len(text) > _SHOW_LIMIT or len(data) > _SHOW_LIMIT * 4:
        text = text[:_SHOW_LIMIT] + "…"
    return f"'{text}'"


def _wrong(message: str) -> CheckResult:
    return CheckResult(False, message)


def _compare_token(answer: bytes, output: bytes, flags: DefaultValidatorFlags) -> str | None:
    """Why ``output`` does not match ``answer``, or None when it does."""
    if flags.uses_floats:
        expected = parse_float(answer)
        if expected is not None:
            got = parse_float(output)
            if got is None:
                return f"expected a number like {_show(answer)}, got {_show(output)}"
            diff = abs(got - expected)
            abs_tol = flags.float_absolute_tolerance
            rel_tol = flags.float_relative_tolerance
            if (abs_tol is not None and diff <= abs_tol) or (
                rel_tol is not None and diff <= rel_tol * abs(expected)
            ):
                return None
            return f"expected {_show(answer)}, got {_show(output)} (off by {diff:.3g})"
    if answer == output:
        return None
    folded = answer.lower() == output.lower()
    if folded and not flags.case_sensitive:
        return None
    hint = " (letter case differs)" if folded else ""
    return f"expected {_show(answer)}, got {_show(output)}{hint}"


def _differing(answer: list[bytes], output: list[bytes]) -> Iterator[int]:
    """Indices where the two lists hold different bytes, found at C speed: on big outputs most
    tokens are identical and must not each cost a Python-level comparison."""
    return itertools.compress(itertools.count(), map(operator.ne, answer, output))


def _nth_token(data: bytes, index: int) -> tuple[int, bytes]:
    """The line of the ``index``-th token of ``data`` (counting from 0) and the token itself."""
    if index < 10_000:
        # Most rejections come early: scan only as far as the token.
        match = next(itertools.islice(_TOKEN_RE.finditer(data), index, None), None)
        if match is not None:
            return data.count(b"\n", 0, match.start()) + 1, match.group()
    # Per-line token counts and a bisection keep this at C speed on multi-megabyte outputs.
    lines = data.split(b"\n")
    totals = list(itertools.accumulate(map(len, map(bytes.split, lines))))
    line = bisect.bisect_right(totals, index)
    if line == len(lines):
        return len(lines), b""
    before = totals[line - 1] if line else 0
    return line + 1, lines[line].split()[index - before]


def _check_tokens(output: bytes, answer: bytes, flags: DefaultValidatorFlags) -> CheckResult:
    folded = not flags.case_sensitive and not flags.uses_floats
    # Folding case once up front makes every comparison below a plain bytes comparison.
    out_tokens = (output.lower() if folded else output).split()
    ans_tokens = (answer.lower() if folded else answer).split()
    if not flags.uses_floats and out_tokens == ans_tokens:
        return _ACCEPTED
    for index in _differing(ans_tokens, out_tokens):
        if folded:
            # Folded tokens that differ are a mismatch; the message shows them unfolded.
            line, got = _nth_token(output, index)
            expected = _nth_token(answer, index)[1]
            return _wrong(f"line {line}: expected {_show(expected)}, got {_show(got)}")
        problem = _compare_token(ans_tokens[index], out_tokens[index], flags)
        if problem is not None:
            return _wrong(f"line {_nth_token(output, index)[0]}: {problem}")
    if len(out_tokens) < len(ans_tokens):
        missing = _nth_token(answer, len(out_tokens))[1]
        return _wrong(f"expected more output (answer continues with {_show(missing)})")
    if len(out_tokens) > len(ans_tokens):
        line, extra = _nth_token(output, len(ans_tokens))
        return _wrong(f"line {line}: trailing output {_show(extra)}")
    return _ACCEPTED


def _check_runs(
    output: bytes, answer: bytes, flags: DefaultValidatorFlags, first_line: int = 1
) -> CheckResult:
    """Space-sensitive comparison of word and whitespace runs; ``first_line`` numbers the first
    line of ``output`` in messages."""
    # Both split into [word, space, word, ..., word]; the first and last word may be empty when
    # the text starts or ends with whitespace. Odd positions are whitespace runs.
    ans_parts = _SPACE_SPLIT_RE.split(answer)
    out_parts = _SPACE_SPLIT_RE.split(output)

    def wrong(index: int, problem: str) -> CheckResult:
        # Counting lines costs a pass over the output: only done once, for the rejection.
        line = b"".join(out_parts[1:index:2]).count(b"\n") + first_line
        return _wrong(f"line {line}: {problem}")

    for index in _differing(ans_parts, out_parts):
        ans, out = ans_parts[index], out_parts[index]
        if index % 2:
            return wrong(index, f"expected whitespace {_show(ans)}, got {_show(out)}")
        if not ans:
            if index == len(ans_parts) - 1:
                return wrong(index, f"trailing output {_show(out)}")
            return wrong(index, f"expected whitespace {_show(ans_parts[1])}, got {_show(out)}")
        if not out:
            if index == len(out_parts) - 1:
                return _wrong(f"expected more output (answer continues with {_show(ans)})")
            return wrong(index, f"expected {_show(ans)}, got whitespace {_show(out_parts[1])}")
        problem = _compare_token(ans, out, flags)
        if problem is not None:
            return wrong(index, problem)
    common = min(len(ans_parts), len(out_parts))
    if len(out_parts) > common:
        extra = next((i for i in range(common + 1, len(out_parts), 2) if out_parts[i]), None)
        if extra is not None:
            return wrong(extra, f"trailing output {_show(out_parts[extra])}")
        return wrong(common, f"trailing whitespace {_show(out_parts[common])}")
    if len(ans_parts) > common:
        missing = next((word for word in ans_parts[common + 1 :: 2] if word), None)
        if missing is not None:
            return _wrong(f"expected more output (answer continues with {_show(missing)})")
        return wrong(common, f"expected whitespace {_show(ans_parts[common])} at the end")
    return _ACCEPTED


def _check_spaces(output: bytes, answer: bytes, flags: DefaultValidatorFlags) -> CheckResult:
    # Newlines are whitespace that must match exactly, so the texts match if and only if they
    # have as many lines and each pair of lines matches. Comparing lines first keeps the costly
    # split into words and whitespace runs to the lines that differ byte for byte.
    folded = not flags.case_sensitive and not flags.uses_floats
    out_lines = (output.lower() if folded else output).split(b"\n")
    ans_lines = (answer.lower() if folded else answer).split(b"\n")
    for index in _differing(ans_lines, out_lines):
        if folded or not _check_runs(out_lines[index], ans_lines[index], flags).accepted:
            # The mismatch is on this line; the next one is context for messages like
            # "expected whitespace ' ', got '\\n'".
            out_part = _line_span(output, out_lines, index, 2)
            ans_part = _line_span(answer, ans_lines, index, 2)
            return _check_runs(out_part, ans_part, flags, index + 1)
    if len(out_lines) == len(ans_lines):
        return _ACCEPTED
    # One text has extra lines: compare from the last common line to the end.
    last = min(len(out_lines), len(ans_lines)) - 1
    out_part = _line_span(output, out_lines, last, len(out_lines))
    ans_part = _line_span(answer, ans_lines, last, len(ans_lines))
    return _check_runs(out_part, ans_part, flags, last + 1)


def _line_span(text: bytes, lines: list[bytes], first: int, count: int) -> bytes:
    """Lines ``first`` to ``first + count - 1`` of ``text``, which ``lines`` is split from."""
    # Lowercasing keeps lengths, so offsets in the split (maybe lowered) lines are offsets in
    # the original text.
    start = sum(map(len, lines[:first])) + first
    end = (
        start + sum(map(len, lines[first : first + count])) + len(lines[first : first + count]) - 1
    )
    return text[start:end]


def check_output(output: bytes, answer: bytes, flags: DefaultValidatorFlags) -> CheckResult:
    """Judge ``output`` against ``answer`` the way the Kattis default output validator does."""
    if output == answer:
        return _ACCEPTED
    if flags.space_change_sensitive:
        return _check_spaces(output, answer, flags)
    return _check_tokens(output, answer, flags)
