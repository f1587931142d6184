"""Render one "Know my rights" card as Telegram HTML in the survivor's language.

A card always says where its statement comes from and when it was checked, and that it is
general information rather than legal advice: a survivor may act on it, so provenance is
part of the message, not a detail hidden elsewhere.
"""

from __future__ import annotations

import html

from bot.i18n.translator import Translator
from bot.rights import Card, Jurisdiction


def render_card(
    card: Card, jurisdiction: Jurisdiction, tr: Translator, index: int, total: int, local: Jurisdiction | None = None
) -> str:
    """The card as Telegram HTML: title, position, text, then disclaimer and provenance footer.

    ``jurisdiction`` is the one that owns the card (``Jurisdiction.deck_owner(situation)``),
    which may be a parent of the survivor's country: the footer must name the law the card
    really describes. The regional note of ``local`` (the survivor's own jurisdiction, default
    the owner) is shown on the first card, e.g. "rules differ by state".
    """
    if card.jurisdiction != jurisdiction.id:
        raise ValueError(f"card {card.id!r} belongs to {card.jurisdiction!r}, not {jurisdiction.id!r}")
    # Card and jurisdiction texts are data, not literals: they are collected for translators by
    # ``bot.rights.extract_rights`` from the YAML. Calling through a plain name keeps Babel's
    # Python extractor from reporting these non-literal calls as empty messages.
    translate_data = tr.pgettext
    # The position comes first: a locked phone shows the first line, and a card's title can
    # reveal what the chat is about ("If you were trafficked").
    # Translators: position of this card in the deck, e.g. "Card 2 of 5".
    position = tr.pgettext("rights.card.position", "Card {index} of {total}", index=index, total=total)
    lines = [
        position,
        f"<b>{translate_data(card.title_context, card.title)}</b>",
        "",
        translate_data(card.text_context, card.text),
    ]
    noted = local or jurisdiction
    if index == 1 and noted.regional_note:
        lines += ["", f"<i>{translate_data(noted.regional_note_context, noted.regional_note)}</i>"]
    sources = "; ".join(
        f'<a href="{html.escape(source.url)}">{html.escape(source.title, quote=False)}</a>'
        + (f", {html.escape(source.section, quote=False)}" if source.section else "")
        for source in card.sources
    )
    # Translators: the footer under every rights card; {date} is an ISO date like 2026-11-21.
    lines += [
        "",
        "<i>" + tr.pgettext("rights.footer.disclaimer", "General information, not legal advice.") + "</i>",
        tr.pgettext("rights.footer.source_label", "Source:")
        + " "
        + sources
        + " · "
        + tr.pgettext("rights.footer.reviewed", "Reviewed {date}", date=card.reviewed)
        + " · "
        + translate_data(jurisdiction.name_context, jurisdiction.name),
    ]
    return "\n".join(lines)
