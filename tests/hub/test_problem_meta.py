"""Organisers edit a live problem's metadata over real HTTP: the edit shows at once in the bank,
the problem page and the cached contest statement (a new body, a new ETag), keeps the package
version, is audited; bad values, stale editors and non-admins are turned away."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from hub.api_support import assert_error, import_aplusb, meta_body, unique
from hub_support import Hub, bearer, new_contest, new_user

OTHER_HUB_WAIT_S = 30.0  # another hub re-reads a problem's revision within seconds


async def _problem(hub_env: dict[str, str], database_url: str) -> tuple[int, str]:
    return await import_aplusb(
        database_url, hub_env["ARENA_BLOB_DIR"], tags=["math"], difficulty="easy"
    )


async def test_an_admin_edits_a_live_problem_in_place(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    problem_id, slug = await _problem(hub_env, database_url)
    contest_id = await new_contest(db, problem_id)
    admin_id, _, admin = await new_user(hubs[0], db, role="admin")
    statement = f"/api/contests/{contest_id}/problems/A"
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        before = await http.get(statement)
        assert before.status_code == 200, before.text
        old_etag = before.headers["etag"]
        # Both hubs hold the statement in their caches before the edit.
        async with httpx.AsyncClient(base_url=hubs[1].url) as other:
            assert (await other.get(statement)).headers["etag"] == old_etag
        loaded = await http.get(f"/api/organise/problems/{slug}", headers=bearer(admin))
        assert loaded.status_code == 200, loaded.text
        assert loaded.json()["meta_rev"] == 0
        original = loaded.json()["title"]
        title = unique("Renamed ")
        saved = await http.put(
            f"/api/organise/problems/{slug}",
            json=meta_body(
                title=f"  {title} ",
                difficulty="hard",
                tags=["Graphs", "dp", " graphs ", ""],
                author="Ada Lovelace",
                source="NWERC 2026",
                meta_rev=0,
            ),
            headers=bearer(admin),
        )
        assert saved.status_code == 200, saved.text
        meta = saved.json()
        assert meta == {
            "slug": slug,
            "title": title,
            "difficulty": "hard",
            "tags": ["graphs", "dp"],
            "author": "Ada Lovelace",
            "source": "NWERC 2026",
            "version": 1,
            "meta_rev": 1,
            "package_langs": [],
            "statement_langs": [],
            "statement_lang": "",
        }
        # The cached statement is rebuilt at once on the hub that took the edit: a new ETag, and
        # the old one no longer gets a 304.
        after = await http.get(statement, headers={"If-None-Match": old_etag})
        assert after.status_code == 200, after.text
        assert after.headers["etag"] != old_etag
        assert (after.json()["title"], after.json()["difficulty"]) == (title, "hard")
        assert (after.json()["author"], after.json()["source"]) == ("Ada Lovelace", "NWERC 2026")
        assert after.json()["tags"] == ["graphs", "dp"]
        # The bank page and the contest's problem list say the same (the bank shows a running
        # contest's problem to the jury only).
        page = await http.get(f"/api/problems/{slug}", headers=bearer(admin))
        assert (page.json()["title"], page.json()["author"]) == (title, "Ada Lovelace")
        listed = await http.get(
            "/api/problems",
            params={"tag": "graphs", "difficulty": "hard", "q": title},
            headers=bearer(admin),
        )
        assert [p["slug"] for p in listed.json()["items"]] == [slug]
        contest = await http.get(f"/api/contests/{contest_id}")
        assert [p["title"] for p in contest.json()["problems"]] == [title]
    # The other hub re-reads the revision within seconds (its 2 s version cache).
    async with httpx.AsyncClient(base_url=hubs[1].url) as other:
        deadline = asyncio.get_running_loop().time() + OTHER_HUB_WAIT_S
        while (await other.get(statement)).headers["etag"] == old_etag:
            assert asyncio.get_running_loop().time() < deadline, "hub 2 kept the old statement"
            await asyncio.sleep(0.2)
        assert (await other.get(statement)).json()["title"] == title
    # Metadata only: no new package version; the edit is in the audit log with what changed.
    versions = await db.fetchval(
        "SELECT count(*) FROM problem_versions WHERE problem_id = $1", problem_id
    )
    assert versions == 1
    audited = await db.fetchrow(
        "SELECT actor_id, details::text AS details FROM audit_log WHERE action = 'problem_meta'"
        " AND details->>'problem' = $1",
        slug,
    )
    assert audited is not None and audited["actor_id"] == admin_id
    changes = json.loads(audited["details"])["changes"]
    assert changes["title"] == [original, title]
    assert changes["difficulty"] == ["easy", "hard"]
    assert changes["tags"] == [["math"], ["graphs", "dp"]]
    assert changes["author"] == ["", "Ada Lovelace"]


async def test_saving_unchanged_metadata_is_no_edit(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    _, slug = await _problem(hub_env, database_url)
    _, _, admin = await new_user(hubs[0], db, role="admin")
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        meta = (await http.get(f"/api/organise/problems/{slug}", headers=bearer(admin))).json()
        same = {k: meta[k] for k in ("title", "difficulty", "tags", "author", "source")}
        saved = await http.put(f"/api/organise/problems/{slug}", json=same, headers=bearer(admin))
        assert saved.status_code == 200, saved.text
        assert saved.json()["meta_rev"] == 0
    audited = await db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'problem_meta' AND details->>'problem' = $1",
        slug,
    )
    assert audited == 0


async def test_bad_metadata_is_refused_with_the_field_named(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    _, slug = await _problem(hub_env, database_url)
    _, _, admin = await new_user(hubs[0], db, role="admin")
    original = await db.fetchval("SELECT title FROM problems WHERE slug = $1", slug)
    refused = {
        "title": meta_body(title="   "),
        "title ": meta_body(title="x" * 201),
        "difficulty": meta_body(difficulty="insane"),
        "difficulty ": meta_body(difficulty="HARD"),
        "tags": meta_body(tags=[f"t{i}" for i in range(13)]),
        "tags ": meta_body(tags=["<script>"]),
        "tags  ": meta_body(tags=["-leading"]),
        "tags   ": meta_body(tags=["x" * 65]),
        "tags    ": meta_body(tags=["ok", "a/b"]),
        "author": meta_body(author="a\nb"),
        "author ": meta_body(author="y" * 201),
        "source": meta_body(source="evil\u202egnp.exe"),  # a right-to-left override
    }
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        for field, body in refused.items():
            answer = await http.put(
                f"/api/organise/problems/{slug}", json=body, headers=bearer(admin)
            )
            error = assert_error(answer, 422, "invalid")
            assert error["message"].startswith(field.strip() + ":"), (field, error)
        # Malformed bodies: the shape is a 400 naming what is wrong.
        for body in (
            {**meta_body(), "time_limit_ms": 1},  # judging data is not metadata
            {"title": "No difficulty", "tags": []},
            meta_body(tags="math"),
            meta_body(title="nul\u0000"),
        ):
            answer = await http.put(
                f"/api/organise/problems/{slug}", json=body, headers=bearer(admin)
            )
            assert_error(answer, 400, "bad_request")
    row = await db.fetchrow(
        "SELECT title, difficulty, tags, meta_rev FROM problems WHERE slug = $1", slug
    )
    assert (row["title"], row["difficulty"], list(row["tags"]), row["meta_rev"]) == (
        original,
        "easy",
        ["math"],
        0,
    )


async def test_non_admins_stale_editors_and_missing_problems_are_refused(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    _, slug = await _problem(hub_env, database_url)
    _, _, admin = await new_user(hubs[0], db, role="admin")
    _, _, moderator = await new_user(hubs[0], db, role="moderator")
    _, _, contestant = await new_user(hubs[0], db)
    staged = unique("staged-")
    await db.execute("INSERT INTO problems (slug, title) VALUES ($1, 'Staged')", staged)
    path = f"/api/organise/problems/{slug}"
    async with httpx.AsyncClient(base_url=hubs[0].url) as http:
        for token in (moderator, contestant):
            assert_error(
                await http.get("/api/organise/problems", headers=bearer(token)), 403, "forbidden"
            )
            assert_error(await http.get(path, headers=bearer(token)), 403, "forbidden")
            answer = await http.put(path, json=meta_body(title="Hijacked"), headers=bearer(token))
            assert_error(answer, 403, "forbidden")
        assert_error(await http.put(path, json=meta_body()), 401, "unauthenticated")
        # A problem with no live version, an unknown one, one no slug can name: 404.
        for other in (staged, "no-such-problem", "..", "A%20B"):
            answer = await http.put(
                f"/api/organise/problems/{other}", json=meta_body(), headers=bearer(admin)
            )
            assert_error(answer, 404, "not_found")
        # Two editors loaded revision 0: the second save is a 409, not a silent overwrite.
        first = await http.put(path, json=meta_body(meta_rev=0), headers=bearer(admin))
        assert first.status_code == 200 and first.json()["meta_rev"] == 1, first.text
        second = await http.put(
            path, json=meta_body(title="Other editor", meta_rev=0), headers=bearer(admin)
        )
        assert_error(second, 409, "conflict")
    assert await db.fetchval("SELECT title FROM problems WHERE slug = $1", slug) == "Sum Two"
