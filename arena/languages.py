"""The declarative language table (``sandbox/languages.toml``) as typed rows."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import msgspec

from arena.functions import Signature, stub


class LanguageError(ValueError):
    pass


class Language(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str
    extensions: list[str]
    source_file: str
    compile: list[str]
    run: list[str]
    # The compiler or runtime and its version, as the image installs it (sandbox/packages.txt,
    # sandbox/npm/): shown on the problem page and in the README.
    version: str = ""
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
    # JVM languages: the regex's first group is the source's package, and ``{main}`` in run is
    # the main class with it (``pkg.Main``), as DOMjudge's compile scripts find it.
    package_pattern: str = ""
    # Function problems (``arena.functions``): the harness that wraps a contestant's function
    # in this language; none means the language cannot submit to a function problem.
    harness: str = ""

    def for_source(self, source: bytes) -> Language:
        """This row with ``{entry}`` and ``{main}`` resolved for a source (itself without)."""
        if not self.entry_default:
            return self
        text = source.decode(errors="replace")
        entry = self.entry_default
        if self.entry_pattern:
            found = re.search(self.entry_pattern, text)
            if found is not None:
                entry = found.group(1)
        main = entry
        if self.package_pattern:
            package = re.search(self.package_pattern, text)
            if package is not None:
                main = f"{package.group(1)}.{entry}"

        def fill(text: str) -> str:
            return text.replace("{entry}", entry).replace("{main}", main)

        return msgspec.structs.replace(
            self,
            source_file=fill(self.source_file),
            compile=[fill(a) for a in self.compile],
            run=[fill(a) for a in self.run],
            entry_pattern="",
            entry_default="",
            package_pattern="",
        )

    @property
    def command_line(self) -> str:
        """The compile command as a contestant reads it (the problem page, the README)."""
        resolved = self.for_source(b"")
        return " ".join(resolved._expand(resolved.compile, 0))

    @property
    def run_line(self) -> str:
        """The run command, with the memory limit's placeholder left in."""
        resolved = self.for_source(b"")
        return " ".join(a.replace("{source}", resolved.source_file) for a in resolved.run)

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


class CodeStubs(msgspec.Struct, frozen=True):
    """The starting code stored with an imported problem, from the language table."""

    plain: dict[str, str]  # language id → the row's stub (a stdin/stdout program)
    harnesses: dict[str, str]  # language id → its function-problem harness

    def for_problem(self, function: Signature | None) -> dict[str, str]:
        """A function problem's stubs have its signature, in the languages with a harness."""
        if function is None:
            return dict(self.plain)
        return {lang: stub(function, harness) for lang, harness in self.harnesses.items()}


class _Table(msgspec.Struct, frozen=True):
    language: list[Language]


class LanguageTable:
    def __init__(self, languages: list[Language]) -> None:
        self._by_id = {lang.id: lang for lang in languages}
        self._by_extension: dict[str, Language] = {}
        for lang in languages:
            for ext in lang.extensions:
                # Dialects share extensions (C11 and C17): the first row is the default one.
                self._by_extension.setdefault(ext, lang)

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

    def code_stubs(self) -> CodeStubs:
        """The editor's starting code of every language that has one."""
        return CodeStubs(
            plain={language.id: language.stub for language in self if language.stub},
            harnesses={language.id: language.harness for language in self if language.harness},
        )

    def markdown(self) -> str:
        """The README's language table: every row, in the table's order."""
        lines = [
            "| id | language | version | compile | run | extensions | function problems |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for lang in self:
            extensions = ", ".join(f"`.{e}`" for e in lang.extensions)
            lines.append(
                f"| `{lang.id}` | {lang.name} | {lang.version} | `{lang.command_line}`"
                f" | `{lang.run_line}` | {extensions} | {'yes' if lang.harness else ''} |"
            )
        return "\n".join(lines) + "\n"

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
