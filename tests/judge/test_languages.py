"""Golden programs: every row of sandbox/languages.toml compiles, runs and is accepted.

Adding a language row without adding its programs to tests/language_goldens.py fails
``test_every_language_has_goldens``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from language_goldens import BROKEN, GOLDEN, GOLDEN_TESTS
from support import make_problem

from arena.protocol import Verdict

pytestmark = pytest.mark.sandbox


def test_every_language_has_goldens(languages) -> None:
    assert set(GOLDEN) == set(languages.ids)
    assert set(BROKEN) == set(languages.ids)


@pytest.fixture(scope="module")
def golden_problem(tmp_path_factory):
    # A scoring problem runs every test: one compilation shows AC, WA, RTE and TLE.
    root = tmp_path_factory.mktemp("golden")
    yaml = "problem_format_version: 2023-07\nname: golden\ntype: scoring\n"
    tests = {name: (given, answer) for name, (given, answer, _) in GOLDEN_TESTS.items()}
    return make_problem(root, tests, yaml, time_limit_s=1.0)


@pytest.mark.parametrize("lang", sorted(GOLDEN))
async def test_golden_verdicts(judge, golden_problem, lang: str) -> None:
    r = await judge(golden_problem, GOLDEN[lang], lang)
    verdicts = {t.name: t.verdict for t in r.tests}
    assert verdicts == {name: Verdict(v) for name, (_, _, v) in GOLDEN_TESTS.items()}, (
        r.compile_output,
        r.tests,
    )
    broken = await judge(golden_problem, BROKEN[lang], lang)
    assert broken.verdict == Verdict.CE, broken
    assert broken.compile_output.strip()


@pytest.fixture(scope="module")
def hello_problem(tmp_path_factory):
    root = tmp_path_factory.mktemp("hello")
    # Exact output: letter case and spacing both count.
    yaml = "name: hello\nvalidator_flags: case_sensitive space_change_sensitive\n"
    return make_problem(root, {"sample/1": ("", "Hello, World!\n")}, yaml, time_limit_s=1.0)


JAVA_HELLO = (
    "public class Main {\n"
    "    public static void main(String[] args) {\n"
    '        System.out.println("Hello, World!");\n'
    "    }\n"
    "}\n"
)


async def test_java_files_are_named_after_their_public_class(judge, hello_problem) -> None:
    # Kattis packages name Java files after their class (Different.java); so does Arena.
    source = JAVA_HELLO.replace("class Main", "final class Different")
    result = await judge(hello_problem, source, "java")
    assert result.verdict == Verdict.AC, result


async def test_java_with_a_package_declaration_runs(judge, hello_problem) -> None:
    # DOMjudge's test-package.java: the class runs as bin.Main (bin.Different).
    for source in (JAVA_HELLO, JAVA_HELLO.replace("class Main", "class Different")):
        result = await judge(hello_problem, "package bin;\n\n" + source, "java")
        assert result.verdict == Verdict.AC, result


THREADS_C = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static size_t sizes[12];

static void *body(void *arg) {
    pthread_attr_t attr;
    pthread_getattr_np(pthread_self(), &attr);
    pthread_attr_getstacksize(&attr, &sizes[(long)arg]);
    pthread_attr_destroy(&attr);
    return NULL;
}

int main(void) {
    pthread_t threads[12];
    for (long i = 0; i < 12; i++)
        if (pthread_create(&threads[i], NULL, body, (void *)i) != 0) {
            printf("thread %ld could not start\n", i);
            return 0;
        }
    for (int i = 0; i < 12; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < 12; i++) printf("%zu\n", sizes[i]);
    return 0;
}
"""


async def test_threads_get_the_usual_2_mib_stack(judge, tmp_path) -> None:
    # As DOMjudge's test-multithread.c expects: not a stack as large as the memory limit each
    # (which would also stop the second thread under the address-space limit).
    problem = make_problem(tmp_path, {"sample/1": ("", "2097152\n" * 12)}, time_limit_s=1.0)
    for lang in ("c", "cpp"):
        result = await judge(problem, THREADS_C, lang)
        assert result.verdict == Verdict.AC, (lang, result)


def test_entry_point_detection(languages) -> None:
    java = languages.get("java")
    named = java.for_source(b"import x;\n\npublic final class Solver {\n}\n")
    assert named.source_file == "Solver.java"
    assert named.run[-1] == "Solver"
    assert java.for_source(b"class Hidden {}").source_file == "Main.java"  # not public: default
    python = languages.get("python3")
    assert python.for_source(b"print(1)") is python


def test_java_and_kotlin_main_classes_follow_the_package(languages) -> None:
    java = languages.get("java")
    assert java.for_source(b"package bin;\npublic class Main {}").run[-1] == "bin.Main"
    assert java.for_source(b"package a.b ;\npublic class Solver {}").run[-1] == "a.b.Solver"
    kotlin = languages.get("kotlin")
    assert kotlin.for_source(b"package x.y\n\nfun main() {}").run[-1] == "x.y.MainKt"
    assert kotlin.for_source(b"fun main() {}").run[-1] == "MainKt"


def test_dialects_share_extensions_and_the_first_row_wins(languages) -> None:
    assert languages.for_path(Path("a.c")).id == "c"
    assert languages.for_path(Path("a.cpp")).id == "cpp"
    assert languages.for_path(Path("a.py")).id == "python3"
    assert "-std=gnu++23" in languages.get("cpp23").command_line
    assert "-std=gnu11" in languages.get("c11").command_line
