"""Measure free-text understanding on the real engine: does the very next reply help?

Run: ``.venv/bin/python -m tests.eval.understanding_eval [train|blind] [locale ...]``

Each message is sent, as typed, to a session at the main menu in its locale (with its country
when the corpus gives one), through the shipped flows, catalogs, directory and lists, exactly
as the runtime steps it. Scored per locale and per label:

* danger messages (``danger: true``): the first reply opens with a danger page (emergency,
  crisis, trafficking or child line first) — "opens" — and some reply carries a number;
* other messages: a false alarm when the first reply opens with a danger page;
* needs: the reply shows Find help results for the right need in the given country;
* placement: the label the understanding layer gave, for the confusion summary.

``train`` is what the rules were built from. The blind sets (tests/eval/blind*/) were written
by people who never saw the lists or the corpora, each scored once the lists were frozen; after
that, only their per-locale and per-theme figures (never their messages) guided the next round
of train probes, so each later set is the honest figure: ``blind`` (2026-11), ``blind2`` and
``blind3`` (both 2026-12-02). Never add words because of a blind message.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from bot.app import StaticData, load_static
from bot.engine.contract import CHILD, COUNTRY, CRISIS, DANGER, HELP_RESULTS, MENU, NEED, TRAFFICKING
from bot.engine.model import Event, Session
from bot.engine.step import step
from bot.runtime import Context
from tests.eval.danger_eval import speed_ratio

ROOT = Path(__file__).resolve().parents[2]
CORPORA = {
    "train": ROOT / "tests" / "data" / "understanding" / "train",
    "blind": ROOT / "tests" / "eval" / "blind",
    "blind2": ROOT / "tests" / "eval" / "blind2",
    "blind3": ROOT / "tests" / "eval" / "blind3",
}
DANGER_PAGES = {DANGER, CRISIS, TRAFFICKING, CHILD}
NEED_OF_LABEL = {
    "need_shelter": "safe_place", "need_legal": "legal", "need_medical": "medical", "need_money": "money",
    "need_immigration": "immigration", "need_talk": "talk_now", "need_police": "police",
}  # fmt: skip
_NUMBER = re.compile(r"\d[\d ]{1,}\d|\b\d{3}\b")


@dataclass
class Score:
    danger: int = 0
    opened: int = 0
    numbered: int = 0
    ordinary: int = 0
    false_alarms: int = 0
    needs: int = 0
    needs_met: int = 0
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("danger", "opened", "numbered", "ordinary", "false_alarms", "needs", "needs_met"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:5.2f}" if whole else "    -"


def _row(name: str, s: Score) -> str:
    danger = f"{s.danger:6} {_ratio(s.opened, s.danger)} {_ratio(s.numbered, s.danger):>6}"
    return f"{name:8} {danger} {s.ordinary:5} {_ratio(s.false_alarms, s.ordinary)} {s.needs:5} {_ratio(s.needs_met, s.needs)}"


def run_one(static: StaticData, ctx: Context, locale: str, item: dict[str, object]) -> tuple[bool, bool, Session, str]:
    """(opens with a danger page, has a number, the session after, the placement given)."""
    values = {COUNTRY: str(item["country"])} if item.get("country") else {}
    session = Session(node=MENU, lang=locale, values=values)
    text = str(item["text"])
    result = step(static.flows, static.views, session, Event("text", text=text), ctx)
    first = result.replies[0] if result.replies else None
    opens = bool(first and first.node in DANGER_PAGES)
    numbered = any(_NUMBER.search(reply.text) for reply in result.replies)
    reading = ctx.understand(text)
    return opens, numbered, result.session, reading.placement.value if reading.placement else "unplaced"


def evaluate(static: StaticData, corpus: Path, locales: list[str]) -> None:
    ctx = Context(static.catalogs, datetime(2026, 12, 2, 12, tzinfo=UTC), static.catalogs.shipped, None, static.understanding)
    totals, themes = Score(), defaultdict(Score)
    confusion: Counter[tuple[str, str]] = Counter()
    print(f"{'locale':8} {'danger':>6} {'opens':>5} {'number':>6} {'ordin':>5} {'alarm':>5} {'needs':>5} {'met':>5}")
    for path in sorted(corpus.glob("*.yaml")):
        locale = path.stem
        if locales and locale not in locales:
            continue
        score = Score()
        for item in _messages(path):
            opens, numbered, after, placed = run_one(static, ctx, locale, item)
            label, theme = str(item["label"]), str(item.get("theme") or item["label"])
            confusion[(label, placed)] += 1
            one = Score()
            if item["danger"]:
                one.danger, one.opened, one.numbered = 1, int(opens), int(numbered)
                if not opens:
                    score.missed.append(f"{label}: {item['text']}")
            else:
                one.ordinary, one.false_alarms = 1, int(opens)
                if opens:
                    score.alarms.append(f"{label}: {item['text']}")
            if label in NEED_OF_LABEL and item.get("country"):
                one.needs = 1
                one.needs_met = int(after.node == HELP_RESULTS and after.values.get(NEED) == NEED_OF_LABEL[label])
                if not one.needs_met:
                    score.unmet.append(f"{label} -> {after.node} {after.values.get(NEED)}: {item['text']}")
            score.add(one)
            themes[theme].add(one)
        totals.add(score)
        print(_row(locale, score))
        for kind, lines in (("missed", score.missed), ("alarm", score.alarms), ("unmet", score.unmet)):
            for line in lines:
                print(f"  {kind:6} {line}")
    print(_row("all", totals))
    print("\nby theme (danger: share opened; other: share of false alarms; needs: share met)")
    for theme, s in sorted(themes.items()):
        figure = _ratio(s.opened, s.danger) if s.danger else _ratio(s.false_alarms, s.ordinary)
        print(f"  {theme:28} {s.danger + s.ordinary:4} {figure}  needs {_ratio(s.needs_met, s.needs)}")
    print("\nlabel -> placement (counts)")
    for (label, placed), count in sorted(confusion.items()):
        print(f"  {label:18} -> {placed:18} {count}")
    story = " ".join(str(item["text"]) for path in sorted(corpus.glob("*.yaml")) for item in _messages(path))
    for name, text in {
        "one disclosure repeated": ("he took my passport and i cant leave " * 110)[:4000],
        "every corpus message in turn (24 scripts: the worst case)": (story * (4000 // len(story) + 1))[:4000],
    }.items():
        seconds, ratio = speed_ratio(static.understanding.read, text)
        print(f"placing {len(text):,} characters of {name}: {seconds * 1000:.2f} ms = {ratio:.0f}x str.lower()")


def _messages(path: Path) -> list[dict[str, object]]:
    messages: list[dict[str, object]] = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
    return messages


def main() -> None:
    args = sys.argv[1:]
    which = args.pop(0) if args and args[0] in CORPORA else "train"
    evaluate(load_static(ROOT), CORPORA[which], args)


if __name__ == "__main__":
    main()
