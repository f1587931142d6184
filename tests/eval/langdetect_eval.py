"""Accuracy of Haven's language detector on short survivor-style messages.

Run: ``/tmp/venv/bin/python -m tests.eval.langdetect_eval``

Prints, per shipped locale, the share of messages detected correctly for 1-2 words and for
3-8 words, the share of those left without an answer ("none") and the share answered wrongly,
then the accuracy on the held-out messages (written after the detector was tuned, so a less
flattering and more honest figure), and construction and detection times. A wrong answer
costs more than no answer (Haven would ask the survivor a pointless "switch language?"
question), so read both columns.

``tests/unit/test_detect.py`` uses ``evaluate`` to guard per-locale floors.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bot.i18n.detect import LOCALE_SCRIPTS, LanguageDetector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

CASES = Path(__file__).resolve().parents[1] / "data" / "langdetect_cases.yaml"
BANDS = ("short", "long")  # 1-2 words, 3-8 words
HOLDOUT = "holdout"  # mixed lengths, never tuned on


@dataclass
class BandResult:
    """Outcome counts for one locale and one length band."""

    right: int = 0
    none: int = 0
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (message, detected locale)

    @property
    def total(self) -> int:
        return self.right + self.none + len(self.wrong)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def load_cases(path: Path = CASES) -> dict[str, dict[str, list[str]]]:
    """Locale -> band (``BANDS`` and ``HOLDOUT``) -> messages, as written in the YAML file."""
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {
        locale: {band: [str(m) for m in bands.get(band) or []] for band in (*BANDS, HOLDOUT)}
        for locale, bands in raw.items()
    }


def evaluate(
    detector: LanguageDetector, cases: dict[str, dict[str, list[str]]]
) -> dict[str, dict[str, BandResult]]:
    """Run every case through the detector; locale -> band -> result."""
    results: dict[str, dict[str, BandResult]] = {}
    for locale, bands in cases.items():
        results[locale] = {}
        for band in bands:
            result = BandResult()
            for message in bands[band]:
                detection = detector.detect(message)
                if detection is None:
                    result.none += 1
                elif detection.locale == locale:
                    result.right += 1
                else:
                    result.wrong.append((message, detection.locale))
            results[locale][band] = result
    return results


def _median_seconds(build: Callable[[], object], repeats: int = 5) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        build()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def _all_langdetect_profiles() -> None:
    """What ``langdetect.detect`` loads on first use: all 55 profiles."""
    DetectorFactory().load_profile(PROFILES_DIRECTORY)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _summary(name: str, results: list[BandResult]) -> str:
    right = sum(r.right for r in results)
    none = sum(r.none for r in results)
    wrong = sum(len(r.wrong) for r in results)
    total = right + none + wrong
    return (
        f"{name}: {_pct(right, total)} right, {_pct(none, total)} no answer,"
        f" {_pct(wrong, total)} wrong ({right}/{none}/{wrong} of {total})"
    )


def print_table(results: dict[str, dict[str, BandResult]]) -> None:
    """The per-locale table; "none" and "wrong" cover both length bands."""
    header = ("locale", "1-2 words", "3-8 words", "none", "wrong", "held-out")
    print("{:8} {:>9} {:>9} {:>5} {:>5} {:>8}".format(*header))
    for locale, bands in results.items():
        short, long_, held = bands["short"], bands["long"], bands[HOLDOUT]
        n = short.total + long_.total
        print(
            f"{locale:8} {_pct(short.right, short.total):>9} {_pct(long_.right, long_.total):>9}"
            f" {_pct(short.none + long_.none, n):>5}"
            f" {_pct(len(short.wrong) + len(long_.wrong), n):>5}"
            f" {_pct(held.right, held.total):>8}"
        )
    for band in (*BANDS, HOLDOUT):
        print(_summary(band, [bands[band] for bands in results.values()]))
    wrong = [
        (locale, band, message, got)
        for locale, bands in results.items()
        for band, result in bands.items()
        for message, got in result.wrong
    ]
    for locale, band, message, got in wrong:
        print(f"  wrong: {locale} ({band}) taken for {got}: {message}")


def main() -> None:
    cases = load_cases()
    locales = list(cases)
    detector = LanguageDetector(locales)
    print_table(evaluate(detector, cases))
    latin = [loc for loc in locales if LOCALE_SCRIPTS[loc] == "latin"]
    messages = [m for bands in cases.values() for band in bands.values() for m in band]
    start = time.perf_counter()
    for message in messages:
        detector.detect(message)
    per_message = (time.perf_counter() - start) / len(messages)
    print("\nmedian of 5 constructions:")
    builds: list[tuple[str, Callable[[], object]]] = [
        (f"LanguageDetector, all {len(locales)} locales", lambda: LanguageDetector(locales)),
        (f"LanguageDetector, {len(latin)} Latin-script locales", lambda: LanguageDetector(latin)),
        ("langdetect's own factory, all 55 profiles", _all_langdetect_profiles),
    ]
    for name, build in builds:
        print(f"  {name}: {_median_seconds(build) * 1e3:.1f} ms")
    print(f"detect: {per_message * 1e6:.0f} us per message (mean over {len(messages)})")


if __name__ == "__main__":
    main()
