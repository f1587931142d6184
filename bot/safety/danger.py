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
  with C-level string operations and looks each distinct word up once. A phrase is tried only
  where its rarest word occurs, and reported at most :data:`HITS_PER_PHRASE` times, so a
  4,000-character message costs about a millisecond (``tests/eval/understanding_eval.py``).

Normalisation (applied identically to list phrases and messages) is :func:`bot.text.phrase_form`;
messages are split by :func:`bot.text.tokens` (Thai, Chinese and Japanese one character at a
time, since those scripts are written without spaces).

Phrase syntax: words separated by spaces; ``*`` alone stands for up to three words (up to eight
characters in Thai or Chinese); a word ending in ``*`` (``убь*``) matches any word that
begins with it (at least three characters before the ``*``).
"""

from __future__ import annotations

import marshal
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
BOOK_FORMAT = 1  # of :meth:`PhraseBook.dumps`; change it when the compiled form changes
HITS_PER_PHRASE = 8  # places one phrase is reported at: enough for every rule in practice, and a
# 4,000-character message repeating one sentence stays within the 2 ms budget

_WILDCARD = "\ue000"  # private-use stand-in for `*`, untouched by every normalisation step
_LINE_BREAK = " \ue001 "  # between the lines of a list normalised at once; a token of its own


class DangerListError(ValueError):
    """A danger list cannot be used; the message starts with ``path:line:``."""


@dataclass(frozen=True)
class DangerMatch:
    """What matched: never the text, only where the phrase lives in the lists."""

    category: str
    locale: str
    line: int


class PhraseHit(NamedTuple):
    """A phrase found in a message: its section, list and line, and the tokens it covers.

    A named tuple, not a dataclass: a long message yields thousands of hits, and a frozen
    dataclass costs several times more to build."""

    section: str
    locale: str
    line: int
    start: int
    end: int  # exclusive token index


class _Phrase(NamedTuple):
    """A compiled phrase, split around its key word (the one in fewest phrases, likeliest the
    rarest in messages too): it is tried only where the key occurs, matching the words after
    it forwards and the words before it backwards, so common words ("he", "me") never start
    a search."""

    key: int  # vocabulary id of the key word
    after: tuple[int, ...]  # elements after the key, in order
    before: tuple[int, ...]  # elements before the key, nearest first
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
        # elements, the ids among them, section, locale, line
        self._phrases: list[tuple[tuple[int, ...], frozenset[int], str, str, int]] = []
        self._by_key: dict[int, list[_Phrase]] | None = None  # built by index(), in list order
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
        phrases: list[tuple[int, str, str]] = []  # line number, section, text
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
            phrases.append((number, category, line))
        # One normalisation of the whole list, not one per line: start-up reads ~45,000 lines.
        joined = tokens(_LINE_BREAK.join(text.replace("*", _WILDCARD) for _, _, text in phrases))
        seen: dict[tuple[str, tuple[str, ...]], int] = {}
        for (number, category, _), words in zip(phrases, _split(joined) if phrases else (), strict=True):
            self._check_words(words, path, number)
            earlier = seen.setdefault((category, words), number)
            if earlier != number:
                raise DangerListError(
                    f"{path}:{number}: same phrase as line {earlier} once case, accents and punctuation are ignored"
                )
            self._add_phrase(words, category if category == NOT_DANGER else namespace + category, locale, number)
        for name in sections:
            if not self.counts.get((locale, namespace + name)):
                raise DangerListError(
                    f"{path}:{len(lines)}: no phrases in [{name}]; every list needs each of "
                    + ", ".join(f"[{c}]" for c in sections)
                )

    @staticmethod
    def _check_words(words: tuple[str, ...], path: Path, number: int) -> None:
        if not words or all(word == _WILDCARD for word in words):
            raise DangerListError(f"{path}:{number}: phrase has no words")
        if words[0] == _WILDCARD or words[-1] == _WILDCARD:
            raise DangerListError(f"{path}:{number}: a phrase cannot start or end with a lone *")
        for word in words:
            if word == _WILDCARD:
                continue
            if _WILDCARD in word[:-1]:
                raise DangerListError(f"{path}:{number}: * may stand alone or end a word, not sit inside one")
            if word.endswith(_WILDCARD) and len(word) - 1 < STEM_MIN:
                raise DangerListError(f"{path}:{number}: keep at least {STEM_MIN} letters before a word-ending *")

    def _add_phrase(self, words: tuple[str, ...], category: str, locale: str, line: int) -> None:
        limit = CHAR_GAP if any(unspaced(word) for word in words) else WORD_GAP
        elements: list[int] = []  # vocabulary ids (>= 0) and gaps (-limit)
        fuzzy_min = LONE_FUZZY_MIN if len(words) == 1 else FUZZY_MIN
        for word in words:
            if word == _WILDCARD:
                elements.append(-limit)
            elif word.endswith(_WILDCARD):
                elements.append(self._vocabulary.add(word[:-1], stem=True))
            else:
                elements.append(self._vocabulary.add(word, stem=False, fuzzy_min=fuzzy_min))
        ids = frozenset(e for e in elements if e >= 0)
        self._phrases.append((tuple(elements), ids, category, locale, line))
        self._by_key = None
        self.counts[(locale, category)] = self.counts.get((locale, category), 0) + 1

    def dumps(self) -> bytes:
        """The compiled book, to be read back by :meth:`loads` (``marshal``: plain values only,
        nothing in it can run as code)."""
        v = self._vocabulary
        state = (v._ids, v._exact, v._near, v._near_words, v._stems, v._stem_lengths, self._phrases, self.counts)
        return marshal.dumps((BOOK_FORMAT, *state))

    @classmethod
    def loads(cls, data: bytes) -> PhraseBook:
        """A book from :meth:`dumps`; ``ValueError`` when ``data`` is not one of this format."""
        try:
            fmt, *state = marshal.loads(data)
        except (EOFError, TypeError, ValueError) as error:
            raise ValueError("not a compiled phrase book") from error
        if fmt != BOOK_FORMAT or len(state) != 8:
            raise ValueError("compiled phrase book of another format")
        book = cls()
        v = book._vocabulary
        v._ids, v._exact, v._near, v._near_words, v._stems, v._stem_lengths, book._phrases, book.counts = state
        return book

    def index(self) -> dict[int, list[_Phrase]]:
        """File every phrase under its key: the word found in the fewest phrases of the book,
        the likeliest to be rare in messages too. (The longest word is a worse guess: in Thai
        every word is one character, and in Vietnamese "không" is the longest of many.)
        Loaders call this once; a phrase added later makes the next search rebuild it."""
        if self._by_key is not None:
            return self._by_key
        frequency: Counter[int] = Counter()
        for _, words, *_ in self._phrases:
            frequency.update(words)
        by_key: dict[int, list[_Phrase]] = {}
        for elements, words, section, locale, line in self._phrases:
            key = min(words, key=frequency.__getitem__)
            at = elements.index(key)
            phrase = _Phrase(key, elements[at + 1 :], elements[:at][::-1], section, locale, line, words)
            by_key.setdefault(key, []).append(phrase)
        self._by_key = by_key
        return by_key

    def _hits(self, ids: list[frozenset[int]]) -> Iterator[_Hit]:
        by_key = self.index()
        where: dict[int, list[int]] = {}  # vocabulary id -> token positions, in order
        for position, here in enumerate(ids):
            for ident in here:
                where.setdefault(ident, []).append(position)
        present = frozenset(where)
        for ident, positions in where.items():
            for phrase in by_key.get(ident, ()):
                # A phrase lacking a word anywhere in the message is not tried at all.
                if not phrase.words <= present:
                    continue
                if not phrase.after and not phrase.before:  # one word: every place is a hit
                    for position in positions[:HITS_PER_PHRASE]:
                        yield _Hit(position, position + 1, phrase)
                    continue
                found = 0
                for position in positions:
                    if not _next_fits(phrase.after, ids, position + 1) or not _next_fits(phrase.before, ids, position - 1):
                        continue  # most tries fail at the very next word: no search for those
                    end = _match(phrase.after, 0, ids, position + 1, 1)
                    start = None if end is None else _match(phrase.before, 0, ids, position - 1, -1)
                    if end is not None and start is not None:
                        yield _Hit(start + 1, end, phrase)
                        found += 1
                        if found == HITS_PER_PHRASE:
                            break

    def hits(self, text: str) -> list[PhraseHit]:
        """Every phrase in ``text`` that no ``[not-danger]`` phrase overlaps, in message order."""
        words = tokens(text)
        known = {word: self._vocabulary.lookup(word) for word in set(words)}
        ids = [known[word] for word in words]
        hits = list(self._hits(ids))
        quiet = bytearray(len(words) + 1)  # 1 at each token a [not-danger] phrase covers
        for hit in hits:
            if hit.phrase.category == NOT_DANGER:
                quiet[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
        found = [
            PhraseHit(hit.phrase.category, hit.phrase.locale, hit.phrase.line, hit.start, hit.end)
            for hit in hits
            if hit.phrase.category != NOT_DANGER and not any(quiet[hit.start : hit.end])
        ]
        found.sort(key=lambda hit: (hit.start, -hit.end))
        return found


class DangerDetector(PhraseBook):
    """The danger lists alone (``danger.txt``): what the translators' danger check measures."""

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str]) -> DangerDetector:
        """Read ``<locales_dir>/<code>/danger.txt`` for each locale; any problem is fatal."""
        detector = cls()
        for locale in locales:
            detector.add_list(Path(locales_dir) / locale / LIST_NAME, locale, CATEGORIES)
        detector.index()
        return detector

    def match(self, text: str) -> DangerMatch | None:
        """The first danger phrase in ``text`` that no ``[not-danger]`` phrase overlaps."""
        found = self.hits(text)
        return DangerMatch(found[0].section, found[0].locale, found[0].line) if found else None


