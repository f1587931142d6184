"""The help directory data: every rule of the loader, and the shipped data against the reference."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from bot.directory import Directory, check
from bot.directory.loader import read_directory

BROKEN = Path(__file__).parent / "broken_directory"
# CI clones the project with the shared reference beside it (../shared/data/hotlines.yaml).
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hotlines.yaml"
_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

CASES = [
    ("duplicate_id.yaml", 15, "duplicate id 'de-example' (first at {dir}/duplicate_id.yaml:4)"),
    ("missing_source.yaml", 12, "missing source"),
    ("unknown_kind.yaml", 7, "unknown kind 'astrology'"),
    ("malformed_hours_day.yaml", 14, "malformed hours: bad day 'mon-fry'"),
    ("malformed_hours_time.yaml", 14, "malformed hours: bad time '25:00'"),
    ("malformed_hours_tz.yaml", 12, "malformed hours: unknown time zone 'Europe/Berlim'"),
    ("malformed_hours_to_equals_from.yaml", 16, "malformed hours: 'to' equals 'from'"),
    ("malformed_hours_word.yaml", 11, "malformed hours: use 24/7, unknown"),
    ("bad_country_code.yaml", 5, "bad country code 'XY'"),
    ("bad_phone_display.yaml", 10, "bad phone 'call 0800 000 000'"),
    ("bad_phone_tel.yaml", 11, "bad phone '0049 800 000 000': 'tel' must be international (E.164)"),
    ("bad_phone_mismatch.yaml", 11, "bad phone: 'tel' +49 800 111 111 and 'display' 0800 000 000 are different"),
    ("bad_emergency_number.yaml", 4, "bad phone '11O': an emergency number is 2-6 digits"),
    ("missing_verified.yaml", 4, "missing verified date"),
    ("bad_verified_date.yaml", 13, "'verified' must be a date YYYY-MM-DD, not '21.11.2026'"),
    ("unknown_field.yaml", 7, "unknown field 'opening_times' in service"),
    ("duplicate_key.yaml", 7, "duplicate key 'name' (first on line 6)"),
    ("wrong_version.yaml", 1, "'version' must be 1"),
    ("yaml_syntax_error.yaml", 8, "expected ',' or ']'"),
    ("chat_not_https.yaml", 9, "'chat' must be an https URL"),
    ("available_in_outside_eu.yaml", 22, "'available_in' is only for EU-wide entries"),
    ("unknown_silent_call.yaml", 6, "'how' must be dial_code or leave_line_open"),
]


@pytest.mark.parametrize(("fixture", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_once_with_its_file_and_line(
    fixture: str, line: int, message: str, tmp_path: Path
) -> None:
    shutil.copy(BROKEN / fixture, tmp_path / fixture)
    problems = check(tmp_path)
    assert len(problems) == 1, problems
    where = f"{tmp_path}/{fixture}:{line}: "
    assert problems[0].startswith(where), problems
    assert message.format(dir=tmp_path) in problems[0], problems


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(c[0] for c in CASES)


def test_a_duplicate_id_in_another_file_names_the_first_file(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "malformed_hours_word.yaml", tmp_path / "a.yaml")  # id de-example, broken hours
    text = (BROKEN / "missing_source.yaml").read_text(encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("sources: []", "sources: [https://example.org/s]"), encoding="utf-8")
    problems = check(tmp_path)
    assert f"{tmp_path}/b.yaml:4: duplicate id 'de-example' (first at {tmp_path}/a.yaml:4)" in problems


def test_a_bare_time_is_read_as_written_not_as_a_yaml_number(tmp_path: Path) -> None:
    # Plain YAML reads 22:00 as the integer 1320 and 0800 as octal; the loader must not.
    text = (BROKEN / "malformed_hours_day.yaml").read_text(encoding="utf-8")
    text = text.replace('{days: mon-fry, from: "09:00", to: "17:00"}', "{days: mon-fri, from: 09:00, to: 22:00}")
    (tmp_path / "de.yaml").write_text(text, encoding="utf-8")
    services, _, problems = read_directory(tmp_path)
    assert problems == []
    slot = services[0].hours.slots[0]
    assert (slot.start.hour, slot.end.hour) == (9, 22)
    assert services[0].main_phone.display == "0800 000 000"


# ---- the shipped data ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped(root: Path) -> tuple[list, dict, list[str]]:
    return read_directory(root / "flows" / "directory")


@pytest.fixture(scope="module")
def reference() -> dict:
    if not REFERENCE.exists():
        pytest.skip("the hotlines.yaml reference is not on this machine")
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


def test_the_shipped_directory_loads_without_problems(root: Path) -> None:
    assert check(root / "flows" / "directory") == []
    assert "DE" in Directory.load(root / "flows" / "directory").countries()


def test_every_entry_names_its_sources_and_verification(shipped) -> None:
    services, emergencies, _ = shipped
    for entry in [*services, *emergencies.values()]:
        assert entry.sources and all(s.startswith(("http://", "https://")) for s in entry.sources)
        assert entry.verified == "2026-11-21" and entry.verified_by


def _digits(text: str) -> str:
    return re.sub(r"\D", "", str(text))


def test_every_confirmed_reference_number_is_in_the_directory_unchanged(shipped, reference) -> None:
    services = {s.id: s for s in shipped[0]}
    for ref in reference["services"]:
        assert ref["id"] in services, ref["id"]
        if not ref.get("phone"):
            continue
        main = _digits(str(ref["phone"]).split("(")[0])
        numbers = {_digits(p.tel or "") for p in services[ref["id"]].channels.phones}
        numbers |= {_digits(p.display) for p in services[ref["id"]].channels.phones}
        assert main in numbers, ref["id"]
    for ref in reference["emergency"]:
        assert shipped[1][ref["country"]].number == _digits(str(ref["number"]).split("(")[0]), ref["country"]


def _numbers(text: str) -> set[str]:
    """Phone-like digit runs in free text: 3+ digits, at most one separator between digits."""
    return {_digits(m) for m in re.findall(r"[*+]?\d(?:[ .\-*#]?\d)*#?", text) if len(_digits(m)) >= 3}


def _confirmed_numbers(reference: dict, country: str) -> set[str]:
    """Numbers the reference confirms as a service's phone or an emergency number."""
    found = {_digits(str(s["phone"]).split("(")[0]) for s in reference["services"] if s["country"] == country and s.get("phone")}
    for entry in reference["emergency"]:
        if entry["country"] == country:
            values = [entry["number"], *(entry.get("also") or []), entry.get("police"), entry.get("ambulance"), entry.get("fire")]
            found |= {_digits(str(v).split("(")[0]) for v in values if v}
    return found


