"""``locales check`` and ``locales stats``: the translators' reports over whole catalogs.

Each problem is ``file:line: [context] msgid: problem``, so Poedit users and editors can jump
to it. Safety-critical messages (context ``safety:...``) must be translated, not merely valid:
a survivor in danger should not meet English.
"""

from __future__ import annotations

import math
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n.checks import SAFETY_PREFIX, message_problems
from bot.i18n.shipped import SHIPPED_LOCALES, po_path
from bot.tools.first_lines import first_line_problems

REVIEW_MARK = "# Review:"  # a header comment line: who reviewed this catalog, or that nobody has


def _load(path: Path, locale: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def cldr_plural_forms(locale: str) -> str:
    """The ``Plural-Forms`` header CLDR gives ``locale`` (Babel's table, Babel >= 2.19)."""
    plural = get_plural(locale)
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def check_catalog(path: Path, locale: str, shown: str) -> list[str]:
    """Problems of one ``.po`` file as ``file:line: [context] msgid: problem``."""
    catalog = _load(path, locale)
    out = []
    expected = cldr_plural_forms(locale)
    if catalog.plural_forms != expected:
        out.append(f"{shown}:1: Plural-Forms is {catalog.plural_forms!r}; CLDR says {expected!r} (`locales update` repairs it)")
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
    first line of every message Haven can show, in every language (see :mod:`bot.tools.first_lines`)."""
    problems = first_line_problems(data_dir)
    for locale in SHIPPED_LOCALES:
        path = po_path(data_dir, locale)
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
        path = po_path(data_dir, locale)
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
