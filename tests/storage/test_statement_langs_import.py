"""A new package version keeps the organiser's choice of statement languages as far as the new
package has them: the stored default statement (what search reads) follows it, on a direct
import and on publishing a staged one (real database)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from support import make_problem

from arena.storage import bank
from arena.storage.blobs import DiskBlobStore
from arena.storage.problems import import_problem, publish_staged

TESTS = {"sample/1": ("1\n", "2\n"), "secret/1": ("2\n", "4\n")}
TEXTS = {
    "en": "Double it, English.\n",
    "de": "Verdopple es, Deutsch.\n",
    "sv": "Dubbla, svenska.\n",
}


def _package(root: Path, langs: list[str], answer: str) -> Path:
    make_problem(root, {**TESTS, "secret/1": ("2\n", answer)})
    for old in (root / "problem_statement").glob("*.md"):
        old.unlink()
    for lang in langs:
        path = root / "problem_statement" / f"problem.{lang}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(TEXTS[lang])
    return root


async def _served(conn: Any, problem_id: int) -> tuple[list[str], str, str]:
    row = await bank.problem_by_id(conn, problem_id)
    assert row is not None
    return row.statement_langs, row.statement_lang, row.statement_html


async def test_a_new_version_keeps_the_language_choice_it_can(
    conn: Any, blobs: DiskBlobStore, tmp_path: Path
) -> None:
    root = tmp_path / "p"
    slug = f"langs-{uuid.uuid4().hex[:10]}"
    first = await import_problem(conn, blobs, _package(root, ["en", "de"], "4\n"), slug=slug)
    served = await _served(conn, first.problem_id)
    assert served[:2] == (["en", "de"], "en") and "English" in served[2]
    # The organiser offers German only (as the editor stores it).
    await conn.execute(
        "UPDATE problems SET statement_langs = '{de}', statement_lang = 'de',"
        " statement_html = statements -> 'de' ->> 'html' WHERE id = $1",
        first.problem_id,
    )
    # A new version adds Swedish: it stays hidden, German stays the default.
    await import_problem(conn, blobs, _package(root, ["en", "de", "sv"], "4 \n"), slug=slug)
    served = await _served(conn, first.problem_id)
    assert served[:2] == (["de"], "de") and "Deutsch" in served[2]
    # A staged version without German: published, every language it has is offered.
    staged = await import_problem(
        conn, blobs, _package(root, ["sv", "en"], "4  \n"), slug=slug, publish=False
    )
    assert (await _served(conn, first.problem_id))[:2] == (["de"], "de")  # not live yet
    await publish_staged(conn, first.problem_id, staged.version, staged.pending)
    served = await _served(conn, first.problem_id)
    assert served[:2] == (["en", "sv"], "en") and "English" in served[2]
