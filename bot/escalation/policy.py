"""Who may do what at the advocates' desk, and whether the desk is open: pure decisions.

Every advocate action (claim, reply, hand back, close) is checked here on every update, from
the Telegram user id of the person acting, the topic they acted in and the case that topic
belongs to. A refusal has no effect beyond a short notice; nothing is relayed.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from bot.escalation.cases import LIVE, WAITING, Case
from bot.escalation.config import DeskConfig

ACTIONS = ("claim", "reply", "transfer", "close")


class Refusal(Enum):
    NOT_ADVOCATE = "not_advocate"  # not on the allowlist (a group member, a forged callback)
    NO_CASE = "no_case"  # the topic has no open case (closed, expired, General topic)
    WRONG_TOPIC = "wrong_topic"  # a button of one case pressed in another case's topic
    TAKEN = "taken"  # claim on a case that is not waiting
    NOT_HOLDER = "not_holder"  # reply / transfer / close by someone who did not claim it


class Availability(Enum):
    OPEN = "open"
    NO_DESK = "no_desk"  # not configured, or nobody on the allowlist
    CLOSED = "closed"  # outside office hours or a holiday


def availability(desk: DeskConfig | None, now: datetime) -> Availability:
    """Whether a new case can be opened at ``now``."""
    if desk is None or not desk.advocates:
        return Availability.NO_DESK
    return Availability.OPEN if desk.hours.is_open(now) else Availability.CLOSED


def refusal(
    desk: DeskConfig, action: str, user_id: int | None, thread: int | None, case: Case | None,
    *, holder: bool, named_code: str | None = None,
) -> Refusal | None:
    """Why ``action`` by ``user_id`` in topic ``thread`` must be refused, or None to allow it.

    ``holder`` says whether ``user_id`` is the advocate who claimed ``case``; ``named_code`` is
    the case a button names (a button only acts on the case of the topic it was pressed in).
    A waiting case may be closed by any advocate; a live one only by the one holding it.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if desk.advocate(user_id) is None:
        return Refusal.NOT_ADVOCATE
    if case is None or thread is None:
        return Refusal.NO_CASE
    if case.thread != thread or (named_code is not None and named_code != case.code):
        return Refusal.WRONG_TOPIC
    if action == "claim":
        return None if case.state == WAITING else Refusal.TAKEN
    if action == "close" and case.state == WAITING:
        return None
    if case.state != LIVE or not holder:
        return Refusal.NOT_HOLDER
    return None
