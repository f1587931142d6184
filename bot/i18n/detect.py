"""Guess the language of a survivor's short free-text message.

Haven's language order is: the survivor's explicit choice > Telegram's ``language_code`` >
this detector (on their first free-text messages) > English. A wrong guess is worse than no
guess: it makes Haven ask "do you want to switch to X?" at the worst moment. So the detector
answers ``None`` whenever the evidence is thin, and its answers carry a confidence that says
how many independent kinds of evidence agreed.

How a message is decided, cheapest and most reliable evidence first:

1. **Script.** The letters' writing system picks the locales that could have written it. A
   script used by one shipped locale decides at once (Thai, Bengali, Devanagari -> hi, Han
   without kana or Hangul -> zh_Hans). Kana, Hangul or any script no shipped locale uses
   gives ``None``.
2. **Diagnostic letters** narrow a shared script (і ї є ґ are Ukrainian, ы э ъ ё Russian;
   ے ٹ ڈ ں ہ Urdu; پ چ ژ گ ک ی Persian or Urdu; ة ى ي ك Arabic; ł ą ę Polish; ğ ı Turkish;
   ቐ Tigrinya ...).
3. **Common words.** A small lexicon per locale of function words (pronouns, articles,
   prepositions, "not", "is", "can", question words) plus the words a person in danger
   types first (help, please, afraid, police, urgent). Character n-grams cannot separate
   "mi marido me pega" (es) from Portuguese; three words that only Spanish has can.
4. **langdetect**, with only the shipped locales' profiles, restricted (through its prior)
   to the candidates left by steps 2-3 and seeded so that the same text always gives the
   same answer in every process. It breaks ties between lexicon candidates and speaks
   alone only for longer texts, where its character statistics are trustworthy.

Confidence levels (``Detection.confidence``):

* 0.95 - the script or diagnostic letters leave one locale (near certain);
* 0.9  - lexicon and langdetect agree, or the lexicon is ahead by 3+ words;
* 0.6-0.8 - the lexicon alone (ahead by 1-2 words) or langdetect alone on a long text;
* below ``MIN_CONFIDENCE`` (0.6) the answer is ``None``.

Callers that switch languages unasked should require ``CONFIDENT`` (0.9); asking the
survivor "switch to X?" is reasonable from ``MIN_CONFIDENCE`` up.

Not handled: romanised text (Hindi/Urdu/Arabic typed in Latin letters) looks like a Latin
language with no lexicon hits and normally yields ``None``; Amharic vs Tigrinya without any
distinguishing word or letter yields ``None`` (the script alone cannot tell them apart).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from bot.i18n.detect_data import (
    DIAGNOSTIC_CHARS,
    LEXICON,
    LOCALE_SCRIPTS,
    MARKER_CHARS,
    MARKER_ENDINGS,
    NO_PROFILE,
    NOT_CHINESE,
    PROFILE_NAMES,
    SCRIPT_LOCALES,
    SCRIPT_RANGES,
)
from bot.text import detection_form, letter_runs, strip_accents

__all__ = ["CONFIDENT", "MIN_CONFIDENCE", "Detection", "LanguageDetector"]

# Below this many letters (Unicode category L*, so marks and digits do not count) there is
# nothing to decide on: "ok", "no", "si", "да" are words in several shipped languages. A
# script that only one shipped locale uses needs fewer, because the script itself is the
# evidence: two Han characters ("救命") or two Devanagari letters ("डर") are a word.
MIN_LETTERS = 3
MIN_LETTERS_UNIQUE_SCRIPT = 2
# langdetect decides (alone, or between locales the lexicon cannot separate) only from this
# many letters on, about three words. On one or two words its character statistics are
# confidently wrong: it calls "help" Dutch and "ajuda" Romanian with a vote of 7/7, and on
# the test set its tie-breaks below this length were right 5 times and wrong 6 times.
MIN_LETTERS_NGRAMS = 18
# Answers below this confidence are returned as None (see the module docstring).
MIN_CONFIDENCE = 0.6
CONFIDENT = 0.9
# Only the start of a long message is read: the first words are what matter and this caps
# the cost of a pasted wall of text.
MAX_CHARS = 300

_SCRIPT_CERTAIN = 0.95
_AGREEMENT = 0.9
_LEXICON_ONLY = (0.0, 0.7, 0.8, 0.9)  # by lead in matching words: 1 -> 0.7, 2 -> 0.8, 3+ -> 0.9
_NGRAMS_CEILING = 0.75  # times langdetect's vote share
# Diagnostic letters give way to the lexicon only when it leads by this many words.
_LEXICON_OVERRULES_LETTERS = 2



@dataclass(frozen=True, slots=True)
class Detection:
    """A detected locale and how sure the detector is (see the module docstring)."""

    locale: str
    confidence: float


def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    for first, last, script in SCRIPT_RANGES:
        if first <= cp <= last:
            return script
    return None


_LINKS = re.compile(r"\S*(?:https?://|www\.|@)\S*", re.IGNORECASE)


class LanguageDetector:
    """Detect which of the given locales a short message is written in.

    Construction loads the langdetect profiles of the given locales only (25-40 ms for all
    24 shipped locales on the development machine, against about 250 ms for langdetect's 55
    profiles; ``python -m tests.eval.langdetect_eval`` measures both), into factories of their own, one per script that several locales share.
    Build one detector at start-up and share it: ``detect`` keeps no state between calls.

    Letters and the lexicon know all of Haven's locales; a message that looks like one not
    in ``locales`` gets None rather than the nearest offered locale.
    """

    def __init__(self, locales: Iterable[str], seed: int = 0) -> None:
        self.locales: tuple[str, ...] = tuple(dict.fromkeys(locales))
        unknown = [loc for loc in self.locales if loc not in LOCALE_SCRIPTS]
        if unknown:
            raise ValueError(f"no script known for locales: {', '.join(unknown)}")
        self._seed = seed
        self._by_script: dict[str, tuple[str, ...]] = {}
        for locale in self.locales:
            script = LOCALE_SCRIPTS[locale]
            self._by_script[script] = (*self._by_script.get(script, ()), locale)
        self._factories = {
            script: self._factory(group)
            for script, group in self._by_script.items()
            if len([loc for loc in group if loc not in NO_PROFILE]) >= 2
        }
        self._lexicon: dict[str, frozenset[str]] = {}
        for locale, words in LEXICON.items():
            for word in detection_form(words).split():
                for form in {word, strip_accents(word)}:
                    self._lexicon[form] = self._lexicon.get(form, frozenset()) | {locale}

    def _factory(self, group: tuple[str, ...]) -> DetectorFactory:
        profiles = []
        for locale in group:
            if locale in NO_PROFILE:
                continue
            name = PROFILE_NAMES.get(locale, locale)
            with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as handle:
                profiles.append(handle.read())
        factory = DetectorFactory()
        factory.load_json_profile(profiles)
        factory.set_seed(self._seed)
        return factory

    def detect(self, text: str) -> Detection | None:
        """Return the locale ``text`` is written in, or None when the evidence is too thin."""
        text = detection_form(_LINKS.sub(" ", text[:MAX_CHARS]))
        script, letters = _dominant_script(text)
        if script is None or script not in self._by_script:
            return None
        universe = SCRIPT_LOCALES[script]
        if letters < (MIN_LETTERS_UNIQUE_SCRIPT if len(universe) == 1 else MIN_LETTERS):
            return None
        if len(universe) == 1:
            return Detection(universe[0], _SCRIPT_CERTAIN)
        support = self._word_support(letter_runs(text), universe)
        candidates = self._diagnostic_candidates(text, universe, support)
        if len(candidates) == 1:
            detection: Detection | None = Detection(candidates[0], _SCRIPT_CERTAIN)
        else:
            detection = self._decide(text, letters, candidates, support)
        if detection is None or detection.locale not in self._by_script[script]:
            return None
        return detection

    def _word_support(self, words: list[str], group: tuple[str, ...]) -> dict[str, int]:
        """How many words of the message each locale of the group can claim."""
        support = dict.fromkeys(group, 0)
        for word in words:
            claims = set(self._lexicon.get(word) or self._lexicon.get(strip_accents(word)) or ())
            for ch in word:
                claims |= MARKER_CHARS.get(ch, frozenset())
            for ending, locales in MARKER_ENDINGS.items():
                if word.endswith(ending):
                    claims |= locales
            for locale in claims & support.keys():
                support[locale] += 1
        return support

    @staticmethod
    def _diagnostic_candidates(
        text: str, group: tuple[str, ...], support: dict[str, int]
    ) -> tuple[str, ...]:
        """The locales of ``group`` consistent with every diagnostic character in ``text``.

        A diagnostic character can come from a borrowed word ("café" in English), so the
        letters are ignored when they contradict each other or exclude a locale the lexicon
        clearly prefers.
        """
        candidates = set(group)
        for ch in set(text):
            allowed = DIAGNOSTIC_CHARS.get(ch)
            if allowed is not None:
                candidates &= allowed
        if not candidates:
            return group
        leader = _lexicon_leader(support, _LEXICON_OVERRULES_LETTERS)
        if leader is not None and leader not in candidates:
            return group
        return tuple(loc for loc in group if loc in candidates)

    def _decide(
        self, text: str, letters: int, candidates: tuple[str, ...], support: dict[str, int]
    ) -> Detection | None:
        """Combine lexicon support and langdetect within the remaining candidates.

        langdetect is asked only when its answer can change the result (it is the slow part).
        """
        support = {loc: support[loc] for loc in candidates}
        leader = _lexicon_leader(support, 1)
        if leader is not None:
            runner_up = max((n for loc, n in support.items() if loc != leader), default=0)
            confidence = _LEXICON_ONLY[min(support[leader] - runner_up, len(_LEXICON_ONLY) - 1)]
            if confidence < _AGREEMENT:
                # A second opinion over all candidates (asking about the leader alone would
                # always "agree").
                second = self._ngram_choice(text, candidates)
                if second is not None and second[0] == leader:
                    confidence = _AGREEMENT
            return _above_threshold(leader, confidence)
        if letters < MIN_LETTERS_NGRAMS:
            return None
        # No lexicon leader: langdetect chooses among the tied locales (all candidates when
        # no word matched at all).
        best = max(support.values())
        choice = self._ngram_choice(text, tuple(loc for loc in candidates if support[loc] == best))
        if choice is None:
            return None
        locale, share = choice
        return _above_threshold(locale, _NGRAMS_CEILING * share)

    def _ngram_choice(self, text: str, candidates: tuple[str, ...]) -> tuple[str, float] | None:
        """langdetect's pick among ``candidates`` and its vote share (seeded, deterministic)."""
        script = LOCALE_SCRIPTS[candidates[0]]
        factory = self._factories.get(script)
        offered = self._by_script[script]
        profiled = [loc for loc in candidates if loc in offered and loc not in NO_PROFILE]
        if factory is None or len(profiled) < 2:
            return None
        detector = factory.create()
        detector.set_prior_map({PROFILE_NAMES.get(loc, loc): 1.0 for loc in profiled})
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:  # no usable n-grams (e.g. only digits of this script)
            return None
        if not ranked:
            return None
        by_profile = {PROFILE_NAMES.get(loc, loc): loc for loc in profiled}
        top = ranked[0]
        return by_profile[top.lang], float(top.prob)


def _dominant_script(text: str) -> tuple[str | None, int]:
    """The script holding more than half of the letters, and its letter count."""
    counts: dict[str | None, int] = {}
    for ch in text:
        if unicodedata.category(ch)[0] == "L":
            script = _script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    total = sum(counts.values())
    if not total:
        return None, 0
    script, letters = max(counts.items(), key=lambda item: item[1])
    if letters * 2 <= total:
        return None, 0
    if script == "han" and NOT_CHINESE & counts.keys():
        return None, 0
    return script, letters


def _lexicon_leader(support: dict[str, int], lead: int) -> str | None:
    """The locale claiming at least ``lead`` more words than any other, if there is one."""
    ranked = sorted(support.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < lead:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] - runner_up >= lead else None


def _above_threshold(locale: str, confidence: float) -> Detection | None:
    confidence = round(confidence, 3)
    return Detection(locale, confidence) if confidence >= MIN_CONFIDENCE else None
