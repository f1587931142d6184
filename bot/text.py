"""Normalising and matching what people type: the one place text is folded.

The lowest layer of Haven (it imports nothing of Haven's). Understanding what a message means
belongs above it; this module only turns text into comparable forms and compares them.

Variants, each named for what it is compared with:

* :func:`fold` — button labels, menu keywords, language names: case and optional accents
  dropped, punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata

# Latin/Greek/Cyrillic accents and Arabic vowel marks: marks people often leave out.
_OPTIONAL_MARKS = re.compile("[\u0300-\u036f\u064b-\u065f\u0670]")
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese, Chinese).
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` for matching what people type.

    Only marks people often leave out are dropped (Latin accents, Arabic short vowels). The
    vowel signs of Devanagari, Bengali, Thai or Ethiopic are letters in their own right: dropping
    them made Hindi "रूप" (form) equal to "रेप" (rape). Punctuation and symbols become spaces.
    """
    decomposed = _OPTIONAL_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in decomposed)
    return " ".join(spaced.split())


def unspaced(text: str) -> bool:
    """Whether ``text`` contains a script written without spaces between words."""
    return _UNSPACED.search(text) is not None


def contains_phrase(folded_text: str, phrase: str) -> bool:
    """Whether a folded text contains a phrase as whole words.

    Chinese, Japanese, Thai and other scripts written without spaces have no word boundaries
    to look for, so a phrase in those scripts matches anywhere in the text.
    """
    folded = fold(phrase)
    if not folded:
        return False
    if unspaced(folded):
        return folded in folded_text
    return f" {folded} " in f" {folded_text} "
