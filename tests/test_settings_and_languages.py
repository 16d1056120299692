"""Settings from the environment and the language table."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.languages import LanguageError, LanguageTable
from arena.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def test_settings_read_typed_values_when_asked() -> None:
    s = Settings.from_env({"ARENA_JUDGE_SLOTS": "3", "ARENA_BLOB_DIR": "/srv/blobs"})
    assert s.judge_slots == 3
    assert s.blob_dir == Path("/srv/blobs")
    assert s.sandbox_runtime == "runsc"
    with pytest.raises(ValueError, match="judge_slots"):
        Settings.from_env({"ARENA_JUDGE_SLOTS": "many"})


def test_language_table_rows() -> None:
    table = LanguageTable.load(REPO / "sandbox" / "languages.toml")
    assert table.ids == sorted(
        [
            "c",
            "c11",
            "cpp",
            "cpp23",
            "csharp",
            "go",
            "java",
            "javascript",
            "kotlin",
            "pypy3",
            "python3",
            "rust",
            "typescript",
        ]
    )
    assert table.for_path(Path("sol.cc")).id == "cpp"
    assert all(lang.version for lang in table)  # shown on the problem page
    java = table.get("java")
    assert "-Xmx256m" in java.run_argv(256)
    assert java.cpu_limit_ms(2.0) == 3500  # 2 s x 1.5 + 500 ms
    with pytest.raises(LanguageError, match="unknown language 'cobol'"):
        table.get("cobol")
    with pytest.raises(LanguageError, match="pass --lang"):
        table.for_path(Path("sol.xyz"))


def test_a_bad_table_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "languages.toml"
    bad.write_text('[[language]]\nid = "x"\n')
    with pytest.raises(LanguageError, match=str(bad)):
        LanguageTable.load(bad)


def test_the_readme_language_table_is_the_table_rows() -> None:
    table = LanguageTable.load(REPO / "sandbox" / "languages.toml")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- languages:start -->\n") + len("<!-- languages:start -->\n")
    end = readme.index("<!-- languages:end -->")
    assert readme[start:end] == table.markdown(), "regenerate with LanguageTable.markdown()"
    for lang in table:
        assert f"| `{lang.id}` | {lang.name} | {lang.version} |" in readme
