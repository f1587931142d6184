"""What a survivor sees on a rights card: provenance, disclaimer, translation and length."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from bot.i18n import ENGLISH, Translator
from bot.rights import SITUATIONS, load_rights
from bot.rights_cards import render_card

RIGHTS = Path(__file__).resolve().parents[2] / "flows" / "rights"


@pytest.fixture(scope="module")
def library():
    return load_rights(RIGHTS)


def visible(text: str) -> str:
    """What Telegram counts and shows: the text without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_card_shows_title_text_disclaimer_source_date_and_jurisdiction(library) -> None:
    us = library.for_country("US")
    deck = us.deck("sexual")
    owner = us.deck_owner("sexual")
    shown = render_card(deck[0], owner, ENGLISH, 1, len(deck))
    assert shown.startswith(f"Card 1 of {len(deck)}\n<b>{deck[0].title}</b>")
    assert deck[0].text in shown
    assert "General information, not legal advice." in shown
    source = deck[0].sources[0]
    assert f'<a href="{html.escape(source.url)}">' in shown
    assert "Reviewed 2026-11-21" in shown
    assert shown.rstrip().endswith("United States (federal law)")


def test_regional_note_only_on_the_first_card(library) -> None:
    us = library.for_country("US")
    deck = us.deck("dv")
    first = render_card(deck[0], us, ENGLISH, 1, len(deck))
    second = render_card(deck[1], us, ENGLISH, 2, len(deck))
    assert us.regional_note in first
    assert us.regional_note not in second


def test_inherited_card_names_the_law_it_really_describes(library) -> None:
    canada = library.for_country("CA")
    owner = canada.deck_owner("sexual")
    card = canada.deck("sexual")[0]
    assert visible(render_card(card, owner, ENGLISH, 1, 2)).rstrip().endswith("International law")
    with pytest.raises(ValueError):
        render_card(card, canada, ENGLISH, 1, 2)


def test_card_texts_are_translated_through_their_context(library) -> None:
    us = library.for_country("US")
    card = us.deck("trafficking")[0]
    spanish = {card.text_context: "La visa T es para personas víctimas de trata.", card.title_context: "La visa T"}
    tr = Translator("es", lookup=lambda context, message: spanish.get(context))
    shown = render_card(card, us, tr, 1, 2)
    assert "<b>La visa T</b>" in shown
    assert "La visa T es para personas víctimas de trata." in shown
    assert card.text not in shown


def test_every_shipped_card_stays_short_and_parses_as_allowed_markup(library) -> None:
    allowed = re.compile(r'</?[bi]>|<a href="https://[^"<>\s]+">|</a>')
    for jurisdiction in library.jurisdictions.values():
        for situation in SITUATIONS:
            owner = jurisdiction.deck_owner(situation)
            deck = jurisdiction.deck(situation)
            for index, card in enumerate(deck, start=1):
                shown = render_card(card, owner, ENGLISH, index, len(deck))
                assert len(visible(shown)) < 1000, card.id
                assert "<" not in allowed.sub("", shown), card.id
