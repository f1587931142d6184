"""Read and check one rights file (``flows/rights/<jurisdiction>.yaml``) into a draft.

Because people act on what these cards say, the reader is strict: every card must name its
sources (https only), its jurisdiction and the date it was last reviewed. Every problem goes
to a :class:`bot.problems.Problems` with the file, the line and a rule code (the "Rule codes"
of ``flows/rights/README.md``). Parents are linked across files by ``library.py``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import yamlsrc
from bot.problems import Problems
from bot.rights.model import SITUATIONS, Card, Source

FORMAT_VERSION = 1
MAX_TEXT = 900
"""Hard limit for a card text; authors aim for 600 so the rendered card stays short."""
MAX_TITLE = 80
MAX_ID = 40

_ID = re.compile(r"^[a-z0-9-]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_URL = re.compile(r'^https://[^\s"<>]+$')
# Telegram HTML allowed in card texts; anything else that looks like markup is an error,
# because Telegram rejects the whole message on one bad tag.
_ALLOWED_MARKUP = re.compile(r'</?[bi]>|<a href="https://[^"<>\s]+">|</a>|&(?:amp|lt|gt|quot|#\d+);')

_FILE_KEYS = {"version", "jurisdiction", "name", "countries", "parent", "regional_note", "reviewed", "decks"}
_CARD_KEYS = {"id", "title", "text", "note", "sources", "reviewed"}
_SOURCE_KEYS = {"title", "section", "url"}


@dataclass
class Draft:
    """A parsed file before parents are linked."""

    id: str
    name: str
    display: str
    line_of_parent: int
    parent: str | None
    countries: tuple[str, ...]
    reviewed: str
    regional_note: str | None
    decks: dict[str, tuple[Card, ...]]
    card_lines: list[tuple[str, int]]


def text(value: Any) -> str | None:
    """A non-empty text value, stripped; anything else is ``None``."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str) and len(value) == 10


def _check_markup(value: str) -> bool:
    stripped = _ALLOWED_MARKUP.sub("", value)
    return "<" not in stripped and ">" not in stripped and "&" not in stripped


def _unknown_keys(raw: yamlsrc.Mapping, allowed: set[str], what: str, name: str, problems: Problems) -> None:
    for key in raw:
        if key not in allowed:
            problems.add(name, raw.line_of(str(key)), "unknown-field", f"unknown field {key!r} in {what}")


def _parse_sources(raw: Any, line: int, card_id: str, name: str, problems: Problems) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(name, line, "missing-source", f"card {card_id!r} has no sources")
        return ()
    sources = []
    for index, item in enumerate(raw):
        item_line = raw.item_lines[index] if isinstance(raw, yamlsrc.Sequence) else line
        if not isinstance(item, yamlsrc.Mapping):
            problems.add(name, item_line, "bad-source", "a source must be a mapping with title and url")
            continue
        _unknown_keys(item, _SOURCE_KEYS, "source", name, problems)
        title, url = text(item.get("title")), text(item.get("url"))
        if title is None:
            problems.add(name, item.line, "bad-source", f"a source of card {card_id!r} has no title")
        if url is None:
            problems.add(name, item.line, "bad-source", f"a source of card {card_id!r} has no url")
        elif not _URL.match(url):
            message = f"source url must start with https:// and contain no spaces or quotes: {url!r}"
            problems.add(name, item.line_of("url"), "insecure-url", message)
        if title and url:
            sources.append(Source(title=title, url=url, section=text(item.get("section"))))
    return tuple(sources)


def _check_card_texts(raw: yamlsrc.Mapping, card_id: str, name: str, problems: Problems) -> tuple[str | None, str | None]:
    """The card's title and text, each reported when missing, too long or with bad markup."""
    title, body = text(raw.get("title")), text(raw.get("text"))
    if title is None:
        problems.add(name, raw.line, "missing-field", f"card {card_id!r} has no title")
    else:
        if len(title) > MAX_TITLE:
            message = f"title of {card_id!r} is {len(title)} characters; keep it within {MAX_TITLE}"
            problems.add(name, raw.line_of("title"), "title-too-long", message)
        if not _check_markup(title):
            problems.add(name, raw.line_of("title"), "bad-markup", f"title of {card_id!r} must be plain text (write & as &amp;)")
    if body is None:
        problems.add(name, raw.line, "missing-field", f"card {card_id!r} has no text")
        return title, None
    if len(body) > MAX_TEXT:
        message = f"text of {card_id!r} is {len(body)} characters; the limit is {MAX_TEXT}"
        problems.add(name, raw.line_of("text"), "text-too-long", message)
    if not _check_markup(body):
        message = f'text of {card_id!r} has markup other than <b>, <i>, <a href="https://..."> or &amp;-style entities'
        problems.add(name, raw.line_of("text"), "bad-markup", message)
    return title, body


