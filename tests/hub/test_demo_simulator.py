"""``arena demo simulate`` against real hubs and a real worker: its bots register and submit
through the HTTP API, their submissions are judged and the board shows them."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import arena
from hub_support import Hub

# Three bots, about three submissions a second between them, the same choices every run.
SIM_ARGS = ("--contest", "demo", "--contestants", "3", "--rate-s", "0.3", "--seed", "3")


async def _wait_for(what: str, probe: Any, timeout_s: float = 180) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.sandbox
async def test_bots_submit_through_the_hub_and_the_board_moves(
    hubs: list[Hub], hub_worker: Any, hub_env: dict[str, str], db: Any, tmp_path: Path
) -> None:
    seeded = arena(hub_env, "demo", "seed", "--json")
    assert seeded.returncode == 0, seeded.stderr
    contest_id = json.loads(seeded.stdout)["contest_id"]
    log = tmp_path / "simulator.log"
    with log.open("w") as out:
        simulator = subprocess.Popen(
            [sys.executable, "-m", "arena", "demo", "simulate", *SIM_ARGS, "--hub", hubs[0].url],
            env=hub_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        async def bot_submissions() -> int:
            count: int = await db.fetchval(
                "SELECT count(*) FROM submissions s JOIN users u ON u.id = s.user_id"
                " WHERE s.contest_id = $1 AND u.username LIKE 'bot-%'",
                contest_id,
            )
            return count if count >= 3 else 0

        await _wait_for("three bot submissions", bot_submissions)
    finally:
        simulator.send_signal(signal.SIGTERM)
        simulator.wait(30)
    output = log.read_text()
    assert simulator.returncode == 0, output
    assert "3 bots on contest" in output and output.rstrip().endswith("simulation stopped")
    assert ": submission " in output
    bots = await db.fetch(
        "SELECT u.id, u.username FROM users u JOIN registrations r ON r.user_id = u.id"
        " WHERE r.contest_id = $1 AND u.username LIKE 'bot-%'",
        contest_id,
    )
    assert sorted(b["username"] for b in bots) == ["bot-ada", "bot-alan", "bot-grace"]
    # Its sessions end with it.
    sessions = await db.fetchval(
        "SELECT count(*) FROM sessions WHERE user_id = ANY($1::bigint[])", [b["id"] for b in bots]
    )
    assert sessions == 0

    async def judged() -> bool:
        return bool(
            await db.fetchval(
                "SELECT count(*) FROM submissions WHERE contest_id = $1 AND status = 'done'",
                contest_id,
            )
        )

    await _wait_for("a judged bot submission", judged)

    async def on_board() -> list[Any]:
        async with httpx.AsyncClient(base_url=hubs[1].url) as client:
            page = (await client.get(f"/api/contests/{contest_id}/leaderboard")).json()
        return [r for r in page["rows"] if any(c["attempts"] for c in r["cells"].values())]

    rows = await _wait_for("a bot's try on the board", on_board)
    assert {r["username"] for r in rows} <= {"bot-ada", "bot-alan", "bot-grace"}
