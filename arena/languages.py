"""The declarative language table (``sandbox/languages.toml``) as typed rows."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import msgspec


class LanguageError(ValueError):
    pass


class Language(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str
    extensions: list[str]
    source_file: str
    compile: list[str]
    run: list[str]
    compile_time_s: int = 30
    compile_memory_mib: int = 1024
    compile_processes: int = 64
    # Few by default: many busy processes slow the gVisor kernel for the runner too.
    processes: int = 16
    time_multiplier: float = 1.0
    time_extra_ms: int = 0
    memory_extra_mib: int = 0
    oom_markers: list[str] = []
    # Native code is held to the memory limit in address space too (RLIMIT_AS), as in Kattis:
    # an allocation past the limit fails at once instead of paging towards it.
    address_space_limit: bool = False
    # Starting code for the editor: reads stdin, writes nothing yet.
    stub: str = ""
    # Languages whose file name must match a name in the source (Java's public class): the
    # regex's first group fills ``{entry}`` in source_file, compile and run; else entry_default.
    entry_pattern: str = ""
    entry_default: str = ""

    def for_source(self, source: bytes) -> Language:
        """This row with ``{entry}`` resolved for one source (itself when it has none)."""
        if not self.entry_default:
            return self
        entry = self.entry_default
        if self.entry_pattern:
            found = re.search(self.entry_pattern, source.decode(errors="replace"))
            if found is not None:
                entry = found.group(1)

        def fill(text: str) -> str:
            return text.replace("{entry}", entry)

        return msgspec.structs.replace(
            self,
            source_file=fill(self.source_file),
            compile=[fill(a) for a in self.compile],
            run=[fill(a) for a in self.run],
            entry_pattern="",
            entry_default="",
        )

    def compile_argv(self, memory_mib: int) -> list[str]:
        # A row not resolved for a source runs with its default entry point.
        resolved = self.for_source(b"")
        return resolved._expand(resolved.compile, memory_mib)

    def run_argv(self, memory_mib: int) -> list[str]:
        resolved = self.for_source(b"")
        return resolved._expand(resolved.run, memory_mib)

    def cpu_limit_ms(self, time_limit_s: float) -> int:
        return round(time_limit_s * 1000 * self.time_multiplier) + self.time_extra_ms

    def _expand(self, argv: list[str], memory_mib: int) -> list[str]:
        return [a.format(source=self.source_file, memory_mib=memory_mib) for a in argv]


class _Table(msgspec.Struct, frozen=True):
    language: list[Language]


class LanguageTable:
    def __init__(self, languages: list[Language]) -> None:
        self._by_id = {lang.id: lang for lang in languages}
        self._by_extension: dict[str, Language] = {}
        for lang in languages:
            for ext in lang.extensions:
                self._by_extension[ext] = lang

    @classmethod
    def load(cls, path: Path) -> LanguageTable:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            table = msgspec.convert(data, _Table)
        except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
            raise LanguageError(f"{path}: {exc}") from exc
        return cls(table.language)

    def __iter__(self) -> Iterator[Language]:
        return iter(self._by_id.values())

    def code_stubs(self) -> dict[str, str]:
        """The editor's starting code of every language that has one."""
        return {language.id: language.stub for language in self if language.stub}

    @property
    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def get(self, language_id: str) -> Language:
        try:
            return self._by_id[language_id]
        except KeyError:
            known = ", ".join(self.ids)
            raise LanguageError(f"unknown language {language_id!r} (known: {known})") from None

    def for_path(self, path: Path) -> Language:
        ext = path.suffix.lstrip(".")
        lang = self._by_extension.get(ext) or self._by_extension.get(ext.lower())
        if lang is None:
            known = ", ".join(sorted("." + e for e in self._by_extension))
            raise LanguageError(
                f"{path}: cannot tell the language from the extension {path.suffix or '(none)'!r}"
                f" (known: {known}); pass --lang"
            )
        return lang
