"""Who may act at the advocates' desk, and when it is open."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from bot.escalation.cases import LIVE, WAITING, Case
from bot.escalation.config import parse_desk
from bot.escalation.policy import Availability, Refusal, availability, refusal

DESK = parse_desk({"group_id": -100, "advocates": [1, 2], "hours": {"timezone": "UTC", "weekly": {"mon-fri": "09:00-17:00"}}})
WAITING_CASE = Case(code="K7QF", sid="s", lang="es", topics="", state=WAITING, since=0, due=0, thread=50)
LIVE_CASE = replace(WAITING_CASE, state=LIVE, advocate="tag-of-1")
MONDAY = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_availability() -> None:
    assert availability(None, MONDAY) is Availability.NO_DESK
    assert availability(parse_desk({"group_id": -100}), MONDAY) is Availability.NO_DESK
    assert availability(DESK, MONDAY) is Availability.OPEN
    assert availability(DESK, MONDAY.replace(hour=20)) is Availability.CLOSED


@pytest.mark.parametrize(
    ("action", "user", "thread", "case", "holder", "code", "expected"),
    [
        ("claim", 1, 50, WAITING_CASE, False, "K7QF", None),
        ("claim", 999, 50, WAITING_CASE, False, "K7QF", Refusal.NOT_ADVOCATE),
        ("claim", None, 50, WAITING_CASE, False, "K7QF", Refusal.NOT_ADVOCATE),
        ("claim", 1, 51, WAITING_CASE, False, "K7QF", Refusal.WRONG_TOPIC),
        ("claim", 1, 50, WAITING_CASE, False, "ZZZZ", Refusal.WRONG_TOPIC),
        ("claim", 1, 50, None, False, "K7QF", Refusal.NO_CASE),
        ("claim", 1, None, WAITING_CASE, False, "K7QF", Refusal.NO_CASE),
        ("claim", 2, 50, LIVE_CASE, False, "K7QF", Refusal.TAKEN),
        ("reply", 1, 50, LIVE_CASE, True, None, None),
        ("reply", 2, 50, LIVE_CASE, False, None, Refusal.NOT_HOLDER),
        ("reply", 1, 50, WAITING_CASE, False, None, Refusal.NOT_HOLDER),
        ("reply", 999, 50, LIVE_CASE, False, None, Refusal.NOT_ADVOCATE),
        ("transfer", 1, 50, LIVE_CASE, True, "K7QF", None),
        ("transfer", 2, 50, LIVE_CASE, False, "K7QF", Refusal.NOT_HOLDER),
        ("close", 2, 50, WAITING_CASE, False, "K7QF", None),
        ("close", 2, 50, LIVE_CASE, False, "K7QF", Refusal.NOT_HOLDER),
        ("close", 1, 50, LIVE_CASE, True, "K7QF", None),
    ],
)
def test_every_action_is_checked(action, user, thread, case, holder, code, expected) -> None:
    assert refusal(DESK, action, user, thread, case, holder=holder, named_code=code) is expected


def test_unknown_actions_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        refusal(DESK, "delete", 1, 50, WAITING_CASE, holder=False)
