"""Rights content: every validation rule with its broken fixture, lookups, fallback, extraction."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from bot.rights import SITUATIONS, RightsError, check, extract_rights, load_rights

ROOT = Path(__file__).resolve().parents[2]
RIGHTS = ROOT / "flows" / "rights"
BROKEN = Path(__file__).parent / "broken_rights"

CASES = [
    ("missing_source.yaml", 7, "missing-source"),
    ("bad_source.yaml", 12, "bad-source"),
    ("insecure_url.yaml", 12, "insecure-url"),
    ("missing_reviewed.yaml", 6, "missing-reviewed"),
    ("bad_date.yaml", 10, "bad-date"),
    ("missing_jurisdiction.yaml", 1, "missing-jurisdiction"),
    ("jurisdiction_mismatch.yaml", 2, "jurisdiction-mismatch"),
    ("duplicate_id.yaml", 14, "duplicate-id"),
    ("bad_card_id.yaml", 7, "bad-card-id"),
    ("missing_field.yaml", 8, "missing-field"),
    ("unknown_situation.yaml", 13, "unknown-situation"),
    ("empty_deck.yaml", 7, "empty-deck"),
    ("text_too_long.yaml", 9, "text-too-long"),
    ("title_too_long.yaml", 9, "title-too-long"),
    ("bad_markup.yaml", 9, "bad-markup"),
    ("unknown_country.yaml", 4, "unknown-country"),
    ("unknown_parent.yaml", 4, "unknown-parent"),
    ("unknown_field.yaml", 10, "unknown-field"),
    ("wrong_type.yaml", 4, "wrong-type"),
    ("wrong_version.yaml", 1, "wrong-version"),
    ("duplicate_key.yaml", 11, "duplicate-key"),
    ("yaml_syntax_error.yaml", 5, "yaml-syntax"),
]
# Rules that need a whole directory of files (or a file that is no text): tests of their own below.
DIRECTORY_RULES = {"missing-fallback", "duplicate-country", "duplicate-jurisdiction", "parent-loop", "no-cards", "unreadable"}


@pytest.fixture(scope="module")
def library():
    return load_rights(RIGHTS)


def problems_of(path: Path) -> RightsError:
    with pytest.raises(RightsError) as caught:
        load_rights(path)
    return caught.value


@pytest.mark.parametrize(("name", "line", "code"), CASES, ids=[case[0] for case in CASES])
def test_each_broken_fixture_is_reported_with_file_line_and_rule(name: str, line: int, code: str, tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    shutil.copy(BROKEN / name, target)
    error = problems_of(target)
    assert code in error.codes, error.problems
    assert any(problem.startswith(f"{target}:{line}: [{code}] ") for problem in error.problems), error.problems


def test_every_fixture_has_a_test() -> None:
    assert {p.name for p in BROKEN.glob("*.yaml")} == {case[0] for case in CASES}


def test_every_rule_code_is_documented_and_broken_by_a_fixture_or_a_test() -> None:
    readme = (RIGHTS / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme.split("## Rule codes", 1)[1], re.MULTILINE))
    assert documented == {case[2] for case in CASES} | DIRECTORY_RULES


def test_load_raises_with_all_problems(tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    shutil.copy(BROKEN / "missing_source.yaml", target)
    assert problems_of(target).problems == check(target)


def test_the_shipped_rights_files_are_valid() -> None:
    assert check(RIGHTS) == []


def _write(directory: Path, name: str, body: str) -> None:
    (directory / f"{name}.yaml").write_text(body, encoding="utf-8")


def _deck_file(jid: str, countries: str = "[]", parent: str = "", situations=SITUATIONS) -> str:
    decks = "".join(
        f"  {s}:\n    - id: {jid}-{s}\n      title: T\n      text: X.\n      sources:\n"
        f"        - title: L\n          url: https://example.org/{s}\n"
        for s in situations
    )
    parent_line = f"parent: {parent}\n" if parent else ""
    head = f"version: 1\njurisdiction: {jid}\nname: {jid}\ncountries: {countries}\n{parent_line}"
    return f"{head}reviewed: 2026-11-21\ndecks:\n{decks}"


def test_a_directory_without_the_worldwide_fallback_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "xx", _deck_file("xx", "[XX]"))
    assert f"{tmp_path}/intl.yaml:0: [missing-fallback] the worldwide fallback 'intl.yaml' is missing" in check(tmp_path)


def test_a_country_served_twice_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "aa", _deck_file("aa", "[FR]", "intl"))
    _write(tmp_path, "bb", _deck_file("bb", "[FR]", "intl"))
    assert f"{tmp_path}/bb.yaml:1: [duplicate-country] country FR is already served by aa" in check(tmp_path)


def test_a_jurisdiction_defined_twice_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "zz", _deck_file("intl"))
    error = problems_of(tmp_path)
    assert "duplicate-jurisdiction" in error.codes
    assert any(p.startswith(f"{tmp_path}/zz.yaml:1: [duplicate-jurisdiction] ") for p in error.problems), error.problems


def test_a_parent_loop_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "aa", _deck_file("aa", parent="bb"))
    _write(tmp_path, "bb", _deck_file("bb", parent="aa"))
    error = problems_of(tmp_path)
    assert error.codes == ("parent-loop",)
    assert error.problems[0].startswith(f"{tmp_path}/bb.yaml:5: [parent-loop] parent chain loops: aa -> bb -> aa")


def test_file_name_must_match_jurisdiction(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "usa", _deck_file("us", parent="intl"))
    assert problems_of(tmp_path).codes == ("jurisdiction-mismatch",)


def test_a_situation_without_cards_anywhere_in_the_chain_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl", situations=("dv", "sexual", "crime")))
    assert check(tmp_path) == [f"{tmp_path}/intl.yaml:1: [no-cards] no cards for situation 'trafficking', here or in a parent"]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_bytes((BROKEN / "missing_source.yaml").read_bytes().replace(b"Broken", b"Br\xf6ken"))
    expected = f"{tmp_path}/broken.yaml:0: [unreadable] cannot read: UnicodeDecodeError"
    assert problems_of(tmp_path / "broken.yaml").problems == [expected]


COUNTRY_FILES = [
    ("US", "us"), ("gb", "gb"), ("IE", "ie"), ("DE", "eu"), ("ro", "eu"),
    ("CA", "ca"), ("AU", "au"), ("BR", "intl"), (None, "intl"), ("", "intl"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "expected"), COUNTRY_FILES)
def test_for_country_picks_the_most_specific_jurisdiction(library, code, expected) -> None:
    assert library.for_country(code).id == expected


def test_missing_deck_falls_back_to_the_parent(library) -> None:
    ireland = library.for_country("IE")
    assert ireland.deck_owner("trafficking").id == "eu"
    assert [c.id for c in ireland.deck("trafficking")] == [c.id for c in library.jurisdictions["eu"].deck("trafficking")]
    assert ireland.deck_owner("dv").id == "ie"
    assert library.for_country("CA").deck_owner("sexual").id == "intl"


def test_unknown_situation_is_a_programming_error(library) -> None:
    with pytest.raises(ValueError):
        library.for_country("US").deck("burglary")


def test_every_country_gets_cards_for_every_situation(library) -> None:
    for jurisdiction in library.jurisdictions.values():
        for situation in SITUATIONS:
            assert jurisdiction.deck(situation), (jurisdiction.id, situation)


def test_cards_carry_provenance(library) -> None:
    for jurisdiction in library.jurisdictions.values():
        for situation in SITUATIONS:
            for card in jurisdiction.deck(situation):
                assert card.sources and all(s.url.startswith("https://") for s in card.sources)
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", card.reviewed)


def test_cards_never_contain_phone_numbers(library) -> None:
    """Numbers come from the help directory, checked against published sources; never from cards."""
    phone_like = re.compile(r"\d[\d ()-]{5,}\d")
    for jurisdiction in library.jurisdictions.values():
        texts = [jurisdiction.regional_note or ""] + [
            card.text for s in SITUATIONS for card in (jurisdiction.decks.get(s) or ())
        ]
        for text in texts:
            assert not phone_like.search(text), text


def test_extractor_yields_the_contexts_and_texts_the_runtime_looks_up(library) -> None:
    data = (RIGHTS / "us.yaml").read_bytes()
    extracted = extract_rights(io.BytesIO(data), None, None, None)
    messages = {context: (line, text, comments) for line, _func, (context, text), comments in extracted}
    us = library.jurisdictions["us"]
    card = us.deck("dv")[0]
    assert messages[card.text_context][1] == card.text
    assert messages[card.title_context][1] == card.title
    assert messages[card.text_context][2] == [card.note]
    assert messages[us.name_context][1] == us.name
    assert messages[us.regional_note_context][1] == us.regional_note
    lines = data.decode().splitlines()
    assert lines[messages[card.title_context][0] - 1].strip().startswith("title:")


def test_extractor_skips_a_file_that_is_not_a_rights_file() -> None:
    assert list(extract_rights(io.BytesIO(b"flow: main\nnodes: []\n"), None, None, None)) == []
