"""Where a free-text message leads, once :mod:`bot.understanding` has placed it.

Pure and small on purpose: a :class:`Route` names a contract node, the session values to set
and an acknowledgement to say first; the engine carries it out. Danger always wins and opens
a page whose first line is the number to call (the emergency number, or the crisis,
trafficking or child line first). A disclosure gets a warm acknowledgement and the matching
help; a need goes straight to that need in Find help; a message nothing placed gets the warm
answer of :data:`~bot.engine.contract.UNPLACED`, never "choose a button".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.engine.contract import (
    CHILD,
    COUNTRY,
    CRISIS,
    DANGER,
    HELP_NEED,
    HELP_RESULTS,
    HELP_WHERE,
    MENU,
    NEED,
    PAGE,
    SITUATION,
    TRAFFICKING,
    UNPLACED,
)
from bot.engine.reading import Placement, Reading
from bot.i18n.translator import N_

Text = tuple[str, str]  # (gettext context, English source)


@dataclass(frozen=True)
class Route:
    """Go to ``node`` after setting ``values`` and saying ``ack``."""

    node: str
    values: Mapping[str, str] = field(default_factory=dict)
    ack: Text | None = None
    unset: tuple[str, ...] = ()


DANGER_PAGES: Mapping[Placement, Route] = {
    Placement.IMMINENT: Route(DANGER),
    Placement.SELF_HARM: Route(CRISIS),
    Placement.TRAFFICKING: Route(TRAFFICKING, {NEED: "trafficking", SITUATION: "trafficking"}),
    Placement.CHILD_ABUSE: Route(CHILD, {NEED: "child"}),
}

# Translators: the first words after someone told Haven about sexual violence. Warm, brief,
# never doubting; the matching services follow.
HEARD_SEXUAL = N_(
    "safety:heard.sexual",
    "Thank you for telling me. What happened was not your fault. Here is who can help, in confidence:",
)
# Translators: the first words after someone told Haven about abuse at home. Warm, brief.
HEARD_DOMESTIC = N_(
    "safety:heard.domestic",
    "Thank you for telling me. You deserve to be safe and respected, and what is happening is not your fault. "
    "Here is who can help, in confidence:",
)
HELLO = N_("safety:heard.hello", "Hello. I'm here for you, and this chat is anonymous.")
WELCOME = N_("safety:heard.thanks", "You're welcome. I'm here whenever you need me.")

_DISCLOSURES: Mapping[Placement, tuple[str, str, Text]] = {
    Placement.SEXUAL_VIOLENCE: ("sexual", "sexual", HEARD_SEXUAL),
    Placement.DOMESTIC_VIOLENCE: ("domestic", "dv", HEARD_DOMESTIC),
}


def danger_route(reading: Reading) -> Route | None:
    """The page for a danger placement; None when the message is not danger."""
    return DANGER_PAGES.get(reading.placement) if reading.placement else None


def _help(need: str, values: Mapping[str, str], extra: Mapping[str, str], ack: Text | None = None) -> Route:
    """Find help for ``need``: the results at once when the country is known, else the question."""
    node = HELP_RESULTS if values.get(COUNTRY) else HELP_WHERE
    return Route(node, {NEED: need, **extra}, ack, unset=(PAGE,))


def route(reading: Reading, values: Mapping[str, str]) -> Route | None:
    """Where a non-danger message leads; None when the node's own keywords should be tried."""
    # A country named in passing fills in a missing one, never replaces the survivor's choice
    # ("he brought me here from Nigeria" must not move the help elsewhere).
    country = {COUNTRY: reading.country} if reading.country and not values.get(COUNTRY) else {}
    values = {**values, **country}
    disclosure = _DISCLOSURES.get(reading.placement) if reading.placement else None
    if disclosure:
        need, situation, ack = disclosure
        return _help(reading.need or need, values, {SITUATION: situation, **country}, ack)
    if reading.placement is Placement.NEED and reading.need:
        return _help(reading.need, values, country)
    return None


def fallback(reading: Reading) -> Route:
    """What answers a message the node could not use either: never a dead end."""
    if reading.country:
        return Route(HELP_NEED, {COUNTRY: reading.country})
    if reading.placement is Placement.GREETING:
        return Route(MENU, ack=HELLO)
    if reading.placement is Placement.THANKS:
        return Route(MENU, ack=WELCOME)
    return Route(UNPLACED)
