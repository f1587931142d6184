"""The "Know my rights" cards as immutable values, and the lookups a conversation makes.

Lookups are pure and in memory: the library is loaded once at start-up and a survivor's
country is mapped to the most specific jurisdiction (a country file, then ``eu`` for EU
members, then the worldwide ``intl`` file). A jurisdiction without cards for a situation
falls back to its parent's cards, so a survivor always gets *something true* rather than
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SITUATIONS = ("dv", "sexual", "trafficking", "crime")
"""Situation ids, in the order the survivor is offered them."""

FALLBACK = "intl"
"""The jurisdiction every country without its own file (or parent chain) ends up in."""


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
