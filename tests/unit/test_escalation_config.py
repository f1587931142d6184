"""The advocates file and office hours: what operators write, and what Haven makes of it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from bot.config import ConfigError, load_settings
from bot.escalation.config import AdvocateConfigError, load_desk, parse_desk
from bot.hours import WeeklyHours

GROUP = -1001234567890


def desk(**extra: object) -> dict[str, object]:
    return {"group_id": GROUP, "advocates": [{"id": 11, "alias": "Maria", "languages": ["es"]}, 22], **extra}


def test_a_minimal_file_gets_safe_defaults() -> None:
    config = parse_desk(desk())
    assert config.advocate(11).alias == "Maria" and config.advocate(22).alias == ""
    assert config.advocate(33) is None and config.advocate(None) is None
    assert config.max_wait == 15 * 60 and config.case_ttl == 3 * 3600
    assert config.relay_media is False and config.delete_topic_on_close is True
    assert config.hours.is_open(datetime(2026, 1, 4, 3, 0, tzinfo=UTC)), "no hours: always on duty"


def test_speakers_match_base_languages() -> None:
    config = parse_desk(desk(advocates=[{"id": 1, "languages": ["pt"]}, {"id": 2, "languages": ["es"]}]))
    assert [a.user_id for a in config.speakers_of("pt_BR")] == [1]
    assert config.speakers_of("fr") == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ([1, 2], "wrong-type"),
        ({"advocates": []}, "bad-group-id"),
        (desk(group_id=12345), "bad-group-id"),
        (desk(colour="red"), "unknown-field"),
        (desk(advocates={"id": 5}), "wrong-type"),
        (desk(advocates=["maria"]), "bad-advocate"),
        (desk(advocates=[{"id": -5}]), "bad-user-id"),
        (desk(advocates=[{"id": 5, "name": "x"}]), "unknown-field"),
        (desk(advocates=[5, 5]), "duplicate-advocate"),
        (desk(advocates=[{"id": 5, "alias": "<b>x</b>"}]), "bad-alias"),
        (desk(advocates=[{"id": 5, "languages": "es"}]), "bad-languages"),
        (desk(max_wait_minutes=0), "out-of-range"),
        (desk(relay_media="yes"), "wrong-type"),
        (desk(hours={"weekly": {"mon": "09:00-17:00"}}), "bad-hours"),
        (desk(hours={"timezone": "UTC", "weekly": ["mon"]}), "bad-hours"),
        (desk(hours={"timezone": "Mars/Base"}), "unknown-time-zone"),
        (desk(hours={"timezone": "UTC", "weekly": {"funday": "09:00-17:00"}}), "bad-day"),
        (desk(hours={"timezone": "UTC", "weekly": {"mon": "9-5"}}), "bad-time"),
        (desk(hours={"timezone": "UTC", "weekly": {"mon": "10:00-10:00"}}), "empty-span"),
        (desk(hours={"timezone": "UTC", "holidays": ["25/12"]}), "bad-date"),
    ],
)
def test_each_mistake_is_one_line_with_its_rule(raw: object, code: str) -> None:
    with pytest.raises(AdvocateConfigError) as error:
        parse_desk(raw)
    assert error.value.codes == (code,), error.value.problems
    assert error.value.problems[0].startswith(f"advocates file:0: [{code}] ")


def test_problems_in_the_file_name_their_lines_and_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "advocates.yaml"
    path.write_text(
        "group_id: 5\n"
        "advocates:\n"
        "  - id: 7\n"
        "  - id: -3\n"
        "hours:\n"
        "  timezone: Europe/Berlin\n"
        "  weekly:\n"
        '    mon-fry: "09:00-17:00"\n'
        "  holidays: [2025-12-25, 25/12]\n"
        'relay_media: "yes"\n',
        encoding="utf-8",
    )
    with pytest.raises(AdvocateConfigError) as error:
        load_desk(path)
    where = [problem.split(" ")[:2] for problem in error.value.problems]
    assert where == [
        [f"{path}:1:", "[bad-group-id]"],
        [f"{path}:4:", "[bad-user-id]"],
        [f"{path}:8:", "[bad-day]"],
        [f"{path}:9:", "[bad-date]"],
        [f"{path}:10:", "[wrong-type]"],
    ]


def test_a_key_given_twice_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "advocates.yaml"
    path.write_text(f"group_id: {GROUP}\nadvocates: [7]\ngroup_id: -1009999999999\n", encoding="utf-8")
    with pytest.raises(AdvocateConfigError) as error:
        load_desk(path)
    assert error.value.codes == ("duplicate-key",)
    assert error.value.problems == [f"{path}:3: [duplicate-key] duplicate key 'group_id' (first on line 1)"]


def test_load_settings_reports_a_broken_file_as_a_config_error(tmp_path: Path) -> None:
    env = {"HAVEN_SECRET_KEY": "k" * 40}
    assert load_settings(env).desk is None
    path = tmp_path / "advocates.yaml"
    path.write_text("group_id: [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ADVOCATES_FILE: .*advocates\.yaml:1: \[yaml-syntax\]"):
        load_settings({**env, "ADVOCATES_FILE": str(path)})
    with pytest.raises(ConfigError, match=r"missing\.yaml:0: \[unreadable\] cannot read"):
        load_settings({**env, "ADVOCATES_FILE": str(tmp_path / "missing.yaml")})
    path.write_text(f"group_id: {GROUP}\nadvocates: [7]\n", encoding="utf-8")
    assert load_settings({**env, "ADVOCATES_FILE": str(path)}).desk == load_desk(path)


def office_hours(timezone: str, weekly: dict[str, object], holidays: list[object]) -> WeeklyHours:
    return parse_desk(desk(hours={"timezone": timezone, "weekly": weekly, "holidays": holidays})).hours


BERLIN_WEEK = {"mon-fri": "09:00-17:00", "sat": ["10:00-12:00", "22:00-02:00"]}


@pytest.mark.parametrize(
    ("utc", "open_"),
    [
        (datetime(2026, 1, 5, 8, 30), True),  # Monday 09:30 in Berlin (UTC+1)
        (datetime(2026, 1, 5, 7, 59), False),  # Monday 08:59
        (datetime(2026, 1, 5, 16, 0), False),  # Monday 17:00: the end is exclusive
        (datetime(2026, 1, 10, 9, 30), True),  # Saturday 10:30
        (datetime(2026, 1, 10, 22, 30), True),  # Saturday 23:30, a span past midnight
        (datetime(2026, 1, 11, 0, 30), True),  # Sunday 01:30, the same span
        (datetime(2026, 1, 11, 1, 30), False),  # Sunday 02:30
        (datetime(2026, 7, 6, 7, 30), True),  # Monday 09:30 in summer time (UTC+2)
        (datetime(2025, 12, 25, 10, 0), False),  # a Thursday, but a holiday
    ],
)
def test_office_hours_in_the_desks_time_zone(utc: datetime, open_: bool) -> None:
    hours = office_hours("Europe/Berlin", BERLIN_WEEK, ["2025-12-25", date(2026, 1, 1)])
    assert hours.is_open(utc.replace(tzinfo=UTC)) is open_


def test_a_span_to_midnight_and_wrapping_day_ranges() -> None:
    hours = office_hours("UTC", {"fri-mon": "18:00-24:00"}, [])
    assert hours.is_open(datetime(2026, 1, 4, 23, 59, tzinfo=UTC))  # Sunday
    assert not hours.is_open(datetime(2026, 1, 6, 19, 0, tzinfo=UTC))  # Tuesday
