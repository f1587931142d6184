"""The advocates' desk configuration, read once at start-up from a small YAML file.

Operators set ``ADVOCATES_FILE``; without it "Talk to a person" honestly says that no advocate
is available and shows the 24/7 lines. The file names the advocates' forum group, who may act
there (Telegram user ids), their optional languages and alias, office hours and the desk's
rules (see README, "Advocates").

The file is read by :mod:`bot.yamlsrc` like every hand-edited file: a key given twice is an
error, and every problem is one ``file:line: [code] message`` line in a single
:class:`AdvocateConfigError`, so one start shows the whole list. Office hours use the words of
:mod:`bot.hours`, the same as the help directory's opening hours. Rule codes:
``yaml-syntax``, ``duplicate-key``, ``unreadable`` (the file itself); ``wrong-type`` (a value of
the wrong shape), ``unknown-field`` (a setting the desk does not know); ``bad-group-id``;
``bad-advocate``, ``bad-user-id``, ``bad-alias``, ``bad-languages``, ``duplicate-advocate``
(the ``advocates`` list); ``out-of-range`` (minutes); ``bad-hours``, ``unknown-time-zone``,
``bad-day``, ``bad-time``, ``empty-span``, ``bad-date`` (``hours``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot import yamlsrc
from bot.hours import HoursError, Span, WeeklyHours, parse_days, parse_span, zone
from bot.problems import Problems, SourceError

_KEYS = {
    "group_id", "advocates", "hours", "max_wait_minutes", "relay_media", "delete_topic_on_close",
    "case_idle_minutes",
}  # fmt: skip
_ADVOCATE_KEYS = {"id", "alias", "languages"}
_HOURS_KEYS = {"timezone", "weekly", "holidays"}
_UTC = zone("UTC")
MAX_ALIAS = 32
_UNNAMED = "advocates file"
"""How problems name a configuration given as a plain mapping rather than read from a file."""


class AdvocateConfigError(SourceError):
    """The advocates file is wrong; each problem is one ``file:line: [code] message`` line."""


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
    hours: WeeklyHours = field(default_factory=lambda: WeeklyHours(_UTC))
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


def _line(raw: object, key: object = None, default: int = 0) -> int:
    """The line of ``key`` in ``raw`` (of ``raw`` itself without a key); ``default`` when
    ``raw`` is a plain value that was not read from a file."""
    if isinstance(raw, yamlsrc.Mapping):
        return raw.line_of(str(key)) if key is not None else raw.line
    if isinstance(raw, yamlsrc.Sequence):
        return raw.line
    return default


def _item_line(items: list[Any], index: int, default: int) -> int:
    return items.item_lines[index] if isinstance(items, yamlsrc.Sequence) else default


@dataclass(frozen=True)
class _Report:
    """Adds problems of one advocates file to the collector."""

    file: str
    problems: Problems

    def __call__(self, line: int, code: str, message: str) -> None:
        self.problems.add(self.file, line, code, message)

    def unknown(self, raw: Mapping[str, Any], allowed: set[str], where: str, line: int) -> None:
        for key in raw:
            if key not in allowed:
                self(_line(raw, key, line), "unknown-field", f"unknown setting {key!r} in {where}")


def _minutes(raw: Mapping[str, Any], name: str, default: int, low: int, high: int, report: _Report) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        report(_line(raw, name), "out-of-range", f"{name} must be a whole number from {low} to {high}")
        return default * 60
    return value * 60


def _flag(raw: Mapping[str, Any], name: str, default: bool, report: _Report) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        report(_line(raw, name), "wrong-type", f"{name} must be true or false")
        return default
    return value


def _advocate(item: Any, index: int, line: int, report: _Report) -> Advocate | None:
    if isinstance(item, int) and not isinstance(item, bool):
        item = {"id": item}
    if not isinstance(item, dict) or "id" not in item:
        report(line, "bad-advocate", f"advocates[{index}] must be a user id or a mapping of id, alias, languages")
        return None
    report.unknown(item, _ADVOCATE_KEYS, f"advocates[{index}]", line)
    user_id = item["id"]
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        report(_line(item, "id", line), "bad-user-id", f"advocates[{index}].id must be a Telegram user id (a positive number)")
        return None
    alias = str(item.get("alias") or "").strip()
    languages = item.get("languages") or []
    ok = True
    if len(alias) > MAX_ALIAS or "<" in alias or "&" in alias:
        message = f"advocates[{index}].alias must be plain text of at most {MAX_ALIAS} characters"
        report(_line(item, "alias", line), "bad-alias", message)
        ok = False
    if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
        message = f"advocates[{index}].languages must be a list of locale codes such as [es, en]"
        report(_line(item, "languages", line), "bad-languages", message)
        ok = False
    return Advocate(user_id, alias, frozenset(languages)) if ok else None


def _advocates(raw: Mapping[str, Any], report: _Report) -> dict[int, Advocate]:
    items = raw.get("advocates") or []
    if not isinstance(items, list):
        report(_line(raw, "advocates"), "wrong-type", "advocates must be a list")
        return {}
    advocates: dict[int, Advocate] = {}
    for index, item in enumerate(items):
        line = _item_line(items, index, _line(raw, "advocates"))
        advocate = _advocate(item, index, line, report)
        if advocate is None:
            continue
        if advocate.user_id in advocates:
            report(line, "duplicate-advocate", f"advocates lists the user id {advocate.user_id} twice")
        advocates[advocate.user_id] = advocate
    return advocates


def _spans(weekly: Mapping[str, Any], line: int, report: _Report) -> list[Span]:
    """``weekly`` maps day keys (``mon-fri``) to one span or a list of spans (``09:00-13:00``)."""
    spans: list[Span] = []
    for key, value in weekly.items():
        try:
            days = parse_days(str(key))
            spans.extend(Span(days, *parse_span(str(text))) for text in (value if isinstance(value, list) else [value]))
        except HoursError as exc:
            report(_line(weekly, key, line), exc.code, f"hours.weekly {key}: {exc}")
    return spans


def _holidays(holidays: list[Any], line: int, report: _Report) -> frozenset[date]:
    days: set[date] = set()
    for index, item in enumerate(holidays):
        if isinstance(item, date):  # a mapping parsed by plain PyYAML, not from the file
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError:
            report(_item_line(holidays, index, line), "bad-date", f"holiday {item!r} must be a date such as 2025-12-25")
    return frozenset(days)


def _hours(raw: Mapping[str, Any], report: _Report) -> WeeklyHours:
    hours, line = raw.get("hours"), _line(raw, "hours")
    if hours is None:
        return WeeklyHours(_UTC)
    if not isinstance(hours, dict) or "timezone" not in hours:
        report(line, "bad-hours", "hours must be a mapping with timezone and optional weekly, holidays")
        return WeeklyHours(_UTC)
    report.unknown(hours, _HOURS_KEYS, "hours", line)
    try:
        timezone = zone(str(hours["timezone"]))
    except HoursError as exc:
        report(_line(hours, "timezone", line), exc.code, f"hours: {exc}")
        timezone = _UTC
    weekly, holidays = hours.get("weekly") or {}, hours.get("holidays") or []
    if not isinstance(weekly, dict):
        report(_line(hours, "weekly", line), "bad-hours", "hours.weekly must map days to times, such as mon-fri: 09:00-17:00")
        weekly = {}
    if not isinstance(holidays, list):
        report(_line(hours, "holidays", line), "bad-hours", "hours.holidays must be a list of dates")
        holidays = []
    return WeeklyHours(timezone, tuple(_spans(weekly, line, report)), _holidays(holidays, line, report))


def _desk(raw: Mapping[str, Any], report: _Report) -> DeskConfig:
    report.unknown(raw, _KEYS, "the advocates file", _line(raw))
    group = raw.get("group_id")
    if isinstance(group, bool) or not isinstance(group, int) or group >= 0:
        message = "group_id must be the forum supergroup's id (a negative number, e.g. -1001234567890)"
        report(_line(raw, "group_id"), "bad-group-id", message)
        group = 0
    return DeskConfig(
        group_id=group,
        advocates=_advocates(raw, report),
        hours=_hours(raw, report),
        max_wait=_minutes(raw, "max_wait_minutes", 15, 1, 24 * 60, report),
        relay_media=_flag(raw, "relay_media", False, report),
        delete_topic_on_close=_flag(raw, "delete_topic_on_close", True, report),
        case_ttl=_minutes(raw, "case_idle_minutes", 180, 10, 47 * 60, report),
    )


def parse_desk(raw: Any, file: str = _UNNAMED) -> DeskConfig:
    """Check the parsed YAML of an advocates file and build the configuration.

    ``raw`` is what :func:`bot.yamlsrc.load` made of ``file`` (problems then carry its lines)
    or a plain mapping (line 0). Raises :class:`AdvocateConfigError` listing every problem.
    """
    problems = Problems()
    report = _Report(file, problems)
    if not isinstance(raw, dict):
        report(_line(raw), "wrong-type", "the advocates file must be a YAML mapping")
        problems.raise_if_any(AdvocateConfigError)  # nothing more to check in a file that is no mapping
    desk = _desk(raw, report)
    problems.raise_if_any(AdvocateConfigError)
    return desk


def load_desk(path: Path) -> DeskConfig:
    """Read ``ADVOCATES_FILE``; raises :class:`AdvocateConfigError` naming each problem's line."""
    try:
        raw = yamlsrc.load(path)
    except SourceError as exc:
        raise AdvocateConfigError(exc.problems, exc.codes) from None
    return parse_desk(raw, str(path))
