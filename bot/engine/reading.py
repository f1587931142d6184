"""What a free-text message says, as the engine routes it (found by ``bot.understanding``).

The engine only routes: which page answers a placement is the flows' contract
(:mod:`bot.engine.contract`). Nothing here holds the message's words; a :class:`Reading` is a
closed label, a confidence, a need from a closed set and a country code, so it is safe to log
and to count.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Placement(StrEnum):
    """Where a message belongs. The first four are danger: the reply opens with a number."""

    IMMINENT = "imminent"
    SELF_HARM = "self_harm"
    TRAFFICKING = "trafficking"
    CHILD_ABUSE = "child_abuse"
    SEXUAL_VIOLENCE = "sexual_violence"
    DOMESTIC_VIOLENCE = "domestic_violence"
    NEED = "need"
    GREETING = "greeting"
    THANKS = "thanks"


DANGER = frozenset({Placement.IMMINENT, Placement.SELF_HARM, Placement.TRAFFICKING, Placement.CHILD_ABUSE})


@dataclass(frozen=True)
class Reading:
    """The understanding of one message. ``placement`` None: nothing recognised."""

    placement: Placement | None = None
    confidence: float = 0.0
    need: str | None = None  # a Find-help need (``safe_place``, ``legal`` ...), if one was asked for
    country: str | None = None  # an ISO code when the message names a country

    @property
    def danger(self) -> bool:
        return self.placement in DANGER


NOTHING = Reading()
