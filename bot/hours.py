"""Weekly opening hours in one time zone: services' hours and the advocates' duty hours alike.

The help directory and the advocates' file write hours with the same words: days such as
``mon-fri``, ``sat,sun``, ``fri-mon`` (ranges wrap past Sunday) or ``daily``, clock times
``HH:MM`` from 00:00 to 24:00 (24:00 is the midnight that ends a day), and spans such as
``09:00-17:00``. A span whose end is before its start runs past midnight into the next day.
This module reads those words and answers "open at this instant?" and "when does it open
next?", so the two files cannot drift into two meanings of the same hours.

Pure: callers pass ``now`` (an aware datetime). Each parser raises :class:`HoursError` with a
rule code the file's loader reports at the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names as written in the files; the index is ``datetime.weekday()`` (0 = Monday)."""

_TIME = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")


class HoursError(ValueError):
    """Text that is not a day, a time, a span or a time zone; ``code`` names the rule it breaks."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_days(text: str) -> frozenset[int]:
    """``daily``, ``mon``, ``mon-fri``, ``sat,sun`` or ``fri-mon`` as weekday numbers."""
    compact = text.lower().replace(" ", "")
    if compact == "daily":
        return frozenset(range(7))
    days: set[int] = set()
    for part in compact.split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(end not in DAYS for end in ends):
            raise HoursError("bad-day", f"bad day {text!r} (use mon..sun, ranges such as mon-fri, lists such as sat,sun, daily)")
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        days.update(day % 7 for day in range(first, last + 1 + (7 if last < first else 0)))
    return frozenset(days)


def parse_time(text: str) -> time:
    """``HH:MM`` from 00:00 to 24:00; 24:00 is midnight, written where a day ends."""
    match = _TIME.match(text.strip())
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        raise HoursError("bad-time", f"bad time {text!r} (use HH:MM from 00:00 to 24:00)")
    return time(int(match.group(1)) % 24, int(match.group(2)))


def parse_span(text: str) -> tuple[time, time]:
    """``09:00-17:00`` as its start and end (spaces allowed around the dash)."""
    start, _, end = text.replace(" ", "").partition("-")
    try:
        return parse_time(start), parse_time(end)
    except HoursError:
        raise HoursError("bad-time", f"opening time {text!r} must look like 09:00-17:00") from None


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Berlin``); hours are always meant in a local clock."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise HoursError("unknown-time-zone", f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from None


@dataclass(frozen=True)
class Span:
    """Open on ``days`` (0 = Monday) from ``start`` to ``end``; ``end`` before ``start`` (or
    at midnight) runs past midnight, and that early-morning part belongs to the day before."""

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            # Empty or around the clock? Nobody can tell, so a file must say 24/7 instead.
            raise HoursError("empty-span", f"a span from {self.start:%H:%M} to {self.end:%H:%M} opens and closes at once")

    def covers(self, local: datetime) -> bool:
        """Whether ``local`` (a datetime in the hours' own zone) falls inside this span."""
        clock, today = local.time(), local.weekday()
        if self.start < self.end:
            return today in self.days and self.start <= clock < self.end
        yesterday = (today - 1) % 7
        return (today in self.days and clock >= self.start) or (yesterday in self.days and clock < self.end)


@dataclass(frozen=True)
class WeeklyHours:
    """Spans that repeat every week in ``zone``, closed all day on the local dates ``closed_on``.

    No spans means open around the clock (a 24/7 team), so an operator who writes no hours
    gets hand-offs at any time rather than never.
    """

    zone: ZoneInfo
    spans: tuple[Span, ...] = ()
    closed_on: frozenset[date] = frozenset()

    @property
    def always(self) -> bool:
        """Open around the clock (apart from ``closed_on``): no span was written."""
        return not self.spans

    def is_open(self, now: datetime) -> bool:
        """Whether these hours are open at ``now`` (an aware datetime, any zone)."""
        local = now.astimezone(self.zone)
        if local.date() in self.closed_on:
            return False
        return self.always or any(span.covers(local) for span in self.spans)

    def next_opening(self, now: datetime) -> datetime | None:
        """The first start of a span after ``now``, in ``zone``; ``None`` when there is none
        within a week (no spans, or every day closed)."""
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day in self.closed_on:
                continue
            starts = [datetime.combine(day, s.start, tzinfo=self.zone) for s in self.spans if day.weekday() in s.days]
            later = [start for start in starts if start > local]
            if later:
                return min(later)
        return None