def _next_fits(elements: tuple[int, ...], ids: list[frozenset[int]], position: int) -> bool:
    """False when the first of ``elements`` is a word that is not at ``position``."""
    if not elements or elements[0] < 0:
        return True
    return 0 <= position < len(ids) and elements[0] in ids[position]


def _split(joined: list[str]) -> Iterator[tuple[str, ...]]:
    """The words of each line again, from the tokens of lines joined by :data:`_LINE_BREAK`."""
    line: list[str] = []
    for word in joined:
        if word == _LINE_BREAK.strip():
            yield tuple(line)
            line = []
        else:
            line.append(word)
    yield tuple(line)


def _match(elements: tuple[int, ...], index: int, ids: list[frozenset[int]], position: int, step: int) -> int | None:
    """Where ``elements[index:]`` end when matched from ``position`` in direction ``step``
    (+1 forwards, -1 backwards): the position just past the last word matched, else None.
    An element is a vocabulary id, or a gap of up to ``-element`` words when negative."""
    if index == len(elements):
        return position
    element = elements[index]
    if element < 0:
        for skip in range(-element + 1):
            end = _match(elements, index + 1, ids, position + skip * step, step)
            if end is not None:
                return end
        return None
    if 0 <= position < len(ids) and element in ids[position]:
        return _match(elements, index + 1, ids, position + step, step)
    return None
