"""The bank's full-text search over real HTTP: words of titles and statements, with the filters,
pages and the contest rule; hostile queries are words or a clear 400, never a 500."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from hub.api_support import assert_error, import_aplusb, unique
from hub_support import Hub, bearer, new_contest, new_user


def _word(prefix: str) -> str:
    """A word no other test's problem has, of letters only (digits would make it a 'numword',
    which the English stemmer leaves alone)."""
    return prefix + unique("").translate(str.maketrans("0123456789", "ghijklmnop"))


async def _search(hub: Hub, token: str | None = None, **params: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=hub.url) as client:
        response = await client.get(
            "/api/problems", params=params, headers=bearer(token) if token else {}
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _problem(
    db: Any, database_url: str, blob_dir: str, title: str, statement: str, **kwargs: Any
) -> str:
    problem_id, slug = await import_aplusb(database_url, blob_dir, **kwargs)
    await db.execute(
        "UPDATE problems SET title = $2, statement_html = $3 WHERE id = $1",
        problem_id,
        title,
        statement,
    )
    return slug


async def test_search_finds_words_of_titles_and_statements_title_first(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    word = _word("zebra")  # one word no other test's problem has
    other = _word("okapi")
    blobs = hub_env["ARENA_BLOB_DIR"]
    markup = _word("markup")
    in_statement = await _problem(
        db,
        database_url,
        blobs,
        "Counting sheep",
        f'<p class="{markup}">Count the {word}s in the <em>field</em>.</p>',
    )
    in_title = await _problem(db, database_url, blobs, f"The {word} crossing", "<p>Cross it.</p>")
    await _problem(db, database_url, blobs, f"The {other}", "<p>Nothing to see.</p>")

    found = await _search(hubs[0], q=word)
    # Stemmed ("zebras" in the statement), titles weigh more than statements.
    assert [p["slug"] for p in found["items"]] == [in_title, in_statement]
    assert found["total"] == 2
    # Markup is not text: a tag's name finds nothing.
    assert (await _search(hubs[1], q=markup))["total"] == 0
    # Web search syntax: OR, quoted phrases and exclusion.
    either = await _search(hubs[1], q=f"{word} or {other}")
    assert either["total"] == 3
    assert (await _search(hubs[0], q=f"{word} -crossing"))["total"] == 1
    assert (await _search(hubs[0], q=f'"{word} crossing"'))["items"][0]["slug"] == in_title
    # An empty search is no search.
    assert (await _search(hubs[0], q="   "))["total"] >= 3


async def test_search_combines_with_tag_difficulty_and_pages(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    word = _word("quokka")
    tag = unique("tag")
    blobs = hub_env["ARENA_BLOB_DIR"]
    difficulties = ["hard" if i % 4 == 0 else "easy" for i in range(23)]
    slugs = await asyncio.gather(
        *(
            _problem(
                db,
                database_url,
                blobs,
                f"Problem {i}",
                f"<p>A {word} walks {i} steps.</p>",
                tags=[tag] if i % 2 else [],
                difficulty=d,
            )
            for i, d in enumerate(difficulties)
        )
    )
    first = await _search(hubs[0], q=word)
    second = await _search(hubs[1], q=word, page=2)
    assert (first["total"], len(first["items"]), len(second["items"])) == (23, 20, 3)
    assert sorted(p["slug"] for p in first["items"] + second["items"]) == sorted(slugs)
    tagged = await _search(hubs[0], q=word, tag=tag)
    assert tagged["total"] == 11 and {p["slug"] for p in tagged["items"]} == set(slugs[1::2])
    hard_tagged = await _search(hubs[0], q=word, tag=tag, difficulty="hard")
    expected = {s for i, s in enumerate(slugs) if i % 2 and i % 4 == 0}
    assert {p["slug"] for p in hard_tagged["items"]} == expected  # odd and a multiple of 4: none
    hard = await _search(hubs[0], q=word, difficulty="hard")
    assert hard["total"] == difficulties.count("hard")
    assert {p["difficulty"] for p in hard["items"]} == {"hard"}


async def test_search_keeps_problems_of_unfinished_contests_hidden(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any
) -> None:
    word = _word("narwhal")
    slug = await _problem(
        db, database_url, hub_env["ARENA_BLOB_DIR"], f"The {word}", "<p>Secret.</p>"
    )
    problem_id = await db.fetchval("SELECT id FROM problems WHERE slug = $1", slug)
    await new_contest(db, problem_id, started_min_ago=1)
    _, _, token = await new_user(hubs[0], db)
    _, _, jury = await new_user(hubs[0], db, role="moderator")
    for who in (None, token):
        assert (await _search(hubs[0], who, q=word))["total"] == 0
        assert (await _search(hubs[1], who, q="secret " + word))["items"] == []
    assert [p["slug"] for p in (await _search(hubs[0], jury, q=word))["items"]] == [slug]


@pytest.mark.parametrize(
    "query",
    [
        "a & b | !c",
        "foo:*",
        "x <-> y <2> z",
        "((((",
        "'); DROP TABLE problems; --",
        "\\",
        "!!!",
        "a:B & (b | ",
        '"unterminated',
        "-",
        "or or or",
        "* ? % _",
        "ünïcödé 数学 🙂",
    ],
)
async def test_tsquery_syntax_in_a_search_is_only_words(
    hubs: list[Hub], hub_env: dict[str, str], database_url: str, db: Any, query: str
) -> None:
    word = _word("ibex")
    slug = await _problem(db, database_url, hub_env["ARENA_BLOB_DIR"], f"The {word}", "<p>x</p>")
    # Alone: a valid search (200) that finds none of the bank's problems by operator magic.
    alone = await _search(hubs[0], q=query)
    assert slug not in [p["slug"] for p in alone["items"]]
    # Next to a real word, the syntax adds nothing the word does not already require.
    with_word = await _search(hubs[1], q=f"{word} {query}")
    assert with_word["total"] in (0, 1)
    assert await db.fetchval("SELECT count(*) FROM problems WHERE slug = $1", slug) == 1


@pytest.mark.parametrize(
    ("query", "what"),
    [("x" * 201, "at most 200"), ("word " * 1000, "at most 200"), ("a\x00b", "NUL")],
    ids=["201-chars", "5000-chars", "nul"],
)
async def test_a_too_long_or_nul_search_is_a_clear_400(
    hubs: list[Hub], query: str, what: str
) -> None:
    async with httpx.AsyncClient(base_url=hubs[0].url) as client:
        response = await client.get("/api/problems", params={"q": query})
    assert what in assert_error(response, 400, "bad_request")["message"]


async def test_a_search_of_200_characters_is_served(hubs: list[Hub]) -> None:
    assert (await _search(hubs[0], q="y" * 200))["total"] == 0
