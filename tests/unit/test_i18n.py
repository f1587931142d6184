"""Catalogs, locale negotiation, fallback and the translators' checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bot.i18n.catalogs import Catalogs, display_name, read_catalog, text_direction
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.tools import catalogs as reports
from bot.tools import locales

ROOT = Path(__file__).resolve().parents[2]

PO = r'''
msgid ""
msgstr ""
"Language: pl\n"
"Content-Type: text/plain; charset=utf-8\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

msgctxt "a.ok"
msgid "Hello {name}"
msgstr "Cześć {name}"

msgctxt "a.renamed"
msgid "Call {number} now"
msgstr "Zadzwoń teraz pod {numer}"

msgctxt "a.fuzzy"
#, fuzzy
msgid "Maybe"
msgstr "Może"

msgctxt "a.count"
msgid "{n} line"
msgid_plural "{n} lines"
msgstr[0] "{n} linia"
msgstr[1] "{n} linie"
msgstr[2] "{n} linii"
'''


@pytest.fixture
def catalogs(tmp_path: Path) -> Catalogs:
    path = tmp_path / "pl" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(PO)
    return Catalogs.load(tmp_path, ("en", "pl", "es"))


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("es", "es"),
        ("es-MX", "es"),
        ("es-419", "es"),
        ("pt-br", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("zh-hans", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh", "zh_Hans"),
        ("sr-latn", "en"),
        ("en-US", "en"),
        ("uk", "uk"),
        ("tl", "fil"),
        ("fil", "fil"),
        ("x-klingon", "en"),
        ("--", "en"),
        ("ar-EG", "ar"),
    ],
)
def test_telegram_language_codes_negotiate_to_a_shipped_locale(hint: str | None, expected: str) -> None:
    assert Catalogs({}, SHIPPED_LOCALES).negotiate(hint) == expected


def test_a_translation_is_used_with_its_parameters(catalogs: Catalogs) -> None:
    assert catalogs.translator("pl").pgettext("a.ok", "Hello {name}", name="Ala & <Ola>") == "Cześć Ala &amp; &lt;Ola&gt;"
    assert catalogs.translator("pl").label("a.ok", "Hello {name}", name="Ala & Ola") == "Cześć Ala & Ola"


def test_untranslated_messages_fall_back_to_english_one_by_one(catalogs: Catalogs) -> None:
    tr = catalogs.translator("pl")
    assert tr.pgettext("a.missing", "Only in English") == "Only in English"
    assert tr.pgettext("a.ok", "Hello {name}", name="x") == "Cześć x"


def test_a_translation_with_a_renamed_placeholder_is_never_shown(catalogs: Catalogs) -> None:
    assert catalogs.translator("pl").pgettext("a.renamed", "Call {number} now", number="112") == "Call 112 now"
    assert any("missing placeholder(s) {number}" in p and "a.renamed" in p and ":13:" in p for p in catalogs.problems)


def test_fuzzy_translations_are_not_used(catalogs: Catalogs) -> None:
    assert catalogs.translator("pl").pgettext("a.fuzzy", "Maybe") == "Maybe"


def test_plural_forms_follow_the_catalog_rule(catalogs: Catalogs) -> None:
    tr = catalogs.translator("pl")
    assert [tr.npgettext("a.count", "{n} line", "{n} lines", n) for n in (1, 3, 5, 22)] == [
        "1 linia", "3 linie", "5 linii", "22 linie",
    ]


def test_a_broken_catalog_falls_back_to_english_and_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'msgid "a"\nmsgstr "b\n\x00\xff garbage "unterminated')
    catalogs = Catalogs.load(tmp_path, ("en", "es"))
    assert catalogs.translator("es").pgettext("x", "Still here") == "Still here"
    assert catalogs.problems and "messages.po" in catalogs.problems[0]


def test_unknown_locales_get_english() -> None:
    assert Catalogs({}, ("en",)).translator("xx").pgettext("c", "Hi") == "Hi"


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("en", "ltr"), ("zh_Hans", "ltr")])
def test_text_direction(code: str, direction: str) -> None:
    assert text_direction(code) == direction


@pytest.mark.parametrize(("code", "name"), [("es", "Español"), ("ru", "Русский"), ("ar", "العربية"), ("zh_Hans", "中文 (简体)")])
def test_languages_are_named_in_their_own_language(code: str, name: str) -> None:
    assert display_name(code) == name


def test_the_template_is_up_to_date_with_code_and_flows(tmp_path: Path) -> None:
    for part in ("bot", "flows"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    fresh = locales.extract(tmp_path)
    with open(ROOT / "locales" / "messages.pot", "rb") as handle:
        committed = read_po(handle)
    keys = lambda catalog: {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}  # noqa: E731
    assert keys(fresh) == keys(committed), "run: python -m bot locales extract && python -m bot locales update"


def test_every_flow_text_is_in_the_template(static) -> None:
    with open(ROOT / "locales" / "messages.pot", "rb") as handle:
        template = {(m.context, m.id) for m in read_po(handle) if m.id}
    for node in static.flows.nodes.values():
        if node.text:
            assert (node.context, node.text) in template, node.id
        for button in node.buttons:
            assert (node.button_context(button.id), button.label) in template, (node.id, button.id)


def test_spanish_passes_every_check() -> None:
    path = ROOT / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="es")
    untranslated = [m.context for m in catalog if m.id and not m.string]
    assert untranslated == []
    assert reports.check_catalog(path, "es", "es.po") == []
    assert read_catalog(path, "es").problems == []


def test_catalogs_compile(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    written = locales.compile_all(tmp_path)
    assert written and all(path.stat().st_size > 0 for path in written)


def test_no_message_reveals_the_subject_in_its_first_line() -> None:
    from bot.tools.first_lines import first_line_problems

    assert first_line_problems(ROOT) == []


def test_the_first_line_check_catches_a_revealing_translation(tmp_path: Path) -> None:
    from bot.tools.first_lines import first_line_problems

    for part in ("flows", "locales"):
        shutil.copytree(ROOT / part, tmp_path / part)
    path = tmp_path / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgstr "¿Qué te gustaría hacer?"', 'msgstr "¿Sufres violencia? ¿Qué te gustaría hacer?"')
    path.write_text(text, encoding="utf-8")
    problems = first_line_problems(tmp_path)
    assert problems == ["es main.menu (-): first line reveals the subject ('violencia')"]


def test_numbers_and_latin_names_are_isolated_in_right_to_left_text() -> None:
    from bot.i18n.translator import FSI, PDI

    catalogs = Catalogs({}, ("en", "ar", "fa", "ur"))
    for code in ("ar", "fa", "ur"):
        tr = catalogs.translator(code)
        text = tr.pgettext("c", "Call {number} ({name})", number="+44 808 2000 247", name="Refuge")
        assert f"{FSI}+44 808 2000 247{PDI}" in text and f"{FSI}Refuge{PDI}" in text
    english = catalogs.translator("en").pgettext("c", "Call {number}", number="+44 808 2000 247")
    assert FSI not in english, "left-to-right text is left as it is"


def test_every_shipped_catalog_passes_the_translators_checks() -> None:
    assert reports.check_all(ROOT) == []


@pytest.mark.parametrize("locale", ["es", "fr", "de", "pt_BR", "ar", "fa", "uk", "ru", "pl", "tr", "zh_Hans"])
def test_the_complete_languages_stay_complete(locale: str) -> None:
    with open(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=locale.replace("_Hans", ""))
    missing = [m.context for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert missing == []
