"""Danger detection: does a free-text message signal immediate danger, in any shipped language?

Why it looks like this:

* **Lists live with the locales** (``locales/<code>/danger.txt``) so translators maintain them
  in a plain text editor; ``locales/DANGER.md`` documents the format. This module only
  normalises and matches, it knows no words of any language.
* **Every language at once.** A survivor may write in a language other than the session's, so
  one detector holds the phrases of all locales and :meth:`DangerDetector.match` checks them
  all in a single pass over the message.
* **Recall over precision.** A missed "he is outside" can cost a life; a false alarm costs one
  extra message with an emergency number. So matching forgives case, accents, repeated
  letters, missing apostrophes and one typo in words of 5+ letters (7+ when the word is a
  phrase on its own: lone short words of different languages are too alike). Idioms are
  handled by explicit ``[not-danger]`` phrases that suppress a danger match they overlap
  ("in danger of failing my exam"), not by making danger phrases stricter.
* **Nothing of the text leaves this module.** A :class:`DangerMatch` names the category, the
  locale and the list line number; callers log those, never the message.
* **Fast.** Phrases are compiled once at load into a word index; ``match`` normalises the text
  with C-level string operations and looks each distinct word up once, so a 4,000-character
  message costs a few milliseconds at most (see ``tests/eval/danger_eval.py``).

Normalisation (applied identically to list phrases and messages) is :func:`bot.text.phrase_form`;
messages are split by :func:`bot.text.tokens` (Thai, Chinese and Japanese one character at a
time, since those scripts are written without spaces).

Phrase syntax: words separated by spaces; ``*`` alone stands for up to three words (up to eight
characters in Thai or Chinese); a word ending in ``*`` (``убь*``) matches any word that
begins with it (at least three characters before the ``*``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.text import deletions, tokens, unspaced, within_one_edit

CATEGORIES = ("threat", "violence", "medical", "suicide")
"""Danger categories, each required in every list. The runtime answers all of them at once."""

NOT_DANGER = "not-danger"
LIST_NAME = "danger.txt"

WORD_GAP = 3  # words a lone `*` may stand for in spaced scripts
CHAR_GAP = 8  # characters a `*` may stand for in Thai / Chinese / Japanese
FUZZY_MIN = 5  # words this long (after normalisation) tolerate one typo
LONE_FUZZY_MIN = 7  # ... unless the word is a phrase on its own: "kasama" must not hit "kanama"
STEM_MIN = 3  # characters a `stem*` must keep

_WILDCARD = "\ue000"  # private-use stand-in for `*`, untouched by every normalisation step


class DangerListError(ValueError):
    """A danger list cannot be used; the message starts with ``path:line:``."""


@dataclass(frozen=True)
class DangerMatch:
    """What matched: never the text, only where the phrase lives in the lists."""

    category: str
    locale: str
    line: int


@dataclass(frozen=True)
class PhraseHit:
    """A phrase found in a message: its section, list and line, and the tokens it covers."""

    section: str
    locale: str
    line: int
    start: int
    end: int  # exclusive token index


@dataclass(frozen=True)
class _Gap:
    limit: int


@dataclass(frozen=True)
class _Phrase:
    elements: tuple[int | _Gap, ...]  # vocabulary ids and gaps; starts and ends with an id
    category: str
    locale: str
    line: int
    words: frozenset[int]  # every id the phrase needs: a message lacking one cannot match it


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int  # exclusive token index
    phrase: _Phrase


class _Vocabulary:
    """Every word and stem of every list, with the indexes that find them from a message word."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, bool, int], int] = {}
        self._exact: dict[str, set[int]] = {}
        self._near: dict[str, set[int]] = {}  # word and its one-letter deletions -> fuzzy ids
        self._near_words: dict[int, str] = {}
        self._stems: dict[str, int] = {}
        self._stem_lengths: set[int] = set()

    def add(self, word: str, *, stem: bool, fuzzy_min: int = FUZZY_MIN) -> int:
        """The id of a list word; the same word may get two ids with different typo tolerance."""
        key = (word, stem, fuzzy_min)
        if key in self._ids:
            return self._ids[key]
        ident = len(self._ids)
        self._ids[key] = ident
        if stem:
            self._stems[word] = ident
            self._stem_lengths.add(len(word))
        else:
            self._exact.setdefault(word, set()).add(ident)
            if len(word) >= fuzzy_min:
                self._near_words[ident] = word
                for variant in deletions(word) | {word}:
                    self._near.setdefault(variant, set()).add(ident)
        return ident

    def lookup(self, token: str) -> frozenset[int]:
        """Ids of every list word or stem this message word stands for."""
        found = set(self._exact.get(token, ()))
        if len(token) >= FUZZY_MIN:
            for variant in deletions(token) | {token}:
                for ident in self._near.get(variant, ()):
                    if ident not in found and within_one_edit(token, self._near_words[ident]):
                        found.add(ident)
        for length in self._stem_lengths:
            if length <= len(token):
                stem = self._stems.get(token[:length])
                if stem is not None:
                    found.add(stem)
        return frozenset(found)


