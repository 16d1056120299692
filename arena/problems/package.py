"""Reading a Kattis / ICPC problem package directory (legacy and 2023-07 formats).

Only metadata is read here: test files are located, never opened, so loading a package with
gigabytes of test data stays cheap. Every problem the package has is a ``PackageError`` naming
the file, the key and the line.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

import msgspec

from arena.functions.signature import Signature, SignatureError, parse_signature

from .checker import DefaultValidatorFlags, parse_default_validator_flags, parse_float
from .errors import PackageError, YamlDoc, check_links, read_confined
from .groups import GroupSettings, TestGroup, read_group_settings
from .programs import ProgramSource, find_programs, program_in

__all__ = [
    "DefaultValidatorFlags",
    "GroupSettings",
    "Limits",
    "PackageError",
    "ProblemPackage",
    "ProgramSource",
    "TestCase",
    "TestGroup",
    "infer_time_limit",
    "load_package",
    "parse_default_validator_flags",
]

PackageFormat = Literal["legacy", "2023-07"]
ProblemType = Literal["pass-fail", "scoring"]

# The specification's typical system default is 2048 MiB; this judge packs more runs per host.
DEFAULT_MEMORY_MIB = 1024
_TYPES = frozenset({"pass-fail", "scoring", "multi-pass", "interactive", "submit-answer"})
_VERSION_RE = re.compile(r"\d{4}-\d{2}(?:-draft)?")


class Limits(msgspec.Struct, frozen=True):
    """Resource limits. ``time_limit_s`` is None when the time limit must be inferred from the
    accepted submissions (see ``infer_time_limit``).

    ``time_multiplier`` and ``time_safety_margin`` are legacy ``limits.time_multiplier`` and
    ``limits.time_safety_margin``, or in 2023-07 ``limits.time_multipliers.ac_to_time_limit`` and
    ``time_limit_to_tle``, which mean the same thing (with defaults 2 and 1.5 instead of 5 and 2);
    ``time_resolution_s`` is 2023-07's ``limits.time_resolution``, applied to legacy ones too.
    """

    time_limit_s: float | None = None
    time_multiplier: float = 5.0
    time_safety_margin: float = 2.0
    # An inferred time limit is rounded up to a multiple of this (2023-07 ``time_resolution``).
    time_resolution_s: float = 1.0
    memory_mib: int = DEFAULT_MEMORY_MIB
    output_mib: int = 8
    # The package format gives the source-size limit in KiB, not MiB.
    code_kib: int = 128
    compilation_time_s: int = 60
    compilation_memory_mib: int = 2048
    validation_time_s: int = 60
    validation_memory_mib: int = 2048
    validation_output_mib: int = 8


class TestCase(msgspec.Struct, frozen=True):
    """One ``.in``/``.ans`` pair; ``name`` is its path under ``data/`` without extension."""

    __test__ = False  # keeps pytest from collecting this class as a test

    name: str
    input_path: Path
    answer_path: Path
    group: str
    is_sample: bool


class ProblemPackage(msgspec.Struct, frozen=True):
    """Everything the judge needs to know about a problem, read from its package directory."""

    root: Path
    short_name: str
    name: str
    format: PackageFormat
    type: ProblemType
    interactive: bool
    multi_pass: bool
    custom_validator: bool
    # Legacy: a directory holding one validator program per entry. 2023-07: the program itself.
    # None unless ``custom_validator``.
    output_validator_dir: Path | None
    validator_flags: list[str]
    # Parsed from ``validator_flags``; all defaults when a custom validator gets those flags.
    default_validator: DefaultValidatorFlags
    limits: Limits
    tests: list[TestCase]
    groups: list[TestGroup]
    accepted_submissions: list[Path]
    submissions: dict[str, list[Path]]
    statement_dirs: list[Path]
    # The custom output validator (the interactor of an interactive problem); None unless
    # ``custom_validator``.
    output_validator: ProgramSource | None = None
    # Programs that check every test input (``arena problem check``).
    input_validators: list[ProgramSource] = []
    # A function problem's signature (``arena: {function: ...}`` or ``signature.yaml``): the
    # submission is a function, wrapped by a per-language harness (``arena.functions``).
    function: Signature | None = None


def infer_time_limit(
    slowest_accepted_s: float | None, *, multiplier: float = 2.0, resolution_s: float = 0.1
) -> float:
    """The time limit for a package that sets none, as the package specs define it: the slowest
    accepted run times ``multiplier``, rounded up to a multiple of ``resolution_s`` (at least
    one); ``resolution_s`` (at least 1 s) without accepted runs."""
    if slowest_accepted_s is None:
        return max(1.0, resolution_s)
    if not math.isfinite(slowest_accepted_s) or slowest_accepted_s < 0:
        raise ValueError(f"invalid run time {slowest_accepted_s!r}")
    # Integer microseconds keep float noise out of the rounding: 0.35 * 2 must give 0.7, not 0.8.
    slowest_us = round(slowest_accepted_s * 1_000_000)
    limit_us = round(slowest_us * multiplier)
    step_us = max(1, round(resolution_s * 1_000_000))
    steps = max(1, -(-limit_us // step_us))
    return round(steps * step_us / 1_000_000, 6)


def _format(doc: YamlDoc) -> PackageFormat:
    key = ("problem_format_version",)
    version = doc.string(key)
    if version is None or version in ("legacy", "legacy-icpc"):
        return "legacy"
    # 2025-09 is the finished 2023-07 draft and reads the same for everything loaded here.
    if version == "draft" or (_VERSION_RE.fullmatch(version) and version >= "2023-07"):
        return "2023-07"
    raise doc.error(key, f"unsupported format version {version!r}")


def _name(doc: YamlDoc, short_name: str) -> str:
    raw = doc.get(("name",))
    if isinstance(raw, dict):
        if not raw:
            return short_name
        language = "en" if "en" in raw else next(iter(raw))
        name = raw[language]
        # YAML 1.1 reads some language codes as booleans (`no` for Norwegian), so the value is
        # taken from the map directly rather than looked up again by a string key.
        if not isinstance(name, str | int | float) or isinstance(name, bool):
            raise doc.error(("name", str(language)), "expected a string")
        name = str(name)
    else:
        name = doc.string(("name",))
    return name or short_name


def _type_words(doc: YamlDoc) -> list[str]:
    key = ("type",)
    raw = doc.get(key)
    if raw is None:
        return []
    words = [raw] if isinstance(raw, str) else raw
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise doc.error(key, "expected a string or a list of strings")
    for word in words:
        if word not in _TYPES:
            raise doc.error(key, f"unknown problem type {word!r}")
    if "pass-fail" in words and "scoring" in words:
        raise doc.error(key, "a problem cannot be both pass-fail and scoring")
    if "submit-answer" in words:
        raise doc.error(key, "submit-answer problems are not supported")
    return words


def _validation(doc: YamlDoc) -> tuple[bool | None, bool, bool]:
    """(custom?, interactive?, multi-pass?) from ``validation``; custom is None when unset."""
    key = ("validation",)
    raw = doc.get(key)
    if raw is None:
        return None, False, False
    if isinstance(raw, dict):
        # Early 2023-07 drafts: a map of booleans, which implies a custom validator.
        flags = {str(name).replace("-", ""): value for name, value in raw.items()}
        interactive = flags.get("interactive") is True or flags.get("interaction") is True
        return True, interactive, flags.get("multipass") is True
    if not isinstance(raw, str):
        raise doc.error(key, "expected a string like 'custom interactive'")
    words = raw.split()
    if not words or words[0] not in ("default", "custom"):
        raise doc.error(key, "must start with 'default' or 'custom'")
    options = words[1:]
    if words[0] == "default" and options:
        raise doc.error(key, "'default' takes no options")
    for option in options:
        if option not in ("score", "interactive"):
            raise doc.error(key, f"unknown option {option!r}")
    return words[0] == "custom", "interactive" in options, False


def _validator_dir(root: Path, is_2023: bool) -> Path | None:
    names = ("output_validator", "output_validators")
    for name in names if is_2023 else reversed(names):
        if (root / name).is_dir():
            return root / name
    return None


def _output_validator(directory: Path, root: Path, is_2023: bool) -> ProgramSource:
    if is_2023 and directory.name == "output_validator":
        return program_in(directory, root)
    programs = find_programs(directory, root)
    if programs and all((directory / p.name).is_file() for p in programs):
        # Loose files in output_validators/ (validate.cc next to validate.h) make one program.
        programs = [program_in(directory, root)]
    if not programs:
        raise PackageError(directory, "no output validator program in the directory", root=root)
    if len(programs) > 1:
        names = ", ".join(p.name for p in programs)
        raise PackageError(
            directory, f"only one output validator is supported, found {names}", root=root
        )
    return programs[0]


def _input_validators(root: Path, is_2023: bool) -> list[ProgramSource]:
    names = ("input_validators", "input_format_validators")
    if is_2023:
        names = ("input_validator", "input_validators")
    for name in names:
        if (root / name).is_dir():
            return find_programs(root / name, root)
    return []


def _default_validator(doc: YamlDoc, flags: list[str]) -> DefaultValidatorFlags:
    try:
        return parse_default_validator_flags(flags)
    except ValueError as exc:
        raise doc.error(("validator_flags",), str(exc)) from exc


def _limits(doc: YamlDoc, root: Path, is_2023: bool) -> Limits:
    doc.mapping(("limits",))
    doc.mapping(("limits", "time_multipliers"))
    new_names = (
        ("limits", "time_multipliers", "ac_to_time_limit"),
        ("limits", "time_multipliers", "time_limit_to_tle"),
    )
    old_names = (("limits", "time_multiplier"), ("limits", "time_safety_margin"))
    first, second = (new_names, old_names) if is_2023 else (old_names, new_names)
    defaults = (2.0, 1.5) if is_2023 else (5.0, 2.0)
    multipliers: list[float] = []
    for own, other, default in zip(first, second, defaults, strict=True):
        value = doc.number(own, positive=True)
        if value is None:
            value = doc.number(other, positive=True)
        multipliers.append(default if value is None else value)

    def integer(name: str, default: int) -> int:
        value = doc.integer(("limits", name), positive=True)
        return default if value is None else value

    return Limits(
        time_limit_s=_time_limit(doc, root),
        time_multiplier=multipliers[0],
        time_safety_margin=multipliers[1],
        time_resolution_s=doc.number(("limits", "time_resolution"), positive=True) or 1.0,
        memory_mib=integer("memory", DEFAULT_MEMORY_MIB),
        output_mib=integer("output", 8),
        code_kib=integer("code", 128),
        compilation_time_s=integer("compilation_time", 60),
        compilation_memory_mib=integer("compilation_memory", 2048),
        validation_time_s=integer("validation_time", 60),
        validation_memory_mib=integer("validation_memory", 2048),
        validation_output_mib=integer("validation_output", 8),
    )


def _time_limit(doc: YamlDoc, root: Path) -> float | None:
    from_yaml = doc.number(("limits", "time_limit"), positive=True)
    if from_yaml is not None:
        return from_yaml
    # DOMjudge keeps the limit in a one-number text file.
    path = root / ".timelimit"
    if not path.is_file():
        return None
    text = read_confined(path, root).strip()
    value = parse_float(text)
    if value is None or value <= 0:
        shown = text[:40].decode("utf-8", "replace")
        raise PackageError(path, f"expected a positive number of seconds, got {shown!r}", root=root)
    return value


class _DataScan:
    """Walks ``data/sample`` and ``data/secret``, collecting test cases and group directories."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.tests: list[tuple[tuple[str, ...], TestCase]] = []
        self.groups: list[tuple[tuple[str, ...], Path]] = []

    def _inside(self, path: Path) -> Path:
        # Symlinks are allowed, but only to files of the package: an uploaded package must not
        # make the judge read (and show) files of the host.
        resolved = path.resolve()
        if not resolved.is_relative_to(self.real_root):
            raise PackageError(path, "symbolic link points outside the package", root=self.root)
        return resolved

    def walk(self, directory: Path, parts: tuple[str, ...], ancestors: frozenset[Path]) -> None:
        resolved = self._inside(directory)
        if resolved in ancestors:
            raise PackageError(directory, "symbolic link loop", root=self.root)
        self.groups.append((parts, directory))
        for entry in directory.iterdir():
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir():
                # ``x.files`` holds extra input files of test case ``x``: not a group.
                if not name.endswith(".files"):
                    self.walk(entry, (*parts, name), ancestors | {resolved})
            elif name.endswith(".in") and entry.is_file():
                self._add_test(entry, parts)

    def _add_test(self, input_path: Path, parts: tuple[str, ...]) -> None:
        stem = input_path.name[: -len(".in")]
        answer_path = input_path.with_name(stem + ".ans")
        if not answer_path.is_file():
            raise PackageError(input_path, f"no answer file {stem}.ans next to it", root=self.root)
        self._inside(input_path)
        self._inside(answer_path)
        group = "/".join(parts)
        test = TestCase(f"{group}/{stem}", input_path, answer_path, group, parts[0] == "sample")
        self.tests.append(((*parts, stem), test))


