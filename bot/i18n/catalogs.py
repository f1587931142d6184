"""Gettext catalogs: loaded from the ``.po`` files at start-up, checked, and looked up per message.

Haven reads ``locales/<code>/LC_MESSAGES/messages.po`` directly (through Babel) instead of
compiled ``.mo`` files, so a translator who edits a ``.po`` and restarts always sees the
change: there is no stale compiled copy to forget. Fuzzy entries are never used. A
translation that fails any check of ``locales check`` (placeholders, markup, plural forms,
length) is broken: it is left out (that message falls back to English) and reported once,
by message id only.

Fallback is per message along a chain such as ``pt_BR -> pt -> en``: a partly translated
locale shows English only where it has no translation.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from bot.i18n.checks import message_problems
from bot.i18n.translator import Translator

log = logging.getLogger(__name__)

SOURCE_LOCALE = "en"
# Telegram sends codes like "pt-br", "zh-hans", "sr-latn"; these are the ones Babel knows
# under another name.
_ALIASES = {"tl": "fil", "iw": "he", "in": "id", "zh": "zh_Hans"}


@dataclass
class Catalog:
    """One locale's usable translations and what was wrong with the rest."""

    locale: str
    messages: dict[tuple[str, str], str] = field(default_factory=dict)
    plurals: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    plural_rule: object = None
    problems: list[str] = field(default_factory=list)


def _context_key(context: str | None, msgid: str) -> tuple[str, str]:
    return (context or "", msgid)


def read_catalog(path: Path, locale: str) -> Catalog:
    """Parse one ``.po`` file, keeping only translations that are safe to show."""
    catalog = Catalog(locale=locale)
    try:
        with open(path, "rb") as handle:
            po = read_po(handle, locale=locale.replace("_Hans", ""), abort_invalid=False)
    except Exception as exc:
        catalog.problems.append(f"{path}:0: cannot parse catalog ({exc.__class__.__name__})")
        return catalog
    catalog.plural_rule = po.plural_expr
    for message in po:
        if not message.id or message.fuzzy or not message.string:
            continue
        problems = message_problems(message, po.num_plurals)
        if problems:
            # Logged by message id only: the translation is not shown, English is.
            catalog.problems.append(f"{path}:{message.lineno}: {message.context}: {problems[0]}")
            continue
        if isinstance(message.id, tuple):
            catalog.plurals[_context_key(message.context, message.id[0])] = tuple(message.string)
        elif isinstance(message.id, str) and isinstance(message.string, str):
            catalog.messages[_context_key(message.context, message.id)] = message.string
    return catalog


def _plural_index(catalog: Catalog, n: int) -> int:
    """Which plural form to use, from the catalog's own ``Plural-Forms`` expression.

    The standard library's parser validates the C expression before turning it into Python.
    """
    try:
        return int(gettext.c2py(str(catalog.plural_rule or "(n != 1)"))(n))
    except (ValueError, SyntaxError, RecursionError):
        return 0 if n == 1 else 1


def text_direction(locale: str) -> str:
    """``rtl`` for Arabic, Persian, Urdu ...; ``ltr`` otherwise."""
    try:
        order = Locale.parse(locale).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def display_name(locale: str) -> str:
    """A language's name in itself ("español", "العربية"), for the language picker."""
    try:
        parsed = Locale.parse(locale)
        name = parsed.get_display_name(parsed) or locale
    except (ValueError, UnknownLocaleError):
        return locale
    return name[:1].upper() + name[1:]


class Catalogs:
    """Every shipped locale's catalog, with negotiation and per-message fallback."""

    def __init__(self, catalogs: dict[str, Catalog], shipped: Iterable[str]) -> None:
        self.shipped = tuple(shipped)
        self._catalogs = catalogs
        self._translators: dict[str, Translator] = {}
        self._reported: set[str] = set()
        for catalog in catalogs.values():
            for problem in catalog.problems:
                # The problem names the file, line and message id; never any text a survivor sent.
                log.warning("catalog_problem %s", problem)

    @classmethod
    def load(cls, locales_dir: Path, shipped: Iterable[str]) -> Catalogs:
        """Read the ``.po`` file of every shipped locale (English needs none)."""
        shipped = tuple(shipped)
        catalogs = {}
        for code in shipped:
            path = locales_dir / code / "LC_MESSAGES" / "messages.po"
            if code != SOURCE_LOCALE and path.exists():
                catalogs[code] = read_catalog(path, code)
        return cls(catalogs, shipped)

    @property
    def problems(self) -> list[str]:
        """Every translation left out at load time, as ``path:line: what``."""
        return [p for c in self._catalogs.values() for p in c.problems]

    def chain(self, locale: str) -> list[Catalog]:
        """The catalogs to try for ``locale``, most specific first (English is the source)."""
        codes = [locale]
        base = locale.split("_")[0]
        if base != locale:
            codes.append(base)
        return [self._catalogs[c] for c in codes if c in self._catalogs]

    def coverage(self, locale: str, keys: Iterable[tuple[str, str]]) -> float:
        """Share of the source messages ``keys`` (context, msgid) that ``locale`` translates."""
        keys = list(keys)
        if locale == SOURCE_LOCALE or not keys:
            return 1.0
        chain = self.chain(locale)
        found = sum(1 for key in keys if any(key in c.messages or key in c.plurals for c in chain))
        return found / len(keys)

    def translator(self, locale: str | None) -> Translator:
        """The translator for a shipped locale; unknown locales get English."""
        code = locale if locale in self.shipped else SOURCE_LOCALE
        cached = self._translators.get(code)
        if cached is None:
            chain = self.chain(code)

            def lookup(context: str, msgid: str) -> str | None:
                key = (context, msgid)
                for catalog in chain:
                    found = catalog.messages.get(key)
                    if found:
                        return found
                return None

            def plural_lookup(context: str, singular: str, plural: str, n: int) -> str | None:
                key = (context, singular)
                for catalog in chain:
                    forms = catalog.plurals.get(key)
                    if forms:
                        index = _plural_index(catalog, n)
                        return forms[index] if 0 <= index < len(forms) else None
                return None

            cached = Translator(code, text_direction(code), lookup, plural_lookup)
            self._translators[code] = cached
        return cached

    def negotiate(self, hint: str | None) -> str:
        """Pick a shipped locale for a channel's language code, or English.

        Telegram's codes are IETF tags (``pt-br``, ``zh-hans``, ``sr-latn``, ``en-US``). They
        are parsed with ``-`` as the separator and every failure is caught, then the full
        locale, language_Territory, language_Script and language are tried in turn.
        """
        if not hint:
            return SOURCE_LOCALE
        raw = hint.strip().replace("_", "-")
        language = raw.split("-")[0].lower()
        candidates: list[str] = []
        try:
            parsed = Locale.parse(raw, sep="-")
            language = parsed.language
            if parsed.territory:
                candidates.append(f"{parsed.language}_{parsed.territory}")
            if parsed.script:
                candidates.append(f"{parsed.language}_{parsed.script}")
        except (ValueError, TypeError, UnknownLocaleError):
            pass
        candidates.append(language)
        alias = _ALIASES.get(language)
        if alias:
            candidates.append(alias)
        for candidate in candidates:
            if candidate in self.shipped:
                return candidate
        # A language shipped only in one regional or script form (pt -> pt_BR, zh -> zh_Hans).
        for code in self.shipped:
            if code.split("_")[0] == language:
                return code
        return SOURCE_LOCALE
