"""``locales check`` and ``locales stats``: what Babel's own checks let through.

``pybabel compile`` checks only ``%``-style placeholders and writes the ``.mo`` anyway. Haven
uses ``{name}`` placeholders and a little Telegram HTML, so this checker looks at every
translated message for: placeholders missing, renamed, added or malformed; unsafe format
fields (``{0.__class__}``, ``{x[0]}``); markup that does not parse or differs from the
source; a wrong number of plural forms; text over Telegram's limit; and, for safety-critical
messages (context ``safety:...``), a missing translation. Problems are ``file:line: msgid``.
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.config import SHIPPED_LOCALES
from bot.i18n.translator import N_

REVIEW_MARK = "# Review:"  # a header comment line: who reviewed this catalog, or that nobody has
# Translators: words that reveal what Haven is about. None of them may appear in the first
# line of a message (what a locked phone shows). List your language's words, separated by |,
# with common forms (plural, past tense).
REVEALING_WORDS = N_(
    "safety:discreet.revealing_words",
    "violence|violent|abuse|abused|abuser|rape|raped|assault|assaulted|trafficking|trafficked|"
    "exploitation|shelter|refuge|police|danger|victim|victims|domestic|hurt|hurts|beat|beaten",
)
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


def revealing_words(catalog: Catalog | None) -> set[str]:
    """The English list plus the catalog's own (translators extend it per language)."""
    context, english = REVEALING_WORDS
    words = set(english.split("|"))
    found = catalog.get(english, context=context) if catalog is not None else None
    if found is not None and found.string and not found.fuzzy:
        words |= {w.strip().casefold() for w in str(found.string).split("|") if w.strip()}
    return words


def revealing_word(text: str, words: set[str]) -> str | None:
    """The first revealing word in the first line of a message, if any (case and accents
    ignored; words in scripts without spaces, such as Chinese, are found anywhere)."""
    from bot.text import contains_phrase, fold

    first = fold(re.sub(r"<[^>]+>", "", text.strip().split("\n", 1)[0]))
    return next((word for word in sorted(words) if contains_phrase(first, word)), None)


def is_label(message: Message) -> bool:
    """Button labels are marked by their translator comment (see the flow extractor)."""
    return any(comment.startswith("Button label") for comment in message.auto_comments)


def message_problems(message: Message, nplurals: int) -> list[str]:
    """Everything wrong with one translated message (empty when fine or untranslated)."""
    sources = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
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


def _load(path: Path, locale: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def check_catalog(path: Path, locale: str, shown: str) -> list[str]:
    """Problems of one ``.po`` file as ``file:line: [context] msgid: problem``."""
    catalog = _load(path, locale)
    out = []
    for message in catalog:
        if not message.id:
            continue
        label = f"[{message.context}] {str(message.id if isinstance(message.id, str) else message.id[0])[:50]!r}"
        translated = any(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if (message.context or "").startswith(SAFETY_PREFIX) and (not translated or message.fuzzy):
            out.append(f"{shown}:{message.lineno}: {label}: safety-critical text is not translated")
            continue
        if message.fuzzy:
            continue
        for problem in message_problems(message, catalog.num_plurals):
            out.append(f"{shown}:{message.lineno}: {label}: {problem}")
    return out


def check_all(data_dir: Path) -> list[str]:
    """Check every shipped locale that has a catalog (``stats`` lists the missing ones), and the
    first line of every message Haven can show, in every language (see :mod:`bot.i18n.discreet`)."""
    from bot.i18n.discreet import first_line_problems

    problems = first_line_problems(data_dir)
    for locale in SHIPPED_LOCALES:
        path = data_dir / "locales" / locale / "LC_MESSAGES" / "messages.po"
        if locale == "en" or not path.exists():
            continue
        problems += check_catalog(path, locale, str(path.relative_to(data_dir)))
    return problems


def stats_table(data_dir: Path) -> str:
    """Per locale: translated %, safety-critical %, fuzzy, obsolete, review status."""
    rows = [f"{'locale':8} {'translated':>10} {'safety':>7} {'fuzzy':>6} {'obsolete':>8}  review"]
    for locale in SHIPPED_LOCALES:
        if locale == "en":
            continue
        path = data_dir / "locales" / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            rows.append(f"{locale:8} {'missing':>10}")
            continue
        catalog = _load(path, locale)
        messages = [m for m in catalog if m.id]
        safety = [m for m in messages if (m.context or "").startswith(SAFETY_PREFIX)]

        def done(items: list[Message]) -> float:
            ok = [m for m in items if not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)]
            # Rounded down: 291 of 292 must not read as 100%.
            return math.floor(1000.0 * len(ok) / len(items)) / 10 if items else 100.0

        review = next(
            (line[len(REVIEW_MARK):].strip() for line in catalog.header_comment.splitlines() if line.startswith(REVIEW_MARK)),
            "unknown",
        )
        fuzzy = sum(1 for m in messages if m.fuzzy)
        rows.append(f"{locale:8} {done(messages):9.1f}% {done(safety):6.1f}% {fuzzy:6} {len(catalog.obsolete):8}  {review}")
    return "\n".join(rows)
