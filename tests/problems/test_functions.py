"""Function problems (arena.functions): signatures, stubs and harnesses as pure code; the example
function problems load with their signature, and their solutions are judged in every language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support import make_problem

from arena.functions import HARNESSES, SignatureError, parse_signature, stub, wrap
from arena.problems.errors import PackageError
from arena.problems.package import load_package
from arena.protocol import Verdict

PROBLEMS = Path(__file__).resolve().parents[2] / "examples" / "problems"
FUNCTION_EXAMPLES = ("maxsubarray", "twosum")
EXTENSION_LANGUAGE = {
    ".py": "python3",
    ".cpp": "cpp",
    ".java": "java",
    ".js": "javascript",
    ".ts": "typescript",
    ".kt": "kotlin",
    ".go": "go",
}

TWO_SUM = {
    "name": "two_sum",
    "params": [{"name": "nums", "type": "int[]"}, {"name": "target", "type": "int"}],
    "returns": "int[]",
}
EVERY_TYPE = {
    "function": {
        "name": "mix_all",
        "params": [
            {"name": "count", "type": "int"},
            {"name": "ratio", "type": "float"},
            {"name": "flag", "type": "bool"},
            {"name": "word", "type": "string"},
            {"name": "grid", "type": "int[][]"},
            {"name": "words", "type": "string[]"},
            {"name": "marks", "type": "bool[][]"},
            {"name": "weights", "type": "float[]"},
        ],
        "returns": "string[][]",
    }
}


def test_a_signature_parses_with_or_without_its_function_key() -> None:
    sig = parse_signature(TWO_SUM)
    assert sig == parse_signature({"function": TWO_SUM})
    assert sig.camel() == "twoSum"
    assert [str(p.type) for p in sig.params] == ["int[]", "int"]
    assert str(sig.returns) == "int[]"
    assert parse_signature(sig.to_dict()) == sig  # as stored in problem_versions


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "TwoSum"}, "lower_snake_case"),
        ({"name": "class"}, "keyword"),
        ({"name": "arena_run"}, "reserved for the harness"),
        ({"returns": "int[][][]"}, "at most 2-D"),
        ({"returns": "long"}, "unknown type"),
        ({"returns": 5}, "must be a string"),
        ({"params": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}, "must differ"),
        ({"params": [{"name": "a"}]}, "exactly name and type"),
        ({"params": "a: int"}, "must be a list"),
        ({"extra": 1}, "unknown keys"),
    ],
)
def test_bad_signatures_are_refused_with_a_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SignatureError, match=message):
        parse_signature({**TWO_SUM, **change})


def test_every_harness_has_a_stub_with_the_signature() -> None:
    sig = parse_signature(TWO_SUM)
    expected = {
        "python": "def two_sum(nums: list[int], target: int) -> list[int]:",
        "cpp": "vector<long long> twoSum(vector<long long>& nums, long long target)",
        "java": "public long[] twoSum(long[] nums, long target)",
        "kotlin": "fun twoSum(nums: LongArray, target: Long): LongArray",
        "go": "func twoSum(nums []int, target int) []int",
        "javascript": "function twoSum(nums, target)",
        "typescript": "function twoSum(nums: number[], target: number): number[]",
    }
    assert set(expected) == set(HARNESSES)
    for harness, line in expected.items():
        assert line in stub(sig, harness), harness


def test_stubs_spell_every_type() -> None:
    sig = parse_signature(EVERY_TYPE)
    assert "grid: list[list[int]]" in stub(sig, "python")
    assert "-> list[list[str]]" in stub(sig, "python")
    assert "vector<vector<string>> mixAll(long long count, double ratio, bool flag" in stub(
        sig, "cpp"
    )
    assert "vector<vector<bool>>& marks" in stub(sig, "cpp")
    assert "String[][] mixAll(long count, double ratio, boolean flag, String word" in stub(
        sig, "java"
    )
    kotlin = stub(sig, "kotlin")
    assert "grid: Array<LongArray>, words: Array<String>, marks: Array<BooleanArray>" in kotlin
    assert "): Array<Array<String>>" in kotlin
    assert "weights []float64) [][]string" in stub(sig, "go")


def test_harnesses_keep_the_source_and_call_the_function() -> None:
    sig = parse_signature(TWO_SUM)
    source = 'package main\n\nimport "sort"\n\nfunc twoSum(nums []int, target int) []int {}\n'
    program = wrap(sig, "go", source)
    # Go's imports must come before any declaration: the harness's go right after the package.
    assert program.index('arenaBufio "bufio"') < program.index('import "sort"')
    assert "twoSum(arg0, arg1)" in program
    java = wrap(sig, "java", "public class Solution { public long[] twoSum(long[] n, long t) {} }")
    # One public class per file: the harness's Main.
    assert re.findall(r"public\s+class\s+(\w+)", java) == ["Main"]
    for harness in HARNESSES:
        assert wrap(sig, harness, "MARKER\n").startswith(
            "package main\n" if harness == "go" else "MARKER"
        ), harness


def test_an_unknown_harness_is_an_error() -> None:
    with pytest.raises(SignatureError, match="no function harness 'cobol'"):
        stub(parse_signature(TWO_SUM), "cobol")


def test_the_example_function_problems_load_their_signatures() -> None:
    twosum = load_package(PROBLEMS / "twosum")  # from problem.yaml's arena key
    assert twosum.function is not None and twosum.function.name == "two_sum"
    maxsub = load_package(PROBLEMS / "maxsubarray")  # from signature.yaml
    assert maxsub.function is not None and maxsub.function.name == "max_sub_array"
    assert load_package(PROBLEMS / "aplusb").function is None


def test_a_bad_signature_names_the_file_and_line(tmp_path: Path) -> None:
    make_problem(tmp_path, {"secret/1": ("1\n", "1\n")})
    (tmp_path / "problem.yaml").write_text(
        "name: x\narena:\n  function:\n    name: f\n    params: []\n    returns: long\n"
    )
    with pytest.raises(PackageError, match=r"problem\.yaml.*unknown type 'long'"):
        load_package(tmp_path)
    (tmp_path / "problem.yaml").write_text("name: x\narena:\n  stub: 1\n")
    with pytest.raises(PackageError, match="expected `function:`"):
        load_package(tmp_path)
    (tmp_path / "problem.yaml").write_text("name: x\n")
    (tmp_path / "signature.yaml").write_text("function:\n  name: f\n  params: []\n")
    with pytest.raises(PackageError, match=r"signature\.yaml.*needs a return type"):
        load_package(tmp_path)


def _submissions(verdict_folder: str) -> list[Any]:
    """(problem, file name, source, language) of the examples' submissions in one folder."""
    found = []
    for name in FUNCTION_EXAMPLES:
        for path in load_package(PROBLEMS / name).submissions.get(verdict_folder, []):
            language = EXTENSION_LANGUAGE[path.suffix]
            found.append(pytest.param(name, path.read_bytes(), language, id=path.name))
    return found


