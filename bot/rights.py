""""Know my rights" content: load, validate, look up and extract the per-jurisdiction cards.

The cards live in ``flows/rights/<jurisdiction>.yaml`` (format: ``flows/rights/README.md``) so
that a lawyer can add a country or a state by adding one file, without Python. Because people
act on what these cards say, the loader is strict: every card must name its sources (https
only), its jurisdiction and the date it was last reviewed, and every problem is reported as
``path:line: message`` so the person who wrote the file can fix it.

Lookups are pure and in memory: the library is loaded once at start-up and a survivor's
country is mapped to the most specific jurisdiction (a country file, then ``eu`` for EU
members, then the worldwide ``intl`` file). A jurisdiction without cards for a situation
falls back to its parent's cards, so a survivor always gets *something true* rather than
nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from bot import yamlsrc

SITUATIONS = ("dv", "sexual", "trafficking", "crime")
"""Situation ids, in the order the survivor is offered them."""

FALLBACK = "intl"
"""The jurisdiction every country without its own file (or parent chain) ends up in."""

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


class RightsError(yamlsrc.SourceError):
    """One or more problems in the rights files, each formatted as ``path:line: message``."""


@dataclass(frozen=True)
class Source:
    """Where a card's statement comes from: a law, regulation or official page."""

    title: str
    url: str
    section: str | None = None


@dataclass(frozen=True)
class Card:
    """One short idea a survivor reads, with its provenance."""

    id: str
    jurisdiction: str
    situation: str
    title: str
    text: str
    sources: tuple[Source, ...]
    reviewed: str
    note: str | None = None

    @property
    def title_context(self) -> str:
        """Gettext context of the title (the Babel extractor uses the same)."""
        return f"rights.{self.id}.title"

    @property
    def text_context(self) -> str:
        """Gettext context of the text (the Babel extractor uses the same)."""
        return f"rights.{self.id}.text"


@dataclass(frozen=True)
class Jurisdiction:
    """The cards of one legal system (a country, a state, the EU, international law)."""

    id: str
    name: str
    countries: tuple[str, ...]
    reviewed: str
    decks: Mapping[str, tuple[Card, ...]]
    parent: Jurisdiction | None = None
    regional_note: str | None = None

    @property
    def name_context(self) -> str:
        return f"rights.{self.id}.name"

    @property
    def regional_note_context(self) -> str:
        return f"rights.{self.id}.regional_note"

    def deck_owner(self, situation: str) -> Jurisdiction | None:
        """The jurisdiction whose cards are shown for ``situation``: this one or an ancestor."""
        if situation not in SITUATIONS:
            raise ValueError(f"unknown situation {situation!r}")
        current: Jurisdiction | None = self
        while current is not None:
            if current.decks.get(situation):
                return current
            current = current.parent
        return None

    def deck(self, situation: str) -> list[Card]:
        """The ordered cards for ``situation``, falling back to the parent's when missing."""
        owner = self.deck_owner(situation)
        return list(owner.decks[situation]) if owner is not None else []


@dataclass(frozen=True)
class RightsLibrary:
    """Every jurisdiction, indexed by id and by the ISO country codes they serve."""

    jurisdictions: Mapping[str, Jurisdiction]
    by_country: Mapping[str, Jurisdiction]

    def for_country(self, code: str | None) -> Jurisdiction:
        """The most specific jurisdiction for an ISO 3166 alpha-2 code; ``intl`` otherwise."""
        if code:
            found = self.by_country.get(code.strip().upper())
            if found is not None:
                return found
        return self.jurisdictions[FALLBACK]


# ---------------------------------------------------------------- loading and validation


