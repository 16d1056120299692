"""Submissions over real HTTP: contest and practice submits, runs, and who sees what."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hub.api_support import AC_SOURCE, assert_error, import_aplusb, wait_judged
from hub_support import Hub, bearer, new_contest, new_user, start_hub, stop_process

WA_SOURCE = "a, b = map(int, input().split())\nprint(a - b)\n"


async def _contestant(hub: Hub, db: Any, contest_id: int) -> tuple[int, str]:
    """A fresh user registered for the contest: (id, token)."""
    user_id, _, token = await new_user(hub, db)
    await db.execute(
        "INSERT INTO registrations (contest_id, user_id) VALUES ($1, $2)", contest_id, user_id
    )
    return user_id, token


async def _submit(
    hub: Hub, contest_id: int, token: str, source: str = AC_SOURCE, **changes: str
) -> httpx.Response:
    body = {"problem": "A", "language": "python3", "source": source, **changes}
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.post(
            f"/api/contests/{contest_id}/submissions", json=body, headers=bearer(token)
        )


async def test_a_contest_submission_is_accepted_with_its_id(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    user_id, token = await _contestant(hubs[0], db, contest_id)
    sent = await _submit(hubs[1], contest_id, token)
    assert sent.status_code == 202, sent.text
    assert set(sent.json()) == {"id"}
    row = await db.fetchrow("SELECT * FROM submissions WHERE id = $1", sent.json()["id"])
    assert (row["user_id"], row["contest_id"], row["problem_id"]) == (
        user_id,
        contest_id,
        hub_problem[0],
    )
    assert bytes(row["source"]) == AC_SOURCE.encode()
    by_slug = await _submit(hubs[0], contest_id, token, problem=hub_problem[1])
    assert by_slug.status_code == 202, by_slug.text


async def test_submitting_needs_a_login_and_a_registration(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, _, token = await new_user(hubs[0], db)
    assert_error(await _submit(hubs[0], contest_id, token), 403, "not_registered")
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        anonymous = await client.post(
            f"/api/contests/{contest_id}/submissions",
            json={"problem": "A", "language": "python3", "source": AC_SOURCE},
        )
    assert_error(anonymous, 401, "unauthenticated")


@pytest.mark.parametrize(
    "timing",
    [{"started_min_ago": -60}, {"started_min_ago": 120, "duration_s": 3600}],
    ids=["before-start", "after-end"],
)
async def test_submitting_outside_the_contest_is_403(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], timing: dict[str, int]
) -> None:
    contest_id = await new_contest(db, hub_problem[0], **timing)
    _, token = await _contestant(hubs[0], db, contest_id)
    assert_error(await _submit(hubs[0], contest_id, token), 403, "not_running")


async def test_bad_submissions_are_refused_with_the_reason(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, token = await _contestant(hubs[0], db, contest_id)
    label = await _submit(hubs[0], contest_id, token, problem="Q")
    assert assert_error(label, 422, "bad_problem")["allowed"] == ["A"]
    language = await _submit(hubs[0], contest_id, token, language="cobol")
    allowed = assert_error(language, 422, "bad_language")["allowed"]
    assert "python3" in allowed and "cobol" not in allowed
    large = await _submit(hubs[0], contest_id, token, source="#" * (64 * 1024 + 1))
    assert_error(large, 413, "too_large")
    huge = await _submit(hubs[0], contest_id, token, source="#" * (300 * 1024))
    assert_error(huge, 413, "too_large")
    for empty in ("", " \n\t\n"):
        assert_error(await _submit(hubs[0], contest_id, token, source=empty), 422, "empty_source")
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
        for content in (b"{", b'{"problem": "A", "language": "python3"}'):
            bad = await client.post(
                f"/api/contests/{contest_id}/submissions",
                content=content,
                headers={"content-type": "application/json"},
            )
            assert_error(bad, 400, "bad_request")
    # None of them was stored.
    assert (
        await db.fetchval("SELECT count(*) FROM submissions WHERE contest_id = $1", contest_id) == 0
    )


@pytest.fixture(scope="module")
def strict_hub(
    hubs: list[Hub], hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    """A third hub on the same database and Redis that takes 2 submissions a minute."""
    env = {**hub_env, "ARENA_SUBMISSIONS_PER_WINDOW": "2", "ARENA_SUBMISSION_WINDOW_S": "60"}
    hub = start_hub(env, tmp_path_factory.mktemp("strict-hub") / "hub.log")
    yield hub
    stop_process(hub.process)


async def test_submissions_are_rate_limited_per_user(
    strict_hub: Hub, hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, token = await _contestant(hubs[0], db, contest_id)
    _, other = await _contestant(hubs[0], db, contest_id)
    for _ in range(2):
        assert (await _submit(strict_hub, contest_id, token)).status_code == 202
    limited = await _submit(strict_hub, contest_id, token)
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    assert (await _submit(strict_hub, contest_id, other)).status_code == 202
    count = await db.fetchval("SELECT count(*) FROM submissions WHERE contest_id = $1", contest_id)
    assert count == 3


async def test_a_file_upload_submits_as_the_user(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    user_id, token = await _contestant(hubs[0], db, contest_id)
    other_id, _ = await _contestant(hubs[0], db, contest_id)
    url = f"/contests/{contest_id}/users/{user_id}/submit"
    async with httpx.AsyncClient(base_url=hubs[1].url, headers=bearer(token)) as client:
        sent = await client.post(url, files={"file": ("a.py", AC_SOURCE.encode())})
        assert sent.status_code == 202, sent.text
        row = await db.fetchrow(
            "SELECT user_id, language, source FROM submissions WHERE id = $1", sent.json()["id"]
        )
        assert (row["user_id"], row["language"]) == (user_id, "python3")
        assert bytes(row["source"]) == AC_SOURCE.encode()
        named = await client.post(
            url,
            files={"file": ("solution.txt", AC_SOURCE.encode())},
            data={"problem": "A", "language": "python3"},
        )
        assert named.status_code == 202, named.text
        as_other = await client.post(
            f"/contests/{contest_id}/users/{other_id}/submit",
            files={"file": ("a.py", AC_SOURCE.encode())},
        )
        assert_error(as_other, 403, "forbidden")
        unknown = await client.post(url, files={"file": ("a.xyz", b"print(1)\n")})
        assert "python3" in assert_error(unknown, 422, "bad_language")["allowed"]
        no_file = await client.post(url, data={"problem": "A"})
        assert_error(no_file, 400, "bad_request")
        large = await client.post(url, files={"file": ("a.py", b"#" * (64 * 1024 + 1))})
        assert_error(large, 413, "too_large")
        # Refused from its Content-Length, before anything is spooled to disk.
        huge = await client.post(url, files={"file": ("a.py", b"#" * (4 << 20))})
        assert_error(huge, 413, "too_large")
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        anonymous = await client.post(url, files={"file": ("a.py", AC_SOURCE.encode())})
    assert_error(anonymous, 401, "unauthenticated")


async def test_submissions_of_others_stay_private_until_the_end(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    _, token = await _contestant(hubs[0], db, contest_id)
    _, rival = await _contestant(hubs[0], db, contest_id)
    sent = await _submit(hubs[0], contest_id, token)
    path = f"/api/submissions/{sent.json()['id']}"
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        assert_error(await client.get(path, headers=bearer(rival)), 404, "not_found")
        assert_error(await client.get(path), 401, "unauthenticated")
        assert_error(
            await client.get("/api/submissions/999999999", headers=bearer(token)), 404, "not_found"
        )
        await db.execute(
            "UPDATE contests SET start_time = now() - interval '3 hours' WHERE id = $1", contest_id
        )
        # Hubs cache a contest for a moment: the end shows up within a few seconds.
        deadline = time.monotonic() + 10
        while (seen := await client.get(path, headers=bearer(rival))).status_code == 404:
            assert time.monotonic() < deadline, seen.text
            await asyncio.sleep(0.2)
    assert seen.status_code == 200, seen.text
    # After the end, the verdict is public, the code still is not.
    assert seen.json()["source"] is None
    assert all(t["message"] == "" for t in seen.json()["tests"])


@pytest.mark.sandbox
async def test_the_author_and_moderators_see_the_judged_submission(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str], hub_worker: Any
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    user_id, token = await _contestant(hubs[0], db, contest_id)
    _, rival = await _contestant(hubs[0], db, contest_id)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    sent = await _submit(hubs[0], contest_id, token)
    assert sent.status_code == 202, sent.text
    submission_id = sent.json()["id"]
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        view = await wait_judged(client, submission_id, bearer(token))
        assert (view["status"], view["verdict"]) == ("done", "AC"), view
        assert (view["id"], view["user_id"], view["contest_id"]) == (
            submission_id,
            user_id,
            contest_id,
        )
        assert (view["problem"], view["language"]) == (hub_problem[1], "python3")
        assert view["source"] == AC_SOURCE
        assert len(view["tests"]) == 3 and {t["verdict"] for t in view["tests"]} == {"AC"}
        assert all(t["time_ms"] is not None for t in view["tests"])
        assert_error(
            await client.get(f"/api/submissions/{submission_id}", headers=bearer(rival)),
            404,
            "not_found",
        )
        seen = await client.get(f"/api/submissions/{submission_id}", headers=bearer(jury))
    assert seen.status_code == 200, seen.text
    assert seen.json()["source"] == AC_SOURCE and seen.json()["verdict"] == "AC"


@pytest.mark.sandbox
async def test_a_practice_submission_is_judged(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    _, _, token = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
        url = f"/api/problems/{slug}/submissions"
        wrong = await client.post(url, json={"language": "python3", "source": WA_SOURCE})
        right = await client.post(url, json={"language": "python3", "source": AC_SOURCE})
        assert wrong.status_code == right.status_code == 202, (wrong.text, right.text)
        wrong_view = await wait_judged(client, wrong.json()["id"], bearer(token))
        right_view = await wait_judged(client, right.json()["id"], bearer(token))
        bad = await client.post(url, json={"language": "cobol", "source": AC_SOURCE})
        assert "python3" in assert_error(bad, 422, "bad_language")["allowed"]
        extra = await client.post(url, json={"language": "python3", "source": "1", "x": 1})
        assert_error(extra, 400, "bad_request")
    assert (wrong_view["status"], wrong_view["verdict"]) == ("done", "WA"), wrong_view
    assert (right_view["status"], right_view["verdict"]) == ("done", "AC"), right_view
    assert right_view["contest_id"] is None and right_view["problem"] == slug


@pytest.mark.sandbox
async def test_a_run_judges_the_samples_or_runs_a_custom_input(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    _, _, token = await new_user(hubs[0], db)
    url = f"/api/problems/{slug}/run"
    async with httpx.AsyncClient(base_url=hubs[1].url, headers=bearer(token), timeout=120) as c:
        samples = await c.post(url, json={"language": "python3", "source": AC_SOURCE})
        assert samples.status_code == 200, samples.text
        assert samples.json()["verdict"] == "AC"
        assert [t["verdict"] for t in samples.json()["tests"]] == ["AC"]  # the one sample only
        assert samples.json()["outputs"] == ["3\n"]  # for the editor's diff
        custom = await c.post(
            url, json={"language": "python3", "source": AC_SOURCE, "input": "2 3\n"}
        )
        assert custom.status_code == 200, custom.text
        assert (custom.json()["verdict"], custom.json()["outputs"]) == ("AC", ["5\n"])
        wrong = await c.post(url, json={"language": "python3", "source": WA_SOURCE})
        assert wrong.json()["verdict"] == "WA", wrong.text
        assert wrong.json()["outputs"] != ["3\n"]
        assert_error(
            await c.post(url, json={"language": "python3", "source": ""}), 422, "empty_source"
        )
        me = await c.get("/api/me")
    assert me.json()["submissions"] == []  # runs are not submissions
    async with httpx.AsyncClient(base_url=hubs[1].url) as client:
        anonymous = await client.post(url, json={"language": "python3", "source": AC_SOURCE})
    assert_error(anonymous, 401, "unauthenticated")


@pytest.mark.sandbox
async def test_runs_in_flight_past_the_cap_are_429_on_any_hub(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    """Five runs of one user at once, spread over both hubs: two are admitted (the cap), the
    others are refused with a message; the admitted ones run."""
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    _, _, token = await new_user(hubs[0], db)
    url = f"/api/problems/{slug}/run"
    body = {"language": "python3", "source": AC_SOURCE, "input": "1 2\n"}
    async with (
        httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token), timeout=120) as first,
        httpx.AsyncClient(base_url=hubs[1].url, headers=bearer(token), timeout=120) as second,
    ):
        answers = await asyncio.gather(
            *((first, second)[i % 2].post(url, json=body) for i in range(5))
        )
    ran = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code != 200]
    assert len(ran) == 2, [a.text for a in answers]
    assert all(a.json()["outputs"] == ["3\n"] for a in ran)
    for answer in refused:
        assert "at most 2 runs in flight" in assert_error(answer, 429, "runs_in_flight")["message"]


async def test_a_retried_submit_with_its_idempotency_key_gets_the_same_submission(
    hubs: list[Hub], db: Any, hub_problem: tuple[int, str]
) -> None:
    contest_id = await new_contest(db, hub_problem[0])
    user_id, token = await _contestant(hubs[0], db, contest_id)
    key = {"Idempotency-Key": "3f0c9a52-0a3b-4c36-9d38-7c1a1f0e2b11"}
    body = {"problem": "A", "language": "python3", "source": AC_SOURCE}
    url = f"/api/contests/{contest_id}/submissions"
    async with (
        httpx.AsyncClient(base_url=hubs[0].url) as first,
        httpx.AsyncClient(base_url=hubs[1].url) as second,
    ):
        made = await first.post(url, json=body, headers={**bearer(token), **key})
        assert made.status_code == 202, made.text
        assert "idempotent-replayed" not in made.headers
        # The answer was lost; the client sends it again, to another hub, twice at once.
        again = await asyncio.gather(
            *(second.post(url, json=body, headers={**bearer(token), **key}) for _ in range(3))
        )
        assert [r.json()["id"] for r in again] == [made.json()["id"]] * 3
        assert all(r.status_code == 202 for r in again)
        assert all(r.headers["idempotent-replayed"] == "true" for r in again)
        # The same key for a different submission is a client bug, not a new submission.
        other = await first.post(
            url, json={**body, "source": WA_SOURCE}, headers={**bearer(token), **key}
        )
        assert_error(other, 422, "idempotency_key_reused")
        bad = await first.post(url, json=body, headers={**bearer(token), "Idempotency-Key": "a b"})
        assert_error(bad, 400, "bad_idempotency_key")
        # Keys are per user: another contestant's identical key is a new submission.
        _, rival = await _contestant(hubs[0], db, contest_id)
        theirs = await first.post(url, json=body, headers={**bearer(rival), **key})
        assert theirs.status_code == 202 and theirs.json()["id"] != made.json()["id"]
        # Without a key, every submit is a submission.
        plain = [await first.post(url, json=body, headers=bearer(token)) for _ in range(2)]
        assert plain[0].json()["id"] != plain[1].json()["id"]
    count = await db.fetchval("SELECT count(*) FROM submissions WHERE user_id = $1", user_id)
    assert count == 3
    # A retry after the contest ended still gets its submission back.
    await db.execute(
        "UPDATE contests SET start_time = now() - interval '3 hours' WHERE id = $1", contest_id
    )
    await asyncio.sleep(1.1)  # hubs cache a contest's row for a second
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        late = await client.post(url, json=body, headers={**bearer(token), **key})
    assert (late.status_code, late.json()["id"]) == (202, made.json()["id"])


async def test_a_retried_practice_submit_is_not_a_second_submission(
    hubs: list[Hub], db: Any, hub_env: dict[str, str], database_url: str
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    user_id, _, token = await new_user(hubs[0], db)
    headers = {**bearer(token), "Idempotency-Key": "practice-1"}
    body = {"language": "python3", "source": AC_SOURCE}
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        ids = [
            (
                await client.post(f"/api/problems/{slug}/submissions", json=body, headers=headers)
            ).json()["id"]
            for _ in range(2)
        ]
    assert ids[0] == ids[1]
    assert await db.fetchval("SELECT count(*) FROM submissions WHERE user_id = $1", user_id) == 1
