"""The one text module: each variant forgives what people really type, and no more."""

from __future__ import annotations

import pytest
from bot.text import (
    contains_phrase,
    detection_form,
    fold,
    letter_runs,
    phrase_form,
    strip_accents,
    tokens,
    within_one_edit,
)


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("HE'S OUTSIDEEEE", "hes outside"),  # capitals, apostrophe, repeated letters
        ("he’s outside", "hes outside"),  # a phone's curly apostrophe
        ("está afuera", "esta afuera"),  # accents left out
        ("ﾍﾙﾌﾟ", "ヘルプ"),  # half-width forms
        ("قـــتـــل", "قتل"),  # Arabic tatweel stretching a word
        ("he\u200bis", "heis"),  # an invisible zero-width space
    ],
)
def test_phrase_form_forgives_what_phones_and_panic_change(typed: str, listed: str) -> None:
    assert phrase_form(typed) == phrase_form(listed)


def test_phrase_form_keeps_indic_vowel_signs_which_are_letters() -> None:
    assert phrase_form("मरना") != phrase_form("मारना")  # to die, to kill


def test_tokens_split_unspaced_scripts_into_characters() -> None:
    assert tokens("他要杀我") == ["他", "要", "杀", "我"]
    assert tokens("he has a knife 😭") == ["he", "has", "a", "knife"]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [("unconscious", "unconcious", True), ("braethe", "breathe", True), ("knife", "wife", False), ("stab", "stabbed", False)],
)
def test_one_edit_is_one_letter_missing_extra_wrong_or_swapped(a: str, b: str, near: bool) -> None:
    assert within_one_edit(a, b) is near


def test_fold_and_contains_phrase_match_whole_words_only() -> None:
    assert contains_phrase(fold("Quiero HABLAR con alguien"), "hablar")
    assert not contains_phrase(fold("helpful"), "help")
    assert contains_phrase(fold("我需要帮助"), "帮助")  # no spaces in Chinese: anywhere


def test_fold_drops_only_marks_people_leave_out() -> None:
    assert fold("Français") == "francais"
    assert fold("रूप") != fold("रेप")


def test_country_names_lose_every_mark() -> None:
    assert fold("Türkiye!", every_mark=True) == "turkiye"
    assert fold("Côte d’Ivoire", every_mark=True) == "cote d ivoire"


def test_detection_keeps_what_tells_languages_apart() -> None:
    assert detection_form("İSTANBUL’DA") == "istanbul'da"
    assert strip_accents("đi đâu") == "di dau"
    assert letter_runs("qu'il aidez-moi") == ["qu", "il", "aidez", "moi"]
