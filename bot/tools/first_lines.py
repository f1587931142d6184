"""The discreet-first-line rule, checked on what Haven really sends, in every language.

A locked phone shows the first line of a new message. So the first line of every message must
not reveal what the chat is about (TRANSLATING.md, "Discreet first lines"). Messages are built
from several texts (a node's text, a view's cards ...), so the rule is checked on rendered
messages: every node of every flow, with sample sessions for each country and situation, in
English and in every locale with a catalog. Emergency replies are exempt: their first line is
the emergency number, because there speed matters more.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.app import load_static
from bot.engine import render
from bot.engine.contract import CHILD, CRISIS, DANGER, TRAFFICKING
from bot.engine.model import Session
from bot.i18n.shipped import SHIPPED_LOCALES, po_path
from bot.i18n.translator import N_
from bot.runtime import Context
from bot.text import contains_phrase, fold

# Translators: words that reveal what Haven is about. None of them may appear in the first
# line of a message (what a locked phone shows). List your language's words, separated by |,
# with common forms (plural, past tense).
REVEALING_WORDS = N_(
    "safety:discreet.revealing_words",
    "violence|violent|abuse|abused|abuser|rape|raped|assault|assaulted|trafficking|trafficked|"
    "exploitation|shelter|refuge|police|danger|victim|victims|domestic|hurt|hurts|beat|beaten",
)
EXEMPT_NODES = (DANGER, CRISIS, TRAFFICKING, CHILD)  # their first line is the number to call
SAMPLES = (
    {},
    *(
        {"country": country, "situation": situation, "need": need, "card": str(card), "page": str(card % 2)}
        for country, situation, need in (
            ("GB", "dv", "all"), ("US", "sexual", "medical"), ("DE", "trafficking", "trafficking"),
            ("BR", "crime", "legal"), ("IE", "dv", "safe_place"), ("AU", "trafficking", "talk_now"),
        )
        for card in range(4)
    ),
)


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
    first = fold(re.sub(r"<[^>]+>", "", text.strip().split("\n", 1)[0]))
    return next((word for word in sorted(words) if contains_phrase(first, word)), None)


def first_line_problems(data_dir: Path) -> list[str]:
    """``locale node: first line reveals 'word'`` for every offending rendered message."""
    static = load_static(data_dir)
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    ctx = Context(static.catalogs, now, static.catalogs.shipped)
    problems = []
    for locale in SHIPPED_LOCALES:
        path = po_path(data_dir, locale)
        if locale != "en" and not path.exists():
            continue
        catalog = None
        if path.exists():
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=locale.replace("_Hans", ""))
        words = revealing_words(catalog)
        for node in static.flows.nodes.values():
            if node.id in EXEMPT_NODES:
                continue
            for values in SAMPLES:
                session = Session(node=node.id, lang=locale, values=dict(values))
                word = revealing_word(render(static.flows, static.views, session, node.id, ctx).text, words)
                if word:
                    where = f"{locale} {node.id} ({values.get('country', '-')})"
                    problems.append(f"{where}: first line reveals the subject ({word!r})")
                    break
    return problems
