"""The discreet-first-line rule, checked on what Haven really sends, in every language.

A locked phone shows the first line of a new message. So the first line of every message must
not reveal what the chat is about (TRANSLATING.md, "Discreet first lines"). Messages are built
from several texts (a node's text, a view's cards ...), so the rule is checked on rendered
messages: every node of every flow, with sample sessions for each country and situation, in
English and in every locale with a catalog. Emergency replies are exempt: their first line is
the emergency number, because there speed matters more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po

from bot.config import SHIPPED_LOCALES
from bot.engine.model import Session
from bot.engine import render
from bot.engine.contract import DANGER
from bot.i18n.checks import revealing_word, revealing_words
from bot.runtime import Context

EXEMPT_NODES = (DANGER,)
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


def first_line_problems(data_dir: Path) -> list[str]:
    """``locale node: first line reveals 'word'`` for every offending rendered message."""
    from bot.app import load_static

    static = load_static(data_dir)
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    ctx = Context(static.catalogs, now, static.catalogs.shipped)
    problems = []
    for locale in SHIPPED_LOCALES:
        path = data_dir / "locales" / locale / "LC_MESSAGES" / "messages.po"
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
                    problems.append(f"{locale} {node.id} ({values.get('country', '-')}): first line reveals the subject ({word!r})")
                    break
    return problems