def _scan_data(root: Path) -> tuple[list[TestCase], list[Path]]:
    data_dir = root / "data"
    if not data_dir.is_dir():
        raise PackageError(
            data_dir, "missing: a problem package needs a data/ directory", root=root
        )
    tests: list[TestCase] = []
    group_dirs: list[Path] = []
    for top in ("sample", "secret"):
        if not (data_dir / top).is_dir():
            continue
        scan = _DataScan(root)
        scan.walk(data_dir / top, (top,), frozenset())
        # Sorting on path components, not the joined name, keeps each directory's entries in
        # name order even when one name is a prefix of another ("a" before "a.b" before "a/x").
        tests.extend(test for _, test in sorted(scan.tests, key=lambda item: item[0]))
        group_dirs.extend(path for _, path in sorted(scan.groups, key=lambda item: item[0]))
    if not tests:
        raise PackageError(data_dir, "no test cases (.in/.ans pairs) in data/secret", root=root)
    return tests, group_dirs


def _submissions(root: Path) -> dict[str, list[Path]]:
    directory = root / "submissions"
    if not directory.is_dir():
        return {}
    found: dict[str, list[Path]] = {}
    for folder in sorted(directory.iterdir()):
        if folder.is_dir() and not folder.name.startswith("."):
            found[folder.name] = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    return found