def test_no_unconfirmed_number_appears_under_flows(root: Path, reference) -> None:
    flow_files = list((root / "flows").rglob("*.yaml"))
    everything = {p: _numbers(p.read_text(encoding="utf-8")) for p in flow_files}
    checked = 0
    for item in reference["unconfirmed"]:
        if item["country"] == "EU":
            continue  # 116 016 outside Germany: see the next test
        mentioned = _numbers(f"{item['name']} {item['believed']}") - _confirmed_numbers(reference, item["country"])
        own_file = root / "flows" / "directory" / f"{item['country'].lower()}.yaml"
        for number in mentioned:
            checked += 1
            assert number not in everything[own_file], (item["name"], number)
            if len(number) >= 7:  # a full number must not appear in any file at all
                assert not any(number in n for found in everything.values() for n in found), (item["name"], number)
    assert checked >= 18  # every unconfirmed number the reference lists was looked for


def test_116_016_is_offered_only_in_germany(root: Path) -> None:
    directory = Directory.load(root / "flows" / "directory")
    for country in directory.countries():
        numbers = {p.display for s in directory.find(country, None, None, _NOON) for p in s.channels.phones}
        assert ("116 016" in numbers) == (country == "DE"), country


def test_hours_the_reference_does_not_confirm_stay_unknown(shipped) -> None:
    services = {s.id: s for s in shipped[0]}
    for service_id in ("tr-alo-183", "gb-mens-advice-line"):
        assert not services[service_id].hours.known


def test_police_run_lines_are_marked(shipped) -> None:
    police = {s.id for s in shipped[0] if s.police_run}
    assert {"es-trata-policia", "co-155", "ph-911-vawc", "tr-kades"} <= police


def test_lines_confirmed_only_in_code_repositories_say_so(shipped) -> None:
    services = {s.id: s for s in shipped[0]}
    for service_id in ("gb-rapecrisis-ew", "ca-on-awhl", "mx-rnr"):
        assert services[service_id].confirmed_in == "code_repositories"
