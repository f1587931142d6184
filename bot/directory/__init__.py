"""The help directory: verified confidential services and emergency numbers per country.

Data lives in ``flows/directory/*.yaml`` (format: ``flows/directory/README.md``); it is loaded
and validated once at start-up, then queried without I/O. Nothing here reads the clock:
callers pass ``now``.
"""

from bot.directory.cards import display_name, render_brief_emergency, render_emergency, render_service
from bot.directory.countries import likely_countries, match_country
from bot.directory.loader import KINDS, DirectoryError, check
from bot.directory.model import Emergency, Phone, Service
from bot.directory.query import NEEDS, Directory, is_open

__all__ = [
    "KINDS",
    "NEEDS",
    "Directory",
    "DirectoryError",
    "Emergency",
    "Phone",
    "Service",
    "check",
    "display_name",
    "is_open",
    "likely_countries",
    "match_country",
    "render_brief_emergency",
    "render_emergency",
    "render_service",
]
