"""What is wrong with one translated message: what Babel's own checks let through.

``pybabel compile`` checks only ``%``-style placeholders and writes the ``.mo`` anyway. Haven
uses ``{name}`` placeholders and a little Telegram HTML, so each translated message is checked
for: placeholders missing, renamed, added or malformed; unsafe format fields
(``{0.__class__}``, ``{x[0]}``); markup that does not parse or differs from the source; a
wrong number of plural forms; text over Telegram's limit. The catalogs run this at start-up
and fall back to English for a message that fails (so a broken translation never reaches a
survivor); the translators' reports in :mod:`bot.tools.catalogs` use it too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from babel.messages.catalog import Message

MAX_MESSAGE = 4096
MAX_LABEL = 40
SAFETY_PREFIX = "safety:"
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote"}
_FIELD = re.compile(r"\{([^{}]*)\}")
_SIMPLE_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENTITY = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed")
        self.tags.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"closing </{tag}> does not match")
        else:
            self.stack.pop()


def markup_problems(text: str) -> tuple[list[str], list[str]]:
    """(errors, tags in order) for a Telegram-HTML text."""
    collector = _TagCollector()
    if _ENTITY.search(text):
        collector.errors.append("a bare '&' must be written as &amp;")
    if re.search(r"<(?![a-zA-Z/])", text):
        collector.errors.append("a bare '<' must be written as &lt;")
    collector.feed(text)
    collector.close()
    if collector.stack:
        collector.errors.append(f"<{collector.stack[-1]}> is never closed")
    return collector.errors, sorted(collector.tags)


def placeholder_problems(source: str, translation: str) -> list[str]:
    """Differences between the ``{fields}`` of the source and of a translation."""
    problems = []
    fields = _FIELD.findall(translation)
    for field in fields:
        if not _SIMPLE_FIELD.match(field):
            problems.append(f"unsafe or malformed placeholder {{{field}}}")
    if translation.count("{") != translation.count("}"):
        problems.append("unbalanced braces")
    wanted, got = set(_FIELD.findall(source)), set(fields)
    if wanted - got:
        problems.append("missing placeholder(s) " + ", ".join(f"{{{f}}}" for f in sorted(wanted - got)))
    if got - wanted and all(_SIMPLE_FIELD.match(f) for f in got - wanted):
        problems.append("unknown placeholder(s) " + ", ".join(f"{{{f}}}" for f in sorted(got - wanted)))
    return problems


def is_label(message: Message) -> bool:
    """Button labels are marked by their translator comment (see the flow extractor)."""
    return any(comment.startswith("Button label") for comment in message.auto_comments)


def _forms(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A message's id or string as a tuple of forms (one, or one per plural form)."""
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def message_problems(message: Message, nplurals: int) -> list[str]:
    """Everything wrong with one translated message (empty when fine or untranslated)."""
    sources = _forms(message.id)
    strings = _forms(message.string)
    if not any(strings):
        return []
    problems = []
    if isinstance(message.id, tuple):
        filled = sum(1 for string in strings if string)
        if len(strings) != nplurals or filled != len(strings):
            problems.append(f"{filled} plural forms, the header says {nplurals}")
    source_errors, source_tags = markup_problems(sources[0])
    for translation in strings:
        if not translation:
            continue
        problems += placeholder_problems(" ".join(sources), translation)
        errors, tags = markup_problems(translation)
        problems += errors
        if not errors and not source_errors and tags != source_tags:
            problems.append("markup differs from the source")
        if len(translation) > MAX_MESSAGE:
            problems.append(f"{len(translation)} characters; Telegram allows {MAX_MESSAGE}")
        if is_label(message) and len(translation) > MAX_LABEL:
            problems.append(f"button label is {len(translation)} characters; at most {MAX_LABEL} show on a phone")
    return problems


