"""Loading problem packages built in tmp_path: legacy and 2023-07 formats."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest

from arena.problems.checker import DefaultValidatorFlags
from arena.problems.errors import PackageError
from arena.problems.groups import GroupSettings
from arena.problems.package import (
    DEFAULT_MEMORY_MIB,
    Limits,
    ProblemPackage,
    infer_time_limit,
    load_package,
)


def make(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> text) under ``root``; a path ending in "/" makes a directory."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def cases(*names: str) -> dict[str, str]:
    """An .in/.ans pair under data/ for each name."""
    files: dict[str, str] = {}
    for name in names:
        files[f"data/{name}.in"] = f"input {name}\n"
        files[f"data/{name}.ans"] = f"answer {name}\n"
    return files


def load(tmp_path: Path, files: dict[str, str], name: str = "hello") -> ProblemPackage:
    return load_package(make(tmp_path / name, files))


def error(tmp_path: Path, files: dict[str, str]) -> PackageError:
    with pytest.raises(PackageError) as info:
        load(tmp_path, files)
    return info.value


# --- legacy ------------------------------------------------------------------------------------


def test_legacy_without_problem_yaml_uses_defaults(tmp_path: Path) -> None:
    package = load(tmp_path, cases("secret/1"))
    assert package.short_name == "hello"
    assert package.name == "hello"
    assert package.format == "legacy"
    assert package.type == "pass-fail"
    assert (package.interactive, package.multi_pass, package.custom_validator) == (
        False,
        False,
        False,
    )
    assert package.output_validator_dir is None
    assert package.validator_flags == []
    assert package.default_validator == DefaultValidatorFlags()
    assert package.limits == Limits()
    assert package.limits.memory_mib == DEFAULT_MEMORY_MIB == 1024
    assert package.limits.time_limit_s is None
    assert package.limits.time_multiplier == 5.0
    assert package.limits.time_safety_margin == 2.0
    assert [t.name for t in package.tests] == ["secret/1"]
    test = package.tests[0]
    assert test.input_path == tmp_path / "hello/data/secret/1.in"
    assert test.answer_path == tmp_path / "hello/data/secret/1.ans"
    assert (test.group, test.is_sample) == ("secret", False)
    assert [(g.name, g.settings) for g in package.groups] == [("secret", GroupSettings())]
    assert package.submissions == {}
    assert package.accepted_submissions == []
    assert package.statement_dirs == []


def test_legacy_full_problem_yaml(tmp_path: Path) -> None:
    yaml = """\
name: Hello World
type: scoring
validation: custom interactive score
validator_flags: 'mode "two words" -x'
limits:
  time_multiplier: 3
  time_safety_margin: 1.5
  memory: 512
  output: 16
  code: 256
  compilation_time: 30
  compilation_memory: 1000
  validation_time: 20
  validation_memory: 900
  validation_output: 4
