"""Finding help: country names in many languages, open-now at a fixed clock, ranking, needs."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from bot.directory import NEEDS, Directory, is_open, likely_countries, match_country
from bot.directory.model import Channels, Hours, Phone, Service, Slot
from bot.directory.query import next_opening

SHIPPED_LOCALES = ["en", "es", "fr", "de", "it", "nl", "pl", "uk", "ru", "ro", "pt_BR", "ar", "fa", "tr",
                   "hi", "ur", "bn", "th", "vi", "fil", "sw", "zh_Hans", "am", "ti"]  # fmt: skip
UTC = UTC


@pytest.fixture(scope="module")
def directory(root: Path) -> Directory:
    return Directory.load(root / "flows" / "directory")


def make_service(service_id: str = "xx-line", **changes: object) -> Service:
    fields: dict[str, object] = {
        "id": service_id, "country": "GB", "name": service_id, "kinds": ("dv_hotline",),
        "channels": Channels(phones=(Phone("0800 000 000"),)), "hours": Hours(always=True),
        "sources": ("https://example.org",), "verified": "2026-11-21", "verified_by": "test",
    }  # fmt: skip
    fields.update(changes)
    return Service(**fields)


# ---- country names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Alemania", "DE"),  # es
        ("Deutschland", "DE"),  # de
        ("germany", "DE"),  # en, lower case
        ("Германия", "DE"),  # ru, Cyrillic
        ("ألمانيا", "DE"),  # ar
        ("المانيا", "DE"),  # ar written without the hamza
        ("德国", "DE"),  # zh_Hans
        ("我在德国", "DE"),  # zh_Hans inside a sentence without spaces
        ("Royaume-Uni", "GB"),  # fr
        ("Україна", "UA"),  # uk
        ("méxico", "MX"),  # accent kept
        ("Mexico", "MX"),  # accent dropped
        ("Türkei", "TR"),  # de
        ("Turkey", "TR"),  # older English name CLDR no longer uses
        ("USA", "US"),
        ("UK", "GB"),
        ("EE.UU.", "US"),
        ("DE", "DE"),  # an ISO code typed in capitals
        ("I live in Spain", "ES"),
        ("estoy en alemania", "DE"),
        ("I am in the UK", "GB"),
        ("germny", "DE"),  # small typo
        ("philipines", "PH"),
        ("Japan", "JP"),  # no directory data, still recognised
    ],
)
def test_country_names_in_many_languages_and_scripts(text: str, code: str) -> None:
    assert match_country(text, SHIPPED_LOCALES) == code


@pytest.mark.parametrize("text", ["de", "no", "in", "please help us", "hello", "ok", "", "Iraw"])
def test_words_that_are_not_clearly_a_country_match_nothing(text: str) -> None:
    # "de" is Spanish/French for "of", "no" is no: a lower-case code must not shadow words.
    assert match_country(text, SHIPPED_LOCALES) is None


def test_close_spellings_are_compared_only_with_names_sharing_letter_pairs_yet_none_is_lost() -> None:
    """The pair filter only saves time: every name within the cutoff is still compared."""
    import difflib
    import random

    from bot.directory.countries import _FUZZY_CUTOFF, _fuzzy_names, _sharing_pairs

    names, _ = _fuzzy_names(tuple(SHIPPED_LOCALES))
    rng = random.Random(7)
    for name in rng.sample(names, 300):
        at = rng.randrange(len(name))
        typed = name[:at] + rng.choice("aeioxz") + name[at + 1 :]
        everything = difflib.get_close_matches(typed, names, n=5, cutoff=_FUZZY_CUTOFF)
        compared = _sharing_pairs(typed, tuple(SHIPPED_LOCALES))
        assert difflib.get_close_matches(typed, compared, n=5, cutoff=_FUZZY_CUTOFF) == everything, typed


def test_names_of_the_survivor_locale_are_found_without_other_locales() -> None:
    assert match_country("Niemcy", ["pl"]) == "DE"
    assert match_country("Niemcy", ["es"]) is None


def test_likely_countries_follow_where_the_language_is_spoken(directory: Directory) -> None:
    available = directory.countries()
    assert likely_countries("uk", available)[0] == "UA"
    assert likely_countries("pt_BR", available)[0] == "BR"
    assert likely_countries("es", available)[:4] and set(likely_countries("es", available)[:4]) <= {"AR", "ES", "CO", "MX"}
    assert "US" in likely_countries("en", available)
    assert len(likely_countries("en", available, limit=3)) == 3
    assert likely_countries("am", available) == []  # no country with data speaks Amharic widely


# ---- open now ----------------------------------------------------------------------------------

GALOP_LIKE = Hours(
    tz="Europe/London",
    slots=(
        Slot(frozenset({0, 1, 2, 3}), time(10, 0), time(20, 30)),
        Slot(frozenset({4}), time(10, 0), time(16, 30)),
    ),
)
NIGHT_LINE = Hours(tz="America/New_York", slots=(Slot(frozenset({4}), time(22, 0), time(2, 0)),))  # Fri 22:00-02:00


@pytest.mark.parametrize(
    ("hours", "now", "expected"),
    [
        (GALOP_LIKE, datetime(2026, 11, 23, 9, 59, tzinfo=UTC), False),  # Monday, London = UTC in winter
        (GALOP_LIKE, datetime(2026, 11, 23, 10, 0, tzinfo=UTC), True),
        (GALOP_LIKE, datetime(2026, 11, 23, 20, 30, tzinfo=UTC), False),  # closing time is exclusive
        (GALOP_LIKE, datetime(2026, 7, 6, 9, 30, tzinfo=UTC), True),  # summer: 10:30 BST
        (GALOP_LIKE, datetime(2026, 11, 27, 17, 0, tzinfo=UTC), False),  # Friday closes at 16:30
        (GALOP_LIKE, datetime(2026, 11, 28, 12, 0, tzinfo=UTC), False),  # Saturday
        (NIGHT_LINE, datetime(2026, 11, 28, 3, 30, tzinfo=UTC), True),  # Fri 22:30 in New York
        (NIGHT_LINE, datetime(2026, 11, 28, 6, 30, tzinfo=UTC), True),  # Sat 01:30, still Friday's slot
        (NIGHT_LINE, datetime(2026, 11, 28, 7, 30, tzinfo=UTC), False),  # Sat 02:30
        (NIGHT_LINE, datetime(2026, 11, 29, 6, 30, tzinfo=UTC), False),  # Sun 01:30: Saturday has no slot
    ],
)
def test_open_now_in_the_services_own_time_zone(hours: Hours, now: datetime, expected: bool) -> None:
    assert is_open(make_service(hours=hours), now) is expected


def test_unknown_hours_are_neither_open_nor_closed() -> None:
    assert is_open(make_service(hours=Hours()), datetime(2026, 11, 23, 12, tzinfo=UTC)) is None
    assert is_open(make_service(), datetime(2026, 11, 23, 3, tzinfo=UTC)) is True


def test_next_opening_after_the_weekend() -> None:
    opening = next_opening(make_service(hours=GALOP_LIKE), datetime(2026, 11, 28, 12, tzinfo=UTC))
    assert opening is not None and (opening.weekday(), opening.hour) == (0, 10)


def test_shipped_hours_use_each_services_zone(directory: Directory) -> None:
    weisser_ring = next(
        s for s in directory.find("DE", "legal", None, datetime(2026, 1, 1, tzinfo=UTC)) if s.id == "de-weisser-ring"
    )
    assert is_open(weisser_ring, datetime(2026, 11, 23, 6, 30, tzinfo=UTC)) is True  # 07:30 in Berlin
    assert is_open(weisser_ring, datetime(2026, 11, 23, 5, 30, tzinfo=UTC)) is False  # 06:30 in Berlin


# ---- ranking ----------------------------------------------------------------------------------


def test_ranking_order_open_then_language_then_free_then_police() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)  # Saturday: the weekday line is closed
    services = [
        make_service("gb-closed", hours=GALOP_LIKE, languages=("es",), free=True),
        make_service("gb-unknown", hours=Hours(), languages=("es",), free=True),
        make_service("gb-english", languages=("en",), free=True),
        make_service("gb-interpreters", interpreters=True, free=True),
        make_service("gb-police", languages=("es",), free=True, police_run=True),
        make_service("gb-paid", languages=("es",), free="unknown"),
        make_service("gb-regional", languages=("es",), free=True, region="Scotland"),
        make_service("gb-best", languages=("es",), free=True),
    ]
    ranked = [s.id for s in Directory(services, {}).find("GB", "talk_now", "es", now)]
    # 24/7 or open, then speaks Spanish (interpreters count half), then free, then not
    # police-run, then nationwide; unknown hours before known-closed.
    assert ranked == [
        "gb-best",
        "gb-regional",
        "gb-police",
        "gb-paid",
        "gb-interpreters",
        "gb-english",
        "gb-unknown",
        "gb-closed",
    ]


def test_ranking_puts_the_services_main_purpose_first_and_filters_the_need() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    services = [
        make_service("gb-hotline", kinds=("dv_hotline", "shelter_referral")),
        make_service("gb-refuge", kinds=("shelter_referral",), hours=GALOP_LIKE),  # closed now
        make_service("gb-trafficking", kinds=("trafficking",)),
    ]
    ranked = [s.id for s in Directory(services, {}).find("GB", "safe_place", None, now)]
    assert ranked == ["gb-refuge", "gb-hotline"]


def test_a_need_nobody_answers_gives_an_empty_list(directory: Directory) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert directory.find("VN", "lgbtq", "vi", now) == []
    assert directory.find("JP", None, "en", now) == []


def test_every_need_is_answerable_somewhere(directory: Directory) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    for need in NEEDS:
        assert any(directory.find(c, need, None, now) for c in directory.countries()), need


def test_the_uk_list_for_a_survivor_puts_nationwide_24_7_lines_first(directory: Directory) -> None:
    now = datetime(2026, 11, 28, 23, tzinfo=UTC)
    found = directory.find("GB", "all", "en", now)
    assert found[0].id == "gb-ndah"
    assert found.index(next(s for s in found if s.region)) > found.index(found[0])
    galop = next(s for s in found if s.id == "gb-galop")
    assert found.index(galop) == len(found) - 1  # closed on Saturday night


def test_eu_wide_lines_only_where_confirmed_and_not_twice(directory: Directory) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    nl = [s.id for s in directory.find("NL", None, None, now)]
    fr = [s.id for s in directory.find("FR", None, None, now)]
    es = [s.id for s in directory.find("ES", None, None, now)]
    assert "eu-116006" in nl  # no Dutch entry gives 116 006
    assert "eu-116006" not in fr and "fr-116006" in fr  # France's own entry already does
    assert not any(i.startswith("eu-") for i in es)
    assert "EU" not in directory.countries()


def test_24_7_lines_are_nationwide_phone_lines(directory: Directory) -> None:
    gb = [s.id for s in directory.lines_24_7("GB")]
    assert gb[:2] == ["gb-ndah", "gb-rapecrisis-ew"]
    assert "gb-sct-dafmh" not in gb  # Scotland only
    assert "gb-galop" not in gb and "gb-childline" not in gb
    assert "ph-911-vawc" not in [s.id for s in directory.lines_24_7("PH")]  # repeats the emergency number


def test_emergency_for_known_and_unknown_countries(directory: Directory) -> None:
    assert directory.emergency("GB").number == "999"
    assert directory.emergency("gb").number == "999"
    unknown = directory.emergency(None)
    assert unknown.country is None and unknown.number == "112"
    assert set(unknown.countries_911) == {"US", "CA", "MX", "AR", "PH"}
    assert directory.emergency("JP") == unknown
    assert Directory([], {}).emergency("JP") is None
