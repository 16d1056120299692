"""A problem's statement languages over real HTTP: the bank and the contest statement serve each
offered language (?lang=, the cached contest statement with its own ETag per language); an admin
chooses which are offered and the default (audited, a new revision); a hidden language is not
served; choices the package cannot satisfy are a 422 naming the field."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hub.api_support import assert_error, import_aplusb, meta_body, unique
from hub_support import Hub, bearer, new_contest, new_user

STATEMENTS = {"en": "Add the two *numbers*.\n", "de": "Addiere die zwei *Zahlen*.\n"}


async def _bilingual(hub_env: dict[str, str], database_url: str) -> tuple[int, str]:
    return await import_aplusb(
        database_url, hub_env["ARENA_BLOB_DIR"], tags=["math"], statements=STATEMENTS
    )


async def test_each_offered_language_is_served_and_cached_apart(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    problem_id, slug = await _bilingual(hub_env, database_url)
    contest_id = await new_contest(db, problem_id)
    _, _, admin = await new_user(hubs[0], db, role="admin")
    statement = f"/api/contests/{contest_id}/problems/A"
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as http:
        default = (await http.get(f"/api/problems/{slug}")).json()
        assert (default["statement_langs"], default["statement_lang"]) == (["en", "de"], "en")
        assert "numbers" in default["statement_html"] and "Zahlen" not in default["statement_html"]
        german = (await http.get(f"/api/problems/{slug}", params={"lang": "de"})).json()
        assert german["statement_lang"] == "de" and "Zahlen" in german["statement_html"]
        assert (await http.get(f"/api/problems/{slug}", params={"lang": "en"})).json() == default
        for lang in ("fr", "EN", "x" * 300, "de,en"):
            missing = await http.get(f"/api/problems/{slug}", params={"lang": lang})
            assert "offered: en, de" in assert_error(missing, 404, "not_found")["message"]
            missing = await http.get(statement, params={"lang": lang})
            assert_error(missing, 404, "not_found")
        # The contest statement: one cache entry and one ETag per language.
        en = await http.get(statement)
        de = await http.get(statement, params={"lang": "de"})
        assert en.status_code == de.status_code == 200, (en.text, de.text)
        assert "numbers" in en.json()["statement_html"]
        assert "Zahlen" in de.json()["statement_html"]
        assert en.headers["etag"] != de.headers["etag"]
        # A cached language's ETag is no 304 for the other one.
        crossed = await http.get(
            statement, params={"lang": "de"}, headers={"If-None-Match": en.headers["etag"]}
        )
        assert crossed.status_code == 200 and "Zahlen" in crossed.json()["statement_html"]
        again = await http.get(
            statement, params={"lang": "de"}, headers={"If-None-Match": de.headers["etag"]}
        )
        assert again.status_code == 304
        explicit = await http.get(statement, params={"lang": "en"})
        assert explicit.headers["etag"] == en.headers["etag"]


async def test_an_admin_hides_a_language_and_changes_the_default(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    problem_id, slug = await _bilingual(hub_env, database_url)
    contest_id = await new_contest(db, problem_id)
    admin_id, _, admin = await new_user(hubs[0], db, role="admin")
    statement = f"/api/contests/{contest_id}/problems/A"
    editor = f"/api/organise/problems/{slug}"
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as http:
        old_en = (await http.get(statement)).headers["etag"]
        loaded = (await http.get(editor)).json()
        assert loaded["package_langs"] == loaded["statement_langs"] == ["en", "de"]
        assert loaded["statement_lang"] == "en"
        # Offer both, German the default.
        saved = await http.put(editor, json=meta_body(statement_lang="de", meta_rev=0))
        assert saved.status_code == 200, saved.text
        assert (saved.json()["statement_langs"], saved.json()["statement_lang"]) == (
            ["en", "de"],
            "de",
        )
        assert saved.json()["meta_rev"] == 1
        page = (await http.get(f"/api/problems/{slug}")).json()
        assert page["statement_lang"] == "de" and "Zahlen" in page["statement_html"]
        first = await http.get(statement, headers={"If-None-Match": old_en})
        assert first.status_code == 200 and "Zahlen" in first.json()["statement_html"]
        # The bank's search reads the default's statement.
        found = await http.get("/api/problems", params={"q": "Addiere Zahlen"})
        assert slug in [p["slug"] for p in found.json()["items"]]
        # Hide English: it is no longer served anywhere.
        saved = await http.put(editor, json=meta_body(statement_langs=["de"], meta_rev=1))
        assert saved.status_code == 200, saved.text
        meta = saved.json()
        assert (meta["package_langs"], meta["statement_langs"], meta["statement_lang"]) == (
            ["en", "de"],
            ["de"],
            "de",
        )
        page = (await http.get(f"/api/problems/{slug}")).json()
        assert page["statement_langs"] == ["de"]
        hidden = await http.get(f"/api/problems/{slug}", params={"lang": "en"})
        assert "offered: de" in assert_error(hidden, 404, "not_found")["message"]
        assert_error(await http.get(statement, params={"lang": "en"}), 404, "not_found")
        # Another title edit that leaves the languages out keeps them.
        saved = await http.put(editor, json=meta_body(title=unique("Summe "), meta_rev=2))
        assert saved.json()["statement_langs"] == ["de"], saved.text
        # English back as the only one offered: the default follows it.
        saved = await http.put(editor, json=meta_body(statement_langs=["en"], meta_rev=3))
        assert (saved.json()["statement_langs"], saved.json()["statement_lang"]) == (["en"], "en")
        page = (await http.get(f"/api/problems/{slug}")).json()
        assert "numbers" in page["statement_html"]
        assert_error(
            await http.get(f"/api/problems/{slug}", params={"lang": "de"}), 404, "not_found"
        )
    audited = await db.fetch(
        "SELECT actor_id, details::text AS details FROM audit_log WHERE action = 'problem_meta'"
        " AND details->>'problem' = $1 ORDER BY id",
        slug,
    )
    changes = [json.loads(r["details"])["changes"] for r in audited]
    assert {r["actor_id"] for r in audited} == {admin_id}
    assert changes[0]["statement_lang"] == ["en", "de"] and "statement_langs" not in changes[0]
    assert changes[1] == {"statement_langs": [["en", "de"], ["de"]]}
    assert "statement_langs" not in changes[2]
    assert changes[3]["statement_langs"] == [["de"], ["en"]]
    assert changes[3]["statement_lang"] == ["de", "en"]


async def test_statement_languages_the_package_lacks_are_refused(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    _, slug = await _bilingual(hub_env, database_url)
    _, plain = await import_aplusb(database_url, hub_env["ARENA_BLOB_DIR"], tags=["math"])
    _, _, admin = await new_user(hubs[0], db, role="admin")
    refused = {
        "statement_langs": meta_body(statement_langs=["fr"]),
        "statement_langs ": meta_body(statement_langs=["en", "EN"]),
        "statement_langs  ": meta_body(statement_langs=[]),
        "statement_langs   ": meta_body(statement_langs=["en", "x" * 1000]),
        "statement_lang": meta_body(statement_langs=["en"], statement_lang="de"),
        "statement_lang ": meta_body(statement_lang="fr"),
        "statement_lang  ": meta_body(statement_lang=""),
    }
    async with httpx.AsyncClient(base_url=hubs[0].url, headers=bearer(admin)) as http:
        for field, body in refused.items():
            answer = await http.put(f"/api/organise/problems/{slug}", json=body)
            error = assert_error(answer, 422, "invalid")
            assert error["message"].startswith(field.strip() + ":"), (field, error)
        # A package without statements has no language to offer.
        answer = await http.put(
            f"/api/organise/problems/{plain}", json=meta_body(statement_langs=["en"])
        )
        assert assert_error(answer, 422, "invalid")["message"].startswith("statement_langs:")
        assert_error(
            await http.put(f"/api/organise/problems/{slug}", json=meta_body(statement_langs="en")),
            400,
            "bad_request",
        )
    row = await db.fetchrow(
        "SELECT statement_langs, statement_lang, meta_rev FROM problems WHERE slug = $1", slug
    )
    assert (list(row["statement_langs"]), row["statement_lang"], row["meta_rev"]) == ([], "", 0)
