"""Renaming what Python relies on makes the flow check fail, naming the file, line and rule."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bot.app import StaticData
from bot.engine import FlowError, load_flows
from bot.engine.contract import ROLES, RequiredButton, Role
from bot.i18n.shipped import SHIPPED_LOCALES

ROOT = Path(__file__).resolve().parents[2]


def shipped_copy(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    flows.mkdir()
    for path in (ROOT / "flows").glob("*.yaml"):
        shutil.copy(path, flows / path.name)
    return flows


def rename_node(flows: Path, node: str, new: str) -> None:
    """Rename a node consistently: its id and every reference to it, as an editor would."""
    flow, local = node.split(".")
    for path in flows.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace(f"{node}\n", f"{flow}.{new}\n")
        if path.stem == flow:
            text = re.sub(rf"^(\s*(?:- )?(?:id|goto|next|target|back): ){local}$", rf"\g<1>{new}", text, flags=re.M)
        path.write_text(text, encoding="utf-8")


def problems_of(flows: Path, static: StaticData) -> FlowError:
    with pytest.raises(FlowError) as raised:
        load_flows(flows, locales=SHIPPED_LOCALES, views=static.views.keys(), root=flows.parent)
    return raised.value


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_renaming_a_role_node_fails_the_check_with_its_file(role: Role, static: StaticData, tmp_path: Path) -> None:
    flows = shipped_copy(tmp_path)
    rename_node(flows, role.node, "renamed")
    error = problems_of(flows, static)
    assert "missing-role" in error.codes
    flow = role.node.split(".")[0]
    assert any(p.startswith(f"flows/{flow}.yaml:1: [missing-role] node {role.node!r}") for p in error.problems), error.problems


@pytest.mark.parametrize(
    ("role", "button"), [(role, button) for role in ROLES for button in role.buttons], ids=lambda v: getattr(v, "id", "")
)
def test_renaming_a_button_python_draws_fails_the_check(
    role: Role, button: RequiredButton, static: StaticData, tmp_path: Path
) -> None:
    flows = shipped_copy(tmp_path)
    path = flows / f"{role.node.split('.')[0]}.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"- id: {button.id}\n" in text
    path.write_text(text.replace(f"- id: {button.id}\n", f"- id: {button.id}_renamed\n", 1), encoding="utf-8")
    assert "role-button" in problems_of(flows, static).codes


def test_the_end_chat_button_must_still_close_the_case(static: StaticData, tmp_path: Path) -> None:
    flows = shipped_copy(tmp_path)
    path = flows / "person.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("effects: [{unset: case}, end_case]", "effects: [{unset: case}]"))
    error = problems_of(flows, static)
    assert error.codes == ("role-effect",)
    assert error.problems[0].startswith("flows/person.yaml:")


def test_a_misspelt_session_value_is_refused(static: StaticData, tmp_path: Path) -> None:
    flows = shipped_copy(tmp_path)
    path = flows / "main.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('effects: [{set: {discreet: "1"}}]', 'effects: [{set: {discret: "1"}}]'), encoding="utf-8")
    assert problems_of(flows, static).codes == ("unknown-variable",)


def test_the_shipped_flows_keep_the_contract(static: StaticData) -> None:
    for role in ROLES:
        assert role.node in static.flows.nodes


def test_the_views_roles_name_are_registered(static: StaticData) -> None:
    assert {role.view for role in ROLES if role.view} <= set(static.views)
