"""The object every part of Haven uses to turn English source text into the survivor's language.

Texts are written in English in flows and code, identified by a gettext context
(``flow.node``, ``directory.card`` ...). Message bodies are Telegram-HTML (``<b>``, ``<i>``,
``<a href>``); button labels are plain text. Placeholders are ``{name}`` only: no attribute
access, no indexing, no format specs, so a hostile or careless translation can never reach
into Python objects.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# (context, msgid) -> translated string, or None when the catalog has no usable translation.
Lookup = Callable[[str, str], "str | None"]
# (context, singular, plural, n) -> translated string or None.
PluralLookup = Callable[[str, str, str, int], "str | None"]


FSI, PDI = "\u2068", "\u2069"  # Unicode first-strong isolate ... pop directional isolate


def substitute(template: str, params: Mapping[str, object], *, escape: bool, isolate: bool = False) -> str:
    """Fill ``{name}`` fields; unknown names are left visible rather than raising.

    A missing parameter is a programming error, but a survivor must still get the message,
    so it degrades to showing the raw ``{name}`` and the catalog checker reports it.

    With ``isolate`` (right-to-left locales) every value is wrapped in a first-strong isolate:
    a phone number such as ``+44 808 2000 247`` or a Latin name inside Arabic text keeps its own
    direction instead of being reordered by the surrounding text ("247 2000 808 44+").
    """

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        value = str(params[name])
        value = html.escape(value, quote=False) if escape else value
        return f"{FSI}{value}{PDI}" if isolate else value

    return _FIELD.sub(repl, template)


class Translator:
    """Translate and fill texts for one locale, falling back per message to English."""

    def __init__(
        self,
        locale: str = "en",
        direction: str = "ltr",
        lookup: Lookup | None = None,
        plural_lookup: PluralLookup | None = None,
    ) -> None:
        self.locale = locale
        self.direction = direction
        self._lookup = lookup
        self._plural_lookup = plural_lookup

    def _text(self, context: str, message: str) -> str:
        if self._lookup is not None:
            found = self._lookup(context, message)
            if found:
                return found
        return message

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        """A message body (Telegram HTML); parameters are HTML-escaped."""
        return substitute(self._text(context, message), params, escape=True, isolate=self.rtl)

    def label(self, context: str, message: str, /, **params: object) -> str:
        """A button label or other plain text; parameters are inserted as they are."""
        return substitute(self._text(context, message), params, escape=False, isolate=self.rtl)

    @property
    def rtl(self) -> bool:
        """Whether this locale is written right to left (Arabic, Persian, Urdu ...)."""
        return self.direction == "rtl"

    def npgettext(
        self, context: str, singular: str, plural: str, n: int, /, **params: object
    ) -> str:
        """A message body whose wording depends on a count ``n`` (also available as ``{n}``)."""
        found = None
        if self._plural_lookup is not None:
            found = self._plural_lookup(context, singular, plural, n)
        if not found:
            found = singular if n == 1 else plural
        return substitute(found, {"n": n, **params}, escape=True, isolate=self.rtl)


def N_(context: str, message: str) -> tuple[str, str]:
    """Mark a text for the catalogs without translating it here (gettext's ``N_`` idiom)."""
    return context, message


ENGLISH = Translator()
"""The source language itself: what every other locale falls back to."""
