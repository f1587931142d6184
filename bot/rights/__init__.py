"""The "Know my rights" content: load, validate, look up and extract the per-jurisdiction cards.

The cards live in ``flows/rights/<jurisdiction>.yaml`` (format: ``flows/rights/README.md``) so
that a lawyer can add a country or a state by adding one file, without Python. Because people
act on what these cards say, the loader is strict: every card must name its sources (https
only), its jurisdiction and the date it was last reviewed, and every problem is reported as
``path:line: [code] message`` so the person who wrote the file can fix it.

``model`` holds the cards and the lookups, ``reading`` checks one file, ``library`` links
the files (parents, duplicates, fallbacks), ``extract`` gives translators the texts.
"""

from bot.rights.extract import extract_rights
from bot.rights.library import RightsError, check, load_rights
from bot.rights.model import FALLBACK, SITUATIONS, Card, Jurisdiction, RightsLibrary, Source
from bot.rights.reading import FORMAT_VERSION, MAX_ID, MAX_TEXT, MAX_TITLE

__all__ = [
    "FALLBACK",
    "FORMAT_VERSION",
    "MAX_ID",
    "MAX_TEXT",
    "MAX_TITLE",
    "SITUATIONS",
    "Card",
    "Jurisdiction",
    "RightsError",
    "RightsLibrary",
    "Source",
    "check",
    "extract_rights",
    "load_rights",
]