class PhraseBook:
    """Phrase lists of the loaded locales, each line in a named section, compiled together so
    one pass over a message finds every phrase of every list (danger phrases and the
    understanding lexicons share this book)."""

    def __init__(self) -> None:
        self._vocabulary = _Vocabulary()
        self._by_first: dict[int, list[_Phrase]] = {}
        self.counts: dict[tuple[str, str], int] = {}
        """Phrases per (locale, section): what tests and the translators' check look at."""

    def add_list(self, path: Path, locale: str, sections: tuple[str, ...], namespace: str = "") -> None:
        """Read one list whose sections are ``sections`` (each required) plus ``[not-danger]``.

        Hits report ``namespace`` + the section name, so two files may use the same section
        name for different things (``danger.txt``'s ``[threat]`` and a lexicon's).
        """
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            problem = type(error).__name__
            raise DangerListError(f"{path}:0: cannot read list ({problem})") from error
        category: str | None = None
        seen: dict[tuple[str, tuple[str, ...]], int] = {}
        for number, raw in enumerate(lines, start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("["):
                category = line.strip("[] ").lower()
                if not line.endswith("]") or category not in (*sections, NOT_DANGER):
                    raise DangerListError(
                        f"{path}:{number}: unknown section {line!r}; use one of "
                        + ", ".join(f"[{name}]" for name in (*sections, NOT_DANGER))
                    )
                continue
            if category is None:
                raise DangerListError(f"{path}:{number}: phrase before the first [section]")
            words = self._compile_words(line, path, number)
            earlier = seen.setdefault((category, words), number)
            if earlier != number:
                raise DangerListError(
                    f"{path}:{number}: same phrase as line {earlier} once case, accents "
                    "and punctuation are ignored"
                )
            self._add_phrase(words, category if category == NOT_DANGER else namespace + category, locale, number)
        for name in sections:
            if not self.counts.get((locale, namespace + name)):
                raise DangerListError(
                    f"{path}:{len(lines)}: no phrases in [{name}]; every list needs each of "
                    + ", ".join(f"[{c}]" for c in sections)
                )

    @staticmethod
    def _compile_words(line: str, path: Path, number: int) -> tuple[str, ...]:
        words = tuple(tokens(line.replace("*", _WILDCARD)))
        if not words or all(word == _WILDCARD for word in words):
            raise DangerListError(f"{path}:{number}: phrase has no words")
        if words[0] == _WILDCARD or words[-1] == _WILDCARD:
            raise DangerListError(f"{path}:{number}: a phrase cannot start or end with a lone *")
        for word in words:
            if word == _WILDCARD:
                continue
            if _WILDCARD in word[:-1]:
                raise DangerListError(
                    f"{path}:{number}: * may stand alone or end a word, not sit inside one"
                )
            if word.endswith(_WILDCARD) and len(word) - 1 < STEM_MIN:
                raise DangerListError(
                    f"{path}:{number}: keep at least {STEM_MIN} letters before a word-ending *"
                )
        return words

    def _add_phrase(self, words: tuple[str, ...], category: str, locale: str, line: int) -> None:
        limit = CHAR_GAP if any(unspaced(word) for word in words) else WORD_GAP
        elements: list[int | _Gap] = []
        fuzzy_min = LONE_FUZZY_MIN if len(words) == 1 else FUZZY_MIN
        for word in words:
            if word == _WILDCARD:
                elements.append(_Gap(limit))
            elif word.endswith(_WILDCARD):
                elements.append(self._vocabulary.add(word[:-1], stem=True))
            else:
                elements.append(self._vocabulary.add(word, stem=False, fuzzy_min=fuzzy_min))
        needed = frozenset(e for e in elements if isinstance(e, int))
        phrase = _Phrase(tuple(elements), category, locale, line, needed)
        first = elements[0]
        assert isinstance(first, int)  # guaranteed by _compile_words
        self._by_first.setdefault(first, []).append(phrase)
        self.counts[(locale, category)] = self.counts.get((locale, category), 0) + 1

    def _hits(self, ids: list[frozenset[int]]) -> Iterator[_Hit]:
        present = frozenset().union(*ids)
        # Only phrases whose every word occurs somewhere are tried, position by position: a
        # long message repeats a few words, and "he * kill me" is not worth trying at every
        # "he" of a message without "kill".
        candidates = {
            ident: [phrase for phrase in self._by_first.get(ident, ()) if phrase.words <= present]
            for ident in present
        }
        for start, here in enumerate(ids):
            for ident in here:
                for phrase in candidates[ident]:
                    end = _match_from(phrase.elements, 1, ids, start + 1)
                    if end is not None:
                        yield _Hit(start, end, phrase)

    def hits(self, text: str) -> list[PhraseHit]:
        """Every phrase in ``text`` that no ``[not-danger]`` phrase overlaps, in message order."""
        words = tokens(text)
        known = {word: self._vocabulary.lookup(word) for word in set(words)}
        ids = [known[word] for word in words]
        hits = list(self._hits(ids))
        quiet = [hit for hit in hits if hit.phrase.category == NOT_DANGER]
        found = [
            PhraseHit(hit.phrase.category, hit.phrase.locale, hit.phrase.line, hit.start, hit.end)
            for hit in hits
            if hit.phrase.category != NOT_DANGER and not any(hit.start < q.end and q.start < hit.end for q in quiet)
        ]
        return sorted(found, key=lambda hit: (hit.start, -hit.end))


class DangerDetector(PhraseBook):
    """The danger lists alone (``danger.txt``): what the translators' danger check measures."""

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str]) -> DangerDetector:
        """Read ``<locales_dir>/<code>/danger.txt`` for each locale; any problem is fatal."""
        detector = cls()
        for locale in locales:
            detector.add_list(Path(locales_dir) / locale / LIST_NAME, locale, CATEGORIES)
        return detector

    def match(self, text: str) -> DangerMatch | None:
        """The first danger phrase in ``text`` that no ``[not-danger]`` phrase overlaps."""
        found = self.hits(text)
        return DangerMatch(found[0].section, found[0].locale, found[0].line) if found else None


def _match_from(
    elements: tuple[int | _Gap, ...], index: int, ids: list[frozenset[int]], position: int
) -> int | None:
    """End position if ``elements[index:]`` match the message from ``position``, else None."""
    if index == len(elements):
        return position
    element = elements[index]
    if isinstance(element, _Gap):
        for skip in range(element.limit + 1):
            end = _match_from(elements, index + 1, ids, position + skip)
            if end is not None:
                return end
        return None
    if position < len(ids) and element in ids[position]:
        return _match_from(elements, index + 1, ids, position + 1)
    return None
