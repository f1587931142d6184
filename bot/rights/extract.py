"""The Babel extractor for rights files: what translators see of each card and jurisdiction.

It yields the same gettext contexts the renderer looks up, so a translated card is found by
the id it was extracted under. Broken files are reported by the loader, not here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from bot import yamlsrc
from bot.rights.reading import text


def extract_rights(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extractor: jurisdiction name, regional note, card titles and texts of one file.

    Yields ``(line, "pgettext", (context, text), comments)`` with the same contexts the
    renderer looks up (``rights.<card-id>.title`` / ``.text``, ``rights.<jurisdiction>.name``
    / ``.regional_note``); the card's ``note`` becomes the translator comment. Tolerant of
    broken files (they are reported by :func:`bot.rights.check`, not here).
    """
    raw = yamlsrc.parse(fileobj, getattr(fileobj, "name", "rights"))
    if not isinstance(raw, yamlsrc.Mapping) or not isinstance(raw.get("jurisdiction"), str):
        return
    jid = raw["jurisdiction"]
    name = text(raw.get("name"))
    if name:
        yield raw.line_of("name"), "pgettext", (f"rights.{jid}.name", name), ["Name of a legal system, shown under rights cards."]
    note = text(raw.get("regional_note"))
    if note:
        comment = "Shown on the first rights card: where the rules differ inside this country."
        yield raw.line_of("regional_note"), "pgettext", (f"rights.{jid}.regional_note", note), [comment]
    decks = raw.get("decks")
    if not isinstance(decks, yamlsrc.Mapping):
        return
    for cards in decks.values():
        for card in cards if isinstance(cards, list) else []:
            if not isinstance(card, yamlsrc.Mapping) or not isinstance(card.get("id"), str):
                continue
            card_note = text(card.get("note"))
            comments = [card_note] if card_note else []
            for field in ("title", "text"):
                value = text(card.get(field))
                if value:
                    yield card.line_of(field), "pgettext", (f"rights.{card['id']}.{field}", value), comments
