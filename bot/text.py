"""Normalising and matching what people type: the one place text is folded.

The lowest layer of Haven (it imports nothing of Haven's). Understanding what a message means
belongs above it; this module only turns text into comparable forms and compares them.

One normaliser (case folded, compatibility forms such as full-width letters unified, the marks
people leave out dropped) in variants named for what they are compared with, because each
comparison forgives different things. Where they differ, a caller relies on the difference:

* :func:`fold` — button labels, menu keywords, language names: Latin/Greek/Cyrillic accents
  and Arabic short vowels dropped, the vowel signs of Indic scripts kept, punctuation,
  symbols, emoji and invisible characters turned into spaces.
* ``fold(text, every_mark=True)`` — country names: every combining mark dropped, Indic vowel
  signs included, so a CLDR name is found however its marks were typed.
* :func:`phrase_form` and :func:`tokens` — danger phrases and understanding lexicons against
  messages, where a miss costs more than a false alarm: also the Indic nukta dropped,
  apostrophes, zero-width characters and the Arabic tatweel removed rather than spaced
  ("can't" = "cant"), keyboard variants of one letter unified, repeated letters collapsed,
  Thai and Chinese split into characters; :func:`within_one_edit` forgives one typo.
* :func:`detection_form`, :func:`strip_accents` and :func:`letter_runs` — language detection,
  where the letters are the evidence: ``str.lower`` instead of casefold (ß stays ß), no mark
  dropped, emoji and punctuation left in place; accents are stripped only for a second look-up.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Latin/Greek/Cyrillic accents and Arabic vowel marks: marks people often leave out.
_OPTIONAL = "\u0300-\u036f\u064b-\u065f\u0670"
_OPTIONAL_MARKS = re.compile(f"[{_OPTIONAL}]")
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese, Chinese).
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _spaced(text: str, keep: str) -> str:
    """``text`` with a space for every character whose Unicode category is not in ``keep``."""
    return "".join(ch if unicodedata.category(ch)[0] in keep else " " for ch in text)


def fold(text: str, *, every_mark: bool = False) -> str:
    """Case- and accent-insensitive form of ``text`` for matching what people type.

    Only marks people often leave out are dropped (Latin accents, Arabic short vowels). The
    vowel signs of Devanagari, Bengali, Thai or Ethiopic are letters in their own right: dropping
    them made Hindi "रूप" (form) equal to "रेप" (rape). Letters, digits and the marks kept stay;
    everything else (punctuation, symbols, emoji, invisible characters) becomes a space.

    ``every_mark=True`` drops every combining mark instead, vowel signs and the nukta too: the
    form country names are looked up in, so a name is found however its marks were typed. The
    price is paid in Indic scripts, where a few names then collide (Hindi टोगो Togo and टोंगा
    Tonga both become "टग").
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if every_mark:
        kept = "".join(ch for ch in decomposed if unicodedata.category(ch)[0] != "M")
    else:
        kept = _OPTIONAL_MARKS.sub("", decomposed)
    return " ".join(_spaced(kept, "LMN").split())


def unspaced(text: str) -> bool:
    """Whether ``text`` contains a script written without spaces between words.

    Wider than the scripts :func:`tokens` splits into characters (it also knows Lao, Myanmar
    and Khmer) but without the CJK compatibility ideographs; no phrase list uses either.
    """
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


# -- phrase matching ----------------------------------------------------------------------

_LAST_CODE_POINT = 0x1FFFF  # BMP and the emoji / symbol plane; later planes are rare ideographs

# Characters of scripts written without spaces: each one is a token of its own.
_CHAR_SCRIPTS = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CHAR_SCRIPTS}]|[^\\s{_CHAR_SCRIPTS}]+")
_REPEAT = re.compile(r"([^\d\s])\1+")
# The optional marks and the Devanagari and Bengali nukta, which phones often leave out too.
_PHRASE_MARKS = re.compile(f"[{_OPTIONAL}\u093c\u09bc]")


