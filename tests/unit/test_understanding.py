"""Free text placed by the shipped lists and rules: what a survivor writes, where it leads.

The wording here is the kind the corpora hold, not copies of list lines; the full measure is
``tests/eval/understanding_eval.py``. The rule tests use hand-made concept spans, so each one
shows one rule and fails only when that rule breaks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bot.app import StaticData
from bot.engine.reading import DANGER, Placement
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.problems import SourceError
from bot.understanding import LEXICON_NAME, Understanding
from bot.understanding.rules import CONCEPTS, Span, place

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "placement"),
    [
        ("he took my passport and i cant leave", Placement.TRAFFICKING),
        ("i owe them so much money and they say they will hurt my mom back home", Placement.TRAFFICKING),
        ("i think im being trafficked", Placement.TRAFFICKING),
        ("my uncle goes into my daughters room at night", Placement.CHILD_ABUSE),
        ("im 12 and my dad hits me when he drinks", Placement.CHILD_ABUSE),
        ("i dont want to exist anymore", Placement.SELF_HARM),
        ("everyone would be better off without me", Placement.SELF_HARM),
        ("he is trying to break the door down", Placement.IMMINENT),
        ("🆘", Placement.IMMINENT),
        ("i was raped last year and never told anyone", Placement.SEXUAL_VIOLENCE),
        ("he raped me two years ago", Placement.SEXUAL_VIOLENCE),
        ("my husband hit me when i was pregnant years ago", Placement.DOMESTIC_VIOLENCE),
        ("he hit me years ago and now hes outside", Placement.IMMINENT),
        ("my husband controls all my money and checks my phone", Placement.DOMESTIC_VIOLENCE),
        ("i need a lawyer for custody", Placement.NEED),
        ("hello?", Placement.GREETING),
        ("thank you so much", Placement.THANKS),
    ],
)
def test_what_a_survivor_writes_is_placed(static: StaticData, text: str, placement: Placement) -> None:
    assert static.understanding.read(text).placement is placement


@pytest.mark.parametrize(
    "text",
    ["my phone battery is dying", "im dying to know what happened", "i will take you to court", "see you tomorrow at work"],
)
def test_ordinary_messages_and_idioms_are_not_danger(static: StaticData, text: str) -> None:
    assert not static.understanding.read(text).danger


@pytest.mark.parametrize(
    ("text", "need"),
    [("somewhere safe to sleep tonight", "safe_place"), ("i need a doctor", "medical"), ("my visa expired", "immigration")],
)
def test_a_need_is_named(static: StaticData, text: str, need: str) -> None:
    assert static.understanding.read(text).need == need


def test_a_country_is_found_near_the_start_only(static: StaticData) -> None:
    assert static.understanding.read("im in germany and scared").country == "DE"
    assert static.understanding.read("word " * 60 + "germany").country is None


def test_a_4000_character_message_is_read_not_refused(static: StaticData) -> None:
    reading = static.understanding.read("the weather was fine " * 200 + " he has a knife")
    assert reading.placement is None, "only the first 4,096 characters count, like Telegram's limit"
    assert static.understanding.read("he has a knife " + "blah " * 800).danger


def found(*concepts: str, at: int = 0) -> dict[str, list[Span]]:
    return {concept: [Span(at + index, at + index + 1)] for index, concept in enumerate(concepts)}


def test_papers_taken_is_trafficking_in_any_order() -> None:
    assert place(found("taken", "papers"))[0] is Placement.TRAFFICKING
    assert place(found("papers", "taken"))[0] is Placement.TRAFFICKING


def test_hurt_close_to_a_child_is_a_child_harmed_in_either_word_order() -> None:
    """English says "hits my son"; Persian and Urdu put the child first."""
    assert place(found("hurt", "child"))[0] is Placement.CHILD_ABUSE
    assert place(found("child", "hurt"))[0] is Placement.CHILD_ABUSE
    far = {"hurt": [Span(0, 1)], "child": [Span(9, 10)]}
    assert place(far)[0] is not Placement.CHILD_ABUSE


def test_violence_told_as_past_is_a_disclosure_unless_the_message_says_now() -> None:
    """"he hit me years ago": acknowledged, not an emergency; "...and now he is back": danger."""
    assert place(found("violence", "past"))[0] is Placement.DOMESTIC_VIOLENCE
    assert place(found("past", "violence"))[0] is Placement.DOMESTIC_VIOLENCE
    assert place(found("violence", "past", "now"))[0] is Placement.IMMINENT
    assert place(found("violence"))[0] is Placement.IMMINENT
    story = {"violence": [Span(0, 1), Span(20, 21)], "past": [Span(2, 3)]}
    assert place(story)[0] is Placement.IMMINENT, "violence far from the past marker is told as now"
    assert place(found("violence", "past", "sexual"))[0] is Placement.SEXUAL_VIOLENCE
    assert place(found("danger", "past"))[0] is Placement.IMMINENT, "a medical emergency has no past"


def test_danger_wins_over_a_need_and_keeps_the_need() -> None:
    placement, _, need = place(found("need-shelter", "trafficking"))
    assert placement is Placement.TRAFFICKING and need == "safe_place"


def test_a_piece_alone_places_nothing() -> None:
    for piece in ("papers", "taken", "debt", "work", "child", "now", "abuser", "family"):
        assert place(found(piece))[0] is None, piece


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_shipped_locale_has_a_complete_lexicon(locale: str) -> None:
    path = ROOT / "locales" / locale / LEXICON_NAME
    sections = {line.strip()[1:-1] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("[")}
    assert set(CONCEPTS) <= sections, sorted(set(CONCEPTS) - sections)


def test_a_broken_lexicon_names_its_file_and_line(tmp_path: Path) -> None:
    locales = english_only(tmp_path)
    lexicon = locales / "en" / LEXICON_NAME
    lines = lexicon.read_text(encoding="utf-8").splitlines()
    lines.insert(20, "[self harm]")
    lexicon.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        Understanding.load(locales, ["en"], lambda text: None)
    assert raised.value.problems[0].startswith(f"{lexicon}:21: unknown section '[self harm]'")
    assert raised.value.codes == ("phrase-list",)


def english_only(tmp_path: Path) -> Path:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales" / "en", locales / "en", ignore=shutil.ignore_patterns("LC_MESSAGES"))
    return locales


def test_the_compiled_lists_are_reused_and_rebuilt_when_a_list_changes(tmp_path: Path) -> None:
    locales, cache = english_only(tmp_path), tmp_path / "cache"
    first = Understanding.load(locales, ["en"], lambda text: None, cache_dir=cache)
    (kept,) = cache.glob("phrases-*.marshal")
    again = Understanding.load(locales, ["en"], lambda text: None, cache_dir=cache)
    message = "he took my passport and i cant leave"
    assert again.read(message) == first.read(message) and again.read(message).placement is Placement.TRAFFICKING
    assert again.book.counts == first.book.counts
    lexicon = locales / "en" / LEXICON_NAME
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("[trafficking]\n", "[trafficking]\nzorblat\n", 1))
    changed = Understanding.load(locales, ["en"], lambda text: None, cache_dir=cache)
    assert changed.read("zorblat").placement is Placement.TRAFFICKING, "a changed list is compiled afresh"
    assert [path.name for path in cache.glob("phrases-*.marshal")] != [kept.name], "the stale book is dropped"


def test_a_damaged_or_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    locales, cache = english_only(tmp_path), tmp_path / "cache"
    Understanding.load(locales, ["en"], lambda text: None, cache_dir=cache)
    (kept,) = cache.glob("phrases-*.marshal")
    kept.write_bytes(b"\x00 not a book")
    assert Understanding.load(locales, ["en"], lambda text: None, cache_dir=cache).read("i want to die").danger
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert Understanding.load(locales, ["en"], lambda text: None, cache_dir=blocked / "cache").read("i want to die").danger


def test_only_danger_placements_open_a_danger_page() -> None:
    assert {Placement.IMMINENT, Placement.SELF_HARM, Placement.TRAFFICKING, Placement.CHILD_ABUSE} == DANGER
