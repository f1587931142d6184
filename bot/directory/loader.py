"""Read ``flows/directory/*.yaml`` into :mod:`bot.directory.model` values, checking everything.

The format is documented in ``flows/directory/README.md``. Every problem is collected and
reported as ``path:line: message`` so one run of the checker shows the whole list.

The YAML is read through ``yaml.compose`` rather than a constructor: every scalar stays the
exact text the person typed. Phone numbers such as ``0800 2000`` or ``016`` and times such as
``22:00`` would otherwise be turned into integers (YAML 1.1 reads ``22:00`` as 1320), and a
number that silently changes is the worst bug this file can have. Only ``true``/``false``
and empty values are interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from babel import Locale

from bot import yamlsrc
from bot.directory.model import (
    EU,
    KINDS,
    AlsoNumber,
    Channels,
    Emergency,
    EmergencySms,
    Hours,
    Phone,
    Service,
    SilentCall,
    Slot,
    Sms,
)
from bot.yamlsrc import Mapping, Sequence

FORMAT_VERSION = 1
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONFIRMED_IN = ("code_repositories",)

_FILE_KEYS = {"version", "country", "emergency", "services"}
_SERVICE_KEYS = {
    "id", "country", "region", "name", "name_en", "kinds", "channels", "hours", "hours_note",
    "languages", "interpreters", "sign_language", "languages_note", "free", "confidential",
    "confidentiality", "police_run", "eligibility", "notes", "available_in", "sources",
    "dated", "confirmed_in", "verified", "verified_by",
}  # fmt: skip
_REQUIRED_SERVICE_KEYS = ("id", "name", "kinds", "channels", "hours", "sources", "verified", "verified_by")
_EMERGENCY_KEYS = {
    "number", "also", "police", "ambulance", "fire", "child_abuse", "tourist_police",
    "silent_call", "sms", "tty", "notes", "sources", "verified", "verified_by",
}  # fmt: skip
_EMERGENCY_NUMBER_KEYS = ("police", "ambulance", "fire", "child_abuse", "tourist_police", "tty")
_CHANNEL_KEYS = {"phone", "sms", "whatsapp", "chat", "web", "tty", "email", "app"}
_PHONE_KEYS = {"display", "tel", "note", "lang"}
_SMS_KEYS = {"number", "keyword", "note"}
_SLOT_KEYS = {"days", "from", "to"}

_ID = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")
_DISPLAY = re.compile(r"^[0-9A-Z+() .\-]+$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_TIME = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s\"<>]+$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


class DirectoryError(yamlsrc.SourceError):
    """The directory files have problems; ``problems`` lists them as ``path:line: message``."""


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes Babel knows (regions like ``150`` and ``EU`` excluded)."""
    territories = Locale("en").territories
    return frozenset(c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


@lru_cache(maxsize=1)
def _language_codes() -> frozenset[str]:
    return frozenset(Locale("en").languages)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.items.append(f"{file}:{line}: {message}")


# ---- YAML nodes -> plain values that remember their lines --------------------------------


def _from_node(node: yaml.Node, file: str, problems: _Problems) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if key in result:
                problems.add(file, line, f"duplicate key '{key}' (first on line {result.key_lines[key]})")
                continue
            result[key] = _from_node(value_node, file, problems)
            result.key_lines[key] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = Sequence(_from_node(child, file, problems) for child in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        return seq
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return str(node.value).strip()


def _read_yaml(path: Path, file: str, problems: _Problems) -> Any:
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.add(file, mark.line + 1 if mark else 0, str(exc.problem or exc.context))
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.add(file, 0, f"cannot read: {exc.__class__.__name__}")
        return None
    return None if node is None else _from_node(node, file, problems)


# ---- field readers -----------------------------------------------------------------------


class _Fields:
    """Typed access to one mapping that reports problems at the line of the key."""

    def __init__(self, data: Mapping, allowed: set[str], what: str, file: str, problems: _Problems) -> None:
        self.data, self.file, self.problems = data, file, problems
        for key in data:
            if key not in allowed:
                self.error(key, f"unknown field '{key}' in {what}")

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def error(self, key: str, message: str) -> None:
        self.problems.add(self.file, self.line(key), message)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problems.add(self.file, self.data.line, f"missing '{key}'")
            return None
        if not isinstance(value, str):
            self.error(key, f"'{key}' must be text")
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false")
            return False
        return value

    def texts(self, key: str) -> tuple[str, ...] | None:
        """A list of text items; ``None`` when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, f"'{key}' must be a list of text items")
            return None
        return tuple(value)

    def mapping(self, key: str) -> Mapping | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(key, f"'{key}' must be a mapping")
            return None
        return value


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone(raw: Any, line: int, file: str, problems: _Problems) -> Phone | None:
    if isinstance(raw, str):  # short form: just the number as people write it
        raw_map = Mapping({"display": raw})
        raw_map.line, raw_map.key_lines = line, {}
        raw = raw_map
    if not isinstance(raw, Mapping):
        problems.add(file, line, "bad phone: expected a number or a mapping with 'display'")
        return None
    fields = _Fields(raw, _PHONE_KEYS, "phone", file, problems)
    display = fields.text("display", required=True)
    tel = fields.text("tel")
    lang = fields.text("lang")
    ok = display is not None
    if display is not None and (not _DISPLAY.match(display) or len(_digits(display)) < 2):
        fields.error("display", f"bad phone '{display}': use digits, spaces, + - . ( ) only")
        ok = False
    if tel is not None:
        compact = tel.replace(" ", "")
        if not _E164.match(compact):
            fields.error("tel", f"bad phone '{tel}': 'tel' must be international (E.164), like +44 808 2000 247")
            ok = False
        elif display is not None and not re.search("[A-Z]", display):
            local, intl = _digits(display), _digits(compact)
            if len(local) >= 6 and local[-6:] != intl[-6:]:
                fields.error("tel", f"bad phone: 'tel' {tel} and 'display' {display} are different numbers")
                ok = False
    if lang is not None and lang not in _language_codes():
        fields.error("lang", f"unknown language code '{lang}'")
    if not ok or display is None:
        return None
    return Phone(display=display, tel=tel, note=fields.text("note"), lang=lang)


def _url(fields: _Fields, key: str, *, https_only: bool) -> str | None:
    url = fields.text(key)
    if url is None:
        return None
    if not _URL.match(url) or (https_only and not url.startswith("https://")):
        fields.error(key, f"'{key}' must be an {'https' if https_only else 'http(s)'} URL")
        return None
    return url


def _channels(raw: Mapping, file: str, problems: _Problems) -> Channels:
    fields = _Fields(raw, _CHANNEL_KEYS, "channels", file, problems)
    phones: list[Phone] = []
    raw_phones = raw.get("phone")
    if raw_phones is not None:
        if isinstance(raw_phones, list):
            for item, line in zip(raw_phones, raw_phones.item_lines):
                phone = _phone(item, line, file, problems)
                if phone:
                    phones.append(phone)
        else:
            phone = _phone(raw_phones, fields.line("phone"), file, problems)
            if phone:
                phones.append(phone)
    sms = None
    raw_sms = fields.mapping("sms")
    if raw_sms is not None:
        sms_fields = _Fields(raw_sms, _SMS_KEYS, "sms", file, problems)
        number = sms_fields.text("number", required=True)
        if number is not None and (not _DISPLAY.match(number) or len(_digits(number)) < 3):
            sms_fields.error("number", f"bad phone '{number}' for sms")
        elif number is not None:
            sms = Sms(number=number, keyword=sms_fields.text("keyword"), note=sms_fields.text("note"))
    whatsapp = _phone(raw["whatsapp"], fields.line("whatsapp"), file, problems) if "whatsapp" in raw else None
    tty = _phone(raw["tty"], fields.line("tty"), file, problems) if "tty" in raw else None
    email = fields.text("email")
    if email is not None and not _EMAIL.match(email):
        fields.error("email", f"bad e-mail address '{email}'")
        email = None
    channels = Channels(
        phones=tuple(phones),
        sms=sms,
        whatsapp=whatsapp,
        chat=_url(fields, "chat", https_only=True),
        web=_url(fields, "web", https_only=True),
        tty=tty,
        email=email,
        app=fields.text("app"),
    )
    if not any(raw.get(key) for key in _CHANNEL_KEYS):
        problems.add(file, raw.line, "a service needs at least one channel")
    return channels


def _parse_days(text: str) -> frozenset[int] | None:
    """``daily``, ``mon-fri``, ``sat,sun``, ``fri-mon`` (ranges may wrap past Sunday)."""
    if text == "daily":
        return frozenset(range(7))
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        ends = part.split("-")
        if len(ends) > 2 or any(end not in DAYS for end in ends):
            return None
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        days.update(d % 7 for d in range(first, last + 1 + (7 if last < first else 0)))
    return frozenset(days)


def _parse_time(text: str) -> time | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        return time(0, 0) if minute == 0 else None  # 24:00 = midnight at the end of the day
    return time(hour, minute)


def _valid_tz(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _hours(fields: _Fields, file: str, problems: _Problems) -> Hours | None:
    raw = fields.data.get("hours")
    note = fields.text("hours_note")
    if raw == "24/7":
        return Hours(always=True, note=note)
    if raw == "unknown":
        return Hours(note=note)
    if not isinstance(raw, Mapping):
        fields.error("hours", "malformed hours: use 24/7, unknown, or a mapping with 'tz' and 'slots'")
        return None
    hours_fields = _Fields(raw, {"tz", "slots"}, "hours", file, problems)
    tz = hours_fields.text("tz", required=True)
    if tz is not None and not _valid_tz(tz):
        hours_fields.error("tz", f"malformed hours: unknown time zone '{tz}'")
    raw_slots = raw.get("slots")
    if not isinstance(raw_slots, list) or not raw_slots:
        problems.add(file, raw.line, "malformed hours: 'slots' must be a non-empty list")
        return None
    slots: list[Slot] = []
    for item, line in zip(raw_slots, raw_slots.item_lines):
        if not isinstance(item, Mapping):
            problems.add(file, line, "malformed hours: a slot needs 'days', 'from' and 'to'")
            continue
        slot_fields = _Fields(item, _SLOT_KEYS, "slot", file, problems)
        days_text = slot_fields.text("days", required=True)
        start_text = slot_fields.text("from", required=True)
        end_text = slot_fields.text("to", required=True)
        days = _parse_days(days_text) if days_text else None
        if days_text and days is None:
            slot_fields.error("days", f"malformed hours: bad day '{days_text}' (use mon..sun, ranges, daily)")
        start = _parse_time(start_text) if start_text else None
        end = _parse_time(end_text) if end_text else None
        for key, text, value in (("from", start_text, start), ("to", end_text, end)):
            if text and value is None:
                slot_fields.error(key, f"malformed hours: bad time '{text}' (use HH:MM, 00:00-24:00)")
        if start is not None and end is not None and start == end:
            slot_fields.error("to", "malformed hours: 'to' equals 'from' (write 24/7 for always open)")
        elif days and start is not None and end is not None:
            slots.append(Slot(days=days, start=start, end=end))
    if tz is None or len(slots) != len(raw_slots) or not _valid_tz(tz):
        return None
    return Hours(tz=tz, slots=tuple(slots), note=note)


def _sources(fields: _Fields) -> tuple[str, ...]:
    sources = fields.texts("sources")
    if not sources:
        fields.problems.add(fields.file, fields.line("sources"), "missing source: 'sources' needs at least one URL")
        return ()
    for url in sources:
        if not _URL.match(url):
            fields.error("sources", f"source is not a URL: '{url}'")
    return sources


def _verified(fields: _Fields) -> str:
    value = fields.text("verified")
    if value is None:
        fields.problems.add(fields.file, fields.data.line, "missing verified date ('verified: YYYY-MM-DD')")
        return ""
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        fields.error("verified", f"'verified' must be a date YYYY-MM-DD, not '{value}'")
        return ""
    if fields.text("verified_by") is None:
        fields.problems.add(fields.file, fields.data.line, "missing 'verified_by'")
    return value


def _country(fields: _Fields, key: str, *, allow_eu: bool) -> str | None:
    code = fields.text(key)
    if code is None:
        return None
    if code in country_codes() or (allow_eu and code == EU):
        return code
    fields.error(key, f"bad country code '{code}' (ISO 3166-1 alpha-2, upper case)")
    return None


def _service(raw: Mapping, file_country: str | None, file: str, problems: _Problems) -> Service | None:
    fields = _Fields(raw, _SERVICE_KEYS, "service", file, problems)
    before = len(problems.items)
    for key in _REQUIRED_SERVICE_KEYS:
        if key not in raw and key not in ("sources", "verified"):
            problems.add(file, raw.line, f"missing '{key}'")
    service_id = fields.text("id")
    if service_id is not None and not _ID.match(service_id):
        fields.error("id", f"bad id '{service_id}': lower-case country prefix and words, like de-weisser-ring")
    country = _country(fields, "country", allow_eu=True) if "country" in raw else file_country
    if country is not None and file_country is not None and country != file_country:
        fields.error("country", f"service country '{country}' differs from the file's country '{file_country}'")
    kinds = fields.texts("kinds") or ()
    if "kinds" in raw and not kinds:
        fields.error("kinds", "'kinds' must list at least one kind")
    for kind in kinds:
        if kind not in KINDS:
            fields.error("kinds", f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    raw_channels = fields.mapping("channels")
    channels = _channels(raw_channels, file, problems) if raw_channels is not None else Channels()
    hours = _hours(fields, file, problems) if "hours" in raw else None
    languages = fields.texts("languages") or ()
    for code in languages:
        if not _LANG.match(code) or code not in _language_codes():
            fields.error("languages", f"unknown language code '{code}' (free text goes in 'languages_note')")
    free = raw.get("free", "unknown")
    if free not in (True, False, "unknown"):
        fields.error("free", "'free' must be true, false or unknown")
    available_in = fields.texts("available_in") or ()
    if available_in and country != EU:
        fields.error("available_in", "'available_in' is only for EU-wide entries (country: EU)")
    for code in available_in:
        if code not in country_codes():
            fields.error("available_in", f"bad country code '{code}' in 'available_in'")
    if country == EU and not available_in:
        problems.add(file, raw.line, "an EU-wide entry needs 'available_in' (countries where it is confirmed live)")
    confirmed_in = fields.text("confirmed_in")
    if confirmed_in is not None and confirmed_in not in CONFIRMED_IN:
        fields.error("confirmed_in", f"'confirmed_in' must be one of: {', '.join(CONFIRMED_IN)}")
    sources = _sources(fields)
    verified = _verified(fields)
    flags = {key: fields.flag(key) for key in ("interpreters", "sign_language", "confidential", "police_run", "dated")}
    name = fields.text("name")
    if len(problems.items) != before or not (service_id and country and name and hours):
        return None
    return Service(
        id=service_id,
        country=country,
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
        languages_note=fields.text("languages_note"),
        free=free,
        confidentiality=fields.text("confidentiality"),
        eligibility=fields.text("eligibility"),
        notes=fields.text("notes"),
        available_in=available_in,
        confirmed_in=confirmed_in,
        **flags,
    )


def _short_number(fields: _Fields, key: str, *, required: bool = False) -> str | None:
    number = fields.text(key, required=required)
    if number is not None and not re.fullmatch(r"[0-9]{2,6}", number):
        fields.error(key, f"bad phone '{number}': an emergency number is 2-6 digits")
        return None
    return number


def _emergency(raw: Mapping, country: str, file: str, problems: _Problems) -> Emergency | None:
    fields = _Fields(raw, _EMERGENCY_KEYS, "emergency", file, problems)
    before = len(problems.items)
    number = _short_number(fields, "number", required=True)
    numbers = {key: _short_number(fields, key) for key in _EMERGENCY_NUMBER_KEYS}
    also: list[AlsoNumber] = []
    raw_also = raw.get("also")
    if raw_also is not None and not isinstance(raw_also, Sequence):
        fields.error("also", "'also' must be a list of numbers")
        raw_also = None
    for item, line in zip(raw_also or [], getattr(raw_also, "item_lines", [])):
        item_fields = _Fields(item, {"number", "mobile_only"}, "also", file, problems) if isinstance(item, Mapping) else None
        also_number = _short_number(item_fields, "number", required=True) if item_fields else None
        if item_fields is None:
            problems.add(file, line, "an 'also' item needs 'number'")
        elif also_number:
            also.append(AlsoNumber(also_number, item_fields.flag("mobile_only")))
    silent = None
    raw_silent = fields.mapping("silent_call")
    if raw_silent is not None:
        silent_fields = _Fields(raw_silent, {"how", "code"}, "silent_call", file, problems)
        how, code = silent_fields.text("how", required=True), silent_fields.text("code")
        if how not in ("dial_code", "leave_line_open"):
            silent_fields.error("how", "'how' must be dial_code or leave_line_open")
        elif how == "dial_code" and not (code and code.isdigit()):
            silent_fields.error("how", "dial_code needs the digits to dial in 'code'")
        else:
            silent = SilentCall(how=how, code=code)
    sms = None
    raw_sms = fields.mapping("sms")
    if raw_sms is not None:
        sms_fields = _Fields(raw_sms, {"number", "for", "registration"}, "emergency sms", file, problems)
        sms_number = _short_number(sms_fields, "number", required=True)
        audience = sms_fields.text("for", required=True)
        if audience not in ("anyone", "deaf_speech_impaired"):
            sms_fields.error("for", "'for' must be anyone or deaf_speech_impaired")
        elif sms_number:
            sms = EmergencySms(number=sms_number, audience=audience, registration=sms_fields.flag("registration"))
    sources = _sources(fields)
    verified = _verified(fields)
    if len(problems.items) != before or number is None:
        return None
    return Emergency(
        country=country,
        number=number,
        sources=sources,
        verified=verified,
        verified_by=fields.text("verified_by") or "",
        also=tuple(also),
        silent_call=silent,
        sms=sms,
        notes=fields.text("notes"),
        **numbers,
    )


def _files(path: Path) -> Iterator[Path]:
    return iter(sorted(p for p in path.glob("*.yaml") if p.is_file()))


def read_directory(path: Path) -> tuple[list[Service], dict[str, Emergency], list[str]]:
    """Every service and emergency entry under ``path`` plus all problems found."""
    problems = _Problems()
    services: list[Service] = []
    emergencies: dict[str, Emergency] = {}
    first_seen: dict[str, str] = {}
    files = list(_files(path))
    if not files:
        problems.add(str(path), 0, "no directory files (*.yaml) found")
    for file_path in files:
        file = str(file_path)
        data = _read_yaml(file_path, file, problems)
        if not isinstance(data, Mapping):
            if data is not None:
                problems.add(file, 1, "a directory file is a mapping with version, country, services")
            continue
        fields = _Fields(data, _FILE_KEYS, "directory file", file, problems)
        if data.get("version") != str(FORMAT_VERSION):
            fields.error("version", f"'version' must be {FORMAT_VERSION}")
        country = _country(fields, "country", allow_eu=True)
        if country is None and "country" not in data:
            problems.add(file, data.line, "missing 'country'")
        raw_emergency = fields.mapping("emergency")
        if raw_emergency is not None and country is not None:
            emergency = _emergency(raw_emergency, country, file, problems)
            if emergency:
                emergencies[country] = emergency
        raw_services = data.get("services")
        if raw_services is None:
            continue
        if not isinstance(raw_services, Sequence):
            fields.error("services", "'services' must be a list")
            continue
        for item, line in zip(raw_services, raw_services.item_lines):
            if not isinstance(item, Mapping):
                problems.add(file, line, "a service must be a mapping")
                continue
            service_id = item.get("id")
            if isinstance(service_id, str):
                where = f"{file}:{item.line_of('id')}"
                if service_id in first_seen:
                    problems.add(file, item.line_of("id"), f"duplicate id '{service_id}' (first at {first_seen[service_id]})")
                    continue
                first_seen[service_id] = where
            service = _service(item, country, file, problems)
            if service:
                services.append(service)
    return services, emergencies, problems.items


def check(path: Path) -> list[str]:
    """All problems in the directory at ``path`` as ``path:line: message``; empty when valid."""
    return read_directory(path)[2]

