"""Every validation rule of the flow loader, each with a broken fixture naming file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.engine import FlowError, load_flows

BROKEN = Path(__file__).parent / "broken_flows"

CASES = [
    ("duplicate_node_id.yaml", 12, "duplicate node id 'main.menu' (first at broken.yaml:7)"),
    ("unknown_target.yaml", 11, "unknown target 'main.nowhere'"),
    ("unreachable_node.yaml", 12, "unreachable node 'main.island'"),
    ("dead_end.yaml", 12, "dead end: node 'main.trap'"),
    ("missing_text.yaml", 12, "node 'main.silent' has no text"),
    ("label_too_long.yaml", 12, "label is 52 characters; keep it within 40"),
    ("callback_data_too_long.yaml", 15, "exceeds Telegram's 64 bytes"),
    ("duplicate_button_id.yaml", 12, "duplicate button id 'a' (first on line 11)"),
    ("unknown_effect.yaml", 15, "unknown effect 'teleport'"),
    ("bad_condition.yaml", 15, "a condition needs exactly one of eq, ne, in, not_in, set"),
    ("yaml_syntax_error.yaml", 7, "found unexpected end of stream"),
    ("duplicate_key.yaml", 6, "duplicate key 'text' (first on line 5)"),
    ("next_loop.yaml", 12, "'next' loops back to 'main.ping'"),
    ("unknown_key.yaml", 10, "unknown key 'buttonz' in node"),
    ("wrong_version.yaml", 1, "'version' must be 1"),
    ("lang_not_shipped.yaml", 15, "'lang' names a locale that is not shipped: 'tlh'"),
    ("unknown_view.yaml", 7, "unknown view 'crystal_ball'"),
    ("missing_menu.yaml", 1, "node 'main.menu' is missing"),
]


def load_broken(name: str, tmp_path: Path) -> list[str]:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(BROKEN / name, flows / "broken.yaml")
    with pytest.raises(FlowError) as raised:
        load_flows(flows, locales=SHIPPED_LOCALES, views=["languages"], root=tmp_path / "flows")
    return raised.value.problems


@pytest.mark.parametrize(("fixture", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_with_file_and_line(fixture: str, line: int, message: str, tmp_path: Path) -> None:
    problems = load_broken(fixture, tmp_path)
    where = "flows" if line == 0 else "broken.yaml"
    expected = f"{where}:{line}: "
    assert any(p.startswith(expected) and message in p for p in problems), problems


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(c[0] for c in CASES)


def test_the_shipped_flows_load_without_problems(static) -> None:
    flows = static.flows
    assert flows.start in flows.nodes and flows.menu in flows.nodes and flows.exit in flows.nodes


def test_all_problems_are_reported_in_one_run(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    for name in ("unknown_target.yaml", "label_too_long.yaml"):
        text = (BROKEN / name).read_text().replace("flow: main", f"flow: {name.split('.')[0]}")
        (flows / name).write_text(text)
    with pytest.raises(FlowError) as raised:
        load_flows(flows, root=flows)
    text = str(raised.value)
    assert "unknown_target.yaml:11: [unknown-target] unknown target" in text
    assert "label_too_long.yaml:12: [label-too-long] label is 52 characters" in text
