"""The help directory as immutable values: what a survivor can be told about one service.

Everything here is loaded once at start-up (``loader.py``) and then only read, so the types
are frozen dataclasses with tuples: a query can never change the directory by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.hours import Span

KINDS: tuple[str, ...] = (
    "emergency",
    "dv_hotline",
    "sexual_violence",
    "trafficking",
    "victim_support",
    "lgbtq",
    "child",
    "crisis",
    "legal_aid",
    "shelter_referral",
    "counselling",
    "medical",
    "men",
    "elderly",
)
"""What a service helps with. Closed on purpose: a new kind needs a label in ``cards.py``."""

EU = "EU"
"""Pseudo-country of EU-wide entries; they apply only to the countries in ``available_in``."""

Tristate = Literal[True, False, "unknown"]


@dataclass(frozen=True)
class Phone:
    """One number: ``display`` as people write it locally, ``tel`` in international form.

    ``tel`` is an E.164 number written with spaces (``+44 808 2000 247``) and is present only
    when the source gave the country code; short codes (``116 016``) have none.
    """

    display: str
    tel: str | None = None
    note: str | None = None
    lang: str | None = None  # this line answers in that language (one line per language)


@dataclass(frozen=True)
class Sms:
    number: str
    keyword: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Channels:
    phones: tuple[Phone, ...] = ()
    sms: Sms | None = None
    whatsapp: Phone | None = None
    chat: str | None = None  # https URL
    web: str | None = None  # https URL
    tty: Phone | None = None
    email: str | None = None
    app: str | None = None  # free text naming the app (not shown on cards)


Slot = Span
"""A service's opening on some weekdays: the weekly-hours span the desk's duty hours use too."""


@dataclass(frozen=True)
class Hours:
    """Opening hours. ``always`` for 24/7; no slots and not always means the source is silent.

    The slots are :class:`bot.hours.Span` values in the IANA zone ``tz``.
    """

    always: bool = False
    tz: str | None = None
    slots: tuple[Span, ...] = ()
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.always or bool(self.slots)


@dataclass(frozen=True)
class Service:
    id: str
    country: str
    name: str
    kinds: tuple[str, ...]
    channels: Channels
    hours: Hours
    sources: tuple[str, ...]
    verified: str
    verified_by: str
    region: str | None = None
    name_en: str | None = None
    languages: tuple[str, ...] = ()
    interpreters: bool = False
    sign_language: bool = False
    languages_note: str | None = None
    free: Tristate = "unknown"
    confidential: bool = False
    confidentiality: str | None = None
    police_run: bool = False
    eligibility: str | None = None
    notes: str | None = None
    available_in: tuple[str, ...] = ()
    dated: bool = False
    confirmed_in: str | None = None
    evidence: str | None = None  # the source's own words that state the number; never shown

    @property
    def main_phone(self) -> Phone | None:
        return self.channels.phones[0] if self.channels.phones else None


@dataclass(frozen=True)
class AlsoNumber:
    number: str
    mobile_only: bool = False


@dataclass(frozen=True)
class SilentCall:
    """How to get help without speaking: ``dial_code`` (press ``code`` when prompted) or
    ``leave_line_open``. A closed list so the hint can be translated, not copied from data."""

    how: Literal["dial_code", "leave_line_open"]
    code: str | None = None


@dataclass(frozen=True)
class EmergencySms:
    """Texting the emergency service: for ``anyone`` or only deaf/speech-impaired people."""

    number: str
    audience: Literal["anyone", "deaf_speech_impaired"]
    registration: bool = False


@dataclass(frozen=True)
class Emergency:
    """The number to call in immediate danger in one country (``EU`` for the EU-wide 112).

    ``country is None`` is the answer for an unknown country: then ``number`` is the EU 112
    and ``countries_911`` lists the countries in the data whose emergency number is 911.
    """

    country: str | None
    number: str
    sources: tuple[str, ...]
    verified: str = ""
    verified_by: str = ""
    also: tuple[AlsoNumber, ...] = ()
    police: str | None = None
    ambulance: str | None = None
    fire: str | None = None
    child_abuse: str | None = None
    tourist_police: str | None = None
    silent_call: SilentCall | None = None
    sms: EmergencySms | None = None
    tty: str | None = None
    notes: str | None = None
    countries_911: tuple[str, ...] = ()
