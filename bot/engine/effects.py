"""What a step causes: a closed set of typed effects.

A flow names an effect in YAML (``effects: [{set: {need: legal}}, escalate]``); the loader turns
each name into one of the classes below, checking its arguments, so Python never compares an
effect by its name. Two kinds:

* **session effects** (:class:`SetValues`, :class:`UnsetValues`, :class:`ChooseLanguage`,
  :class:`EndConversation`) change the session inside the pure engine;
* **runtime effects** (every :class:`RuntimeEffect`) leave the engine in :attr:`Step.effects`
  and are carried out after the session is saved, by handlers the channels and the advocates'
  desk register with the runtime's :class:`~bot.runtime.EffectDispatcher`.

:data:`YAML_EFFECTS` is the flow vocabulary; ``flows/README.md`` documents it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


class Effect:
    """Base of every effect (never used on its own)."""

    __slots__ = ()


@dataclass(frozen=True)
class SetValues(Effect):
    """Remember values from closed sets (``need: legal``) in the session."""

    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UnsetValues(Effect):
    """Forget session values by name."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChooseLanguage(Effect):
    """The survivor chose a language: it sticks (no more "continue in X?" questions)."""

    locale: str


@dataclass(frozen=True)
class EndConversation(Effect):
    """Clear the session's place, history and values (the conversation starts again)."""


SESSION_EFFECTS = (SetValues, UnsetValues, ChooseLanguage, EndConversation)


class RuntimeEffect(Effect):
    """An effect carried out outside the engine, after the session is saved."""

    __slots__ = ()


@dataclass(frozen=True)
class Erase(RuntimeEffect):
    """Exit: delete every key of the session and, where the channel can, the messages."""


@dataclass(frozen=True)
class Forget(RuntimeEffect):
    """Delete what Haven remembers but leave the messages (people may want to keep numbers)."""


@dataclass(frozen=True)
class Escalate(RuntimeEffect):
    """Open a case with the advocates; ``first_line``: the survivor's previewed line goes on the card."""

    first_line: bool = False


@dataclass(frozen=True)
class PreviewFirstLine(RuntimeEffect):
    """Show the survivor the line they just wrote, with Send / Change / Skip under it."""


@dataclass(frozen=True)
class Relay(RuntimeEffect):
    """Pass the survivor's message to the advocate of a live case (the text never enters state)."""

    case: str


@dataclass(frozen=True)
class EndCase(RuntimeEffect):
    """The survivor ended the chat or stopped waiting: close their case."""


LEAVING = (Erase, Forget)
"""Runtime effects after which no session is saved."""


class EffectArgumentError(ValueError):
    """The arguments given to an effect in a flow do not fit it; the message says how."""


def _set(args: Mapping[str, str]) -> Effect:
    if not args or "value" in args:
        raise EffectArgumentError("'set' needs a mapping of names to values")
    return SetValues(dict(args))


def _unset(args: Mapping[str, str]) -> Effect:
    if "value" not in args or len(args) != 1:
        raise EffectArgumentError("'unset' needs a value name or a list of them")
    return UnsetValues(tuple(name.strip() for name in args["value"].split(",") if name.strip()))


def _lang(args: Mapping[str, str]) -> Effect:
    if set(args) != {"value"}:
        raise EffectArgumentError("'lang' needs a locale code")
    return ChooseLanguage(args["value"])


def _escalate(args: Mapping[str, str]) -> Effect:
    if not args:
        return Escalate()
    if args == {"first_line": "pressed"}:
        return Escalate(first_line=True)
    if args == {"stage": "preview"}:
        return PreviewFirstLine()
    raise EffectArgumentError("'escalate' takes no arguments, {first_line: pressed} or {stage: preview}")


def _bare(effect: Effect, name: str) -> Callable[[Mapping[str, str]], Effect]:
    def build(args: Mapping[str, str]) -> Effect:
        if args:
            raise EffectArgumentError(f"{name!r} takes no arguments")
        return effect

    return build


YAML_EFFECTS: Mapping[str, Callable[[Mapping[str, str]], Effect]] = {
    "set": _set,
    "unset": _unset,
    "lang": _lang,
    "end": _bare(EndConversation(), "end"),
    "erase": _bare(Erase(), "erase"),
    "forget": _bare(Forget(), "forget"),
    "escalate": _escalate,
    "end_case": _bare(EndCase(), "end_case"),
}
"""Effect names a flow may use, each with the builder that checks its arguments."""