def _parse_card(
    raw: Any, line: int, jurisdiction: str, situation: str, default_reviewed: str | None, name: str, problems: Problems
) -> Card | None:
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(name, line, "wrong-type", "a card must be a mapping")
        return None
    _unknown_keys(raw, _CARD_KEYS, "card", name, problems)
    card_id = raw.get("id")
    if not isinstance(card_id, str) or not _ID.match(card_id) or len(card_id) > MAX_ID:
        message = f"card id must be 1-{MAX_ID} characters of a-z, 0-9 and '-': {card_id!r}"
        problems.add(name, raw.line_of("id"), "bad-card-id", message)
        return None
    title, body = _check_card_texts(raw, card_id, name, problems)
    sources = _parse_sources(raw.get("sources"), raw.line_of("sources"), card_id, name, problems)
    reviewed = raw.get("reviewed", default_reviewed)
    if reviewed is None:
        message = f"card {card_id!r} has no reviewed date (set it on the card or the file)"
        problems.add(name, raw.line, "missing-reviewed", message)
    elif not _date(reviewed):
        problems.add(name, raw.line_of("reviewed"), "bad-date", f"reviewed must be a date like 2026-11-21: {reviewed!r}")
    if title is None or body is None or not sources or reviewed is None or not _date(reviewed):
        return None
    return Card(
        id=card_id,
        jurisdiction=jurisdiction,
        situation=situation,
        title=title,
        text=body,
        sources=sources,
        reviewed=str(reviewed),
        note=text(raw.get("note")),
    )


def _countries(raw: yamlsrc.Mapping, display: str, problems: Problems) -> tuple[str, ...]:
    countries_raw = raw.get("countries", [])
    if not isinstance(countries_raw, list):
        problems.add(display, raw.line_of("countries"), "wrong-type", "'countries' must be a list of ISO codes like [US]")
        return ()
    countries: list[str] = []
    for code in countries_raw:
        if isinstance(code, str) and _COUNTRY.match(code):
            countries.append(code)
        else:
            problems.add(display, raw.line_of("countries"), "unknown-country", f"not an ISO 3166 alpha-2 country code: {code!r}")
    return tuple(countries)


def _decks(
    raw: yamlsrc.Mapping, jurisdiction: str, reviewed: str | None, display: str, problems: Problems
) -> tuple[dict[str, tuple[Card, ...]], list[tuple[str, int]]]:
    """The cards of each situation, and the line of each card id (for duplicates across files)."""
    decks_raw = raw.get("decks")
    decks: dict[str, tuple[Card, ...]] = {}
    card_lines: list[tuple[str, int]] = []
    if not isinstance(decks_raw, yamlsrc.Mapping):
        message = "'decks' must map situations (dv, sexual, trafficking, crime) to cards"
        problems.add(display, raw.line_of("decks"), "wrong-type", message)
        return decks, card_lines
    for situation, cards_raw in decks_raw.items():
        line = decks_raw.line_of(str(situation))
        if situation not in SITUATIONS:
            message = f"unknown situation {situation!r}; use one of {', '.join(SITUATIONS)}"
            problems.add(display, line, "unknown-situation", message)
            continue
        if not isinstance(cards_raw, yamlsrc.Sequence) or not cards_raw:
            problems.add(display, line, "empty-deck", f"deck {situation!r} must be a non-empty list of cards")
            continue
        cards = []
        for card_raw, card_line in zip(cards_raw, cards_raw.item_lines, strict=True):
            card = _parse_card(card_raw, card_line, jurisdiction, situation, reviewed, display, problems)
            if card is not None:
                cards.append(card)
                card_lines.append((card.id, card_raw.line_of("id")))
        decks[situation] = tuple(cards)
    return decks, card_lines


def read_file(path: Path, display: str, problems: Problems) -> Draft | None:
    """One rights file as a draft; ``None`` when it cannot even name its jurisdiction."""
    try:
        raw = yamlsrc.load(path, display)
    except yamlsrc.SourceError as exc:
        problems.merge(exc)
        return None
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(display, 1, "wrong-type", "a rights file must be a mapping")
        return None
    _unknown_keys(raw, _FILE_KEYS, "rights file", display, problems)
    if raw.get("version") != FORMAT_VERSION:
        problems.add(display, raw.line_of("version"), "wrong-version", f"'version' must be {FORMAT_VERSION}")
    jurisdiction = raw.get("jurisdiction")
    if not isinstance(jurisdiction, str) or not jurisdiction:
        message = "missing 'jurisdiction' (the id of this file, equal to its name without .yaml)"
        problems.add(display, raw.line, "missing-jurisdiction", message)
        return None
    if jurisdiction != path.stem:
        message = f"'jurisdiction' is {jurisdiction!r} but the file is named {path.stem!r}"
        problems.add(display, raw.line_of("jurisdiction"), "jurisdiction-mismatch", message)
    name = text(raw.get("name"))
    if name is None:
        message = "missing 'name' (shown to survivors, e.g. 'United States (federal law)')"
        problems.add(display, raw.line, "missing-field", message)
    countries = _countries(raw, display, problems)
    reviewed = raw.get("reviewed")
    if reviewed is not None and not _date(reviewed):
        problems.add(display, raw.line_of("reviewed"), "bad-date", f"reviewed must be a date like 2026-11-21: {reviewed!r}")
        reviewed = None
    decks, card_lines = _decks(raw, jurisdiction, reviewed, display, problems)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.add(display, raw.line_of("parent"), "wrong-type", f"'parent' must be a jurisdiction id: {parent!r}")
        parent = None
    return Draft(
        id=jurisdiction,
        name=name or jurisdiction,
        display=display,
        line_of_parent=raw.line_of("parent"),
        parent=parent,
        countries=countries,
        reviewed=str(reviewed) if reviewed else "",
        regional_note=text(raw.get("regional_note")),
        decks=decks,
        card_lines=card_lines,
    )
