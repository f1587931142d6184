"""When advocates are on duty: weekly opening times in one time zone, minus holidays.

Pure: the caller passes ``now``. An empty schedule means "always on duty" (a 24/7 team), so
an operator who configures no hours gets hand-offs at any time rather than never.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


class HoursError(ValueError):
    """An opening-times entry cannot be read; the message names the entry."""


@dataclass(frozen=True)
class Span:
    """One opening on one weekday; ``end`` before ``start`` runs past midnight."""

    day: int  # 0 = Monday
    start: time
    end: time

    def covers(self, local: datetime) -> bool:
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return local.weekday() == self.day and self.start <= clock < self.end
        after_start = local.weekday() == self.day and clock >= self.start
        before_end = local.weekday() == (self.day + 1) % 7 and clock < self.end
        return after_start or before_end


@dataclass(frozen=True)
class OfficeHours:
    """Weekly spans in ``zone``; closed all day on ``holidays`` (local dates)."""

    zone: ZoneInfo
    spans: tuple[Span, ...] = ()
    holidays: frozenset[date] = frozenset()

    @property
    def always(self) -> bool:
        return not self.spans

    def is_open(self, now: datetime) -> bool:
        """Whether advocates are on duty at ``now`` (an aware datetime)."""
        local = now.astimezone(self.zone)
        if local.date() in self.holidays:
            return False
        return self.always or any(span.covers(local) for span in self.spans)


def _days(key: str) -> list[int]:
    """``mon``, ``mon-fri`` or ``sat,sun`` as weekday numbers."""
    found: list[int] = []
    for part in key.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"unknown day {part!r} (use mon..sun, mon-fri or sat,sun)")
        start, end = DAYS.index(first), DAYS.index(last or first)
        found.extend(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return found


def _span_times(text: str) -> tuple[time, time]:
    match = _SPAN.match(text.replace(" ", ""))
    if not match:
        raise HoursError(f"opening time {text!r} must look like 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or (h2 == 24 and m2) or (h1, m1) == (h2 % 24, m2):
        raise HoursError(f"opening time {text!r} is not a real span")
    return time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2)


def parse_hours(timezone: str, weekly: dict[str, object], holidays: list[object]) -> OfficeHours:
    """Build office hours from the config file's ``hours`` section.

    ``weekly`` maps day keys to one span or a list of spans (``"09:00-13:00"``).
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"unknown time zone {timezone!r} (use an IANA name such as Europe/Berlin)") from None
    spans: list[Span] = []
    for key, value in weekly.items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            start, end = _span_times(str(text))
            spans.extend(Span(day, start, end) for day in _days(str(key)))
    days: set[date] = set()
    for item in holidays:
        if isinstance(item, date):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError:
            raise HoursError(f"holiday {item!r} must be a date such as 2025-12-25") from None
    return OfficeHours(zone, tuple(spans), frozenset(days))
