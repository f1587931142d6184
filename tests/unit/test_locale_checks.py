"""`haven locales check` catches what Babel lets through: one hostile catalog per rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot.i18n.catalogs import read_catalog
from bot.tools.catalogs import check_catalog

HOSTILE = Path(__file__).parent / "hostile_po"

CASES = [
    ("missing_placeholder.po", "missing placeholder(s) {number}"),
    ("renamed_placeholder.po", "unknown placeholder(s) {numer}"),
    ("malformed_placeholder.po", "unbalanced braces"),
    ("unsafe_attribute.po", "unsafe or malformed placeholder {number.__class__}"),
    ("unsafe_index.po", "unsafe or malformed placeholder {number[0]}"),
    ("broken_markup.po", "<b> is never closed"),
    ("different_markup.po", "markup differs from the source"),
    ("bare_ampersand.po", "a bare '&' must be written as &amp;"),
    ("wrong_plural_count.po", "2 plural forms, the header says 3"),
    ("too_long.po", "4100 characters; Telegram allows 4096"),
    ("label_too_long.po", "button label is 54 characters"),
    ("safety_missing.po", "safety-critical text is not translated"),
    ("safety_fuzzy.po", "safety-critical text is not translated"),
]


@pytest.mark.parametrize(("fixture", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_hostile_translation_is_reported_with_file_line_and_message_id(fixture: str, message: str) -> None:
    problems = check_catalog(HOSTILE / fixture, "pl", fixture)
    assert problems, fixture
    for problem in problems:  # a renamed placeholder is also a missing one: all name the entry
        where, _, rest = problem.partition(": ")
        assert where.startswith(f"{fixture}:") and int(where.split(":")[1]) > 6
        assert rest.startswith(("[a.", "[safety:a."))
    assert any(message in problem for problem in problems), problems


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.po")) == sorted(c[0] for c in CASES)


@pytest.mark.parametrize("fixture", [c[0] for c in CASES if not c[0].startswith("safety")])
def test_at_run_time_a_broken_translation_is_never_shown(fixture: str) -> None:
    catalog = read_catalog(HOSTILE / fixture, "pl")
    assert catalog.messages == {} and catalog.plurals == {}
    assert len(catalog.problems) == 1 and f"{fixture}:" in catalog.problems[0] and ": a." in catalog.problems[0]
