"""The help directory data: every rule of the loader, and the shipped data against the reference."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from bot.directory import Directory, DirectoryError, check
from bot.directory.loader import read_directory

BROKEN = Path(__file__).parent / "broken_directory"
# CI clones the project with the shared reference beside it (../shared/data/hotlines.yaml).
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hotlines.yaml"
_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

CASES = [
    ("duplicate_id.yaml", 15, "duplicate-id"),
    ("missing_source.yaml", 12, "missing-source"),
    ("bad_source_url.yaml", 12, "bad-url"),
    ("unknown_kind.yaml", 7, "unknown-kind"),
    ("no_kind.yaml", 7, "no-kind"),
    ("malformed_hours_day.yaml", 14, "bad-day"),
    ("malformed_hours_time.yaml", 14, "bad-time"),
    ("malformed_hours_tz.yaml", 12, "unknown-time-zone"),
    ("malformed_hours_to_equals_from.yaml", 16, "empty-span"),
    ("malformed_hours_word.yaml", 11, "bad-hours"),
    ("bad_country_code.yaml", 5, "unknown-country"),
    ("country_mismatch.yaml", 5, "country-mismatch"),
    ("bad_id.yaml", 4, "bad-id"),
    ("bad_phone_display.yaml", 10, "bad-phone"),
    ("bad_phone_tel.yaml", 11, "bad-phone"),
    ("bad_phone_mismatch.yaml", 11, "phone-mismatch"),
    ("bad_email.yaml", 11, "bad-email"),
    ("no_channel.yaml", 8, "no-channel"),
    ("chat_not_https.yaml", 9, "not-https"),
    ("unknown_language.yaml", 12, "unknown-language"),
    ("bad_emergency_number.yaml", 4, "bad-emergency-number"),
    ("bad_emergency_sms.yaml", 7, "bad-emergency-sms"),
    ("unknown_silent_call.yaml", 6, "bad-silent-call"),
    ("missing_verified.yaml", 4, "missing-verified"),
    ("bad_verified_date.yaml", 13, "bad-date"),
    ("missing_field.yaml", 4, "missing-field"),
    ("wrong_type.yaml", 12, "wrong-type"),
    ("unknown_field.yaml", 7, "unknown-field"),
    ("unknown_confirmed_in.yaml", 12, "unknown-confirmed-in"),
    ("available_in_outside_eu.yaml", 22, "available-in-outside-eu"),
    ("missing_available_in.yaml", 4, "missing-available-in"),
    ("duplicate_key.yaml", 7, "duplicate-key"),
    ("wrong_version.yaml", 1, "wrong-version"),
    ("yaml_syntax_error.yaml", 8, "yaml-syntax"),
]
# Rules that no single file in broken_directory/ can break: each has its own test below.
WHOLE_DIRECTORY_RULES = {"no-files", "unreadable"}


@pytest.mark.parametrize(("fixture", "line", "code"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_once_with_its_file_line_and_rule(fixture: str, line: int, code: str, tmp_path: Path) -> None:
    shutil.copy(BROKEN / fixture, tmp_path / fixture)
    with pytest.raises(DirectoryError) as error:
        Directory.load(tmp_path)
    assert error.value.codes == (code,), error.value.problems
    assert error.value.problems[0].startswith(f"{tmp_path}/{fixture}:{line}: [{code}] "), error.value.problems


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(c[0] for c in CASES)


def test_every_rule_code_is_documented_and_broken_by_a_fixture_or_a_test(root: Path) -> None:
    readme = (root / "flows" / "directory" / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme.split("## Rule codes", 1)[1], re.MULTILINE))
    assert documented == {c[2] for c in CASES} | WHOLE_DIRECTORY_RULES


def test_a_directory_without_files_is_an_error(tmp_path: Path) -> None:
    assert check(tmp_path) == [f"{tmp_path}:0: [no-files] no directory files (*.yaml) found"]


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / "de.yaml").write_bytes((BROKEN / "missing_source.yaml").read_bytes().replace(b"Example", b"Exempl\xe4"))
    assert check(tmp_path) == [f"{tmp_path}/de.yaml:0: [unreadable] cannot read: UnicodeDecodeError"]


def test_a_duplicate_id_in_another_file_names_the_first_file(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "malformed_hours_word.yaml", tmp_path / "a.yaml")  # id de-example, broken hours
    text = (BROKEN / "missing_source.yaml").read_text(encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("sources: []", "sources: [https://example.org/s]"), encoding="utf-8")
    problems = check(tmp_path)
    assert f"{tmp_path}/b.yaml:4: [duplicate-id] duplicate id 'de-example' (first at {tmp_path}/a.yaml:4)" in problems


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


def test_evidence_is_accepted_and_a_misspelt_field_is_still_refused(tmp_path: Path) -> None:
    text = (BROKEN / "missing_source.yaml").read_text(encoding="utf-8").replace("sources: []", "sources: [https://example.org/s]")
    evidence = "    evidence: 'Call 0800 000 000, free, 24 hours a day'\n"
    (tmp_path / "de.yaml").write_text(text + evidence, encoding="utf-8")
    services, _, problems = read_directory(tmp_path)
    assert problems == []
    assert services[0].evidence == "Call 0800 000 000, free, 24 hours a day"
    (tmp_path / "de.yaml").write_text(text + evidence.replace("evidence:", "evidense:"), encoding="utf-8")
    problems = check(tmp_path)
    assert len(problems) == 1 and "[unknown-field] unknown field 'evidense'" in problems[0], problems


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
        # From the reference (2026-11-21), or read on a published page whose words are quoted.
        assert entry.verified == "2026-11-21" or (entry.verified == "2026-12-02" and getattr(entry, "evidence", None))
        assert entry.verified_by


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
