"""Custom output validators (Kattis interface) judged in their own sandbox container."""

from __future__ import annotations

from pathlib import Path

import pytest
from validator_support import (
    SUM_CHECK_H,
    SUM_VALIDATOR_CPP,
    SUM_VALIDATOR_PY,
    make_sum_problem,
)

from arena.protocol import Verdict

pytestmark = pytest.mark.sandbox

ZERO_FIRST = "n = int(input())\nprint(0, n)\n"
HALVES = "n = int(input())\nprint(n // 2, n - n // 2)\n"
WRONG_SUM = "n = int(input())\nprint(1, n)\n"


async def test_a_validator_accepts_any_of_several_correct_answers(judge, tmp_path: Path) -> None:
    problem = make_sum_problem(tmp_path / "sum", {"validate.py": SUM_VALIDATOR_PY})
    # Neither answer is the .ans file's ("2 3", "1 9", "0 0"), and both are right.
    for source in (ZERO_FIRST, HALVES):
        result = await judge(problem, source, "python3")
        assert result.verdict == Verdict.AC, result
        assert len(result.tests) == 3
    wrong = await judge(problem, WRONG_SUM, "python3")
    assert wrong.verdict == Verdict.WA
    # judgemessage.txt is kept for moderators.
    assert wrong.tests[0].message == "1 + 5 != 5"


async def test_a_cpp_validator_builds_with_its_own_header(judge, tmp_path: Path) -> None:
    problem = make_sum_problem(
        tmp_path / "sum", {"validate.cpp": SUM_VALIDATOR_CPP, "sumcheck.h": SUM_CHECK_H}
    )
    assert (await judge(problem, HALVES, "python3")).verdict == Verdict.AC
    wrong = await judge(problem, "n = int(input())\nprint(0, n, 7)\n", "python3")
    assert wrong.verdict == Verdict.WA
    assert wrong.tests[0].message == "trailing output"


@pytest.mark.parametrize(
    ("name", "validator", "why"),
    [
        ("exit 1", "import sys\nsys.exit(1)\n", "exited with code 1"),
        ("exit 0", "pass\n", "exited with code 0"),
        ("exception", "raise SystemExit(open('/nonexistent').read())\n", "exited with code 1"),
        ("signal", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "signal 11"),
        ("hangs", "while True:\n    pass\n", "cpu_time limit"),
    ],
)
async def test_a_broken_validator_is_a_judging_error_never_ac(
    judge, tmp_path: Path, name: str, validator: str, why: str
) -> None:
    yaml = "limits:\n  validation_time: 1\n"
    problem = make_sum_problem(tmp_path / "sum", {"validate.py": validator}, yaml)
    result = await judge(problem, ZERO_FIRST, "python3")
    assert result.verdict == Verdict.JE, name
    # Judging stops at the first judging error.
    assert [t.verdict for t in result.tests] == [Verdict.JE]
    assert why in result.tests[0].message


# Checks like SUM_VALIDATOR_PY, but spends its whole time limit on an output over 1000 bytes.
SLOW_ON_LONG_OUTPUT = (
    "import sys\n"
    "n = int(open(sys.argv[1]).read())\n"
    "out = sys.stdin.read()\n"
    "if len(out) > 1000:\n"
    "    while True:\n"
    "        pass\n"
    "a, b = map(int, out.split())\n"
    "sys.exit(42 if a + b == n else 43)\n"
)
# A right first line, then padding the validator cannot get through in time.
FLOODS_THE_VALIDATOR = "n = int(input())\nprint(0, n)\nprint(' ' * 5000)\n"


async def test_an_output_that_breaks_the_validators_limits_is_the_submissions_wa(
    judge, tmp_path: Path
) -> None:
    # A judging error the submission causes is no free retry: the validator takes the judges'
    # answer within its limits, so the output is what broke it, and it counts as wrong.
    yaml = "limits:\n  validation_time: 1\n"
    problem = make_sum_problem(tmp_path / "sum", {"validate.py": SLOW_ON_LONG_OUTPUT}, yaml)
    assert (await judge(problem, ZERO_FIRST, "python3")).verdict == Verdict.AC
    result = await judge(problem, FLOODS_THE_VALIDATOR, "python3")
    assert result.verdict == Verdict.WA, result
    assert [t.verdict for t in result.tests] == [Verdict.WA]
    assert result.tests[0].message.startswith("this output made the output validator exceed")
    assert "cpu_time limit" in result.tests[0].message
    # A validator that also fails on the judges' answer is the package's fault: still JE.
    hangs = make_sum_problem(tmp_path / "hangs", {"validate.py": "while True:\n    pass\n"}, yaml)
    assert (await judge(hangs, FLOODS_THE_VALIDATOR, "python3")).verdict == Verdict.JE


