"""What a survivor reads: service cards and the danger reply, through the translator."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bot.directory import Directory, render_emergency, render_service
from bot.i18n import ENGLISH, Translator

UTC = UTC
MONDAY_NOON = datetime(2026, 11, 23, 12, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def directory(root: Path) -> Directory:
    return Directory.load(root / "flows" / "directory")


def service(directory: Directory, country: str, service_id: str):
    return next(s for s in directory.find(country, None, None, MONDAY_NOON) if s.id == service_id)


def recording_translator() -> tuple[Translator, list[str]]:
    """A translator that brackets every text and remembers each context it was asked for."""
    contexts: list[str] = []

    def lookup(context: str, message: str) -> str:
        contexts.append(context)
        return f"[{message}]"

    return Translator("en", lookup=lookup), contexts


def test_police_run_lines_say_so(directory: Directory) -> None:
    card = render_service(service(directory, "ES", "es-trata-policia"), ENGLISH, MONDAY_NOON, "es")
    assert "Run by the police" in card
    assert "Run by the police" not in render_service(service(directory, "ES", "es-016"), ENGLISH, MONDAY_NOON, "es")


def test_card_shows_local_number_with_the_international_form(directory: Directory) -> None:
    card = render_service(service(directory, "GB", "gb-ndah"), ENGLISH, MONDAY_NOON, "en")
    assert "0808 2000 247 (from abroad: +44 808 2000 247)" in card
    assert "Open 24/7 · Free and confidential" in card
    assert '<a href="https://www.nationaldahelpline.org.uk">' in card


def test_sms_keyword_and_short_codes(directory: Directory) -> None:
    card = render_service(service(directory, "US", "us-ndvh"), ENGLISH, MONDAY_NOON, "en")
    assert "Text START to 88788" in card
    short = render_service(service(directory, "FR", "fr-3919"), ENGLISH, MONDAY_NOON, "fr")
    assert "📞 3919\n" in short and "from abroad" not in short


def test_english_name_only_for_survivors_who_do_not_read_the_local_language(directory: Directory) -> None:
    line = service(directory, "DE", "de-hilfetelefon-gewalt-frauen")
    assert "Violence Against Women Support Hotline" in render_service(line, ENGLISH, MONDAY_NOON, "ar")
    assert "Violence Against Women Support Hotline" not in render_service(line, ENGLISH, MONDAY_NOON, "de")


def test_hours_open_closed_and_unknown(directory: Directory) -> None:
    galop = service(directory, "GB", "gb-galop")
    assert "Open now" in render_service(galop, ENGLISH, MONDAY_NOON, "en")
    closed = render_service(galop, ENGLISH, SATURDAY_NOON, "en")
    assert "Closed now · opens Monday at 10:00" in closed
    friday_evening = datetime(2026, 11, 27, 18, tzinfo=UTC)
    assert "opens Monday" in render_service(galop, ENGLISH, friday_evening, "en")
    thursday_night = datetime(2026, 11, 26, 21, tzinfo=UTC)
    assert "opens tomorrow at 10:00" in render_service(galop, ENGLISH, thursday_night, "en")
    unknown = render_service(service(directory, "GB", "gb-mens-advice-line"), ENGLISH, MONDAY_NOON, "en")
    assert "Open" not in unknown and "Closed" not in unknown


def test_language_specific_line_is_added_for_that_language(directory: Directory) -> None:
    line = service(directory, "ZA", "za-rape-crisis-ct")
    assert "021 633 9229" in render_service(line, ENGLISH, MONDAY_NOON, "af")
    assert "021 633 9229" not in render_service(line, ENGLISH, MONDAY_NOON, "en")


def test_every_card_is_short_and_every_line_is_translated(directory: Directory) -> None:
    tr, _ = recording_translator()
    for country in directory.countries():
        for entry in directory.find(country, None, None, MONDAY_NOON):
            english = render_service(entry, ENGLISH, MONDAY_NOON, "ar")
            assert len(english) < 600, entry.id
            for line in render_service(entry, tr, MONDAY_NOON, "ar").split("\n"):
                assert line.startswith("[") and line.endswith("]"), (entry.id, line)


def test_emergency_number_comes_first_then_silent_hint_then_24_7_lines(directory: Directory) -> None:
    text = render_emergency(directory.emergency("GB"), directory.lines_24_7("GB"), ENGLISH)
    first_line = text.split("\n")[0]
    assert "999" in first_line
    assert text.index("999") < text.index("dial 55") < text.index("0808 2000 247")
    assert text.count("• ") <= 4


def test_emergency_texts_use_safety_contexts(directory: Directory) -> None:
    tr, contexts = recording_translator()
    for country in ("GB", "FR", "CA", "AU", "IE", "IT", "TH", None):
        render_emergency(directory.emergency(country), directory.lines_24_7(country or "XX"), tr)
    assert contexts and all(c.startswith("safety:") for c in contexts)


def test_texting_hint_follows_the_source(directory: Directory) -> None:
    fr = render_emergency(directory.emergency("FR"), [], ENGLISH)
    assert "If you cannot speak, text 114." in fr
    ie = render_emergency(directory.emergency("IE"), [], ENGLISH)
    assert "registered in advance can text 112" in ie
    assert "leave the line open" in render_emergency(directory.emergency("CA"), [], ENGLISH)


def test_unknown_country_gets_honest_112_and_911_guidance(directory: Directory) -> None:
    text = render_emergency(directory.emergency(None), [], ENGLISH)
    assert "In the European Union and some other countries: <b>112</b>" in text
    assert "Argentina, Canada, Mexico, Philippines, and United States: <b>911</b>" in text
    spanish = render_emergency(directory.emergency(None), [], Translator("es"))
    assert "Estados Unidos" in spanish  # country names follow the survivor's language


def test_no_data_at_all_still_says_to_call_for_help() -> None:
    assert "emergency number" in render_emergency(None, [], ENGLISH)
