"""Danger detection: the real lists against the test set, and the matcher's promises one by one.

The behaviour tests use tiny lists written to a temporary directory, so each one shows a single
rule (case, accents, typos, idioms ...) and fails only when that rule breaks.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bot.safety.danger import CATEGORIES, DangerDetector, DangerListError, DangerMatch
from tests.eval.danger_eval import LOCALES, LOCALES_DIR, load_cases, score_locales

RECALL_FLOOR = 0.9
PRECISION_FLOOR = 0.9


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.load(LOCALES_DIR, LOCALES)


@pytest.fixture(scope="module")
def cases() -> dict[str, dict[str, list[str]]]:
    return load_cases()


def write_list(root: Path, locale: str, **sections: str) -> Path:
    """A danger list with every category (one dummy phrase each) unless a section is given."""
    body = {name: f"dummy {name} phrase" for name in CATEGORIES}
    body.update({name.replace("_", "-"): text for name, text in sections.items()})
    path = root / locale / "danger.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# test list\n" + "".join(f"[{name}]\n{text}\n" for name, text in body.items()),
        encoding="utf-8",
    )
    return path


def tiny(tmp_path: Path, locale: str = "xx", **sections: str) -> DangerDetector:
    write_list(tmp_path, locale, **sections)
    return DangerDetector.load(tmp_path, [locale])


# --- the shipped lists and the test set ------------------------------------------------------


def test_every_shipped_locale_has_phrases_in_every_category(detector: DangerDetector) -> None:
    for locale in LOCALES:
        for category in CATEGORIES:
            assert detector.counts.get((locale, category), 0) >= 3, (locale, category)


def test_test_set_covers_every_locale_and_category(cases: dict[str, dict[str, list[str]]]) -> None:
    assert sorted(cases) == sorted(LOCALES)
    for locale, groups in cases.items():
        assert all(groups.get(category) for category in CATEGORIES), locale
        assert sum(len(groups[category]) for category in CATEGORIES) >= 12, locale
        assert len(groups["ordinary"]) >= 8, locale


@pytest.mark.parametrize("locale", LOCALES)
def test_recall_and_precision_per_locale(
    detector: DangerDetector, cases: dict[str, dict[str, list[str]]], locale: str
) -> None:
    score = score_locales(detector, {locale: cases[locale]})[locale]
    assert score.recall >= RECALL_FLOOR, f"missed: {score.missed}"
    assert score.precision >= PRECISION_FLOOR, f"false alarms: {score.false_alarms}"


def test_a_message_is_recognised_in_its_own_language_among_all_lists(
    detector: DangerDetector,
) -> None:
    found = detector.match("он меня убьёт")
    assert found is not None and found.locale == "ru" and found.category == "threat"
    found = detector.match("我想自杀")
    assert found is not None and found.locale == "zh_Hans" and found.category == "suicide"


def test_idioms_from_the_issue_raise_no_alarm(detector: DangerDetector) -> None:
    for message in (
        "I'm in danger of failing my exam",
        "this song kills me",
        "I'm dying to see the film",
        "I live with my boyfriend",
    ):
        assert detector.match(message) is None, message


def test_a_match_names_its_list_line_and_never_carries_the_text(detector: DangerDetector) -> None:
    found = detector.match("HE IS OUTSIDE!!!")
    assert found is not None
    assert [field.name for field in dataclasses.fields(DangerMatch)] == [
        "category",
        "locale",
        "line",
    ]
    line = (LOCALES_DIR / found.locale / "danger.txt").read_text("utf-8").splitlines()[
        found.line - 1
    ]
    assert "outside" in line


# --- normalisation and matching rules --------------------------------------------------------


def test_case_accents_punctuation_and_apostrophes_are_ignored(tmp_path: Path) -> None:
    detector = tiny(tmp_path, threat="he's outside\nme va a matar\nil m'étrangle")
    assert detector.match("HES OUTSIDE") is not None
    assert detector.match("he’s... outside!!") is not None
    assert detector.match("Me VA a MATÁR") is not None
    assert detector.match("il metrangle") is not None
    assert detector.match("he is nice outside") is None


def test_repeated_letters_collapse(tmp_path: Path) -> None:
    detector = tiny(tmp_path, suicide="i want to die", medical="help me")
    assert detector.match("i waaaant to dieeee") is not None
    assert detector.match("heeeelp meee") is not None


def test_one_typo_is_forgiven_in_words_of_five_letters_or_more(tmp_path: Path) -> None:
    detector = tiny(tmp_path, medical="cannot breathe\nhelp me now")
    assert detector.match("cannot braethe") is not None  # swapped letters
    assert detector.match("cannot breath") is not None  # one letter missing
    assert detector.match("cannott breathhe") is not None  # doubled letters
    assert detector.match("canot brethe") is not None  # one typo in each long word
    assert detector.match("cannot brxxthe") is None  # two typos in one word
    assert detector.match("hepl me now") is None  # short words must be exact


def test_a_lone_word_phrase_needs_seven_letters_to_forgive_a_typo(tmp_path: Path) -> None:
    detector = tiny(tmp_path, medical="kanama\nunconscious")
    assert detector.match("kasama") is None
    assert detector.match("unconcious") is not None


def test_star_stands_for_up_to_three_words(tmp_path: Path) -> None:
    detector = tiny(tmp_path, threat="he * kill me")
    assert detector.match("he kill me") is not None
    assert detector.match("he said he would kill me") is not None
    assert detector.match("he told my friend that i should kill me") is None


def test_a_phrase_is_found_around_its_rarest_word_in_order(tmp_path: Path) -> None:
    # "kill" is in one phrase, "he" and "tonight" in two: the search starts at "kill" and
    # matches the words before it backwards, so the order of the phrase still counts.
    detector = tiny(tmp_path, threat="he * kill * tonight\nhe is outside tonight")
    assert detector.match("he said he will kill us all tonight") is not None
    assert detector.match("tonight he will kill") is None
    assert detector.match("kill he tonight") is None


def test_word_ending_in_star_matches_every_ending(tmp_path: Path) -> None:
    detector = tiny(tmp_path, violence="strangl*")
    assert detector.match("he strangled me") is not None
    assert detector.match("he is strangling me") is not None
    assert detector.match("he was strong") is None


def test_non_latin_scripts_keep_their_vowel_signs(tmp_path: Path) -> None:
    detector = tiny(tmp_path, suicide="मरना चाहती\nآمبولانس", medical="মরতে চাই")
    assert detector.match("मैं मरना चाहती हूं") is not None
    assert detector.match("मैं मारना चाहती हूं") is None  # a different vowel sign, another word
    assert detector.match("امبولانس لازم دارم") is not None  # madda is optional
    assert detector.match("আমি মরতে চাই") is not None


def test_arabic_and_persian_keyboard_variants_are_the_same_letter(tmp_path: Path) -> None:
    detector = tiny(tmp_path, suicide="خودکشی")
    assert detector.match("خودكشي") is not None  # Arabic kaf and yeh typed on a Persian word


def test_scripts_without_spaces_match_inside_the_text(tmp_path: Path) -> None:
    detector = tiny(tmp_path, suicide="อยากตาย\n杀*自己", threat="要杀我")
    assert detector.match("ฉันอยากตายยยย") is not None
    assert detector.match("他说要杀我") is not None
    assert detector.match("我想杀了我自己") is not None
    assert detector.match("我想吃饭") is None


def test_not_danger_phrase_suppresses_only_the_match_it_overlaps(tmp_path: Path) -> None:
    detector = tiny(
        tmp_path, threat="in danger\nhas a knife", not_danger="in danger of fail*"
    )
    assert detector.match("im in danger of failing my exam") is None
    assert detector.match("im in danger") is not None
    found = detector.match("im in danger of failing my exam and he has a knife")
    assert found is not None and found.line == 4  # "has a knife": line 4 of the list


def test_the_first_danger_in_the_text_is_reported(tmp_path: Path) -> None:
    detector = tiny(tmp_path, threat="has a knife", suicide="want to die")
    found = detector.match("i want to die, he has a knife")
    assert found is not None and found.category == "suicide"


def test_a_phrase_at_the_end_of_a_4000_character_message_is_found(
    detector: DangerDetector,
) -> None:
    filler = "we talked about the weather and the garden and my sister's new job. " * 60
    assert len(filler) >= 4000
    assert detector.match(filler[:4000]) is None
    found = detector.match(filler[:3980] + " he has a knife")
    assert found is not None and found.category == "threat"


# --- list errors name file and line ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("help me\n[threat]\nx", 2, "before the first [section]"),
        ("[threats]\nhelp", 2, "unknown section"),
        ("[threat]\n* kill me", 3, "start or end with a lone *"),
        ("[threat]\nki*ll me", 3, "not sit inside"),
        ("[threat]\nhe*", 3, "at least 3 letters"),
        ("[threat]\n!!!", 3, "no words"),
        ("[threat]\nhe's outside\nHes outside!", 4, "same phrase as line 3"),
    ],
)
def test_list_errors_give_file_and_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = write_list(tmp_path, "xx")
    path.write_text("# header\n" + text + "\n" + path.read_text("utf-8"), encoding="utf-8")
    with pytest.raises(DangerListError) as error:
        DangerDetector.load(tmp_path, ["xx"])
    assert str(error.value).startswith(f"{path}:{line}:")
    assert problem in str(error.value)


def test_a_list_without_a_category_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xx" / "danger.txt"
    path.parent.mkdir()
    path.write_text("[threat]\nhe is outside\n[violence]\nhit me\n[medical]\nbleeding\n", "utf-8")
    with pytest.raises(DangerListError, match=r"danger.txt:6: no phrases in \[suicide\]"):
        DangerDetector.load(tmp_path, ["xx"])


def test_a_missing_list_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(DangerListError, match=r"zz/danger.txt:0: cannot read"):
        DangerDetector.load(tmp_path, ["zz"])
