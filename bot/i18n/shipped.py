"""The languages Haven ships, and where each one's catalog lives.

Kept in i18n (not in the settings) because the catalogs, the translators' tools and the
settings all need it, and i18n is the lowest of the three.
"""

from __future__ import annotations

from pathlib import Path

SHIPPED_LOCALES = (
    "en", "es", "fr", "de", "it", "nl", "pl", "uk", "ru", "ro", "pt_BR", "ar",
    "fa", "tr", "hi", "ur", "bn", "th", "vi", "fil", "sw", "zh_Hans", "am", "ti",
)  # fmt: skip


def po_path(data_dir: Path, locale: str) -> Path:
    """``locales/<code>/LC_MESSAGES/messages.po`` under the data directory."""
    return data_dir / "locales" / locale / "LC_MESSAGES" / "messages.po"
