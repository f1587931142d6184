"""The conversation model: what flows are made of, and what a step takes and gives.

Everything here is plain data. The engine (``step.py``) is a pure function over these values,
so conversations can be tested without Redis, Telegram or asyncio, and re-run safely when a
compare-and-set save loses a race.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from bot.engine.contract import EXIT_LINE, MENU, START
from bot.engine.effects import Effect, RuntimeEffect
from bot.engine.reading import Reading
from bot.i18n import Translator

# Callback data of the navigation every keyboard carries.
BACK = "~back"
HOME = "~home"
EXIT = "~exit"
VALUE_MARK = "="  # "<node>|=<value>": a value chosen from a view's buttons

CONDITION_OPS = ("eq", "ne", "in", "not_in", "set")
VIEW_TARGETS = ("target", "back")  # view arguments that name nodes


@dataclass(frozen=True)
class Condition:
    """A test on one session value; a list of them must all hold."""

    var: str
    op: str
    value: str | tuple[str, ...] | bool

    def holds(self, values: Mapping[str, str]) -> bool:
        """Evaluate against the session's values."""
        current = values.get(self.var)
        if self.op == "eq":
            return current == self.value
        if self.op == "ne":
            return current != self.value
        if self.op == "in":
            return current in self.value  # type: ignore[operator]
        if self.op == "not_in":
            return current not in self.value  # type: ignore[operator]
        return (current is not None) == self.value


def all_hold(conditions: tuple[Condition, ...], values: Mapping[str, str]) -> bool:
    """True when every condition holds (an empty list always holds)."""
    return all(condition.holds(values) for condition in conditions)


@dataclass(frozen=True)
class Button:
    """A static button of a node."""

    id: str
    label: str
    goto: str | None
    effects: tuple[Effect, ...] = ()
    when: tuple[Condition, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class TextRule:
    """How a node answers free text: keywords (translatable, ``|``-separated) or a default."""

    id: str
    keywords: str | None
    goto: str | None
    effects: tuple[Effect, ...] = ()
    when: tuple[Condition, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Node:
    """One step of a conversation: a text, buttons, free-text rules, and/or a view."""

    id: str
    text: str = ""
    note: str = ""
    buttons: tuple[Button, ...] = ()
    inputs: tuple[TextRule, ...] = ()
    effects: tuple[Effect, ...] = ()
    view: str | None = None
    view_args: Mapping[str, str] = field(default_factory=dict)
    next: str | None = None
    nav: bool = True
    columns: int = 1
    safety: bool = False
    file: str = ""
    line: int = 0

    @property
    def context(self) -> str:
        """The gettext context of this node's text (``safety:`` marks safety-critical text)."""
        return ("safety:" if self.safety else "") + self.id

    def button_context(self, button_id: str) -> str:
        """The gettext context of one of this node's button labels."""
        return f"{self.context}.{button_id}"


@dataclass(frozen=True)
class Flows:
    """Every node of every flow, indexed by ``flow.node`` id."""

    nodes: Mapping[str, Node]
    start: str = START
    menu: str = MENU
    exit: str = EXIT_LINE


@dataclass
class Session:
    """What Haven remembers about one conversation, for at most the session TTL.

    Only ids and values from closed sets live here (node ids, locale codes, country codes,
    choices); never message text, never a user id. ``version`` belongs to the store.
    """

    node: str | None = None
    lang: str | None = None
    lang_source: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    version: int = 0


EventKind = Literal["start", "text", "button", "command", "media"]


@dataclass(frozen=True)
class Event:
    """One thing the survivor did, as a channel saw it."""

    kind: EventKind
    text: str = ""
    data: str = ""
    lang_hint: str | None = None


@dataclass(frozen=True)
class ReplyButton:
    """A button as a channel draws it: a callback id, or a link."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message to send: translated Telegram-HTML text and a keyboard."""

    text: str
    buttons: tuple[tuple[ReplyButton, ...], ...] = ()
    node: str = ""
    direction: str = "ltr"


@dataclass(frozen=True)
class ViewContent:
    """What a view adds to its node: more text and more buttons.

    ``leads``: the view's text goes above the node's own (the emergency view: the number to
    call is the first line, whatever the node says after it).
    """

    text: str = ""
    buttons: tuple[tuple[ReplyButton, ...], ...] = ()
    leads: bool = False


@dataclass(frozen=True)
class Choice:
    """What a view decided: where to go and what to change."""

    goto: str | None
    effects: tuple[Effect, ...] = ()


class StepContext(Protocol):
    """What the pure engine may consult: loaded data and a clock value, never I/O."""

    @property
    def now(self) -> datetime:
        """The moment of this step (services' opening hours, the desk's duty hours)."""

    @property
    def locales(self) -> tuple[str, ...]:
        """Every shipped locale."""

    def translator(self, locale: str | None) -> Translator:
        """The translator for a locale (English when unknown)."""

    def negotiate(self, hint: str | None) -> str:
        """A shipped locale for a channel's language hint (``pt-br`` -> ``pt_BR``)."""

    def detect(self, text: str) -> tuple[str, float] | None:
        """The language a text seems to be in, with a confidence, among offered locales."""

    def understand(self, text: str) -> Reading:
        """What a free-text message says: danger, a disclosure, a need, a country, a greeting."""


class View(Protocol):
    """Dynamic content of a node (language list, help directory results, rights cards ...).

    A view is pure like the engine. Button values it offers come back in :meth:`select`;
    free text the node could not match goes to :meth:`read`. Values stored in the session
    must come from closed sets (locale codes, country codes), never from the survivor's text.
    """

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent: ...

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None: ...

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None: ...


ViewFactory = Callable[[], View]


@dataclass(frozen=True)
class Step:
    """The result of one engine step."""

    session: Session
    replies: tuple[Reply, ...]
    effects: tuple[RuntimeEffect, ...] = ()
