"""The one text module: each variant forgives what people really type, and no more."""

from __future__ import annotations

import pytest
from bot.text import (
    contains_phrase,
    deletions,
    detection_form,
    fold,
    letter_runs,
    phrase_form,
    strip_accents,
    tokens,
    unspaced,
    within_one_edit,
)

# --- fold: buttons, menu keywords, language names ----------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("MATARME", "matarme"),  # capitals typed in panic
        ("Policía, ¡AYÚDAME!", "policia ayudame"),  # accents and punctuation left out
        ("ŞİDDET", "siddet"),  # Turkish dotted capital I is a plain i
        ("Straße", "strasse"),  # German ß typed as ss
        ("ＭＡＴＡＲＭＥ", "matarme"),  # full-width letters of an East Asian keyboard
        ("ﬁre", "fire"),  # typographic ligature
        ("مُساعدة", "مساعدة"),  # Arabic short vowels
        ("help\u200bme", "help me"),  # a zero-width space separates words, it does not glue them
    ],
)
def test_fold_makes_what_people_type_equal_to_what_was_written(typed: str, written: str) -> None:
    assert fold(typed) == fold(written) == written


def test_fold_drops_only_marks_people_leave_out() -> None:
    assert fold("Français") == "francais"
    assert fold("रूप") != fold("रेप")  # Hindi vowel signs are letters: "form" is not "rape"


def test_fold_turns_emoji_and_symbols_into_word_breaks() -> None:
    assert fold("help😭me!!!") == "help me"


def test_fold_with_every_mark_finds_country_names_however_marks_are_typed() -> None:
    assert fold("Türkiye!", every_mark=True) == "turkiye"
    assert fold("Côte d’Ivoire", every_mark=True) == "cote d ivoire"
    assert fold("भारत", every_mark=True) == fold("भरत", every_mark=True)  # a vowel sign left out
    assert fold("भारत") != fold("भरत"), "only the country variant drops vowel signs"


# --- phrase matching on folded text -------------------------------------------------------


def test_fold_and_contains_phrase_match_whole_words_only() -> None:
    assert contains_phrase(fold("Quiero HABLAR con alguien"), "hablar")
    assert not contains_phrase(fold("helpful"), "help")
    assert contains_phrase(fold("我需要帮助"), "帮助")  # no spaces in Chinese: anywhere


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("he’s outside", "he's", True),  # curly apostrophe typed, straight one written
        ("I need HELP.", "help", True),  # punctuation is a boundary
        ("(help)", "help", True),
        ("helpline", "help", False),  # a longer word is not the phrase
        ("talk to someone now", "talk to someone", True),
        ("talk to some one", "talk to someone", False),
        ("ช่วยด้วยค่ะ", "ช่วย", True),  # Thai has no spaces: found inside the sentence
        ("anything", "", False),  # an empty phrase never matches
    ],
)
def test_contains_phrase_finds_words_at_their_boundaries(text: str, phrase: str, found: bool) -> None:
    assert contains_phrase(fold(text), phrase) is found


@pytest.mark.parametrize("text", ["帮助", "ช่วย", "ຊ່ວຍ", "助けて", "ကူညီ", "ជួយ"])
def test_unspaced_recognises_scripts_written_without_spaces(text: str) -> None:
    assert unspaced(text)


@pytest.mark.parametrize("text", ["help", "помогите", "مساعدة", "मदद", "እርዳታ", "도와주세요"])
def test_spaced_scripts_are_not_unspaced(text: str) -> None:
    assert not unspaced(text)