async def test_the_submission_never_sees_the_answer_file(judge, tmp_path: Path) -> None:
    problem = make_sum_problem(tmp_path / "sum", {"validate.py": SUM_VALIDATOR_PY})
    (problem / "data" / "secret" / "1.ans").write_text("1 9 SECRET-ANSWER-TOKEN\n")
    # Prints a right answer only if no file it can reach holds the token (built at run time, so
    # that neither its source nor its byte code holds it).
    spy = (
        "import os\n"
        "n = int(input())\n"
        "token = '-'.join(['SECRET', 'ANSWER', 'TOKEN']).encode()\n"
        "found = False\n"
        "for top in ('/work', '/tmp', '/opt', '/root'):\n"
        "    for d, dirs, files in os.walk(top):\n"
        # The image's npm toolchains are read-only image files, thousands of them: not a place
        # the judge could put an answer, and too slow to read in the time limit.
        "        dirs[:] = [x for x in dirs if os.path.join(d, x) != '/opt/arena/npm']\n"
        # Nor are the image's archives and headers of 10-124 MiB: reading them took 2.4 s of
        # wall on a loaded host (TLE), and a leaked answer would be a copy of the small file.
        "        for f in files:\n"
        "            try:\n"
        "                path = os.path.join(d, f)\n"
        "                if os.path.getsize(path) < 1 << 20:\n"
        "                    found |= token in open(path, 'rb').read()\n"
        "            except OSError:\n"
        "                pass\n"
        "print(0, n + (1 if found else 0))\n"
    )
    result = await judge(problem, spy, "python3")
    assert result.verdict == Verdict.AC, result


async def test_problem_and_group_flags_reach_the_validator(judge, tmp_path: Path) -> None:
    echo_args = (
        "import sys\n"
        "open(sys.argv[3] + 'judgemessage.txt', 'w').write(' '.join(sys.argv[4:]))\n"
        "sys.exit(42 if sys.argv[1:3] == ['/work/test/input', '/work/test/answer'] else 43)\n"
    )
    problem = make_sum_problem(
        tmp_path / "sum", {"validate.py": echo_args}, "validator_flags: --mode strict\n"
    )
    (problem / "data" / "secret" / "testdata.yaml").write_text("output_validator_flags: -x 1\n")
    events: list[object] = []
    result = await judge(problem, ZERO_FIRST, "python3", events)
    assert result.verdict == Verdict.AC
    assert [t.message for t in result.tests] == [
        "--mode strict",
        "--mode strict -x 1",
        "--mode strict -x 1",
    ]


async def test_a_validator_cannot_write_to_its_own_program_directory(judge, tmp_path: Path) -> None:
    # Tries, as a validator could to keep state from one test to the next: a new file in its
    # directory (the working directory), a rewrite of its own script, a removal of it. Any that
    # works is reported as a WA with the reason.
    writer = (
        "import os, sys\n"
        "here = os.path.dirname(os.path.abspath(__file__))\n"
        "done = []\n"
        "for name, attempt in [\n"
        "    ('create', lambda: open(os.path.join(here, 'state'), 'w').write('x')),\n"
        "    ('create in cwd', lambda: open('cwd-state', 'w').write('x')),\n"
        "    ('mkdir', lambda: os.mkdir(os.path.join(here, 'cache'))),\n"
        "    ('rewrite', lambda: open(os.path.abspath(__file__), 'a').write('#')),\n"
        "    ('remove', lambda: os.unlink(os.path.abspath(__file__))),\n"
        "]:\n"
        "    try:\n"
        "        attempt()\n"
        "        done.append(name)\n"
        "    except OSError:\n"
        "        pass\n"
        "open(sys.argv[3] + 'judgemessage.txt', 'w').write(' '.join(done))\n"
        "sys.exit(43 if done else 42)\n"
    )
    problem = make_sum_problem(tmp_path / "sum", {"validate.py": writer})
    result = await judge(problem, ZERO_FIRST, "python3")
    assert [(t.verdict, t.message) for t in result.tests] == [(Verdict.AC, "")] * 3, result
