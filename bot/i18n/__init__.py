"""Languages: catalogs, locale negotiation, the translator, text direction."""

from bot.i18n.translator import ENGLISH, Translator

__all__ = ["ENGLISH", "Translator"]