"""
    package = load(
        tmp_path,
        {
            "problem.yaml": yaml,
            "output_validators/v/v.py": "",
            "problem_statement/problem.en.tex": "",
            **cases("secret/1"),
        },
    )
    root = tmp_path / "hello"
    assert package.name == "Hello World"
    assert package.type == "scoring"
    assert package.interactive and package.custom_validator and not package.multi_pass
    assert package.output_validator_dir == root / "output_validators"
    assert package.validator_flags == ["mode", "two words", "-x"]
    # The flags belong to the custom validator, so the default one is not configured by them.
    assert package.default_validator == DefaultValidatorFlags()
    assert package.limits == Limits(
        time_limit_s=None,
        time_multiplier=3.0,
        time_safety_margin=1.5,
        memory_mib=512,
        output_mib=16,
        code_kib=256,
        compilation_time_s=30,
        compilation_memory_mib=1000,
        validation_time_s=20,
        validation_memory_mib=900,
        validation_output_mib=4,
    )
    assert package.statement_dirs == [root / "problem_statement"]


def test_legacy_default_validation_parses_flags(tmp_path: Path) -> None:
    yaml = "validation: default\nvalidator_flags: float_tolerance 1e-6 case_sensitive\n"
    package = load(tmp_path, {"problem.yaml": yaml, "output_validators/": "", **cases("secret/1")})
    assert package.default_validator == DefaultValidatorFlags(True, False, 1e-6, 1e-6)
    # Legacy ignores output_validators/ unless validation says custom.
    assert not package.custom_validator
    assert package.output_validator_dir is None


def test_unknown_default_validator_flag(tmp_path: Path) -> None:
    yaml = "name: x\nvalidator_flags: float_tolerance 1e-6 ignore_case\n"
    err = error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})
    assert err.path == tmp_path / "hello/problem.yaml"
    assert err.field == "validator_flags"
    assert err.line == 2
    assert str(err) == (
        "problem.yaml:2: validator_flags: "
        "unknown flag 'ignore_case' for the default output validator"
    )


def test_legacy_custom_validation_needs_directory(tmp_path: Path) -> None:
    err = error(tmp_path, {"problem.yaml": "validation: custom\n", **cases("secret/1")})
    assert str(err) == (
        "problem.yaml:1: validation: "
        "a custom output validator needs an output_validators/ directory"
    )


@pytest.mark.parametrize(
    ("validation", "message"),
    [
        ("strict", "must start with 'default' or 'custom'"),
        ("default interactive", "'default' takes no options"),
        ("custom fancy", "unknown option 'fancy'"),
    ],
)
def test_bad_validation(tmp_path: Path, validation: str, message: str) -> None:
    err = error(tmp_path, {"problem.yaml": f"validation: {validation}\n", **cases("secret/1")})
    assert (err.field, err.line, err.message) == ("validation", 1, message)


# --- 2023-07 -----------------------------------------------------------------------------------


def test_2023_07_package(tmp_path: Path) -> None:
    yaml = """\
problem_format_version: 2023-07-draft
name:
  de: Hallo Welt
  en: Hello World
type: [scoring, interactive]
limits:
  time_limit: 2.5
  time_multipliers:
    ac_to_time_limit: 3
    time_limit_to_tle: 1.2
  memory: 256