def load_package(root: Path) -> ProblemPackage:
    """Read the problem package in directory ``root``; raises ``PackageError`` if it is unusable."""
    root = Path(root)
    if not root.is_dir():
        raise PackageError(root, "not a problem package directory")
    # resolve() so that a root given as "." still has its directory name.
    short_name = root.resolve().name
    check_links(root)
    yaml_path = root / "problem.yaml"
    # A legacy package may leave out problem.yaml entirely: every setting has a default.
    doc = YamlDoc.load(yaml_path, root) if yaml_path.is_file() else YamlDoc.empty(yaml_path, root)
    package_format = _format(doc)
    is_2023 = package_format == "2023-07"

    types = _type_words(doc)
    custom, interactive, multi_pass = _validation(doc)
    interactive = interactive or "interactive" in types
    multi_pass = multi_pass or "multi-pass" in types
    validator_dir = _validator_dir(root, is_2023)
    # Legacy packages opt in with `validation: custom`; 2023-07 ones by having the directory.
    custom_validator = bool(custom) or (is_2023 and validator_dir is not None)
    if (interactive or multi_pass) and not custom_validator:
        kind = "interactive" if interactive else "multi-pass"
        key = ("validation",) if doc.has(("validation",)) else ("type",)
        raise doc.error(key, f"{kind} problems need a custom output validator")
    if custom_validator and validator_dir is None:
        expected = "output_validator/" if is_2023 else "output_validators/"
        key = ("validation",) if doc.has(("validation",)) else ("type",)
        raise doc.error(key, f"a custom output validator needs an {expected} directory")

    validator_flags = doc.flags(("validator_flags",)) or []
    default_validator = (
        DefaultValidatorFlags() if custom_validator else _default_validator(doc, validator_flags)
    )
    tests, group_dirs = _scan_data(root)
    groups = read_group_settings(root / "data", group_dirs, root, is_2023=is_2023)
    submissions = _submissions(root)
    statement_names = (
        ("statement", "problem_statement") if is_2023 else ("problem_statement", "statement")
    )

    return ProblemPackage(
        root=root,
        short_name=short_name,
        name=_name(doc, short_name),
        format=package_format,
        type="scoring" if "scoring" in types else "pass-fail",
        interactive=interactive,
        multi_pass=multi_pass,
        custom_validator=custom_validator,
        output_validator_dir=validator_dir if custom_validator else None,
        validator_flags=validator_flags,
        default_validator=default_validator,
        limits=_limits(doc, root, is_2023),
        tests=tests,
        groups=groups,
        accepted_submissions=submissions.get("accepted", []),
        submissions=submissions,
        statement_dirs=[root / name for name in statement_names if (root / name).is_dir()],
        # Multi-pass problems are not judged yet; their validator is not looked at.
        output_validator=(
            _output_validator(validator_dir, root, is_2023)
            if custom_validator and validator_dir is not None and not multi_pass
            else None
        ),
        input_validators=_input_validators(root, is_2023),
        function=_function(doc, root),
    )


def _function(doc: YamlDoc, root: Path) -> Signature | None:
    """The function signature from ``signature.yaml``, else from problem.yaml's ``arena`` key."""
    path = root / "signature.yaml"
    source: YamlDoc = doc
    key: tuple[str, ...] = ("arena", "function")
    if path.is_file():
        # Errors in signature.yaml name that file.
        source, key = YamlDoc.load(path, root), ("function",)
        data = source.data
    else:
        arena = doc.mapping(("arena",))
        if arena is None:
            return None
        if "function" not in arena:
            raise doc.error(("arena",), "expected `function:` (a function problem's signature)")
        data = arena["function"]
    try:
        return parse_signature(data)
    except SignatureError as exc:
        raise source.error(key, str(exc)) from exc
