"""Questions the conversation asks of the directory: who can help with this, now, in my language.

Pure functions over the loaded model; the clock is always passed in, so "open now" is
testable at any instant and never depends on the server's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.languages import get_official_languages

from bot.directory.loader import DirectoryError, read_directory
from bot.directory.model import EU, Emergency, Service
from bot.hours import WeeklyHours

NEEDS: tuple[str, ...] = (
    "safe_place", "talk_now", "legal", "medical", "trafficking", "child", "lgbtq", "all",
    # Chosen from what someone wrote rather than from a button (see bot/understanding):
    "crisis", "sexual", "domestic", "money", "immigration", "police",
)  # fmt: skip
"""What a survivor can ask for; each maps to the service kinds that answer it."""

NEED_KINDS: dict[str, frozenset[str]] = {
    "safe_place": frozenset({"shelter_referral"}),
    "talk_now": frozenset({"dv_hotline", "sexual_violence", "counselling", "victim_support", "lgbtq", "men"}),
    "legal": frozenset({"legal_aid", "victim_support"}),
    "medical": frozenset({"medical"}),
    "trafficking": frozenset({"trafficking"}),
    "child": frozenset({"child"}),
    "lgbtq": frozenset({"lgbtq"}),
    "crisis": frozenset({"crisis"}),
    "sexual": frozenset({"sexual_violence"}),
    "domestic": frozenset({"dv_hotline"}),
    "money": frozenset({"victim_support", "dv_hotline", "legal_aid"}),
    "immigration": frozenset({"legal_aid", "trafficking"}),
    "police": frozenset({"emergency", "victim_support"}),
}


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _weekly(service: Service) -> WeeklyHours | None:
    """The service's stated hours as the shared weekly model; ``None`` when not stated."""
    hours = service.hours
    if hours.always or not hours.slots or hours.tz is None:
        return None
    return WeeklyHours(_zone(hours.tz), tuple(hours.slots))


def is_open(service: Service, now: datetime) -> bool | None:
    """Whether the service answers at ``now`` (an aware datetime); ``None`` when hours are unknown."""
    if service.hours.always:
        return True
    weekly = _weekly(service)
    return weekly.is_open(now) if weekly else None


def next_opening(service: Service, now: datetime) -> datetime | None:
    """The next time a closed service opens, in its own time zone; ``None`` if not knowable."""
    weekly = _weekly(service)
    return weekly.next_opening(now) if weekly else None


@lru_cache(maxsize=512)
def _languages(service: Service) -> frozenset[str]:
    """Languages the service answers in; without a list, the country's official languages
    (a national line in Poland answers in Polish even when the source does not say so)."""
    if service.languages:
        return frozenset(service.languages)
    if len(service.country) != 2 or service.country == EU:
        return frozenset()
    official = get_official_languages(service.country, de_facto=True)
    return frozenset(code.split("_")[0] for code in official)


def _rank(service: Service, need: str | None, lang: str | None, now: datetime) -> tuple[int, ...]:
    """Smaller is better: need fit, reachable now, speaks the language, free, no police, national."""
    kinds = NEED_KINDS.get(need or "all")
    fit = 0 if kinds is None or service.kinds[0] in kinds else 1
    open_now = is_open(service, now)
    availability = 0 if open_now else (1 if open_now is None else 2)
    if lang is None or lang.split("_")[0] in _languages(service):
        speaks = 0
    else:
        speaks = 1 if service.interpreters else 2
    free = {True: 0, "unknown": 1, False: 2}[service.free]
    return (fit, availability, speaks, free, int(service.police_run), int(service.region is not None))


class Directory:
    """All services and emergency numbers, indexed by country, loaded once at start-up."""

    def __init__(self, services: Iterable[Service], emergencies: dict[str, Emergency]) -> None:
        self._emergencies = dict(emergencies)
        self._by_country: dict[str, list[Service]] = {}
        eu_wide = []
        for service in services:
            if service.country == EU:
                eu_wide.append(service)
            else:
                self._by_country.setdefault(service.country, []).append(service)
        # An EU-wide line is listed only where it is confirmed live and the country's own
        # entries do not already give the same number.
        for service in eu_wide:
            for country in service.available_in:
                national = self._by_country.setdefault(country, [])
                known = {p.display.replace(" ", "") for s in national for p in s.channels.phones}
                if not any(p.display.replace(" ", "") in known for p in service.channels.phones):
                    national.append(service)
        self._countries_911 = tuple(
            sorted(c for c, e in self._emergencies.items() if e.number == "911" and c != EU)
        )

    @classmethod
    def load(cls, path: Path) -> Directory:
        """Read and validate ``path`` (``flows/directory``); raises :class:`DirectoryError`."""
        services, emergencies, problems = read_directory(path)
        if problems:
            raise DirectoryError(problems)
        return cls(services, emergencies)

    def emergency(self, country: str | None) -> Emergency | None:
        """The emergency entry for ``country``; for an unknown country the honest universal
        answer (EU 112 plus the 911 countries in the data); ``None`` only with no data at all."""
        if country and country.upper() in self._emergencies and country.upper() != EU:
            return self._emergencies[country.upper()]
        eu = self._emergencies.get(EU)
        if eu is None and not self._countries_911:
            return None
        return Emergency(
            country=None,
            number=eu.number if eu else "",
            sources=eu.sources if eu else (),
            countries_911=self._countries_911,
        )

    def find(self, country: str, need: str | None, lang: str | None, now: datetime) -> list[Service]:
        """Services in ``country`` that answer ``need`` (all when ``None``/``all``), best first.

        Ranked by: the need is the service's main kind, open now (24/7 or open in its own
        time zone) before unknown hours before closed, speaks ``lang`` (interpreters count
        half), free, not police-run, nationwide before regional. An empty list means the
        directory has nothing for that need; the caller shows the honest fallback.
        """
        if need is not None and need not in NEEDS:
            raise ValueError(f"unknown need {need!r}")
        kinds = NEED_KINDS.get(need or "all")
        candidates = [
            s for s in self._by_country.get(country.upper(), []) if kinds is None or kinds.intersection(s.kinds)
        ]
        return sorted(candidates, key=lambda s: _rank(s, need, lang, now))

    def lines_24_7(self, country: str) -> list[Service]:
        """Nationwide 24/7 phone lines, in file order, to show right after the emergency number.

        Regional lines and entries that merely repeat the emergency number are left out, so
        the danger reply stays short and true for everyone in the country.
        """
        emergency = self._emergencies.get(country.upper())
        return [
            s
            for s in self._by_country.get(country.upper(), [])
            if s.hours.always
            and s.main_phone is not None
            and s.region is None
            and "emergency" not in s.kinds
            and not (emergency and s.main_phone.display == emergency.number)
        ]

    def countries(self) -> list[str]:
        """Countries that have their own directory data (EU-wide entries are not a country)."""
        return sorted(set(self._by_country) | (set(self._emergencies) - {EU}))

