"""Filling a harness template and appending it to the contestant's code."""

from __future__ import annotations


def fill(template: str, **fields: str) -> str:
    """``template`` with each ``{field}`` replaced (no str.format: the code has braces)."""
    for key, value in fields.items():
        template = template.replace("{" + key + "}", value)
    return template


def appended(source: str, harness: str) -> str:
    """The contestant's code, then the harness."""
    return source.rstrip("\n") + "\n" + harness
