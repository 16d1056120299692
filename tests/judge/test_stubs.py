"""Every language's code stub compiles and runs: on a problem expecting no output it is AC."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import make_problem

from arena.languages import LanguageTable
from arena.protocol import Verdict


@pytest.mark.sandbox
async def test_every_stub_compiles_and_runs(
    judge: object, languages: LanguageTable, tmp_path: Path
) -> None:
    root = make_problem(tmp_path / "quiet", {"secret/1": ("3\n1 2 3\n", "")})
    stubs = {language.id: language.stub for language in languages}
    assert all(stubs.values()), [lang for lang, stub in stubs.items() if not stub]
    for language_id, stub in stubs.items():
        result = await judge(root, stub, language_id)  # type: ignore[operator]
        assert result.verdict == Verdict.AC, (language_id, result.compile_output, result.message)
