"""Which statement languages are served (pure rules): the stored choice against the package's
languages, across re-imports that add or drop languages, and the editor's checks."""

from __future__ import annotations

import pytest

from arena.problems.metadata import MetadataRefused, check_langs, offered_langs


def test_no_choice_offers_every_language_english_first() -> None:
    assert offered_langs(["sv", "de", "en"], [], "") == (["en", "de", "sv"], "en")
    assert offered_langs(["sv", "de"], [], "") == (["de", "sv"], "de")
    assert offered_langs([], [], "") == ([], "")


def test_a_choice_survives_a_reimport_as_far_as_the_package_allows() -> None:
    # A language the new package adds stays hidden; the chosen default stays.
    assert offered_langs(["en", "de", "fr"], ["de", "en"], "de") == (["en", "de"], "de")
    # The chosen default is gone: the first offered one.
    assert offered_langs(["en", "fr"], ["de", "en"], "de") == (["en"], "en")
    # Nothing of the choice is left: every language rather than none.
    assert offered_langs(["fr", "sv"], ["de"], "de") == (["fr", "sv"], "fr")


def test_the_editor_takes_only_the_packages_languages() -> None:
    assert check_langs(["de", "en"], ["de", "en", "de"], "de") == (["en", "de"], "de")
    assert check_langs([], [], "") == ([], "")
    for offered, default, field in (
        (["fr"], "fr", "statement_langs:"),
        ([], "", "statement_langs:"),
        (["en"], "de", "statement_lang:"),
        (["en"], "", "statement_lang:"),
        (["en", "de"], "EN", "statement_lang:"),
    ):
        with pytest.raises(MetadataRefused, match=rf"^{field}"):
            check_langs(["en", "de"], offered, default)
    with pytest.raises(MetadataRefused, match=r"^statement_langs:"):
        check_langs([], ["en"], "en")
