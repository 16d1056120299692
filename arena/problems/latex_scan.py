"""Scanning LaTeX source: braces, arguments, environments; no interpretation."""

from __future__ import annotations

import re

__all__ = [
    "LETTERS",
    "argument",
    "argument_and_rest",
    "environment_body",
    "group",
    "matching",
    "skip_optional",
    "split_top_level",
    "strip_optional_and_args",
]

LETTERS = re.compile(r"[A-Za-z]+\*?")


def matching(text: str, pos: int, opening: str = "{", closing: str = "}") -> int:
    """The index of the bracket closing the one at ``pos`` (or the end of the text)."""
    depth = 0
    index = pos
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text)


def group(text: str, pos: int) -> tuple[str, int]:
    end = matching(text, pos)
    return text[pos + 1 : end], end + 1


def argument(text: str, pos: int) -> tuple[str, int]:
    """The next argument: a {group}, or a single token when there are no braces."""
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    if pos >= len(text):
        return "", pos
    if text[pos] == "{":
        return group(text, pos)
    if text[pos] == "\\":
        match = LETTERS.match(text, pos + 1)
        end = match.end() if match else pos + 2
        return text[pos:end], end
    return text[pos], pos + 1


def argument_and_rest(text: str) -> tuple[str, str]:
    first, end = argument(text, 0)
    return first, text[end:]


def skip_optional(text: str, pos: int) -> int:
    probe = pos
    while probe < len(text) and text[probe] in " \t":
        probe += 1
    if text[probe : probe + 1] == "[":
        return matching(text, probe, "[", "]") + 1
    return pos


def strip_optional_and_args(body: str) -> str:
    pos = skip_optional(body, 0)
    _, pos = argument(body, pos)
    return body[pos:]


def environment_body(text: str, pos: int, env: str, *, nests: bool) -> tuple[str, int]:
    """The body of ``\\begin{env}`` (nested ones of the same name included unless ``nests`` is
    false, as for verbatim) and the position after its ``\\end{env}``."""
    begin, end = f"\\begin{{{env}}}", f"\\end{{{env}}}"
    depth = 1
    index = pos
    while True:
        next_end = text.find(end, index)
        if next_end < 0:
            return text[pos:], len(text)
        next_begin = text.find(begin, index, next_end)
        if next_begin >= 0 and nests:
            depth += 1
            index = next_begin + len(begin)
            continue
        depth -= 1
        if depth == 0:
            return text[pos:next_end], next_end + len(end)
        index = next_end + len(end)


def split_top_level(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside braces and nested environments."""
    parts: list[str] = []
    depth = 0
    env_depth = 0
    start = 0
    index = 0
    while index < len(text):
        if text.startswith(separator, index) and depth == 0 and env_depth == 0:
            after = index + len(separator)
            # \item must not match the start of \itemize or \itemsep.
            if not (separator[-1].isalpha() and text[after : after + 1].isalpha()):
                parts.append(text[start:index])
                start = index = after
                continue
        if text.startswith("\\begin{", index):
            env_depth += 1
        elif text.startswith("\\end{", index):
            env_depth -= 1
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        index += 1
    parts.append(text[start:])
    return parts