validator_flags: [--strict, 1.0e-6]
"""
    package = load(
        tmp_path,
        {
            "problem.yaml": yaml,
            "output_validator/validate.py": "",
            "statement/problem.en.md": "",
            "problem_statement/problem.en.tex": "",
            **cases("sample/1", "secret/1"),
        },
    )
    root = tmp_path / "hello"
    assert package.format == "2023-07"
    assert package.name == "Hello World"
    assert package.type == "scoring"
    assert package.interactive and package.custom_validator and not package.multi_pass
    assert package.output_validator_dir == root / "output_validator"
    assert package.validator_flags == ["--strict", "1e-06"]
    assert package.limits.time_limit_s == 2.5
    assert package.limits.time_multiplier == 3.0
    assert package.limits.time_safety_margin == 1.2
    assert package.limits.memory_mib == 256
    assert package.statement_dirs == [root / "statement", root / "problem_statement"]


def test_2023_07_defaults(tmp_path: Path) -> None:
    yaml = "problem_format_version: 2023-07\nname: {fr: Bonjour, de: Hallo}\n"
    package = load(tmp_path, {"problem.yaml": yaml, **cases("secret/a")})
    assert package.format == "2023-07"
    assert package.name == "Bonjour"  # no English name: the first one
    assert package.type == "pass-fail"
    assert package.limits.time_limit_s is None
    assert (package.limits.time_multiplier, package.limits.time_safety_margin) == (2.0, 1.5)
    assert not package.custom_validator


def test_name_map_with_yaml_boolean_language_code(tmp_path: Path) -> None:
    # `no` (Norwegian) is a boolean to YAML 1.1.
    yaml = "problem_format_version: 2023-07\nname:\n  no: Hei verden\n"
    assert load(tmp_path, {"problem.yaml": yaml, **cases("secret/1")}).name == "Hei verden"


def test_2023_07_validator_directory_makes_it_custom(tmp_path: Path) -> None:
    yaml = "problem_format_version: 2023-07\ntype: pass-fail\nvalidator_flags: anything goes\n"
    package = load(
        tmp_path, {"problem.yaml": yaml, "output_validator/run": "", **cases("secret/1")}
    )
    assert package.custom_validator
    assert package.validator_flags == ["anything", "goes"]
    assert package.default_validator == DefaultValidatorFlags()


def test_2023_07_multi_pass(tmp_path: Path) -> None:
    yaml = "problem_format_version: 2023-07\ntype: [multi-pass]\n"
    package = load(tmp_path, {"problem.yaml": yaml, "output_validator/": "", **cases("secret/1")})
    assert package.multi_pass and not package.interactive


def test_interactive_without_validator(tmp_path: Path) -> None:
    yaml = "problem_format_version: 2023-07\nname: x\ntype:\n  - interactive\n"
    err = error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})
    assert str(err) == "problem.yaml:3: type: interactive problems need a custom output validator"


@pytest.mark.parametrize(
    ("type_", "message"),
    [
        ("[pass-fail, scoring]", "a problem cannot be both pass-fail and scoring"),
        ("submit-answer", "submit-answer problems are not supported"),
        ("[scoring, fancy]", "unknown problem type 'fancy'"),
        ("{a: 1}", "expected a string or a list of strings"),
    ],
)
def test_bad_type(tmp_path: Path, type_: str, message: str) -> None:
    yaml = f"problem_format_version: 2023-07\ntype: {type_}\n"
    err = error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})
    assert (err.field, err.line, err.message) == ("type", 2, message)


def test_later_format_versions_read_as_2023_07(tmp_path: Path) -> None:
    package = load(
        tmp_path, {"problem.yaml": "problem_format_version: 2025-09\n", **cases("secret/1")}
    )
    assert package.format == "2023-07"


@pytest.mark.parametrize("version", ["legacy", "legacy-icpc"])
def test_explicit_legacy_version(tmp_path: Path, version: str) -> None:
    yaml = f"problem_format_version: {version}\n"
    assert load(tmp_path, {"problem.yaml": yaml, **cases("secret/1")}).format == "legacy"


def test_unsupported_version(tmp_path: Path) -> None:
    err = error(tmp_path, {"problem.yaml": "problem_format_version: '1.0'\n", **cases("secret/1")})
    assert str(err) == "problem.yaml:1: problem_format_version: unsupported format version '1.0'"


# --- time limits -------------------------------------------------------------------------------


def test_domjudge_timelimit_file(tmp_path: Path) -> None:
    package = load(tmp_path, {".timelimit": "1.5\n", **cases("secret/1")})
    assert package.limits.time_limit_s == 1.5


def test_problem_yaml_time_limit_wins_over_timelimit_file(tmp_path: Path) -> None:
    yaml = "problem_format_version: 2023-07\nlimits:\n  time_limit: 3\n"
    package = load(tmp_path, {"problem.yaml": yaml, ".timelimit": "1.5", **cases("secret/1")})
    assert package.limits.time_limit_s == 3.0


@pytest.mark.parametrize("text", ["fast", "0", "-1", ""])
def test_bad_timelimit_file(tmp_path: Path, text: str) -> None:
    err = error(tmp_path, {".timelimit": text, **cases("secret/1")})
    assert err.path == tmp_path / "hello/.timelimit"
    assert str(err).startswith(".timelimit: expected a positive number of seconds")


@pytest.mark.parametrize(
    ("slowest", "limit"),
    [
        (None, 1.0),
        (0.35, 0.7),
        (0.351, 0.8),
        (0.5, 1.0),
        (1.234, 2.5),
        (0.05, 0.1),
        (0.0, 0.1),
        (3.0, 6.0),
    ],
)
def test_infer_time_limit_in_tenths(slowest: float | None, limit: float) -> None:
    assert infer_time_limit(slowest, multiplier=2.0, resolution_s=0.1) == limit


def test_infer_time_limit_as_the_specs_define_it() -> None:
    # Legacy: times 5, whole seconds (at least one).
    assert infer_time_limit(0.03, multiplier=5, resolution_s=1.0) == 1.0
    assert infer_time_limit(0.25, multiplier=5, resolution_s=1.0) == 2.0
    # 2023-07: times 2, in steps of the package resolution.
    assert infer_time_limit(0.35, multiplier=1.1, resolution_s=0.1) == 0.4  # 0.385, not 0.5
    assert infer_time_limit(0.7, multiplier=2, resolution_s=0.5) == 1.5
    assert infer_time_limit(None, multiplier=2, resolution_s=2.0) == 2.0


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_infer_time_limit_rejects_nonsense(bad: float) -> None:
    with pytest.raises(ValueError):
        infer_time_limit(bad)


# --- test data ---------------------------------------------------------------------------------


def test_order_samples_first_then_secret_lexicographic_and_nested(tmp_path: Path) -> None:
    names = [
        "secret/g2/01",
        "secret/g10/01",
        "secret/g1/02",
        "secret/g1/01",
        "secret/g1/sub/01",
        "secret/a",
        "secret/a.b",
        "secret/zz",
        "sample/2",
        "sample/10",
    ]
    package = load(tmp_path, cases(*names))
    assert [t.name for t in package.tests] == [
        "sample/10",
        "sample/2",
        "secret/a",
        "secret/a.b",
        "secret/g1/01",
        "secret/g1/02",
        "secret/g1/sub/01",
        "secret/g10/01",
        "secret/g2/01",
        "secret/zz",
    ]
    assert [(t.group, t.is_sample) for t in package.tests][:3] == [
        ("sample", True),
        ("sample", True),
        ("secret", False),
    ]
    assert package.tests[6].group == "secret/g1/sub"
    assert [g.name for g in package.groups] == [
        "sample",
        "secret",
        "secret/g1",
        "secret/g1/sub",
        "secret/g10",
        "secret/g2",
    ]


def test_other_files_are_ignored(tmp_path: Path) -> None:
    files = {
        **cases("sample/1", "secret/1"),
        "data/sample/1.interaction": "> 1\n",
        "data/sample/2.interaction": "> 2\n",
        "data/secret/1.hint": "",
        "data/secret/1.desc": "",
        "data/secret/1.png": "",
        "data/secret/1.args": "",
        "data/secret/1.files/input.txt": "",
        "data/secret/.hidden.in": "",
        "data/secret/.git/x.in": "",
        "data/secret/orphan.ans": "",
        "data/secret/notes.txt": "",
        "data/invalid_input/bad.in": "",
    }
    package = load(tmp_path, files)
    assert [t.name for t in package.tests] == ["sample/1", "secret/1"]
    assert [g.name for g in package.groups] == ["sample", "secret"]


def test_missing_answer_names_the_file(tmp_path: Path) -> None:
    err = error(tmp_path, {**cases("secret/01"), "data/secret/03.in": "3\n"})
    assert err.path == tmp_path / "hello/data/secret/03.in"
    assert str(err) == "data/secret/03.in: no answer file 03.ans next to it"


def test_sample_only_is_allowed(tmp_path: Path) -> None:
    package = load(tmp_path, cases("sample/1"))
    assert [t.name for t in package.tests] == ["sample/1"]


def test_no_tests_at_all(tmp_path: Path) -> None:
    err = error(tmp_path, {"data/sample/": "", "data/secret/readme.txt": ""})
    assert err.path == tmp_path / "hello/data"
    assert "no test cases" in str(err)


def test_missing_data_directory(tmp_path: Path) -> None:
    err = error(tmp_path, {"problem.yaml": "name: x\n"})
    assert str(err) == "data: missing: a problem package needs a data/ directory"


def test_short_name_of_relative_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path / "hello", cases("secret/1"))
    monkeypatch.chdir(tmp_path / "hello")
    package = load_package(Path())
    assert (package.short_name, package.name) == ("hello", "hello")
    assert package.tests[0].input_path == Path("data/secret/1.in")


def test_missing_package_directory(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="not a problem package directory"):
        load_package(tmp_path / "nope")


def test_symlink_inside_package_is_followed(tmp_path: Path) -> None:
    root = make(tmp_path / "hello", cases("secret/1"))
    (root / "data/secret/2.in").symlink_to(root / "data/secret/1.in")
    (root / "data/secret/2.ans").symlink_to(root / "data/secret/1.ans")
    assert [t.name for t in load_package(root).tests] == ["secret/1", "secret/2"]


def test_symlink_out_of_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("host secret\n")
    root = make(tmp_path / "hello", cases("secret/1"))
    (root / "data/secret/2.in").write_text("x\n")
    (root / "data/secret/2.ans").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(PackageError, match="outside the package") as info:
        load_package(root)
    assert info.value.path == root / "data/secret/2.ans"


def test_symlinked_directory_loop_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path / "hello", cases("secret/g/1"))
    (root / "data/secret/g/loop").symlink_to(root / "data/secret/g")
    with pytest.raises(PackageError, match="symbolic link loop"):
        load_package(root)


# --- group settings ----------------------------------------------------------------------------


def test_testdata_yaml_inheritance(tmp_path: Path) -> None:
    files = {
        **cases("sample/1", "secret/g1/1", "secret/g1/deep/1", "secret/g2/1"),
        "data/testdata.yaml": "on_reject: continue\n",
        "data/secret/testdata.yaml": (
            "range: 0 100\ngrader_flags: min ignore_sample\naccept_score: 1.5\n"
            "input_validator_flags: --max 10\n"
        ),
        "data/secret/g1/testdata.yaml": (
            "accept_score: 10\noutput_validator_flags: float_tolerance 1e-4\ngrader_flags: sum\n"
        ),
        "data/secret/g1/deep/testdata.yaml": "on_reject: break\n",
    }
    groups = {g.name: g.settings for g in load(tmp_path, files).groups}
    assert groups["sample"] == GroupSettings(on_reject="continue")
    secret = GroupSettings(
        accept_score=1.5,
        range=(0.0, 100.0),
        on_reject="continue",
        grader_flags=["min", "ignore_sample"],
        score_aggregation="min",
        ignore_sample=True,
        input_validator_flags=["--max", "10"],
    )
    assert groups["secret"] == secret
    assert groups["secret/g2"] == secret
    g1 = GroupSettings(
        accept_score=10.0,
        range=(0.0, 100.0),
        on_reject="continue",
        grader_flags=["sum"],
        score_aggregation="sum",
        input_validator_flags=["--max", "10"],
        output_validator_flags=["float_tolerance", "1e-4"],
    )
    assert groups["secret/g1"] == g1
    assert groups["secret/g1/deep"].on_reject == "break"
    assert groups["secret/g1/deep"].accept_score == 10.0
    assert groups["secret/g1/deep"].output_validator_flags == ["float_tolerance", "1e-4"]


def test_legacy_grader_flags(tmp_path: Path) -> None:
    files = {
        **cases("secret/1"),
        "data/secret/testdata.yaml": "grader_flags: first_error accept_if_any_accepted max avg\n",
    }
    settings = load(tmp_path, files).groups[0].settings
    assert settings.score_aggregation == "avg"  # the last aggregation flag wins
    assert settings.accept_if_any_accepted
    assert not settings.ignore_sample
    assert settings.grader_flags == ["first_error", "accept_if_any_accepted", "max", "avg"]


def test_test_group_yaml_2023_07(tmp_path: Path) -> None:
    files = {
        "problem.yaml": "problem_format_version: 2023-07\ntype: scoring\n",
        **cases("sample/1", "secret/g1/1", "secret/g2/1"),
        "data/secret/test_group.yaml": (
            "max_score: 100\nscore_aggregation: sum\noutput_validator_args: [case_sensitive]\n"
        ),
        "data/secret/g1/test_group.yaml": (
            "max_score: 40\nscore_aggregation: min\ninput_validator_args:\n"
            "  val1: [--small]\n  val2: --tiny -n\nfull_feedback: true\n"
        ),
        "data/secret/g2/test_group.yaml": "max_score: unbounded\n",
        # Only read in legacy packages.
        "data/secret/g2/testdata.yaml": "accept_score: 5\n",
    }
    groups = {g.name: g.settings for g in load(tmp_path, files).groups}
    assert groups["sample"] == GroupSettings()
    assert groups["secret"] == GroupSettings(
        max_score=100.0, score_aggregation="sum", output_validator_flags=["case_sensitive"]
    )
    assert groups["secret/g1"] == GroupSettings(
        max_score=40.0,
        score_aggregation="min",
        input_validator_flags={"val1": ["--small"], "val2": ["--tiny", "-n"]},
        output_validator_flags=["case_sensitive"],
        full_feedback=True,
    )
    # max_score and score_aggregation describe one group: not inherited.
    assert groups["secret/g2"] == GroupSettings(
        max_score=math.inf, output_validator_flags=["case_sensitive"]
    )


def test_legacy_input_validator_flags_map(tmp_path: Path) -> None:
    files = {
        **cases("secret/1"),
        "data/secret/testdata.yaml": "input_validator_flags:\n  name: check\n  flags: -a -b\n",
    }
    settings = load(tmp_path, files).groups[0].settings
    assert settings.input_validator_flags == {"check": ["-a", "-b"]}


@pytest.mark.parametrize(
    ("yaml", "field", "line", "message"),
    [
        ("accept_score: 1\nrange: 0\n", "range", 2, "expected two numbers"),
        ("range: 5 1\n", "range", 1, "expected two numbers"),
        ("on_reject: stop\n", "on_reject", 1, "expected 'break' or 'continue'"),
        ("score_aggregation: avg2\n", "score_aggregation", 1, "expected one of"),
        ("accept_score: lots\n", "accept_score", 1, "expected a number"),
        ("accept_score: 1: 2\n", None, 1, "invalid YAML"),
        ('grader_flags: "a \'b"\n', "grader_flags", 1, "cannot split flags"),
    ],
)
def test_bad_testdata_yaml(
    tmp_path: Path, yaml: str, field: str | None, line: int, message: str
) -> None:
    err = error(tmp_path, {**cases("secret/1"), "data/secret/testdata.yaml": yaml})
    assert err.path == tmp_path / "hello/data/secret/testdata.yaml"
    assert (err.field, err.line) == (field, line)
    assert err.message.startswith(message)
    assert str(err).startswith(f"data/secret/testdata.yaml:{line}: ")


def test_range_with_infinities(tmp_path: Path) -> None:
    files = {**cases("secret/1"), "data/secret/testdata.yaml": "range: -inf +inf\n"}
    assert load(tmp_path, files).groups[0].settings.range == (-math.inf, math.inf)


# --- bad problem.yaml --------------------------------------------------------------------------


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    yaml = "name: Hello\nlimits:\n  memory: [1, 2\ntype: scoring\n"
    err = error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})
    assert err.path == tmp_path / "hello/problem.yaml"
    assert err.line == 4
    assert str(err).startswith("problem.yaml:4: invalid YAML: ")


def test_wrong_type_names_field_and_line(tmp_path: Path) -> None:
    yaml = "name: Hello\n\nlimits:\n  time_multiplier: fast\n"
    err = error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})
    assert str(err) == "problem.yaml:4: limits.time_multiplier: expected a number"
    assert (err.field, err.line, err.message) == (
        "limits.time_multiplier",
        4,
        "expected a number",
    )


@pytest.mark.parametrize(
    ("yaml", "text"),
    [
        ("- a\n- b\n", "problem.yaml:1: expected a mapping of keys to values"),
        ("limits: 5\n", "problem.yaml:1: limits: expected a mapping"),
        ("limits:\n  memory: -5\n", "problem.yaml:2: limits.memory: expected a positive integer"),
        ("limits:\n  memory: 1.5\n", "problem.yaml:2: limits.memory: expected an integer"),
        ("limits:\n  memory: true\n", "problem.yaml:2: limits.memory: expected an integer"),
        (
            "limits: {time_limit: 0}\n",
            "problem.yaml:1: limits.time_limit: expected a positive number",
        ),
        ("name: [a]\n", "problem.yaml:1: name: expected a string"),
        ("name:\n  en: [a]\n", "problem.yaml:2: name.en: expected a string"),
        (
            "validator_flags: {a: 1}\n",
            "problem.yaml:1: validator_flags: expected a string or a list of strings",
        ),
    ],
)
def test_bad_problem_yaml_values(tmp_path: Path, yaml: str, text: str) -> None:
    assert str(error(tmp_path, {"problem.yaml": yaml, **cases("secret/1")})) == text


def test_problem_yaml_not_utf8(tmp_path: Path) -> None:
    root = make(tmp_path / "hello", cases("secret/1"))
    (root / "problem.yaml").write_bytes(b"name: \xff\n")
    with pytest.raises(PackageError, match="not valid UTF-8"):
        load_package(root)


def test_empty_problem_yaml_is_all_defaults(tmp_path: Path) -> None:
    package = load(tmp_path, {"problem.yaml": "", **cases("secret/1")})
    assert (package.name, package.format, package.limits) == ("hello", "legacy", Limits())


# --- submissions -------------------------------------------------------------------------------


def test_submissions(tmp_path: Path) -> None:
    files = {
        **cases("secret/1"),
        "submissions/accepted/sol.py": "",
        "submissions/accepted/a.cpp": "",
        "submissions/accepted/multi/Main.java": "",
        "submissions/accepted/.gitignore": "",
        "submissions/wrong_answer/wa.c": "",
        "submissions/time_limit_exceeded/slow.py": "",
        "submissions/run_time_error/": "",
        "submissions/README.md": "",
    }
    package = load(tmp_path, files)
    sub = tmp_path / "hello/submissions"
    assert package.accepted_submissions == [
        sub / "accepted/a.cpp",
        sub / "accepted/multi",
        sub / "accepted/sol.py",
    ]
    assert package.submissions == {
        "accepted": package.accepted_submissions,
        "run_time_error": [],
        "time_limit_exceeded": [sub / "time_limit_exceeded/slow.py"],
        "wrong_answer": [sub / "wrong_answer/wa.c"],
    }


# --- PackageError ------------------------------------------------------------------------------


def test_package_error_formatting(tmp_path: Path) -> None:
    root = tmp_path / "p"
    assert str(PackageError(root / "a/b.yaml", "bad", "x.y", 3, root)) == "a/b.yaml:3: x.y: bad"
    assert str(PackageError(root / "a.yaml", "bad", root=root)) == "a.yaml: bad"
    assert str(PackageError(Path("/elsewhere/f"), "bad", root=root)) == "/elsewhere/f: bad"
    assert str(PackageError(root, "bad", root=root)) == f"{root}: bad"


def test_package_error_pickles(tmp_path: Path) -> None:
    err = PackageError(tmp_path / "problem.yaml", "bad", "name", 2, tmp_path)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.path, copy.message, copy.field, copy.line, copy.root) == (
        err.path,
        "bad",
        "name",
        2,
        tmp_path,
    )
    assert str(copy) == "problem.yaml:2: name: bad"


# --- files a package names stay in the package (issue 18) ---------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [(".timelimit", "2.5\n"), ("problem.yaml", "name: x\n")]
)
def test_named_file_symlink_out_of_package_is_refused(
    tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / "host.txt").write_text(content)
    root = make(tmp_path / "hello", cases("secret/1"))
    (root / name).symlink_to(tmp_path / "host.txt")
    with pytest.raises(PackageError) as info:
        load_package(root)
    assert str(info.value) == f"{name}: symbolic link points outside the package"


def test_any_symlink_leaving_the_package_is_refused(tmp_path: Path) -> None:
    # Nothing names attachments/ yet; a link out of the package is refused anyway, and so is a
    # directory link (which a walk that follows links would leave the package through).
    root = make(tmp_path / "hello", cases("secret/1"))
    (root / "attachments").mkdir()
    (root / "attachments/notes.txt").symlink_to("/etc/hostname")
    with pytest.raises(PackageError, match=r"attachments/notes\.txt: symbolic link points outside"):
        load_package(root)
    (root / "attachments/notes.txt").unlink()
    (root / "attachments/etc").symlink_to("/etc")
    with pytest.raises(PackageError, match="attachments/etc: symbolic link points outside"):
        load_package(root)


BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
)


def test_yaml_alias_expansion_is_bounded(tmp_path: Path) -> None:
    root = make(tmp_path / "hello", {**cases("secret/1"), "problem.yaml": BILLION_LAUGHS + "\n"})
    with pytest.raises(PackageError, match="expands to more than 100000 values") as info:
        load_package(root)
    assert info.value.display_path() == "problem.yaml"


def test_yaml_recursive_alias_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path / "hello", {**cases("secret/1"), "problem.yaml": "a: &a [*a]\n"})
    with pytest.raises(PackageError, match=r"problem.yaml(:\d+)?: .*"):
        load_package(root)


def test_yaml_with_a_few_aliases_still_loads(tmp_path: Path) -> None:
    text = "limits: &l {memory: 512}\nextra: *l\nname: Hello\n"
    root = make(tmp_path / "hello", {**cases("secret/1"), "problem.yaml": text})
    assert load_package(root).limits.memory_mib == 512
