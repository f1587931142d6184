"""Every rule of the flow loader has a broken fixture, and each names its rule, file and line.

``broken_flows/<code>/`` holds the files that differ from a valid flow set (the role flows of
``tests/support/role_flows/`` plus ``broken_flows/_base/main.yaml``); the test lays them over
that set, so each fixture is a whole flow set with exactly one mistake. The fixture says what it
expects in comments, not in Python: its first line is ``# rule: <code> — <what is wrong>``,
``# also: <code>`` names a second code its mistake cannot avoid, and ``# <-`` marks each line
the loader must point at (no mark: the problem has no line, reported as line 0).
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot.app import StaticData
from bot.engine import FlowError, load_flows
from bot.i18n.shipped import SHIPPED_LOCALES
from tests.support.flows import ROLE_FLOWS

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken_flows"
BASE = BROKEN / "_base"
RULES = sorted(path.name for path in BROKEN.iterdir() if path.is_dir() and not path.name.startswith("_"))
LOADER_SOURCES = [*sorted((ROOT / "bot" / "engine").glob("*.py")), ROOT / "bot" / "yamlsrc.py"]
MARK = "# <-"
_WHERE = re.compile(r"^(.+?:\d+): \[")


def lines_of(path: Path) -> list[str]:
    """The file's lines, even when it is not UTF-8 (the ``unreadable`` fixture is not)."""
    return path.read_bytes().decode("utf-8", errors="replace").splitlines()


def flow_set(tmp_path: Path, *fixtures: Path) -> Path:
    """A ``flows/`` folder: the valid base set with the fixtures' files laid over it.

    A fixture without any ``*.yaml`` is the folder as it is (``no-flows``: adding the base
    would give the loader flows to read).
    """
    flows = tmp_path / "flows"
    flows.mkdir()
    if any(path.suffix == ".yaml" for fixture in fixtures for path in fixture.iterdir()):
        for base in (ROLE_FLOWS, BASE):
            for path in base.glob("*.yaml"):
                shutil.copy(path, flows / path.name)
    for fixture in fixtures:
        for path in fixture.iterdir():
            shutil.copy(path, flows / path.name)
    return flows


def load_error(flows: Path, static: StaticData) -> FlowError:
    """Load as Haven does at start-up (shipped locales, registered views) and return the error."""
    with pytest.raises(FlowError) as raised:
        load_flows(flows, locales=SHIPPED_LOCALES, views=static.views.keys(), root=flows.parent)
    return raised.value


def marked(fixture: Path, flows: Path) -> set[str]:
    """Where the fixture says the loader must point, as ``path:line`` the way problems show it."""
    found = {
        f"flows/{path.name}:{number}"
        for path in fixture.iterdir()
        for number, line in enumerate(lines_of(path), start=1)
        if MARK in line
    }
    if found:
        return found
    yaml_files = [path for path in fixture.iterdir() if path.suffix == ".yaml"]
    return {f"flows/{yaml_files[0].name}:0" if yaml_files else f"{flows}:0"}


def reported(error: FlowError, code: str) -> set[str]:
    """The ``path:line`` of every problem with ``code``."""
    return {_WHERE.match(problem).group(1) for problem, got in zip(error.problems, error.codes, strict=True) if got == code}


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_is_reported_with_its_code_file_and_line(rule: str, static: StaticData, tmp_path: Path) -> None:
    """The fixture breaks only its rule, so the codes are exactly that one (plus a declared
    follow-up), and every problem points at a marked line: a person is sent to the mistake."""
    fixture = BROKEN / rule
    headers = [lines_of(path) for path in sorted(fixture.iterdir())]
    for lines in headers:
        assert lines[0].startswith(f"# rule: {rule} — "), lines[0]
    also = {match.group(1) for lines in headers for line in lines if (match := re.match(r"# also: ([a-z0-9-]+)", line))}
    error = load_error(flow_set(tmp_path, fixture), static)
    assert set(error.codes) == {rule, *also}, error.problems
    assert reported(error, rule) == marked(fixture, tmp_path / "flows"), error.problems


def _strings(expr: ast.AST, assigned: dict[str, list[ast.expr]], seen: frozenset[str] = frozenset()) -> Iterator[str]:
    """String constants in ``expr``, following a variable to the values assigned to it."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.Name) and node.id not in seen:
            for value in assigned.get(node.id, []):
                yield from _strings(value, assigned, seen | {node.id})


def emitted_codes() -> set[str]:
    """Every rule code the loader's source can report, read from the source itself.

    A code is the third argument of ``Problems.add(file, line, code, message)`` or in the codes
    of an error raised directly (``FlowError([...], ("no-flows",))``, yamlsrc's ``(code,)``).
    """
    codes: set[str] = set()
    for path in LOADER_SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add" and len(node.args) >= 3:
                codes.update(_strings(node.args[2], assigned))
            elif isinstance(node.func, ast.Name) and node.func.id.endswith("Error") and len(node.args) >= 2:
                codes.update(_strings(node.args[1], assigned))
    return codes


def test_every_code_the_loader_emits_has_a_fixture() -> None:
    """A new rule without a fixture fails here, and so does a fixture for a rule that is gone."""
    assert set(RULES) == emitted_codes()


def test_the_base_set_is_valid(static: StaticData, tmp_path: Path) -> None:
    """Fixtures are 'valid except one mistake' only if what they are laid over is valid."""
    load_flows(flow_set(tmp_path, BASE), locales=SHIPPED_LOCALES, views=static.views.keys(), root=tmp_path)


def test_the_shipped_flows_load_without_a_problem(static: StaticData) -> None:
    """Haven refuses to start on any flow problem, so the shipped flows must have none."""
    flows = load_flows(ROOT / "flows", locales=SHIPPED_LOCALES, views=static.views.keys(), root=ROOT)
    assert flows.start in flows.nodes and flows.menu in flows.nodes and flows.exit in flows.nodes


def test_all_problems_are_reported_in_one_run(static: StaticData, tmp_path: Path) -> None:
    """Mistakes in two files come back together, so one run of the check shows the whole list."""
    fixtures = (BROKEN / "unknown-target", BROKEN / "role-effect")
    error = load_error(flow_set(tmp_path, *fixtures), static)
    assert set(error.codes) == {"unknown-target", "role-effect"}
    flows = tmp_path / "flows"
    assert reported(error, "unknown-target") | reported(error, "role-effect") == set().union(
        *(marked(fixture, flows) for fixture in fixtures)
    )


def test_view_arguments_that_are_not_a_mapping_are_a_problem_not_a_crash(static: StaticData, tmp_path: Path) -> None:
    flows = flow_set(tmp_path, BASE)
    main = flows / "main.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("args: {target: menu}", "args: menu"), encoding="utf-8")
    assert "args: menu" in main.read_text(encoding="utf-8")
    error = load_error(flows, static)
    assert error.codes == ("bad-shape",)
    assert error.problems[0].startswith("flows/main.yaml:18: [bad-shape]")
