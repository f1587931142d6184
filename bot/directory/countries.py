"""Which country the survivor means, and which countries to offer first.

Survivors type their country in their own language and script, in a hurry, on a phone:
"Alemania", "deutschland", "Германия", "germny", "I'm in Spain". Names come from Babel's
CLDR territory names in every locale Haven ships plus English, so no list is maintained here
except a few short forms CLDR does not carry (USA, UK, Turkey ...).
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from bot.directory.loader import country_codes
from bot.text import fold

# Short forms and older names people use that CLDR's main names lack.
ALIASES: dict[str, str] = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US", "united states of america": "US",
    "eeuu": "US", "ee uu": "US", "eua": "US", "сша": "US",
    "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB",
    "turkey": "TR", "turkiye": "TR", "holland": "NL", "czech republic": "CZ", "ivory coast": "CI",
    "burma": "MM", "uae": "AE", "drc": "CD", "viet nam": "VN", "russian federation": "RU",
}  # fmt: skip

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_MIN_FUZZY = 5  # shorter words are too easily confused (Iran/Iraq, Mali/Bali)
_FUZZY_CUTOFF = 0.84
_MAX_FUZZY = 40  # a whole text longer than any country name is a sentence, not a misspelt name
_MIN_SHARED_PAIRS = 0.3  # share of letter pairs a name must share with the text to be compared


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None


@lru_cache(maxsize=32)
def _names(locales: tuple[str, ...]) -> dict[str, str]:
    """Normalized territory name -> code; earlier locales win when names collide."""
    index: dict[str, str] = {}
    codes = country_codes()
    for code in (*locales, "en"):
        locale = _locale(code)
        if locale is None:
            continue
        for territory, name in locale.territories.items():
            if territory in codes:
                index.setdefault(fold(name, every_mark=True), territory)
    for alias, territory in ALIASES.items():
        index.setdefault(alias, territory)
    return index


def _word_ngrams(words: list[str]) -> Iterable[str]:
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            yield " ".join(words[start : start + size])


def match_country(text: str, locales: Iterable[str]) -> str | None:
    """The ISO code of the country named in ``text``, or ``None`` when unsure.

    Order: the whole text as a name or short form; an upper-case ISO code as typed ("DE",
    not "de", which is also a word in several languages); a name of 4+ letters inside a
    sentence, or an upper-case short form ("in the UK", never "help us"); a name written in a
    CJK script inside the text; then one unambiguous close spelling of the whole text.
    Any ISO territory is returned, also ones without directory data.
    """
    index_key = tuple(locales)
    index = _names(index_key)
    key = fold(text, every_mark=True)
    if not key:
        return None
    if key in index:
        return index[key]
    stripped = text.strip().strip(".!")
    if re.fullmatch(r"[A-Z]{2}", stripped) and stripped in country_codes():
        return stripped
    words = key.split()
    if len(words) > 1:
        for gram in _word_ngrams(words):
            if gram in index and len(gram) > 3:
                return index[gram]
        for word in re.findall(r"\b[A-Z]{2,3}\b", text):  # "I'm in the UK", but not "help us"
            if word.lower() in ALIASES:
                return ALIASES[word.lower()]
    if _CJK.search(key):
        found = [name for name in _cjk_names(index_key) if name in key]
        if found:
            return index[max(found, key=len)]
    if _MIN_FUZZY <= len(key) <= _MAX_FUZZY:
        close = difflib.get_close_matches(key, _sharing_pairs(key, index_key), n=2, cutoff=_FUZZY_CUTOFF)
        codes = {index[name] for name in close}
        if len(codes) == 1:
            return codes.pop()
    return None


@lru_cache(maxsize=32)
def _cjk_names(locales: tuple[str, ...]) -> tuple[str, ...]:
    """Names written in Chinese or Japanese characters, looked for inside a text."""
    return tuple(name for name in _names(locales) if _CJK.search(name))


@lru_cache(maxsize=32)
def _fuzzy_names(locales: tuple[str, ...]) -> tuple[list[str], dict[str, list[int]]]:
    """Names long enough for a close spelling to be trusted, and which of them hold each pair
    of neighbouring letters."""
    names = [name for name in _names(locales) if len(name) >= _MIN_FUZZY]
    holding: dict[str, list[int]] = {}
    for number, name in enumerate(names):
        for pair in _pairs(name):
            holding.setdefault(pair, []).append(number)
    return names, holding


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _sharing_pairs(key: str, locales: tuple[str, ...]) -> list[str]:
    """The names worth comparing letter by letter with ``key``: those sharing at least
    :data:`_MIN_SHARED_PAIRS` of its letter pairs. A name within the cutoff keeps most of them
    (one typo breaks at most two), and comparing every one of ~3,500 names took about 4 ms on
    each short message."""
    names, holding = _fuzzy_names(locales)
    pairs = _pairs(key)
    shared = Counter(number for pair in pairs for number in holding.get(pair, ()))
    enough = max(1, math.ceil(_MIN_SHARED_PAIRS * len(pairs)))
    return [names[number] for number, count in shared.items() if count >= enough]


def _language(locale: str) -> str:
    parsed = _locale(locale)
    return parsed.language if parsed else locale.split("_")[0].split("-")[0].lower()


def likely_countries(locale: str, available: Iterable[str], limit: int = 6) -> list[str]:
    """Countries with data where the survivor's language is most spoken, best first.

    Uses CLDR's share of each territory's population speaking the language; a locale with a
    territory (``pt_BR``) puts that country first. Countries where under 1% speak it are
    left out, so the picker never suggests a country for no reason.
    """
    parsed = _locale(locale)
    language = _language(locale)
    territory_languages = get_global("territory_languages")
    scored: list[tuple[float, str]] = []
    for country in available:
        info = territory_languages.get(country, {})
        share = max(
            (data.get("population_percent", 0.0) for lang, data in info.items() if lang.split("_")[0] == language),
            default=0.0,
        )
        if parsed is not None and parsed.territory == country:
            share = 1000.0
        if share >= 1.0:
            scored.append((share, country))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [country for _, country in scored[:limit]]
