"""`haven locales check` catches what Babel lets through: one hostile catalog per rule."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from bot.i18n.catalogs import read_catalog
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.tools.catalogs import check_catalog, cldr_plural_forms
from bot.tools.locales import repair_plurals

HOSTILE = Path(__file__).parent / "hostile_po"
ROOT = Path(__file__).resolve().parents[2]

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


def test_a_plural_rule_other_than_cldrs_is_reported_and_update_repairs_it(tmp_path: Path) -> None:
    """The old Polish rule said 12-14 take the "few" form: "12 minuty" for "12 minut"."""
    old = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    source = (HOSTILE / "wrong_plural_count.po").read_text(encoding="utf-8")
    stale = tmp_path / "stale.po"
    stale.write_text(re.sub(r'"Plural-Forms: [^"]*\\n"', f'"Plural-Forms: {old}\\\\n"', source), encoding="utf-8")
    problems = check_catalog(stale, "pl", "stale.po")
    assert any(p.startswith("stale.po:1: Plural-Forms is") and "CLDR says" in p for p in problems), problems
    with open(stale, "rb") as handle:
        catalog = read_po(handle, locale="pl")
    repair_plurals(catalog, "pl")
    assert catalog.plural_forms == cldr_plural_forms("pl")


@pytest.mark.parametrize("locale", [code for code in SHIPPED_LOCALES if code != "en"])
def test_every_shipped_catalog_chooses_plural_forms_as_cldr_does(locale: str) -> None:
    with open(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale)
    ours, cldr = gettext.c2py(catalog.plural_expr), gettext.c2py(get_plural(locale).plural_expr)
    for n in [*range(201), 10**6]:
        assert ours(n) == cldr(n), (locale, n)