@cache
def _phrase_table() -> dict[int, str | None]:
    """One translate table: punctuation, symbols, separators -> space; letter variants unified.

    Built on first use (about 30 ms), not on import: most importers never compare phrases.
    """
    table: dict[int, str | None] = {}
    for code in range(_LAST_CODE_POINT + 1):
        category = unicodedata.category(chr(code))
        if category[0] in "PSZ" or category == "Cc":
            table[code] = " "
    for apostrophe in "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032":
        table[ord(apostrophe)] = None
    # Invisible joiners and the Arabic tatweel change nothing a reader sees.
    for invisible in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u0640":
        table[ord(invisible)] = None
    variants = {
        "ł": "l", "ı": "i", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h",
        # Arabic, Persian and Urdu keyboards type different code points for the same letter.
        "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0629": "\u0647",
        "\u06c1": "\u0647", "\u06c0": "\u0647", "\u06d5": "\u0647",
        "\u0901": "\u0902",  # Devanagari candrabindu typed as anusvara
    }
    for source, target in variants.items():
        table[ord(source)] = target
    table[0x0981] = None  # Bengali candrabindu, often left out when typing
    # Ethiopic letters that sound alike in Amharic and are typed interchangeably: each row of
    # seven vowel orders maps onto the row of its commonest twin (ሐ ኀ -> ሀ, ሠ -> ሰ, ዐ -> አ, ፀ -> ጸ).
    for twin, base in ((0x1210, 0x1200), (0x1280, 0x1200), (0x1220, 0x1230),
                       (0x12D0, 0x12A0), (0x1340, 0x1338)):
        for order in range(7):
            table[twin + order] = chr(base + order)
    # The fourth order of the a/ha rows (ኣ, ሃ) is written for the first (አ, ሀ) and back again.
    for fourth, first in (("\u12a3", "\u12a0"), ("\u1203", "\u1200")):
        for code, mapped in list(table.items()):
            if mapped == fourth:
                table[code] = first
        table[ord(fourth)] = first
    return table


_PRE_NFKC = {ord(a): None for a in "\u00b4`\u2019\u2018"}  # NFKC would split "´" into space+mark


def phrase_form(text: str) -> str:
    """The form phrase lists and messages are compared in (the phrase-matching variant).

    NFKC, casefold, Latin/Cyrillic/Greek diacritics, optional Arabic vowel marks, tatweel and
    the Indic nukta removed, Arabic/Persian/Urdu letter variants and sound-alike Ethiopic
    letters unified, apostrophes removed ("can't" = "cant"), punctuation, symbols and emoji
    turned into spaces, and runs of one repeated letter collapsed ("heeelp" = "help").
    """
    text = unicodedata.normalize("NFKC", text.translate(_PRE_NFKC)).casefold()
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", _PHRASE_MARKS.sub("", text))
    return _REPEAT.sub(r"\1", text.translate(_phrase_table()))


def tokens(text: str) -> list[str]:
    """The words of :func:`phrase_form`, with Thai/Chinese/Japanese split into single characters.

    Those scripts have no spaces between words, so a phrase in them is matched one character
    at a time. Emoji and punctuation separate words and are never tokens.
    """
    return _TOKEN.findall(phrase_form(text))


def deletions(word: str) -> set[str]:
    """``word`` with each one letter left out: the index that finds one-typo neighbours fast."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True if one letter inserted, deleted, replaced, or two neighbours swapped turns a into b."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    return (
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


# -- language detection -----------------------------------------------------------------


def detection_form(text: str) -> str:
    """Lower-case NFC text, with the spellings people type mapped to one form.

    Lower-casing matters twice: survivors in panic type in capitals, and langdetect skips
    all-capital words entirely. ZWNJ (Persian half-space) is dropped because phones type
    both میترسم and می‌ترسم. Unlike the other variants nothing else is dropped: ``str.lower``
    rather than casefold, because ß (German) must not become "ss"; Turkish "İ" becomes a plain
    "i" (``lower`` alone would leave a combining dot); accents, emoji and punctuation stay.
    """
    text = unicodedata.normalize("NFC", text).replace("İ", "i").lower()
    return text.replace("\u200c", "").replace("’", "'")


def strip_accents(word: str) -> str:
    """``word`` without combining marks (and Vietnamese đ as d), for unaccented typing.

    "Combining" means a nonzero combining class: Latin, Greek and Cyrillic accents like
    :func:`fold`'s optional marks, and also every Arabic point, Thai tone marks, the Indic
    virama and nukta; the Indic vowel signs stay, unlike with ``fold(every_mark=True)``.
    """
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


def letter_runs(text: str) -> list[str]:
    """Split on everything that is neither a letter nor a combining mark.

    Apostrophes and hyphens split too ("qu'il" -> qu, il; "aidez-moi" -> aidez, moi), which
    matches how the detection lexicon is written.
    """
    return _spaced(text, "LM").split()
