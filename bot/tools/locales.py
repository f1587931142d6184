"""The translators' tools behind ``python -m bot locales ...``, wrapping Babel.

* ``extract``: every text from ``bot/**.py`` (``pgettext``/``npgettext``/``label`` calls) and
  from the flow YAML (through :mod:`bot.tools.extract_flows`) into ``locales/messages.pot``, with
  contexts and translator comments.
* ``update``: merge the template into each ``messages.po``, keeping existing translations
  (Babel's fuzzy matching is off: a guessed translation is worse than an honest English one).
* ``compile``: ``.mo`` files for other gettext tools. Haven itself reads the ``.po`` files at
  start-up, so an edited ``.po`` shows after a restart without compiling.
* ``check`` and ``stats``: see :mod:`bot.tools.catalogs`.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.i18n.shipped import SHIPPED_LOCALES, po_path
from bot.tools.catalogs import cldr_plural_forms

KEYWORDS = {
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "label": ((1, "c"), 2),
    "N_": ((1, "c"), 2),
}
METHOD_MAP = [
    ("bot/**.py", "python"),
    ("flows/*.yaml", "bot.tools.extract_flows:extract_flow"),
    ("flows/rights/*.yaml", "bot.rights:extract_rights"),
]
COMMENT_TAGS = ("Translators:",)
PROJECT = "Haven"
VERSION = "0.1"
NEW_HEADER = """\
# {language} translation of Haven, an anonymous chat assistant for survivors of violence.
# This file is distributed under the same license as the Haven project.
# Review: not reviewed yet
#"""


def template_path(data_dir: Path) -> Path:
    return data_dir / "locales" / "messages.pot"


def extract(data_dir: Path) -> Catalog:
    """Build the template from code and flows and write ``locales/messages.pot``."""
    template = Catalog(project=PROJECT, msgid_bugs_address="", copyright_holder="Haven contributors", fuzzy=False)
    template.creation_date = datetime(2026, 1, 1, tzinfo=UTC)  # stable file: no churn per run
    for filename, lineno, message, comments, context in extract_from_dir(
        str(data_dir), METHOD_MAP, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    path = template_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, template, width=100, sort_output=False, omit_header=False)
    return template


def _read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def update(data_dir: Path, only: str | None = None) -> list[str]:
    """Merge the template into every existing catalog; ``only`` also starts a new one."""
    template = _read(template_path(data_dir))
    touched = []
    for locale in SHIPPED_LOCALES:
        if locale == "en" or (only and locale != only):
            continue
        path = po_path(data_dir, locale)
        if not path.exists() and not only:
            continue
        if path.exists():
            catalog = _read(path, locale)
        else:
            catalog = Catalog(locale=locale, project=PROJECT, fuzzy=False)
            catalog.header_comment = NEW_HEADER.format(language=locale)
            path.parent.mkdir(parents=True, exist_ok=True)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        repair_plurals(catalog, locale)
        catalog.project, catalog.version = PROJECT, VERSION
        catalog.language_team = f"Haven {locale} translators"
        write_catalog(path, catalog)
        touched.append(locale)
    return touched


def repair_plurals(catalog: Catalog, locale: str) -> None:
    """Set CLDR's plural rule and fit every translated plural message to its number of forms.

    A form a locale gains (CLDR's "many" for es, fr, it and pt_BR; a plural for fa and tr)
    repeats the last one, which is the right words for the minute counts Haven shows; forms a
    rule drops are cut. Translators see the header change in review like any other line.
    """
    catalog.mime_headers = [("Plural-Forms", cldr_plural_forms(locale))]  # sets only this header
    count = catalog.num_plurals
    for message in catalog:
        if message.id and message.pluralizable and isinstance(message.string, tuple) and any(message.string):
            forms = list(message.string)[:count]
            message.string = tuple(forms + [forms[-1]] * (count - len(forms)))


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write a ``.po`` file whole or not at all (never a half-written catalog)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False)
    temporary = path.with_suffix(".po.tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)


def compile_all(data_dir: Path) -> list[Path]:
    """Write ``messages.mo`` next to every ``messages.po`` (fuzzy entries left out)."""
    written = []
    for locale in SHIPPED_LOCALES:
        path = po_path(data_dir, locale)
        if not path.exists():
            continue
        catalog = _read(path, locale)
        target = path.with_suffix(".mo")
        with open(target, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(target)
    return written
