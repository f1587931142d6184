"""``haven flows diagram`` draws every flow, and the committed diagrams match the flows."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import load_static
from bot.cli import main
from bot.engine.model import Flows
from bot.tools.diagrams import flow_diagram

ROOT = Path(__file__).resolve().parents[2]


def shipped_flows() -> Flows:
    return load_static(ROOT).flows


def test_committed_diagrams_match_the_flows(tmp_path: Path) -> None:
    """Content people read flows/diagrams/: a diagram older than its flow would mislead them."""
    assert main(["flows", "diagram", "--out", str(tmp_path)]) == 0
    fresh = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.md")}
    committed = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "flows" / "diagrams").glob("*.md")}
    assert fresh == committed, "run `haven flows diagram` and commit flows/diagrams/"
    assert set(fresh) == {f"{path.stem}.md" for path in (ROOT / "flows").glob("*.yaml")}


def test_every_button_is_an_arrow_with_its_label() -> None:
    flows = shipped_flows()
    diagram = flow_diagram(flows, "main")
    menu = flows.nodes["main.menu"]
    for button in menu.buttons:
        if button.goto:
            target = button.goto.replace(".", "_")
            assert f'main_menu -->|"{button.label}"| {target}' in diagram
    assert 'rights_start(["rights.start"])' in diagram  # another flow's node: a rounded box


def test_labels_cannot_break_the_diagram() -> None:
    """Quotes, markup and braces in a text would end a Mermaid label early."""
    flows = shipped_flows()
    for flow in {node_id.split(".")[0] for node_id in flows.nodes}:
        for label in re.findall(r'"([^"\n]*)"', flow_diagram(flows, flow)):
            assert not re.search(r"[{}|]|<(?!/?b>|br/>)", label), (flow, label)