class _Problems:
    """Collects ``path:line: message`` lines for one run of the loader."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, name: str, line: int, message: str) -> None:
        self.lines.append(f"{name}:{line}: {message}")


def _date(value: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str) and len(value) == 10


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _check_markup(text: str) -> bool:
    stripped = _ALLOWED_MARKUP.sub("", text)
    return "<" not in stripped and ">" not in stripped and "&" not in stripped


def _unknown_keys(raw: yamlsrc.Mapping, allowed: set[str], what: str, name: str, problems: _Problems) -> None:
    for key in raw:
        if key not in allowed:
            problems.add(name, raw.line_of(str(key)), f"unknown field {key!r} in {what}")


def _parse_sources(raw: Any, line: int, card_id: str, name: str, problems: _Problems) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(name, line, f"card {card_id!r} has no sources")
        return ()
    sources = []
    for index, item in enumerate(raw):
        item_line = raw.item_lines[index] if isinstance(raw, yamlsrc.Sequence) else line
        if not isinstance(item, yamlsrc.Mapping):
            problems.add(name, item_line, "a source must be a mapping with title and url")
            continue
        _unknown_keys(item, _SOURCE_KEYS, "source", name, problems)
        title, url = _text(item.get("title")), _text(item.get("url"))
        if title is None:
            problems.add(name, item.line, f"a source of card {card_id!r} has no title")
        if url is None:
            problems.add(name, item.line, f"a source of card {card_id!r} has no url")
        elif not _URL.match(url):
            problems.add(name, item.line_of("url"), f"source url must start with https:// and contain no spaces or quotes: {url!r}")
        if title and url:
            sources.append(Source(title=title, url=url, section=_text(item.get("section"))))
    return tuple(sources)


def _parse_card(
    raw: Any, line: int, jurisdiction: str, situation: str, default_reviewed: str | None, name: str, problems: _Problems
) -> Card | None:
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(name, line, "a card must be a mapping")
        return None
    _unknown_keys(raw, _CARD_KEYS, "card", name, problems)
    card_id = raw.get("id")
    if not isinstance(card_id, str) or not _ID.match(card_id) or len(card_id) > MAX_ID:
        problems.add(name, raw.line_of("id"), f"card id must be 1-{MAX_ID} characters of a-z, 0-9 and '-': {card_id!r}")
        return None
    title, text = _text(raw.get("title")), _text(raw.get("text"))
    if title is None:
        problems.add(name, raw.line, f"card {card_id!r} has no title")
    elif len(title) > MAX_TITLE:
        problems.add(name, raw.line_of("title"), f"title of {card_id!r} is {len(title)} characters; keep it within {MAX_TITLE}")
    if text is None:
        problems.add(name, raw.line, f"card {card_id!r} has no text")
    else:
        if len(text) > MAX_TEXT:
            problems.add(name, raw.line_of("text"), f"text of {card_id!r} is {len(text)} characters; the limit is {MAX_TEXT}")
        if not _check_markup(text):
            problems.add(name, raw.line_of("text"), f"text of {card_id!r} has markup other than <b>, <i>, <a href=\"https://...\"> or &amp;-style entities")
    if title is not None and not _check_markup(title):
        problems.add(name, raw.line_of("title"), f"title of {card_id!r} must be plain text (write & as &amp;)")
    sources = _parse_sources(raw.get("sources"), raw.line_of("sources"), card_id, name, problems)
    reviewed = raw.get("reviewed", default_reviewed)
    if reviewed is None:
        problems.add(name, raw.line, f"card {card_id!r} has no reviewed date (set it on the card or the file)")
    elif not _date(reviewed):
        problems.add(name, raw.line_of("reviewed"), f"reviewed must be a date like 2026-11-21: {reviewed!r}")
    if title is None or text is None or not sources or reviewed is None or not _date(reviewed):
        return None
    return Card(
        id=card_id,
        jurisdiction=jurisdiction,
        situation=situation,
        title=title,
        text=text,
        sources=sources,
        reviewed=str(reviewed),
        note=_text(raw.get("note")),
    )


@dataclass
class _Draft:
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


def _parse_file(path: Path, display: str, problems: _Problems) -> _Draft | None:
    try:
        raw = yamlsrc.load(path, display)
    except yamlsrc.SourceError as exc:
        problems.lines.extend(exc.problems)
        return None
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(display, 1, "a rights file must be a mapping")
        return None
    _unknown_keys(raw, _FILE_KEYS, "rights file", display, problems)
    if raw.get("version") != FORMAT_VERSION:
        problems.add(display, raw.line_of("version"), f"'version' must be {FORMAT_VERSION}")
    jurisdiction = raw.get("jurisdiction")
    if not isinstance(jurisdiction, str) or not jurisdiction:
        problems.add(display, raw.line, "missing 'jurisdiction' (the id of this file, equal to its name without .yaml)")
        return None
    if jurisdiction != path.stem:
        problems.add(display, raw.line_of("jurisdiction"), f"'jurisdiction' is {jurisdiction!r} but the file is named {path.stem!r}")
    name = _text(raw.get("name"))
    if name is None:
        problems.add(display, raw.line, "missing 'name' (shown to survivors, e.g. 'United States (federal law)')")
    countries_raw = raw.get("countries", [])
    countries: list[str] = []
    if not isinstance(countries_raw, list):
        problems.add(display, raw.line_of("countries"), "'countries' must be a list of ISO codes like [US]")
    else:
        for code in countries_raw:
            if isinstance(code, str) and _COUNTRY.match(code):
                countries.append(code)
            else:
                problems.add(display, raw.line_of("countries"), f"not an ISO 3166 alpha-2 country code: {code!r}")
    reviewed = raw.get("reviewed")
    if reviewed is not None and not _date(reviewed):
        problems.add(display, raw.line_of("reviewed"), f"reviewed must be a date like 2026-11-21: {reviewed!r}")
        reviewed = None
    decks_raw = raw.get("decks")
    decks: dict[str, tuple[Card, ...]] = {}
    card_lines: list[tuple[str, int]] = []
    if not isinstance(decks_raw, yamlsrc.Mapping):
        problems.add(display, raw.line_of("decks"), "'decks' must map situations (dv, sexual, trafficking, crime) to cards")
        decks_raw = yamlsrc.Mapping()
        decks_raw.key_lines = {}
    for situation, cards_raw in decks_raw.items():
        line = decks_raw.line_of(str(situation))
        if situation not in SITUATIONS:
            problems.add(display, line, f"unknown situation {situation!r}; use one of {', '.join(SITUATIONS)}")
            continue
        if not isinstance(cards_raw, yamlsrc.Sequence) or not cards_raw:
            problems.add(display, line, f"deck {situation!r} must be a non-empty list of cards")
            continue
        cards = []
        for index, card_raw in enumerate(cards_raw):
            card = _parse_card(card_raw, cards_raw.item_lines[index], jurisdiction, situation, reviewed, display, problems)
            if card is not None:
                cards.append(card)
                card_lines.append((card.id, card_raw.line_of("id")))
        decks[situation] = tuple(cards)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.add(display, raw.line_of("parent"), f"'parent' must be a jurisdiction id: {parent!r}")
        parent = None
    return _Draft(
        id=jurisdiction,
        name=name or jurisdiction,
        display=display,
        line_of_parent=raw.line_of("parent"),
        parent=parent,
        countries=tuple(countries),
        reviewed=str(reviewed) if reviewed else "",
        regional_note=_text(raw.get("regional_note")),
        decks=decks,
        card_lines=card_lines,
    )


def _link(drafts: dict[str, _Draft], problems: _Problems) -> dict[str, Jurisdiction]:
    """Resolve parents (reporting unknown ones and cycles) and build frozen jurisdictions."""
    built: dict[str, Jurisdiction] = {}

    def build(draft: _Draft, trail: tuple[str, ...]) -> Jurisdiction:
        if draft.id in built:
            return built[draft.id]
        parent: Jurisdiction | None = None
        if draft.parent is not None:
            if draft.parent in trail or draft.parent == draft.id:
                problems.add(draft.display, draft.line_of_parent, f"parent chain loops: {' -> '.join(trail + (draft.id, draft.parent))}")
            elif draft.parent not in drafts:
                problems.add(draft.display, draft.line_of_parent, f"unknown parent {draft.parent!r}")
            else:
                parent = build(drafts[draft.parent], trail + (draft.id,))
        result = Jurisdiction(
            id=draft.id,
            name=draft.name,
            countries=draft.countries,
            reviewed=draft.reviewed,
            decks=MappingProxyType(dict(draft.decks)),
            parent=parent,
            regional_note=draft.regional_note,
        )
        built[draft.id] = result
        return result

    for draft in drafts.values():
        build(draft, ())
    return built


def load_rights(path: Path | str) -> RightsLibrary:
    """Load a directory of rights files (or one file); raise :class:`RightsError` on any problem.

    A directory must contain the worldwide ``intl.yaml``, and every jurisdiction must end up
    with cards for every situation (its own or inherited), so no survivor meets an empty deck.
    """
    path = Path(path)
    problems = _Problems()
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    drafts: dict[str, _Draft] = {}
    card_homes: dict[str, str] = {}
    country_homes: dict[str, str] = {}
    for file in files:
        display = str(file)
        draft = _parse_file(file, display, problems)
        if draft is None:
            continue
        if draft.id in drafts:
            problems.add(display, 1, f"jurisdiction {draft.id!r} is defined twice (also in {drafts[draft.id].display})")
            continue
        drafts[draft.id] = draft
        for card_id, line in draft.card_lines:
            if card_id in card_homes:
                problems.add(display, line, f"duplicate card id {card_id!r} (first at {card_homes[card_id]})")
            else:
                card_homes[card_id] = f"{display}:{line}"
        for code in draft.countries:
            if code in country_homes:
                problems.add(display, 1, f"country {code} is already served by {country_homes[code]}")
            else:
                country_homes[code] = draft.id
    jurisdictions = _link(drafts, problems)
    if path.is_dir():
        if FALLBACK not in jurisdictions:
            problems.add(str(path / f"{FALLBACK}.yaml"), 0, f"the worldwide fallback '{FALLBACK}.yaml' is missing")
        for jurisdiction in jurisdictions.values():
            for situation in SITUATIONS:
                if jurisdiction.deck_owner(situation) is None:
                    problems.add(drafts[jurisdiction.id].display, 1, f"no cards for situation {situation!r}, here or in a parent")
    if problems.lines:
        raise RightsError(problems.lines)
    by_country = {code: jurisdictions[owner] for code, owner in country_homes.items()}
    return RightsLibrary(jurisdictions=MappingProxyType(jurisdictions), by_country=MappingProxyType(by_country))


def check(path: Path | str) -> list[str]:
    """Every problem in the rights files at ``path`` (empty when they load cleanly)."""
    try:
        load_rights(path)
    except RightsError as exc:
        return list(exc.problems)
    return []


# ---------------------------------------------------------------- Babel extraction


def extract_rights(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple]:
    """Babel extractor: jurisdiction name, regional note, card titles and texts of one file.

    Yields ``(line, "pgettext", (context, text), comments)`` with the same contexts the
    renderer looks up (``rights.<card-id>.title`` / ``.text``, ``rights.<jurisdiction>.name``
    / ``.regional_note``); the card's ``note`` becomes the translator comment. Tolerant of
    broken files (they are reported by :func:`check`, not here).
    """
    raw = yamlsrc.parse(fileobj, getattr(fileobj, "name", "rights"))
    if not isinstance(raw, yamlsrc.Mapping) or not isinstance(raw.get("jurisdiction"), str):
        return
    jid = raw["jurisdiction"]
    name = _text(raw.get("name"))
    if name:
        yield raw.line_of("name"), "pgettext", (f"rights.{jid}.name", name), ["Name of a legal system, shown under rights cards."]
    note = _text(raw.get("regional_note"))
    if note:
        yield raw.line_of("regional_note"), "pgettext", (f"rights.{jid}.regional_note", note), [
            "Shown on the first rights card: where the rules differ inside this country."
        ]
    decks = raw.get("decks")
    if not isinstance(decks, yamlsrc.Mapping):
        return
    for cards in decks.values():
        for card in cards if isinstance(cards, list) else []:
            if not isinstance(card, yamlsrc.Mapping) or not isinstance(card.get("id"), str):
                continue
            comments = [_text(card.get("note"))] if _text(card.get("note")) else []
            for field in ("title", "text"):
                value = _text(card.get(field))
                if value:
                    yield card.line_of(field), "pgettext", (f"rights.{card['id']}.{field}", value), comments
