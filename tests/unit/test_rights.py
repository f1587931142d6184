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
    ("missing_source.yaml", 7, "card 'broken-no-source' has no sources"),
    ("missing_reviewed.yaml", 6, "card 'broken-no-date' has no reviewed date"),
    ("missing_jurisdiction.yaml", 1, "missing 'jurisdiction'"),
    ("duplicate_id.yaml", 14, "duplicate card id 'broken-twice' (first at {path}:7)"),
    ("unknown_situation.yaml", 13, "unknown situation 'burglary'"),
    ("insecure_url.yaml", 12, "source url must start with https://"),
    ("text_too_long.yaml", 9, "text of 'broken-long' is 949 characters; the limit is 900"),
    ("unknown_parent.yaml", 4, "unknown parent 'atlantis'"),
    ("unknown_field.yaml", 10, "unknown field 'sourcse' in card"),
    ("bad_markup.yaml", 9, "text of 'broken-markup' has markup other than"),
    ("bad_date.yaml", 10, "reviewed must be a date like 2026-11-21: '2026-02-30'"),
    ("wrong_version.yaml", 1, "'version' must be 1"),
    ("bad_card_id.yaml", 7, "card id must be 1-40 characters"),
]


@pytest.fixture(scope="module")
def library():
    return load_rights(RIGHTS)


@pytest.mark.parametrize(("name", "line", "message"), CASES, ids=[case[0] for case in CASES])
def test_each_broken_fixture_is_reported_with_file_and_line(name: str, line: int, message: str, tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    shutil.copy(BROKEN / name, target)
    problems = check(target)
    expected = f"{target}:{line}: {message.format(path=target)}"
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_fixture_has_a_test() -> None:
    assert {p.name for p in BROKEN.glob("*.yaml")} == {case[0] for case in CASES}


def test_load_raises_with_all_problems(tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    shutil.copy(BROKEN / "missing_source.yaml", target)
    with pytest.raises(RightsError) as caught:
        load_rights(target)
    assert caught.value.problems == check(target)


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
    return f"version: 1\njurisdiction: {jid}\nname: {jid}\ncountries: {countries}\n{parent_line}reviewed: 2026-11-21\ndecks:\n{decks}"


def test_a_directory_without_the_worldwide_fallback_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "xx", _deck_file("xx", "[XX]"))
    assert any("the worldwide fallback 'intl.yaml' is missing" in p for p in check(tmp_path))


def test_a_country_served_twice_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "aa", _deck_file("aa", "[FR]", "intl"))
    _write(tmp_path, "bb", _deck_file("bb", "[FR]", "intl"))
    assert any("country FR is already served by aa" in p for p in check(tmp_path))


def test_a_parent_loop_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "aa", _deck_file("aa", parent="bb"))
    _write(tmp_path, "bb", _deck_file("bb", parent="aa"))
    assert any("parent chain loops" in p for p in check(tmp_path))


def test_file_name_must_match_jurisdiction(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl"))
    _write(tmp_path, "usa", _deck_file("us", parent="intl"))
    assert any("'jurisdiction' is 'us' but the file is named 'usa'" in p for p in check(tmp_path))


def test_a_situation_without_cards_anywhere_in_the_chain_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "intl", _deck_file("intl", situations=("dv", "sexual", "crime")))
    problems = check(tmp_path)
    assert any(p.endswith("no cards for situation 'trafficking', here or in a parent") for p in problems), problems


@pytest.mark.parametrize(
    ("code", "expected"),
    [("US", "us"), ("gb", "gb"), ("IE", "ie"), ("DE", "eu"), ("ro", "eu"), ("CA", "ca"), ("AU", "au"), ("BR", "intl"), (None, "intl"), ("", "intl")],
)
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
    messages = {context: (line, text, comments) for line, func, (context, text), comments in extract_rights(io.BytesIO(data), None, None, None)}
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
