"""Typed reads of one mapping in a directory file, each problem reported at the line of its key.

The file is read by :func:`bot.yamlsrc.load` with ``as_text=True``, so a value is text,
``True``/``False``, ``None``, or a mapping or list that remembers its lines. The checks of
``entries.py`` and ``channels.py`` ask for a field's type here and only judge its content.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from babel import Locale

from bot.problems import Problems
from bot.yamlsrc import Mapping, Sequence

URL = re.compile(r"^https?://[^\s\"<>]+$")
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes Babel knows (regions like ``150`` and ``EU`` excluded)."""
    territories = Locale("en").territories
    return frozenset(c for c in territories if isinstance(c, str) and len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES)


@lru_cache(maxsize=1)
def language_codes() -> frozenset[str]:
    """ISO 639 codes Babel has a name for: a line's language must be one a card can name."""
    return frozenset(Locale("en").languages)


class Fields:
    """One mapping of a directory file: unknown keys are reported at once, values on request."""

    def __init__(self, data: Mapping, allowed: Collection[str], what: str, file: str, problems: Problems) -> None:
        self.data, self.file, self.problems = data, file, problems
        for key in data:
            if key not in allowed:
                self.error(str(key), "unknown-field", f"unknown field '{key}' in {what}")

    def nested(self, data: Mapping, allowed: Collection[str], what: str) -> Fields:
        """The fields of a mapping inside this one: same file, same problem list."""
        return Fields(data, allowed, what, self.file, self.problems)

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def at(self, line: int, code: str, message: str) -> None:
        """Report a problem at ``line`` of this file (a list item has no key of its own)."""
        self.problems.add(self.file, line, code, message)

    def error(self, key: str, code: str, message: str) -> None:
        """Report a problem at the line of ``key`` (the mapping's own line when it is absent)."""
        self.at(self.line(key), code, message)

    def text(self, key: str, *, required: bool = False) -> str | None:
        """The text under ``key``; ``None`` when absent or empty (reported if ``required``)."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.at(self.data.line, "missing-field", f"missing '{key}'")
            return None
        if not isinstance(value, str):
            self.error(key, "wrong-type", f"'{key}' must be text")
            return None
        return value

    def flag(self, key: str) -> bool:
        """``true``/``false`` under ``key``; absent is ``False`` (a claim must be written down)."""
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.error(key, "wrong-type", f"'{key}' must be true or false")
            return False
        return value

    def texts(self, key: str) -> tuple[str, ...] | None:
        """A list of text items; ``None`` when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, "wrong-type", f"'{key}' must be a list of text items")
            return None
        return tuple(value)

    def mapping(self, key: str) -> Mapping | None:
        """The nested mapping under ``key``; ``None`` when absent or of another type (reported)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(key, "wrong-type", f"'{key}' must be a mapping")
            return None
        return value

    def items(self, key: str) -> list[tuple[Any, int]]:
        """The items of the list under ``key`` with their lines; none when absent or no list."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, Sequence):
            self.error(key, "wrong-type", f"'{key}' must be a list")
            return []
        return list(zip(value, value.item_lines, strict=True))
