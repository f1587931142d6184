"""Measure danger detection: per-locale precision and recall on the test set, and speed.

Run: ``/tmp/venv/bin/python -m tests.eval.danger_eval [locale ...]``

Every message is matched against the lists of ALL locales at once (as the runtime does), so a
false alarm caused by another language's phrase counts against the message's locale.
Precision depends on how many ordinary messages the set holds, so the false-alarm count is
printed next to it. Speed is reported as a ratio to ``str.lower()`` on the same 4,000-character
message, which makes the figure comparable across machines.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.safety.danger import CATEGORIES, DangerDetector

ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"
CASES = ROOT / "tests" / "data" / "danger_cases.yaml"
LOCALES = SHIPPED_LOCALES


@dataclass
class Score:
    """Counts for one locale; `missed` and `false_alarms` hold test-set messages for debugging."""

    danger: int = 0
    caught: int = 0
    right_category: int = 0
    ordinary: int = 0
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.danger if self.danger else 1.0

    @property
    def precision(self) -> float:
        flagged = self.caught + len(self.false_alarms)
        return self.caught / flagged if flagged else 1.0


def load_cases(path: Path = CASES) -> dict[str, dict[str, list[str]]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def score_locales(detector: DangerDetector, cases: dict[str, dict[str, list[str]]]) -> dict[str, Score]:
    """Score every locale's messages against the whole detector."""
    scores: dict[str, Score] = {}
    for locale, groups in cases.items():
        score = scores.setdefault(locale, Score())
        for category in CATEGORIES:
            for message in groups.get(category, []):
                score.danger += 1
                found = detector.match(message)
                if found is None:
                    score.missed.append(message)
                    continue
                score.caught += 1
                score.right_category += found.category == category
        for message in groups.get("ordinary", []):
            score.ordinary += 1
            if detector.match(message) is not None:
                score.false_alarms.append(message)
    return scores


def long_texts(cases: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """4,000-character messages: one plain English letter, and every test message in turn
    (24 scripts, hundreds of distinct words, dozens of hits: close to the worst case)."""
    sentence = "We talked about the weather, the garden and my sister's new job at the bakery. "
    mixed = " ".join(m for groups in cases.values() for ms in groups.values() for m in ms)
    return {
        "plain English": (sentence * (4000 // len(sentence) + 1))[:4000],
        "all test messages": (mixed * (4000 // len(mixed) + 1))[:4000],
    }


def speed_ratio(read: Callable[[str], object], text: str, repeat: int = 20) -> tuple[float, float]:
    """Seconds per ``read(text)``, and that time divided by ``text.lower()``'s."""
    matcher = min(timeit.repeat(lambda: read(text), number=1, repeat=repeat))
    lower = min(timeit.repeat(text.lower, number=100, repeat=repeat)) / 100
    return matcher, matcher / lower


def report(locales: Iterable[str]) -> None:
    detector = DangerDetector.load(LOCALES_DIR, LOCALES)
    cases = load_cases()
    wanted = list(locales) or list(cases)
    scores = score_locales(detector, {k: v for k, v in cases.items() if k in wanted})
    print(f"{'locale':8} {'danger':>6} {'caught':>6} {'recall':>6} {'cat.ok':>6} {'ordin.':>6} {'false':>5} {'precis.':>7}")
    for locale, s in scores.items():
        print(
            f"{locale:8} {s.danger:6} {s.caught:6} {s.recall:6.2f} {s.right_category:6} "
            f"{s.ordinary:6} {len(s.false_alarms):5} {s.precision:7.2f}"
        )
    total = Score()
    for s in scores.values():
        total.danger += s.danger
        total.caught += s.caught
        total.right_category += s.right_category
        total.ordinary += s.ordinary
        total.false_alarms += s.false_alarms
    print(
        f"{'all':8} {total.danger:6} {total.caught:6} {total.recall:6.2f} "
        f"{total.right_category:6} {total.ordinary:6} {len(total.false_alarms):5} "
        f"{total.precision:7.2f}"
    )
    for locale, s in scores.items():
        for message in s.missed:
            print(f"  missed     [{locale}] {message}")
        for message in s.false_alarms:
            print(f"  false alarm [{locale}] {message}")
    phrases = sum(detector.counts.values())
    print(f"\nspeed of match() against {phrases} phrases in {len(LOCALES)} locales:")
    for name, text in long_texts(cases).items():
        seconds, ratio = speed_ratio(detector.match, text)
        print(f"  {len(text):,} characters of {name}: {seconds * 1000:.2f} ms = {ratio:.0f}x str.lower() of the same text")


if __name__ == "__main__":
    report(sys.argv[1:])
