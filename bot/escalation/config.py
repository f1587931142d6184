"""The advocates' desk configuration, read once at start-up from a small YAML file.

Operators set ``ADVOCATES_FILE``; without it "Talk to a person" honestly says that no advocate
is available and shows the 24/7 lines. The file names the advocates' forum group, who may act
there (Telegram user ids), their optional languages and alias, office hours and the desk's
rules (see README, "Advocates"). Any problem is one :class:`AdvocateConfigError` line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.escalation.hours import HoursError, OfficeHours, parse_hours

_KEYS = {
    "group_id", "advocates", "hours", "max_wait_minutes", "relay_media", "delete_topic_on_close",
    "case_idle_minutes",
}
_ADVOCATE_KEYS = {"id", "alias", "languages"}
_HOURS_KEYS = {"timezone", "weekly", "holidays"}
MAX_ALIAS = 32


class AdvocateConfigError(ValueError):
    """The advocates file is wrong; the message is one line a person can act on."""


@dataclass(frozen=True)
class Advocate:
    """Someone allowed to claim, answer, transfer and close cases."""

    user_id: int
    alias: str = ""
    languages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DeskConfig:
    """Everything the advocates' desk needs to know; immutable after start-up."""

    group_id: int
    advocates: Mapping[int, Advocate]
    hours: OfficeHours = field(default_factory=lambda: OfficeHours(ZoneInfo("UTC")))
    max_wait: int = 15 * 60  # seconds in the queue before the survivor is offered other help
    relay_media: bool = False
    delete_topic_on_close: bool = True
    case_ttl: int = 3 * 3600  # a case with no activity for this long is forgotten

    def advocate(self, user_id: int | None) -> Advocate | None:
        """The advocate with this Telegram user id, or None for anyone else."""
        return self.advocates.get(user_id) if user_id is not None else None

    def speakers_of(self, lang: str) -> list[Advocate]:
        """Advocates who declared ``lang`` (or its base language: ``pt`` for ``pt_BR``)."""
        base = lang.split("_")[0]
        return [a for a in self.advocates.values() if lang in a.languages or base in a.languages]


def _minutes(raw: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AdvocateConfigError(f"{name} must be a whole number from {low} to {high}")
    return value * 60


def _flag(raw: Mapping[str, Any], name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise AdvocateConfigError(f"{name} must be true or false")
    return value


def _advocate(item: Any, index: int) -> Advocate:
    if isinstance(item, int) and not isinstance(item, bool):
        item = {"id": item}
    if not isinstance(item, dict) or set(item) - _ADVOCATE_KEYS or "id" not in item:
        raise AdvocateConfigError(f"advocates[{index}] must be a user id or a mapping of id, alias, languages")
    user_id = item["id"]
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        raise AdvocateConfigError(f"advocates[{index}].id must be a Telegram user id (a positive number)")
    alias = str(item.get("alias") or "").strip()
    if len(alias) > MAX_ALIAS or "<" in alias or "&" in alias:
        raise AdvocateConfigError(f"advocates[{index}].alias must be plain text of at most {MAX_ALIAS} characters")
    languages = item.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        raise AdvocateConfigError(f"advocates[{index}].languages must be a list of locale codes such as [es, en]")
    return Advocate(user_id, alias, frozenset(languages))


def _hours(raw: Any) -> OfficeHours:
    if raw is None:
        return OfficeHours(ZoneInfo("UTC"))
    if not isinstance(raw, dict) or set(raw) - _HOURS_KEYS or "timezone" not in raw:
        raise AdvocateConfigError("hours must be a mapping with timezone and optional weekly, holidays")
    weekly, holidays = raw.get("weekly") or {}, raw.get("holidays") or []
    if not isinstance(weekly, dict) or not isinstance(holidays, list):
        raise AdvocateConfigError("hours.weekly must map days to times; hours.holidays must be a list of dates")
    try:
        return parse_hours(str(raw["timezone"]), weekly, holidays)
    except HoursError as exc:
        raise AdvocateConfigError(f"hours: {exc}") from None


def parse_desk(raw: Any) -> DeskConfig:
    """Check the parsed YAML of an advocates file and build the configuration."""
    if not isinstance(raw, dict):
        raise AdvocateConfigError("the advocates file must be a YAML mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise AdvocateConfigError(f"unknown setting {sorted(unknown)[0]!r} in the advocates file")
    group = raw.get("group_id")
    if isinstance(group, bool) or not isinstance(group, int) or group >= 0:
        raise AdvocateConfigError("group_id must be the forum supergroup's id (a negative number, e.g. -1001234567890)")
    items = raw.get("advocates") or []
    if not isinstance(items, list):
        raise AdvocateConfigError("advocates must be a list")
    advocates = [_advocate(item, index) for index, item in enumerate(items)]
    if len({a.user_id for a in advocates}) != len(advocates):
        raise AdvocateConfigError("advocates lists the same user id twice")
    return DeskConfig(
        group_id=group,
        advocates={a.user_id: a for a in advocates},
        hours=_hours(raw.get("hours")),
        max_wait=_minutes(raw, "max_wait_minutes", 15, 1, 24 * 60),
        relay_media=_flag(raw, "relay_media", False),
        delete_topic_on_close=_flag(raw, "delete_topic_on_close", True),
        case_ttl=_minutes(raw, "case_idle_minutes", 180, 10, 47 * 60),
    )


def load_desk(path: Path) -> DeskConfig:
    """Read ``ADVOCATES_FILE``; raises :class:`AdvocateConfigError` naming the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AdvocateConfigError(f"cannot read the advocates file {path} ({exc.__class__.__name__})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise AdvocateConfigError(f"the advocates file {path} is not valid YAML") from None
    return parse_desk(raw)
