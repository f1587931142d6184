"""Presentation a channel applies to the engine's replies: the extra-discreet style.

The engine decides what to say; how it looks on a phone's lock screen is the channel's
business. A survivor who chose extra-discreet messages (session value ``discreet``) gets every
message, Haven's and the advocates', under one bland first line with the rest in a spoiler:
Telegram masks spoiler text in the chat list and in notification previews.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.model import Reply
from bot.i18n import Translator


def discreet(reply: Reply, tr: Translator) -> Reply:
    """The reply in the extra-discreet style: a bland first line, the rest hidden until tapped."""
    return replace(reply, text=f"{discreet_first_line(tr)}\n<tg-spoiler>{reply.text}</tg-spoiler>")


def discreet_first_line(tr: Translator) -> str:
    """The bland line a lock screen shows in the extra-discreet style."""
    return tr.pgettext("safety:discreet.first_line", "Tap to read.")


def styled(replies: list[Reply], tr: Translator, *, hidden: bool) -> list[Reply]:
    """``replies`` as the survivor chose to see them (``hidden``: the extra-discreet style)."""
    return [discreet(reply, tr) for reply in replies] if hidden else replies
