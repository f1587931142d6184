"""Directory cards render in every shipped locale (CLDR data differs between languages)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bot.directory import Directory, render_emergency, render_service
from bot.i18n import Translator
from bot.i18n.shipped import SHIPPED_LOCALES

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.load(ROOT / "flows" / "directory")


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_service_and_emergency_renders_in_every_locale(directory: Directory, locale: str) -> None:
    # Regression: Babel has no "unit" list pattern for Spanish or German, and rendering a
    # service with several kinds raised KeyError for every Spanish-speaking survivor.
    tr = Translator(locale)
    for country in directory.countries():
        for service in directory.find(country, "all", locale, NOW):
            assert render_service(service, tr, NOW, locale)
        assert render_emergency(directory.emergency(country), directory.lines_24_7(country), tr)
