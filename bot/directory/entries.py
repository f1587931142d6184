"""One entry of a directory file: a service (``services:``) or the emergency numbers (``emergency:``).

Each reader checks everything an entry says and returns ``None`` when anything is wrong:
a service with one doubtful field is left out rather than shown half-true. Every rule has a
code, documented in ``flows/directory/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Literal, TypeVar

from bot.directory.channels import read_channels
from bot.directory.fields import URL, Fields, country_codes, language_codes
from bot.directory.model import EU, KINDS, AlsoNumber, Channels, Emergency, EmergencySms, Hours, Service, SilentCall, Tristate
from bot.hours import HoursError, Span, parse_days, parse_time, zone
from bot.yamlsrc import Mapping, Sequence

CONFIRMED_IN = ("code_repositories",)

SERVICE_KEYS = {
    "id", "country", "region", "name", "name_en", "kinds", "channels", "hours", "hours_note",
    "languages", "interpreters", "sign_language", "languages_note", "free", "confidential",
    "confidentiality", "police_run", "eligibility", "notes", "available_in", "sources",
    "dated", "confirmed_in", "evidence", "verified", "verified_by",
}  # fmt: skip
_REQUIRED_SERVICE_KEYS = ("id", "name", "kinds", "channels", "hours")  # sources and verification: below
_EMERGENCY_KEYS = {
    "number", "also", "police", "ambulance", "fire", "child_abuse", "tourist_police",
    "silent_call", "sms", "tty", "notes", "sources", "verified", "verified_by",
}  # fmt: skip
_SLOT_KEYS = {"days", "from", "to"}
_FREE: tuple[Tristate, ...] = (True, False, "unknown")
_SILENT_HOW: tuple[Literal["dial_code", "leave_line_open"], ...] = ("dial_code", "leave_line_open")
_SMS_FOR: tuple[Literal["anyone", "deaf_speech_impaired"], ...] = ("anyone", "deaf_speech_impaired")

_ID = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_SHORT_NUMBER = re.compile(r"[0-9]{2,6}")

_T = TypeVar("_T")


def _one_of(value: object, choices: tuple[_T, ...]) -> _T | None:
    """``value`` as one of ``choices`` (typed as the choice, so no cast), or ``None``."""
    return next((choice for choice in choices if choice == value), None)


# ---- hours --------------------------------------------------------------------------------


def _parsed(fields: Fields, key: str, parse: Callable[[str], _T]) -> _T | None:
    text = fields.text(key, required=True)
    if text is None:
        return None
    try:
        return parse(text)
    except HoursError as exc:
        fields.error(key, exc.code, f"malformed hours: {exc}")
        return None


def _slot(item: object, line: int, owner: Fields) -> Span | None:
    if not isinstance(item, Mapping):
        owner.at(line, "bad-hours", "malformed hours: a slot needs 'days', 'from' and 'to'")
        return None
    fields = owner.nested(item, _SLOT_KEYS, "slot")
    days, start, end = _parsed(fields, "days", parse_days), _parsed(fields, "from", parse_time), _parsed(fields, "to", parse_time)
    if days is None or start is None or end is None:
        return None
    try:
        return Span(days, start, end)
    except HoursError as exc:
        fields.error("to", exc.code, f"malformed hours: {exc} (write 24/7 for always open)")
        return None


def _zone_name(name: str) -> str:
    """``name`` when it is an IANA time zone; :class:`HoursError` otherwise."""
    zone(name)
    return name


def _hours(fields: Fields) -> Hours | None:
    """``24/7``, ``unknown`` (the source is silent: cards say nothing), or ``tz`` and ``slots``."""
    raw = fields.data.get("hours")
    note = fields.text("hours_note")
    if raw == "24/7":
        return Hours(always=True, note=note)
    if raw == "unknown":
        return Hours(note=note)
    if not isinstance(raw, Mapping):
        fields.error("hours", "bad-hours", "malformed hours: use 24/7, unknown, or a mapping with 'tz' and 'slots'")
        return None
    hours_fields = fields.nested(raw, {"tz", "slots"}, "hours")
    tz = _parsed(hours_fields, "tz", _zone_name)
    raw_slots = raw.get("slots")
    if not isinstance(raw_slots, Sequence) or not raw_slots:
        fields.at(raw.line, "bad-hours", "malformed hours: 'slots' must be a non-empty list")
        return None
    slots = [_slot(item, line, hours_fields) for item, line in zip(raw_slots, raw_slots.item_lines, strict=True)]
    if tz is None or None in slots:
        return None
    return Hours(tz=tz, slots=tuple(slot for slot in slots if slot), note=note)


# ---- provenance ---------------------------------------------------------------------------


def _sources(fields: Fields) -> tuple[str, ...]:
    """People act on these entries, so each names where it was confirmed."""
    sources = fields.texts("sources")
    if not sources:
        fields.error("sources", "missing-source", "missing source: 'sources' needs at least one URL")
        return ()
    for url in sources:
        if not URL.match(url):
            fields.error("sources", "bad-url", f"source is not a URL: '{url}'")
    return sources


def _verified(fields: Fields) -> str:
    """The date someone last checked the entry against its sources, and who did."""
    if fields.text("verified_by") is None:
        fields.at(fields.data.line, "missing-verified", "missing 'verified_by'")
    value = fields.text("verified")
    if value is None:
        fields.at(fields.data.line, "missing-verified", "missing verified date ('verified: YYYY-MM-DD')")
        return ""
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        fields.error("verified", "bad-date", f"'verified' must be a date YYYY-MM-DD, not '{value}'")
        return ""
    return value


def country(fields: Fields, key: str) -> str | None:
    """An ISO 3166-1 alpha-2 code, or ``EU`` for EU-wide entries."""
    code = fields.text(key)
    if code is None:
        return None
    if code in country_codes() or code == EU:
        return code
    fields.error(key, "unknown-country", f"bad country code '{code}' (ISO 3166-1 alpha-2, upper case)")
    return None


# ---- a service ----------------------------------------------------------------------------


def _kinds(fields: Fields) -> tuple[str, ...]:
    kinds = fields.texts("kinds") or ()
    if "kinds" in fields.data and not kinds:
        fields.error("kinds", "no-kind", "'kinds' must list at least one kind")
    for kind in kinds:
        if kind not in KINDS:
            fields.error("kinds", "unknown-kind", f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    return kinds


def _available_in(fields: Fields, service_country: str | None) -> tuple[str, ...]:
    """Where an EU-wide line is confirmed live; only EU-wide entries have it, and they must."""
    available_in = fields.texts("available_in") or ()
    if available_in and service_country != EU:
        fields.error("available_in", "available-in-outside-eu", "'available_in' is only for EU-wide entries (country: EU)")
    for code in available_in:
        if code not in country_codes():
            fields.error("available_in", "unknown-country", f"bad country code '{code}' in 'available_in'")
    if service_country == EU and not available_in:
        message = "an EU-wide entry needs 'available_in' (countries where it is confirmed live)"
        fields.at(fields.data.line, "missing-available-in", message)
    return available_in


def read_service(raw: Mapping, file_country: str | None, owner: Fields) -> Service | None:
    """One item of ``services:``; ``None`` (with the problems reported) when anything is wrong."""
    fields = owner.nested(raw, SERVICE_KEYS, "service")
    before = len(fields.problems.items)
    for key in _REQUIRED_SERVICE_KEYS:
        if key not in raw:
            fields.at(raw.line, "missing-field", f"missing '{key}'")
    service_id = fields.text("id")
    if service_id is not None and not _ID.match(service_id):
        fields.error("id", "bad-id", f"bad id '{service_id}': lower-case country prefix and words, like de-weisser-ring")
    service_country = country(fields, "country") if "country" in raw else file_country
    if service_country is not None and file_country is not None and service_country != file_country:
        message = f"service country '{service_country}' differs from the file's country '{file_country}'"
        fields.error("country", "country-mismatch", message)
    kinds = _kinds(fields)
    raw_channels = fields.mapping("channels")
    channels = read_channels(raw_channels, fields) if raw_channels is not None else Channels()
    hours = _hours(fields) if "hours" in raw else None
    languages = fields.texts("languages") or ()
    for code in languages:
        if not _LANG.match(code) or code not in language_codes():
            fields.error("languages", "unknown-language", f"unknown language code '{code}' (free text goes in 'languages_note')")
    free = _one_of(raw.get("free", "unknown"), _FREE)
    if free is None:
        fields.error("free", "wrong-type", "'free' must be true, false or unknown")
    available_in = _available_in(fields, service_country)
    confirmed_in = fields.text("confirmed_in")
    if confirmed_in is not None and confirmed_in not in CONFIRMED_IN:
        fields.error("confirmed_in", "unknown-confirmed-in", f"'confirmed_in' must be one of: {', '.join(CONFIRMED_IN)}")
    sources = _sources(fields)
    verified = _verified(fields)
    name = fields.text("name")
    if len(fields.problems.items) != before or not (service_id and service_country and name and hours) or free is None:
        return None
    return Service(
        id=service_id,
        country=service_country,
        name=name,
        kinds=kinds,
        channels=channels,
        hours=hours,
        sources=sources,
        verified=verified,
        verified_by=fields.text("verified_by") or "",
        region=fields.text("region"),
        name_en=fields.text("name_en"),
        languages=languages,
        interpreters=fields.flag("interpreters"),
        sign_language=fields.flag("sign_language"),
        languages_note=fields.text("languages_note"),
        free=free,
        confidential=fields.flag("confidential"),
        confidentiality=fields.text("confidentiality"),
        police_run=fields.flag("police_run"),
        eligibility=fields.text("eligibility"),
        notes=fields.text("notes"),
        available_in=available_in,
        dated=fields.flag("dated"),
        confirmed_in=confirmed_in,
        evidence=fields.text("evidence"),
    )


# ---- the emergency numbers ----------------------------------------------------------------


def _short_number(fields: Fields, key: str, *, required: bool = False) -> str | None:
    number = fields.text(key, required=required)
    if number is not None and not _SHORT_NUMBER.fullmatch(number):
        fields.error(key, "bad-emergency-number", f"bad phone '{number}': an emergency number is 2-6 digits")
        return None
    return number


def _also(fields: Fields) -> tuple[AlsoNumber, ...]:
    """Other numbers that also reach the emergency services (``112`` beside ``911``, say)."""
    also: list[AlsoNumber] = []
    for item, line in fields.items("also"):
        if not isinstance(item, Mapping):
            fields.at(line, "wrong-type", "an 'also' item is a mapping with 'number'")
            continue
        item_fields = fields.nested(item, {"number", "mobile_only"}, "also")
        number = _short_number(item_fields, "number", required=True)
        if number:
            also.append(AlsoNumber(number, item_fields.flag("mobile_only")))
    return tuple(also)


def _silent_call(fields: Fields) -> SilentCall | None:
    """How to get help without speaking; a closed list so the hint can be translated."""
    raw = fields.mapping("silent_call")
    if raw is None:
        return None
    silent_fields = fields.nested(raw, {"how", "code"}, "silent_call")
    how, code = _one_of(silent_fields.text("how", required=True), _SILENT_HOW), silent_fields.text("code")
    if how is None:
        silent_fields.error("how", "bad-silent-call", "'how' must be dial_code or leave_line_open")
    elif how == "dial_code" and not (code and code.isdigit()):
        silent_fields.error("how", "bad-silent-call", "dial_code needs the digits to dial in 'code'")
    else:
        return SilentCall(how=how, code=code)
    return None


def _emergency_sms(fields: Fields) -> EmergencySms | None:
    raw = fields.mapping("sms")
    if raw is None:
        return None
    sms_fields = fields.nested(raw, {"number", "for", "registration"}, "emergency sms")
    number = _short_number(sms_fields, "number", required=True)
    audience = _one_of(sms_fields.text("for", required=True), _SMS_FOR)
    if audience is None:
        sms_fields.error("for", "bad-emergency-sms", "'for' must be anyone or deaf_speech_impaired")
    elif number:
        return EmergencySms(number=number, audience=audience, registration=sms_fields.flag("registration"))
    return None


def read_emergency(raw: Mapping, file_country: str, owner: Fields) -> Emergency | None:
    """The file's ``emergency:`` mapping: what to call in immediate danger in that country."""
    fields = owner.nested(raw, _EMERGENCY_KEYS, "emergency")
    before = len(fields.problems.items)
    number = _short_number(fields, "number", required=True)
    police, ambulance, fire = (_short_number(fields, key) for key in ("police", "ambulance", "fire"))
    child_abuse, tourist_police, tty = (_short_number(fields, key) for key in ("child_abuse", "tourist_police", "tty"))
    also, silent_call, sms = _also(fields), _silent_call(fields), _emergency_sms(fields)
    sources = _sources(fields)
    verified = _verified(fields)
    if len(fields.problems.items) != before or number is None:
        return None
    return Emergency(
        country=file_country,
        number=number,
        sources=sources,
        verified=verified,
        verified_by=fields.text("verified_by") or "",
        also=also,
        police=police,
        ambulance=ambulance,
        fire=fire,
        child_abuse=child_abuse,
        tourist_police=tourist_police,
        silent_call=silent_call,
        sms=sms,
        tty=tty,
        notes=fields.text("notes"),
    )
