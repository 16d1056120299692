"""Interactive problems: submission and interactor in two containers, relayed by the host."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from validator_support import (
    GUESS_BINARY_SEARCH_PY,
    GUESS_INTERACTOR_PY,
    GUESS_LINEAR_PY,
    GUESS_STALLED_PY,
    make_guess_problem,
)

from arena.judge.interactive import _Side
from arena.judge.pool import WarmPool
from arena.protocol import (
    InteractRequest,
    ProcessLimits,
    ProcessReport,
    StopReason,
    StreamClose,
    StreamData,
    Verdict,
    json_encoder,
)

pytestmark = pytest.mark.sandbox

GUESS_BINARY_SEARCH_C = """\
#include <stdio.h>
#include <string.h>
int main(void) {
  int low = 1, high = 1000;
  char reply[32];
  for (;;) {
    int middle = (low + high) / 2;
    printf("%d\\n", middle);
    fflush(stdout);
    if (scanf("%31s", reply) != 1 || !strcmp(reply, "correct")) return 0;
    if (!strcmp(reply, "lower")) high = middle - 1; else low = middle + 1;
  }
}
"""


async def test_game_won(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess")
    for source, lang in ((GUESS_BINARY_SEARCH_PY, "python3"), (GUESS_BINARY_SEARCH_C, "c")):
        result = await judge(problem, source, lang)
        assert result.verdict == Verdict.AC, result
        assert [t.verdict for t in result.tests] == [Verdict.AC] * 3


async def test_game_lost(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess")
    result = await judge(problem, GUESS_LINEAR_PY, "python3")
    # The sample's secret is 7: found in time. 500 is not.
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.WA]
    assert result.verdict == Verdict.WA
    assert result.tests[1].message == "no correct guess in 10 tries"


async def test_a_stalled_submission_ends_in_tle(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess")
    result = await judge(problem, GUESS_STALLED_PY, "python3")
    assert result.verdict == Verdict.TLE
    assert result.tests[0].wall_ms >= 1000  # stopped at its wall limit, not by the interactor


async def test_waiting_for_a_slow_interactor_is_not_the_submissions_idling(
    judge, tmp_path: Path
) -> None:
    """The wall limit (2 s here) stops a submission that idles; one that waits 2.7 s in all for
    an interactor slow to answer is judged on its guesses (CI saw a starved interactor's ten
    answers turn a WA into TLE)."""
    hint = '    print("lower" if guess > secret else "higher", flush=True)'
    slow = "import time\n" + GUESS_INTERACTOR_PY.replace(hint, "    time.sleep(0.3)\n" + hint)
    assert slow.count("time.sleep") == 1
    problem = make_guess_problem(tmp_path / "guess", interactor=slow)
    result = await judge(problem, GUESS_BINARY_SEARCH_PY, "python3")
    assert [t.verdict for t in result.tests] == [Verdict.AC] * 3, result
    assert max(t.wall_ms for t in result.tests) > 2000  # 999: nine answers after 0.3 s each


async def test_a_crash_is_rte_and_the_validator_first_wa_wins(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess")
    crash = "print(500, flush=True)\ninput()\nraise SystemExit(3)\n"
    assert (await judge(problem, crash, "python3")).verdict == Verdict.RTE
    # Ten wrong guesses end the interactor first with WA; the submission then spins until its
    # limit, which must not turn the verdict into TLE.
    spins = "for _ in range(10):\n    print(1000, flush=True)\nwhile True:\n    pass\n"
    result = await judge(problem, spins, "python3")
    assert result.verdict == Verdict.WA


async def test_interactor_flags_come_from_the_test_group(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess")
    # Two tries: enough for 500 (the first guess), too few for 999.
    (problem / "data" / "secret" / "testdata.yaml").write_text("output_validator_flags: '2'\n")
    result = await judge(problem, GUESS_BINARY_SEARCH_PY, "python3")
    assert [t.verdict for t in result.tests] == [Verdict.AC, Verdict.AC, Verdict.WA]
    assert result.tests[2].message == "no correct guess in 2 tries"


async def test_a_crashing_interactor_is_a_judging_error(judge, tmp_path: Path) -> None:
    problem = make_guess_problem(tmp_path / "guess", interactor="raise SystemExit(5)\n")
    result = await judge(problem, GUESS_BINARY_SEARCH_PY, "python3")
    assert result.verdict == Verdict.JE
    assert "exited with code 5" in result.tests[0].message


async def test_stream_frames_sent_with_the_request_reach_the_process(pool: WarmPool) -> None:
    # A busy runner may read the interact request and the first data frames in one read; they
    # must not wait in its buffer for more input that never comes.
    limits = ProcessLimits(2000, 5000, 256 * 1024, 1024, 1025, 16)
    request = json_encoder.encode(InteractRequest(argv=["cat"], limits=limits)) + b"\n"
    data = json_encoder.encode(StreamData(payload_bytes=6)) + b"\nhello\n"
    close = json_encoder.encode(StreamClose()) + b"\n"
    async with pool.session() as session:

        def exchange() -> tuple[bytes, ProcessReport]:
            session.socket.sendall(request + data + close)
            side = _Side("submission", session)
            echoed = b""
            while True:
                side.receive()
                for message, payload in side.frames():
                    if isinstance(message, StreamData):
                        echoed += payload
                    elif isinstance(message, ProcessReport):
                        return echoed, message

        echoed, report = await asyncio.to_thread(exchange)
    assert echoed == b"hello\n"
    assert report.stopped == StopReason.NONE and report.exit_code == 0
