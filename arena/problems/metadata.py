"""What an organiser may set on a live problem without a new package version (pure rules).

Metadata is what people read about a problem (its name, tags, difficulty, who wrote it and where
it comes from); it never changes how a submission is judged, so it is edited in place and the
problem keeps its version. Judging data (limits, tests, validators) changes only by an upload.
"""

from __future__ import annotations

import re
import unicodedata

import msgspec

DIFFICULTIES = ("easy", "medium", "hard")
MAX_TITLE_CHARS = 200
MAX_CREDIT_CHARS = 200  # author and source
MAX_TAGS = 12
MAX_TAG_CHARS = 64  # as an upload's ?tags= allows
# Lowercase words joined by spaces, '-', '_', '.', '+' or '#' ("dp", "two-pointers", "c++").
_TAG = re.compile(r"[a-z0-9][a-z0-9 ._+#-]*")


class MetadataRefused(ValueError):
    """A field the editor refuses; the message names it and says what it takes."""


class ProblemMetadata(msgspec.Struct, frozen=True, kw_only=True):
    """The editable fields, normalised (stripped, tags lowercased and deduplicated)."""

    title: str
    difficulty: str
    tags: list[str]
    author: str = ""
    source: str = ""
    # The statement languages offered (in the package's order) and the default among them;
    # None: as they are (an editor that does not show them leaves them alone).
    statement_langs: list[str] | None = None
    statement_lang: str | None = None


def _text(name: str, value: str, low: int, high: int) -> str:
    value = value.strip()
    if not low <= len(value) <= high:
        least = "at least one character and " if low else ""
        raise MetadataRefused(f"{name}: {least}at most {high} characters")
    # Control characters (newlines, NUL, bidi overrides) have no place in a one-line label.
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise MetadataRefused(f"{name}: control or formatting characters are not allowed")
    return value


def normal_tags(tags: list[str]) -> list[str]:
    """Stripped, lowercased and deduplicated in their order; a refusal names the bad tag."""
    out: list[str] = []
    for raw in tags:
        tag = " ".join(raw.split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise MetadataRefused(f"tags: {tag[:20]!r}… is longer than {MAX_TAG_CHARS} characters")
        if _TAG.fullmatch(tag) is None:
            raise MetadataRefused(
                f"tags: {tag!r} may only hold a-z, 0-9, spaces and . _ + # -"
                " (and starts with a letter or digit)"
            )
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise MetadataRefused(f"tags: at most {MAX_TAGS} tags")
    return out


def check(meta: ProblemMetadata) -> ProblemMetadata:
    """The metadata as it will be stored, or MetadataRefused naming the first bad field."""
    if meta.difficulty not in DIFFICULTIES:
        raise MetadataRefused(f"difficulty: one of {', '.join(DIFFICULTIES)}")
    return ProblemMetadata(
        title=_text("title", meta.title, 1, MAX_TITLE_CHARS),
        difficulty=meta.difficulty,
        tags=normal_tags(meta.tags),
        author=_text("author", meta.author, 0, MAX_CREDIT_CHARS),
        source=_text("source", meta.source, 0, MAX_CREDIT_CHARS),
        statement_langs=meta.statement_langs,
        statement_lang=meta.statement_lang,
    )


def package_order(langs: list[str]) -> list[str]:
    """A package's statement languages as rendered: English first, then by code."""
    return sorted(set(langs), key=lambda lang: (lang != "en", lang))


def offered_langs(package: list[str], chosen: list[str], default: str) -> tuple[list[str], str]:
    """The statement languages served and the default, from the package's and the stored choice.

    No choice (an empty list) offers every language of the package. A choice keeps what the
    package still has after a re-import; when nothing of it is left, every language is offered.
    The default is the chosen one while offered, else the first offered ("" for no statement).
    """
    every = package_order(package)
    offered = [lang for lang in every if lang in chosen] or every
    if default not in offered:
        default = offered[0] if offered else ""
    return offered, default


def check_langs(package: list[str], offered: list[str], default: str) -> tuple[list[str], str]:
    """An editor's choice of statement languages as it will be stored (package order), or
    MetadataRefused naming the field."""
    every = package_order(package)
    unknown = [lang for lang in offered if lang not in every]
    if unknown:
        has = ", ".join(every) or "none"
        raise MetadataRefused(
            f"statement_langs: {unknown[0][:20]!r} is not a statement language of this"
            f" problem's package (it has: {has})"
        )
    chosen = [lang for lang in every if lang in offered]
    if every and not chosen:
        raise MetadataRefused("statement_langs: offer at least one statement language")
    if default not in chosen and (chosen or default):
        raise MetadataRefused(
            f"statement_lang: {default[:20]!r} is not among the offered languages"
            f" ({', '.join(chosen) or 'none'})"
        )
    return chosen, default


def changes(
    before: ProblemMetadata, after: ProblemMetadata
) -> dict[str, list[str | list[str] | None]]:
    """Each changed field as [before, after], for the audit log."""
    old, new = msgspec.structs.asdict(before), msgspec.structs.asdict(after)
    return {name: [old[name], new[name]] for name in new if old[name] != new[name]}
