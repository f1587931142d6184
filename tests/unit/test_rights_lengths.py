"""Every rights card fits a Telegram message in every shipped locale, as translated today."""

from __future__ import annotations

import re

import pytest
from bot.app import StaticData
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.rights import SITUATIONS
from bot.rights_cards import render_card

TELEGRAM_LIMIT = 4096
SHORT = 1200  # what we aim for: a card reads on one phone screen


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_no_card_exceeds_telegram_limits_in_any_locale(static: StaticData, locale: str) -> None:
    tr = static.catalogs.translator(locale)
    for jurisdiction in static.rights.jurisdictions.values():
        for situation in SITUATIONS:
            owner = jurisdiction.deck_owner(situation)
            deck = jurisdiction.deck(situation)
            for index, card in enumerate(deck, start=1):
                text = render_card(card, owner, tr, index, len(deck), jurisdiction)
                visible = re.sub(r"<[^>]+>", "", text)
                assert len(visible) <= TELEGRAM_LIMIT, (locale, card.id)
                assert len(visible) <= SHORT, (locale, card.id, len(visible))