def test_every_function_language_has_an_accepted_solution_of_each_example() -> None:
    for name in FUNCTION_EXAMPLES:
        accepted = load_package(PROBLEMS / name).accepted_submissions
        assert {EXTENSION_LANGUAGE[p.suffix] for p in accepted} == set(EXTENSION_LANGUAGE.values())


@pytest.mark.sandbox
@pytest.mark.parametrize(("name", "source", "language"), _submissions("accepted"))
async def test_accepted_function_solutions_are_accepted(
    name: str, source: bytes, language: str, judge: Any
) -> None:
    result = await judge(PROBLEMS / name, source, language)
    assert result.verdict == Verdict.AC, (result.compile_output, result.tests)


@pytest.mark.sandbox
async def test_function_problems_reject_wrong_answers_and_harnessless_languages(
    judge: Any,
) -> None:
    for param in _submissions("wrong_answer"):
        name, source, language = param.values
        result = await judge(PROBLEMS / name, source, language)
        assert result.verdict == Verdict.WA, (param.id, result.compile_output, result.tests)
    # A whole stdin/stdout program defines no function: the harness cannot call it.
    program = "print(sum(map(int, open(0).read().split())))\n"
    result = await judge(PROBLEMS / "maxsubarray", program, "python3")
    assert result.verdict == Verdict.RTE, result
    # C has no harness: a clear compile error, nothing runs.
    result = await judge(PROBLEMS / "maxsubarray", "int main(void) { return 0; }\n", "c")
    assert result.verdict == Verdict.CE
    assert "function problem" in result.compile_output and not result.tests
