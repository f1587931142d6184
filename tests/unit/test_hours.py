"""Weekly hours, the one model behind services' opening hours and the desk's duty hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from bot.hours import HoursError, Span, WeeklyHours, parse_days, parse_span, parse_time, zone

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
BERLIN = zone("Europe/Berlin")
NEW_YORK = zone("America/New_York")
WEEKDAYS = Span(frozenset(range(MON, SAT)), time(9), time(17))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- reading the words both files use ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon", {MON}),
        ("mon-fri", {MON, TUE, WED, THU, FRI}),
        ("sat,sun", {SAT, SUN}),
        ("fri-mon", {FRI, SAT, SUN, MON}),  # a range wraps past Sunday
        ("daily", set(range(7))),
        ("Mon - Wed, sun", {MON, TUE, WED, SUN}),
    ],
)
def test_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["mon-fry", "funday", "mon-tue-wed", ""])
def test_a_word_that_is_no_day_is_refused(text: str) -> None:
    with pytest.raises(HoursError) as error:
        parse_days(text)
    assert error.value.code == "bad-day"


def test_times_run_from_midnight_to_the_midnight_that_ends_the_day() -> None:
    assert parse_time("00:00") == time(0) and parse_time("09:30") == time(9, 30)
    assert parse_time("24:00") == time(0)
    for text in ("24:01", "25:00", "9:00", "09:60", "nine"):
        with pytest.raises(HoursError) as error:
            parse_time(text)
        assert error.value.code == "bad-time"


def test_spans() -> None:
    assert parse_span("09:00-17:00") == (time(9), time(17))
    assert parse_span("22:00 - 02:00") == (time(22), time(2))
    with pytest.raises(HoursError) as error:
        parse_span("9-5")
    assert error.value.code == "bad-time" and "09:00-17:00" in str(error.value)


def test_a_span_that_opens_and_closes_at_once_is_refused() -> None:
    for start, end in ((time(10), time(10)), (parse_time("00:00"), parse_time("24:00"))):
        with pytest.raises(HoursError) as error:
            Span(frozenset({MON}), start, end)
        assert error.value.code == "empty-span"


@pytest.mark.parametrize("name", ["Europe/Berlim", "Mars/Base", "Europe", ""])
def test_an_unknown_time_zone_is_refused(name: str) -> None:
    with pytest.raises(HoursError) as error:
        zone(name)
    assert error.value.code == "unknown-time-zone"


# ---- open at this instant -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (utc(2026, 1, 5, 7, 59), False),  # Monday 08:59 in Berlin (UTC+1)
        (utc(2026, 1, 5, 8, 0), True),  # 09:00: the start is inclusive
        (utc(2026, 1, 5, 15, 59), True),
        (utc(2026, 1, 5, 16, 0), False),  # 17:00: the end is exclusive
        (utc(2026, 7, 6, 7, 30), True),  # Monday 09:30 in summer time (UTC+2)
        (utc(2026, 1, 10, 12, 0), False),  # Saturday: a closed day
    ],
)
def test_open_in_the_hours_own_time_zone(now: datetime, open_: bool) -> None:
    assert WeeklyHours(BERLIN, (WEEKDAYS,)).is_open(now) is open_


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (utc(2026, 11, 28, 2, 59), False),  # Friday 21:59 in New York
        (utc(2026, 11, 28, 3, 30), True),  # Friday 22:30
        (utc(2026, 11, 28, 6, 30), True),  # Saturday 01:30: still Friday's span
        (utc(2026, 11, 28, 7, 0), False),  # Saturday 02:00
        (utc(2026, 11, 29, 6, 30), False),  # Sunday 01:30: Saturday has no span
    ],
)
def test_an_overnight_span_belongs_to_the_day_it_starts(now: datetime, open_: bool) -> None:
    night = WeeklyHours(NEW_YORK, (Span(frozenset({FRI}), time(22), time(2)),))
    assert night.is_open(now) is open_


def test_a_span_to_midnight_ends_with_the_day() -> None:
    evening = WeeklyHours(zone("UTC"), (Span(frozenset({SUN}), parse_time("18:00"), parse_time("24:00")),))
    assert evening.is_open(utc(2026, 1, 4, 23, 59))  # Sunday
    assert not evening.is_open(utc(2026, 1, 5, 0, 0))  # Monday


def test_the_day_clocks_change_counts_in_local_time() -> None:
    sunday = WeeklyHours(BERLIN, (Span(frozenset({SUN}), time(9), time(17)),))
    # 2026-03-29: Berlin moves from UTC+1 to UTC+2 at 02:00, so 09:00 local is 07:00 UTC.
    assert sunday.is_open(utc(2026, 3, 29, 7, 0))
    assert not sunday.is_open(utc(2026, 3, 29, 15, 0))  # 17:00 local
    # The Sunday before, 07:00 UTC was still 08:00 local.
    assert not sunday.is_open(utc(2026, 3, 22, 7, 0))


def test_closed_days_close_every_span_of_that_date() -> None:
    hours = WeeklyHours(BERLIN, (WEEKDAYS,), frozenset({date(2025, 12, 25)}))
    assert not hours.is_open(utc(2025, 12, 25, 10, 0))  # a Thursday, but a holiday
    assert hours.is_open(utc(2025, 12, 26, 10, 0))


def test_no_spans_means_open_around_the_clock_except_on_closed_days() -> None:
    team = WeeklyHours(zone("UTC"), closed_on=frozenset({date(2026, 1, 1)}))
    assert team.always and team.is_open(utc(2026, 1, 4, 3, 0))
    assert not team.is_open(utc(2026, 1, 1, 12, 0))
    assert team.next_opening(utc(2026, 1, 4, 3, 0)) is None


# ---- next opening -------------------------------------------------------------------------------


def test_next_opening_after_the_weekend_in_local_time() -> None:
    opening = WeeklyHours(BERLIN, (WEEKDAYS,)).next_opening(utc(2026, 1, 10, 12, 0))  # Saturday
    assert opening == datetime(2026, 1, 12, 9, 0, tzinfo=BERLIN)
    assert opening.utcoffset() is not None and opening.utcoffset().total_seconds() == 3600


def test_next_opening_later_today_and_while_open() -> None:
    hours = WeeklyHours(BERLIN, (Span(frozenset({MON}), time(9), time(12)), Span(frozenset({MON}), time(14), time(18))))
    assert hours.next_opening(utc(2026, 1, 5, 6, 0)) == datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)
    assert hours.next_opening(utc(2026, 1, 5, 10, 0)) == datetime(2026, 1, 5, 14, 0, tzinfo=BERLIN)  # open: the next start


def test_next_opening_skips_closed_days() -> None:
    hours = WeeklyHours(BERLIN, (WEEKDAYS,), frozenset({date(2025, 12, 25), date(2025, 12, 26)}))
    assert hours.next_opening(utc(2025, 12, 24, 18, 0)) == datetime(2025, 12, 29, 9, 0, tzinfo=BERLIN)


def test_no_next_opening_when_every_day_is_closed() -> None:
    week = frozenset(date(2026, 1, day) for day in range(5, 14))
    assert WeeklyHours(BERLIN, (WEEKDAYS,), week).next_opening(utc(2026, 1, 5, 6, 0)) is None