# --- phrase_form and tokens: danger phrases and lexicons ----------------------------------


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("HE'S OUTSIDEEEE", "hes outside"),  # capitals, apostrophe, repeated letters
        ("he’s outside", "hes outside"),  # a phone's curly apostrophe
        ("heʼs outside", "he's outside"),  # the modifier-letter apostrophe some keyboards type
        ("está afuera", "esta afuera"),  # accents left out
        ("ﾍﾙﾌﾟ", "ヘルプ"),  # half-width forms
        ("ＭＡＴＡＲＭＥ", "matarme"),  # full-width forms
        ("ŞİDDET", "şiddet"),  # Turkish capitals
        ("قـــتـــل", "قتل"),  # Arabic tatweel stretching a word
        ("يَقْتُلُنِي", "يقتلني"),  # Arabic vowel marks
        ("يقتلني", "یقتلنی"),  # Arabic and Persian keyboards' yeh
        ("he\u200bis", "heis"),  # an invisible zero-width space
        ("किल\u200d", "किल"),  # a zero-width joiner
    ],
)
def test_phrase_form_forgives_what_phones_and_panic_change(typed: str, listed: str) -> None:
    assert phrase_form(typed) == phrase_form(listed)


def test_phrase_form_keeps_indic_vowel_signs_which_are_letters() -> None:
    assert phrase_form("मरना") != phrase_form("मारना")  # to die, to kill


def test_phrase_form_collapses_repeated_letters_but_not_digits() -> None:
    assert phrase_form("heeeelp") == phrase_form("help")
    assert phrase_form("112") != phrase_form("12")  # an emergency number stays itself


def test_tokens_split_unspaced_scripts_into_characters() -> None:
    assert tokens("他要杀我") == ["他", "要", "杀", "我"]
    assert tokens("he has a knife 😭") == ["he", "has", "a", "knife"]


def test_tokens_treat_emoji_and_punctuation_as_word_breaks() -> None:
    assert tokens("help😭me...now") == ["help", "me", "now"]
    assert tokens("can't") == tokens("cant") == ["cant"]


# --- one typo -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("unconscious", "unconcious", True),  # a letter missing
        ("braethe", "breathe", True),  # two neighbours swapped
        ("knifes", "knives", True),  # one letter wrong
        ("kill", "killl", True),  # one letter extra
        ("kill", "kill", True),
        ("knife", "wife", False),
        ("stab", "stabbed", False),
        ("abcd", "badc", False),  # two swaps are two typos
    ],
)
def test_one_edit_is_one_letter_missing_extra_wrong_or_swapped(a: str, b: str, near: bool) -> None:
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


def test_deletions_are_every_way_to_leave_one_letter_out() -> None:
    assert deletions("kill") == {"ill", "kil", "kll"}
    assert "kill" in deletions("kilil")  # the index finds "kilil" from "kill"


# --- language detection -------------------------------------------------------------------


def test_detection_keeps_what_tells_languages_apart() -> None:
    assert detection_form("İSTANBUL’DA") == "istanbul'da"
    assert strip_accents("đi đâu") == "di dau"
    assert letter_runs("qu'il aidez-moi") == ["qu", "il", "aidez", "moi"]


def test_detection_form_keeps_letters_that_are_evidence() -> None:
    assert detection_form("STRASSE Straße") == "strasse straße"  # ß is German, not "ss"
    assert detection_form("ЁЛКА") == "ёлка"  # ё is Russian
    assert detection_form("help 😭") == "help 😭"  # emoji kept: they are no language, nor removed
    assert detection_form("می\u200cترسم") == "میترسم"  # Persian half-space typed or not


def test_strip_accents_finds_words_typed_without_accents() -> None:
    assert strip_accents("policía") == "policia"
    assert strip_accents("ayúdame") == "ayudame"
    assert strip_accents("مُساعدة") == "مساعدة"
    assert strip_accents("मदद चाहिए") == "मदद चाहिए"  # Indic vowel signs are letters


def test_letter_runs_split_on_digits_and_emoji_and_keep_marks_in_words() -> None:
    assert letter_runs("ayuda😭112por favor") == ["ayuda", "por", "favor"]
    assert letter_runs("मुझे मदद") == ["मुझे", "मदद"]
