"""``haven flows diagram``: one Mermaid flowchart per flow, for people who write content.

A conversation is easier to review as a picture than as YAML. Each node is a box with its id
and the start of its English text; each button is an arrow labelled with the button's text;
typed words, ``next`` and a view's targets are dotted arrows. A node of another flow shows as
a rounded box, so each diagram stays small. GitHub and GitLab draw Mermaid inside Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.engine.model import VIEW_TARGETS, Condition, Flows, Node
from bot.engine.rules import targets

TEXT_SHOWN = 48  # characters of a node's text in its box: enough to recognise it


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _quoted(text: str) -> str:
    """Text safe inside a Mermaid label: no markup, no quotes, one line."""
    plain = re.sub(r"<[^>]+>", "", text)
    plain = " ".join(plain.split()).replace('"', "'")
    return plain.replace("{", "(").replace("}", ")").replace("|", "/")


def _short(text: str) -> str:
    text = _quoted(text)
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1].rstrip() + "…"


def _when(conditions: tuple[Condition, ...]) -> str:
    return "".join(f" if {c.var} {c.op} {c.value}" for c in conditions)


def _box(node: Node) -> str:
    shown = f"view: {node.view}" if node.view and not node.text else _short(node.text)
    return f'{_mermaid_id(node.id)}["<b>{node.id}</b><br/>{shown}"]'


def _arrows(node: Node) -> Iterator[str]:
    source = _mermaid_id(node.id)
    for button in node.buttons:
        if button.goto:
            yield f'{source} -->|"{_quoted(button.label)}{_when(button.when)}"| {_mermaid_id(button.goto)}'
    for rule in node.inputs:
        if rule.goto:
            said = _short(rule.keywords or "any text")
            yield f'{source} -.->|"typed: {said}{_when(rule.when)}"| {_mermaid_id(rule.goto)}'
    if node.next:
        yield f"{source} -.->|next| {_mermaid_id(node.next)}"
    for key in VIEW_TARGETS:
        if key in node.view_args:
            yield f'{source} -.->|"{key}"| {_mermaid_id(node.view_args[key])}'


def flow_diagram(flows: Flows, flow: str) -> str:
    """The Markdown page with the Mermaid diagram of one flow."""
    own = [node for node in flows.nodes.values() if node.id.split(".")[0] == flow]
    lines = ["flowchart TD", *(f"    {_box(node)}" for node in own)]
    elsewhere = sorted({goto for node in own for goto, _ in targets(node) if goto.split(".")[0] != flow})
    lines += [f'    {_mermaid_id(goto)}(["{goto}"])' for goto in elsewhere]
    lines += [f"    {arrow}" for node in own for arrow in _arrows(node)]
    source = own[0].file if own else f"flows/{flow}.yaml"
    return (
        f"# Flow `{flow}`\n\n"
        f"Made by `haven flows diagram` from `{source}`; do not edit by hand. Boxes are nodes (id and\n"
        "the start of the English text), solid arrows are buttons, dotted arrows are typed words,\n"
        "`next` and a view's links; rounded boxes belong to other flows.\n\n"
        "```mermaid\n" + "\n".join(lines) + "\n```\n"
    )


def write_diagrams(flows: Flows, out: Path) -> list[Path]:
    """Write ``<flow>.md`` for every flow into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for flow in sorted({node_id.split(".")[0] for node_id in flows.nodes}):
        path = out / f"{flow}.md"
        path.write_text(flow_diagram(flows, flow), encoding="utf-8")
        written.append(path)
    return written
