"""How a survivor reaches a service (``channels:``): phone numbers, SMS, chat and web links, e-mail.

A wrong number sends someone in danger to a stranger, so numbers are checked hardest: the
local form may hold only what people dial, the international form must be E.164, and the two
must end in the same digits.
"""

from __future__ import annotations

import re
from typing import Any

from bot.directory.fields import URL, Fields, language_codes
from bot.directory.model import Channels, Phone, Sms
from bot.yamlsrc import Mapping

CHANNEL_KEYS = {"phone", "sms", "whatsapp", "chat", "web", "tty", "email", "app"}
_PHONE_KEYS = {"display", "tel", "note", "lang"}
_SMS_KEYS = {"number", "keyword", "note"}

_DISPLAY = re.compile(r"^[0-9A-Z+() .\-]+$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone(raw: Any, line: int, owner: Fields) -> Phone | None:
    """A number written as text (the short form) or as a mapping with ``display``."""
    if isinstance(raw, str):
        short = Mapping({"display": raw})
        short.line, short.key_lines = line, {}
        raw = short
    if not isinstance(raw, Mapping):
        owner.at(line, "bad-phone", "bad phone: expected a number or a mapping with 'display'")
        return None
    fields = owner.nested(raw, _PHONE_KEYS, "phone")
    display = fields.text("display", required=True)
    tel = fields.text("tel")
    lang = fields.text("lang")
    ok = display is not None
    if display is not None and (not _DISPLAY.match(display) or len(_digits(display)) < 2):
        fields.error("display", "bad-phone", f"bad phone '{display}': use digits, spaces, + - . ( ) only")
        ok = False
    if tel is not None:
        compact = tel.replace(" ", "")
        if not _E164.match(compact):
            fields.error("tel", "bad-phone", f"bad phone '{tel}': 'tel' must be international (E.164), like +44 808 2000 247")
            ok = False
        elif display is not None and not re.search("[A-Z]", display):
            local, intl = _digits(display), _digits(compact)
            if len(local) >= 6 and local[-6:] != intl[-6:]:
                fields.error("tel", "phone-mismatch", f"bad phone: 'tel' {tel} and 'display' {display} are different numbers")
                ok = False
    if lang is not None and lang not in language_codes():
        fields.error("lang", "unknown-language", f"unknown language code '{lang}'")
    if not ok or display is None:
        return None
    return Phone(display=display, tel=tel, note=fields.text("note"), lang=lang)


def _optional_phone(fields: Fields, key: str) -> Phone | None:
    return _phone(fields.data[key], fields.line(key), fields) if key in fields.data else None


def _phones(fields: Fields) -> tuple[Phone, ...]:
    """``phone:`` is one number or a list of them; the first is the main line."""
    raw = fields.data.get("phone")
    if raw is None:
        return ()
    items = fields.items("phone") if isinstance(raw, list) else [(raw, fields.line("phone"))]
    return tuple(phone for item, line in items if (phone := _phone(item, line, fields)))


def _sms(fields: Fields) -> Sms | None:
    raw = fields.mapping("sms")
    if raw is None:
        return None
    sms_fields = fields.nested(raw, _SMS_KEYS, "sms")
    number = sms_fields.text("number", required=True)
    if number is None:
        return None
    if not _DISPLAY.match(number) or len(_digits(number)) < 3:
        sms_fields.error("number", "bad-phone", f"bad phone '{number}' for sms")
        return None
    return Sms(number=number, keyword=sms_fields.text("keyword"), note=sms_fields.text("note"))


def _https(fields: Fields, key: str) -> str | None:
    """A link a survivor taps: only https, so nobody on the network reads or changes the page."""
    url = fields.text(key)
    if url is not None and not (URL.match(url) and url.startswith("https://")):
        fields.error(key, "not-https", f"'{key}' must be an https URL")
        return None
    return url


def read_channels(raw: Mapping, owner: Fields) -> Channels:
    """The ``channels:`` mapping of a service; a service needs at least one way to reach it."""
    fields = owner.nested(raw, CHANNEL_KEYS, "channels")
    email = fields.text("email")
    if email is not None and not _EMAIL.match(email):
        fields.error("email", "bad-email", f"bad e-mail address '{email}'")
        email = None
    channels = Channels(
        phones=_phones(fields),
        sms=_sms(fields),
        whatsapp=_optional_phone(fields, "whatsapp"),
        chat=_https(fields, "chat"),
        web=_https(fields, "web"),
        tty=_optional_phone(fields, "tty"),
        email=email,
        app=fields.text("app"),
    )
    if not any(raw.get(key) for key in CHANNEL_KEYS):
        fields.at(raw.line, "no-channel", "a service needs at least one channel")
    return channels
