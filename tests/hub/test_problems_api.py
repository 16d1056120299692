"""The problem bank over real HTTP: listing, statements, hiding contest problems, likes, solved."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hub.api_support import AC_SOURCE, assert_error, import_aplusb, unique, wait_judged
from hub_support import Hub, bearer, new_contest, new_user
from support import code_stubs

from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "problems"


async def _list(hub: Hub, token: str | None = None, **params: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        response = await client.get(
            "/api/problems", params=params, headers=bearer(token) if token else {}
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _detail(hub: Hub, slug: str, token: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        return await client.get(f"/api/problems/{slug}", headers=bearer(token) if token else {})


async def test_the_bank_is_listed_20_a_page_with_tag_and_difficulty_filters(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str
) -> None:
    tag = unique("tag")  # the other tests' problems share the database, not this tag
    blob_dir = hub_env["ARENA_BLOB_DIR"]
    difficulties = ["hard" if i % 5 == 0 else "easy" for i in range(23)]
    slugs = [
        slug
        for _, slug in await asyncio.gather(
            *(import_aplusb(database_url, blob_dir, tags=[tag], difficulty=d) for d in difficulties)
        )
    ]
    first = await _list(hubs[0], tag=tag)
    assert (first["page"], first["page_size"], first["total"]) == (1, 20, 23)
    assert len(first["items"]) == 20
    second = await _list(hubs[1], tag=tag, page=2)
    assert (second["page"], second["total"], len(second["items"])) == (2, 23, 3)
    listed = [p["slug"] for p in first["items"] + second["items"]]
    assert sorted(listed) == sorted(slugs)  # every problem once, across the pages
    assert (await _list(hubs[0], tag=tag, page=3))["items"] == []
    item = first["items"][0]
    assert item["tags"] == [tag] and item["title"] and item["solved"] is False
    assert (item["likes"], item["accepted"], item["submissions"]) == (0, 0, 0)

    hard = await _list(hubs[0], tag=tag, difficulty="hard")
    assert hard["total"] == difficulties.count("hard") == len(hard["items"])
    assert {p["difficulty"] for p in hard["items"]} == {"hard"}
    assert {p["difficulty"] for p in (await _list(hubs[0], difficulty="easy"))["items"]} == {"easy"}
    assert (await _list(hubs[0], tag=tag, difficulty="medium"))["total"] == 0
    assert (await _list(hubs[0], tag=unique("tag")))["total"] == 0


async def test_tags_and_difficulty_set_after_the_import_filter_the_list(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    problem_id, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    tag = unique("tag")
    await db.execute(
        "UPDATE problems SET tags = $2, difficulty = 'medium' WHERE id = $1", problem_id, [tag]
    )
    found = await _list(hubs[0], tag=tag, difficulty="medium")
    assert [p["slug"] for p in found["items"]] == [slug]
    assert (await _list(hubs[0], tag=tag, difficulty="easy"))["total"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {"difficulty": "impossible"},
        {"difficulty": "EASY"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"page": "1.5"},
    ],
)
async def test_bad_list_parameters_are_400(hubs: list[Hub], params: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        response = await client.get("/api/problems", params=params)
    assert_error(response, 400, "bad_request")


async def test_a_problem_shows_samples_limits_stubs_and_languages(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=["math"])
    response = await _detail(hubs[1], slug)
    assert response.status_code == 200, response.text
    problem = response.json()
    assert problem["slug"] == slug and problem["title"]
    assert (problem["difficulty"], problem["tags"]) == ("easy", ["math"])
    # Only the sample is shown, never the secret tests.
    assert [(s["input"], s["output"]) for s in problem["samples"]] == [("1 2\n", "3\n")]
    assert problem["samples"][0]["name"]
    assert problem["time_limit_ms"] == 1000 and problem["memory_mib"] > 0
    assert "python3" in problem["languages"] and "cpp" in problem["languages"]
    stubs = problem["code_stubs"]
    assert set(stubs) <= set(problem["languages"]) and stubs["python3"].strip()
    assert (problem["likes"], problem["liked"], problem["solved"]) == (0, False, False)
    assert isinstance(problem["statement_html"], str)
    # The menu: every row of the language table, with its version and compile flags.
    options = {o["id"]: o for o in problem["language_options"]}
    assert set(options) == set(problem["languages"]) and not problem["function_problem"]
    assert options["cpp23"]["name"] == "C++23" and "-std=gnu++23" in options["cpp23"]["compile"]
    assert options["kotlin"]["version"].startswith("Kotlin")


async def test_a_function_problem_offers_signature_stubs_in_its_languages(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str
) -> None:
    slug = unique("twosum-")
    conn = await asyncpg.connect(database_url)
    try:
        blobs = DiskBlobStore(Path(hub_env["ARENA_BLOB_DIR"]))
        await import_problem(conn, blobs, EXAMPLES / "twosum", slug=slug, code_stubs=code_stubs())
    finally:
        await conn.close()
    problem = (await _detail(hubs[0], slug)).json()
    assert problem["function_problem"] is True
    # Only languages with a harness: C, Rust and C# cannot submit a function.
    assert set(problem["languages"]) == {
        "cpp",
        "cpp23",
        "go",
        "java",
        "javascript",
        "kotlin",
        "pypy3",
        "python3",
        "typescript",
    }
    assert [o["id"] for o in problem["language_options"]] == [
        "cpp",
        "cpp23",
        "java",
        "javascript",
        "python3",
        "pypy3",
        "typescript",
        "kotlin",
        "go",
    ]
    stubs = problem["code_stubs"]
    assert set(stubs) == set(problem["languages"])
    assert "def two_sum(nums: list[int], target: int) -> list[int]:" in stubs["python3"]
    assert "vector<long long> twoSum(vector<long long>& nums, long long target)" in stubs["cpp"]
    assert "func twoSum(nums []int, target int) []int" in stubs["go"]


async def test_an_unknown_problem_is_404(hubs: list[Hub], db: Any) -> None:
    _, _, token = await new_user(hubs[0], db)
    missing = unique("missing-")
    assert_error(await _detail(hubs[0], missing), 404, "not_found")
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
        assert_error(await client.post(f"/api/problems/{missing}/like"), 404, "not_found")
        practice = await client.post(
            f"/api/problems/{missing}/submissions",
            json={"language": "python3", "source": AC_SOURCE},
        )
        assert_error(practice, 404, "not_found")


@pytest.mark.parametrize("started_min_ago", [1, -60], ids=["running", "upcoming"])
async def test_a_problem_of_an_unfinished_contest_is_hidden_except_from_moderators(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, started_min_ago: int
) -> None:
    tag = unique("tag")
    problem_id, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=[tag])
    _, _, token = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    assert (await _detail(hubs[0], slug, token)).status_code == 200
    contest_id = await new_contest(db, problem_id, started_min_ago=started_min_ago)

    for who in (token, None):
        assert_error(await _detail(hubs[0], slug, who), 404, "not_found")
        assert (await _list(hubs[1], who, tag=tag))["total"] == 0
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(token)) as client:
        assert_error(await client.post(f"/api/problems/{slug}/like"), 404, "not_found")
        practice = await client.post(
            f"/api/problems/{slug}/submissions", json={"language": "python3", "source": AC_SOURCE}
        )
        assert_error(practice, 404, "not_found")
    assert (await _detail(hubs[1], slug, jury)).status_code == 200
    assert [p["slug"] for p in (await _list(hubs[0], jury, tag=tag))["items"]] == [slug]

    # Once the contest is over, the problem is back in the bank for everyone.
    await db.execute(
        "UPDATE contests SET start_time = now() - interval '3 hours' WHERE id = $1", contest_id
    )
    assert (await _detail(hubs[0], slug, token)).status_code == 200
    assert (await _list(hubs[0], None, tag=tag))["total"] == 1


async def test_likes_count_once_per_user(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    tag = unique("tag")
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=[tag])
    _, _, alice = await new_user(hubs[0], db)
    _, _, bob = await new_user(hubs[0], db)
    like = f"/api/problems/{slug}/like"

    async def call(hub: Hub, method: str, token: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=hub.url) as client:
            response = await client.request(method, like, headers=bearer(token))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert await call(hubs[0], "POST", alice) == {"likes": 1, "liked": True}
    assert await call(hubs[1], "POST", alice) == {"likes": 1, "liked": True}  # idempotent
    assert await call(hubs[0], "POST", bob) == {"likes": 2, "liked": True}
    detail = (await _detail(hubs[1], slug, alice)).json()
    assert (detail["likes"], detail["liked"]) == (2, True)
    assert (await _list(hubs[0], alice, tag=tag))["items"][0]["likes"] == 2
    assert await call(hubs[0], "DELETE", bob) == {"likes": 1, "liked": False}
    assert await call(hubs[1], "DELETE", bob) == {"likes": 1, "liked": False}  # idempotent
    assert (await _detail(hubs[0], slug, bob)).json()["liked"] is False
    assert await call(hubs[0], "DELETE", alice) == {"likes": 0, "liked": False}


async def test_liking_needs_a_login(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str
) -> None:
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"])
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        for method in ("POST", "DELETE"):
            response = await client.request(method, f"/api/problems/{slug}/like")
            assert_error(response, 401, "unauthenticated")
    assert (await _detail(hubs[0], slug)).json()["likes"] == 0


@pytest.mark.sandbox
async def test_an_accepted_practice_submission_marks_the_problem_solved(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, hub_worker: Any
) -> None:
    tag = unique("tag")
    _, slug = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=[tag])
    _, _, token = await new_user(hubs[0], db)
    _, _, other = await new_user(hubs[0], db)
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        # Before the submission: after it, an idle worker may judge it before a read under load.
        assert (await _detail(hubs[0], slug, token)).json()["solved"] is False
        sent = await client.post(
            f"/api/problems/{slug}/submissions",
            json={"language": "python3", "source": AC_SOURCE},
            headers=bearer(token),
        )
        assert sent.status_code == 202, sent.text
        judged = await wait_judged(client, sent.json()["id"], bearer(token))
    assert (judged["status"], judged["verdict"]) == ("done", "AC"), judged
    assert (await _detail(hubs[1], slug, token)).json()["solved"] is True
    [item] = (await _list(hubs[1], token, tag=tag))["items"]
    assert item["solved"] is True
    assert (item["accepted"], item["submissions"]) == (1, 1)
    assert (await _detail(hubs[1], slug, other)).json()["solved"] is False
    assert (await _list(hubs[0], other, tag=tag))["items"][0]["solved"] is False


async def test_the_bank_counts_leave_out_the_freeze_until_the_reveal(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    # A contest that ended an hour ago, frozen from minute 30, not revealed yet: its problem is
    # in the bank, and the bank's counts must not tell what the frozen board hides.
    tag = unique("tag")
    problem_id, _ = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=[tag])
    contest_id = await new_contest(db, problem_id, started_min_ago=120, freeze_duration_s=1800)
    for minute, verdict in ((10, "AC"), (40, "AC"), (45, "WA")):
        user_id = await db.fetchval(
            "INSERT INTO users (username, password_hash) VALUES ($1, 'x') RETURNING id",
            unique("u"),
        )
        await db.execute(
            "INSERT INTO submissions (user_id, contest_id, problem_id, problem_version,"
            " language, source, status, verdict, counted, submitted_at)"
            " SELECT $1, $2, $3, 1, 'python3', 'x', 'done', $4, true, c.start_time"
            " + make_interval(mins => $5) FROM contests c WHERE c.id = $2",
            user_id,
            contest_id,
            problem_id,
            verdict,
            minute,
        )
        # What the worker's first judging of each did to the counters.
        await db.execute(
            "UPDATE problems SET submission_count = submission_count + 1,"
            " accepted_count = accepted_count + ($2 = 'AC')::int WHERE id = $1",
            problem_id,
            verdict,
        )
    _, _, moderator = await new_user(hubs[0], db, role="moderator")

    def counts(body: dict[str, Any]) -> tuple[int, int]:
        [item] = body["items"]
        return item["accepted"], item["submissions"]

    assert counts(await _list(hubs[0], tag=tag)) == (1, 1)
    assert counts(await _list(hubs[1], moderator, tag=tag)) == (2, 3)
    await db.execute("UPDATE contests SET unfrozen_at = now() WHERE id = $1", contest_id)
    assert counts(await _list(hubs[0], tag=tag)) == (2, 3)
