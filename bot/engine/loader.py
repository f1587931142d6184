"""Load ``flows/*.yaml`` into :class:`Flows` and check everything a person could get wrong.

The format is documented in ``flows/README.md``. Every problem is reported as
``path:line: [rule-code] message`` and all problems are collected before failing, so one run
of ``python -m bot flows check`` shows the whole list. Each rule code is documented in
``flows/README.md`` and has a broken example in ``tests/unit/broken_flows/``. Besides the
shape of each file, the flows are checked against the contract with Python
(:mod:`bot.engine.contract`): the nodes, buttons and session values Python relies on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot import yamlsrc
from bot.engine.contract import SEPARATOR
from bot.engine.effects import YAML_EFFECTS, ChooseLanguage, Effect, EffectArgumentError
from bot.engine.model import CONDITION_OPS, VIEW_TARGETS, Button, Condition, Flows, Node, TextRule
from bot.engine.rules import check_flows
from bot.problems import Problems, SourceError

FORMAT_VERSION = 1
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_LABEL = 40  # longer labels are cut off on phones
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_FLOW_KEYS = {"version", "flow", "safety", "nodes", "description"}
_NODE_KEYS = {"id", "text", "note", "buttons", "input", "effects", "view", "args", "next", "nav", "columns", "safety"}
_BUTTON_KEYS = {"id", "label", "goto", "effects", "when"}
_INPUT_KEYS = {"id", "keywords", "goto", "effects", "when"}


class FlowError(SourceError):
    """One or more problems in the flow files."""


def _qualify(flow: str, ref: str) -> str:
    return ref if "." in ref else f"{flow}.{ref}"


def _parse_conditions(raw: Any, file: str, line: int, problems: Problems) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    conditions = []
    for item in items:
        item_line = getattr(item, "line", line)
        if not isinstance(item, yamlsrc.Mapping) or "var" not in item:
            problems.add(file, item_line, "bad-condition", "a condition needs 'var' and one of " + ", ".join(CONDITION_OPS))
            continue
        ops = [op for op in CONDITION_OPS if op in item]
        extra = set(item) - {"var", *CONDITION_OPS}
        if len(ops) != 1 or extra:
            problems.add(file, item_line, "bad-condition", f"a condition needs exactly one of {', '.join(CONDITION_OPS)}")
            continue
        op = ops[0]
        value = item[op]
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                problems.add(file, item_line, "bad-condition", f"'{op}' needs a non-empty list")
                continue
            value = tuple(str(v) for v in value)
        elif op == "set":
            if value not in ("true", "false", True, False):
                problems.add(file, item_line, "bad-condition", "'set' must be true or false")
                continue
            value = value in ("true", True)
        else:
            value = str(value)
        conditions.append(Condition(str(item["var"]), op, value))
    return tuple(conditions)


def _parse_effects(raw: Any, file: str, line: int, problems: Problems, locales: Iterable[str] | None) -> tuple[Effect, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add(file, line, "bad-effect", "'effects' must be a list")
        return ()
    effects: list[Effect] = []
    for index, item in enumerate(raw):
        item_line = raw.item_lines[index] if hasattr(raw, "item_lines") else line
        args: dict[Any, Any]
        if isinstance(item, str):
            kind, args = item, {}
        elif isinstance(item, yamlsrc.Mapping) and len(item) == 1:
            kind, value = next(iter(item.items()))
            args = value if isinstance(value, yamlsrc.Mapping) else {"value": value}
        else:
            problems.add(file, item_line, "bad-effect", "an effect is a name or a one-key mapping")
            continue
        build = YAML_EFFECTS.get(str(kind))
        if build is None:
            problems.add(file, item_line, "unknown-effect", f"unknown effect {kind!r} (known: {', '.join(YAML_EFFECTS)})")
            continue
        try:
            effect = build({str(k): _flat(v) for k, v in args.items()})
        except EffectArgumentError as exc:
            problems.add(file, item_line, "effect-arguments", str(exc))
            continue
        if isinstance(effect, ChooseLanguage) and locales is not None and effect.locale not in locales:
            problems.add(file, item_line, "lang-not-shipped", f"'lang' names a locale that is not shipped: {effect.locale!r}")
            continue
        effects.append(effect)
    return tuple(effects)


def _flat(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _part_id(raw: Any, what: str, allowed: set[str], file: str, line: int, problems: Problems) -> str | None:
    """Check a button or input rule's shape and return its id (None when unusable)."""
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(file, line, "bad-shape", f"a{'n' if what[0] in 'aeiou' else ''} {what} must be a mapping")
        return None
    for key in set(raw) - allowed:
        problems.add(file, raw.line_of(key), "unknown-key", f"unknown key {key!r} in {what}")
    part_id = raw.get("id")
    if not isinstance(part_id, str) or not _ID.match(part_id):
        problems.add(
            file, line, "bad-id", f"a{'n' if what[0] in 'aeiou' else ''} {what} needs an 'id' of lower-case letters, digits and _"
        )
        return None
    return part_id


def _parse_node(
    flow: str, raw: Any, file: str, default_safety: bool, problems: Problems, locales: Iterable[str] | None
) -> Node | None:
    line = getattr(raw, "line", 0)
    if not isinstance(raw, yamlsrc.Mapping):
        problems.add(file, line, "bad-shape", "a node must be a mapping")
        return None
    for key in set(raw) - _NODE_KEYS:
        problems.add(file, raw.line_of(key), "unknown-key", f"unknown key {key!r} in node")
    node_id = raw.get("id")
    if not isinstance(node_id, str) or not _ID.match(node_id):
        problems.add(file, line, "bad-id", "a node needs an 'id' of lower-case letters, digits and _")
        return None
    full_id = f"{flow}.{node_id}"
    text = raw.get("text", "")
    if not isinstance(text, str):
        problems.add(file, raw.line_of("text"), "missing-text", "'text' must be text")
        text = ""
    text = text.strip()
    view = raw.get("view")
    if not text and not view:
        problems.add(file, line, "missing-text", f"node {full_id!r} has no text")
    if len(text) > MAX_TEXT:
        problems.add(file, raw.line_of("text"), "text-too-long", f"text is {len(text)} characters; Telegram allows {MAX_TEXT}")

    buttons = []
    seen_buttons: dict[str, int] = {}
    for raw_button in raw.get("buttons") or []:
        b_line = getattr(raw_button, "line", line)
        button_id = _part_id(raw_button, "button", _BUTTON_KEYS, file, b_line, problems)
        if button_id is None:
            continue
        if button_id in seen_buttons:
            problems.add(
                file, b_line, "duplicate-button", f"duplicate button id {button_id!r} (first on line {seen_buttons[button_id]})"
            )
            continue
        seen_buttons[button_id] = b_line
        label = raw_button.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.add(file, b_line, "missing-label", f"button {button_id!r} has no label")
            continue
        if len(label) > MAX_LABEL:
            problems.add(
                file,
                raw_button.line_of("label"),
                "label-too-long",
                f"label is {len(label)} characters; keep it within {MAX_LABEL}",
            )
        data = f"{full_id}{SEPARATOR}{button_id}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            problems.add(
                file, b_line, "callback-too-long", f"callback data {data!r} exceeds Telegram's {MAX_CALLBACK_BYTES} bytes"
            )
        goto = raw_button.get("goto")
        buttons.append(
            Button(
                id=button_id,
                label=label.strip(),
                goto=_qualify(flow, goto) if isinstance(goto, str) else None,
                effects=_parse_effects(raw_button.get("effects"), file, b_line, problems, locales),
                when=_parse_conditions(raw_button.get("when"), file, b_line, problems),
                line=b_line,
            )
        )

    inputs = []
    for raw_rule in raw.get("input") or []:
        r_line = getattr(raw_rule, "line", line)
        rule_id = _part_id(raw_rule, "input rule", _INPUT_KEYS, file, r_line, problems)
        if rule_id is None:
            continue
        goto = raw_rule.get("goto")
        keywords = raw_rule.get("keywords")
        inputs.append(
            TextRule(
                id=rule_id,
                keywords=str(keywords).strip() if keywords else None,
                goto=_qualify(flow, goto) if isinstance(goto, str) else None,
                effects=_parse_effects(raw_rule.get("effects"), file, r_line, problems, locales),
                when=_parse_conditions(raw_rule.get("when"), file, r_line, problems),
                line=r_line,
            )
        )

    nav = raw.get("nav", True)
    columns = raw.get("columns", 1)
    if not isinstance(columns, int) or not 1 <= columns <= 4:
        problems.add(file, raw.line_of("columns"), "bad-columns", "'columns' must be 1 to 4")
        columns = 1
    next_ref = raw.get("next")
    args = raw.get("args") or {}
    if not isinstance(args, dict):
        problems.add(file, raw.line_of("args"), "bad-shape", "'args' must be a mapping such as {target: menu}")
        args = {}
    return Node(
        id=full_id,
        text=text,
        note=str(raw.get("note", "")).strip(),
        buttons=tuple(buttons),
        inputs=tuple(inputs),
        effects=_parse_effects(raw.get("effects"), file, line, problems, locales),
        view=str(view) if view else None,
        view_args={str(k): _qualify(flow, str(v)) if k in VIEW_TARGETS else str(v) for k, v in args.items()},
        next=_qualify(flow, next_ref) if isinstance(next_ref, str) else None,
        nav=nav is True or nav == "true",
        columns=columns,
        safety=bool(raw.get("safety", default_safety)),
        file=file,
        line=line,
    )


def load_flows(
    directory: Path,
    *,
    locales: Iterable[str] | None = None,
    views: Iterable[str] | None = None,
    root: Path | None = None,
) -> Flows:
    """Load and validate every ``*.yaml`` directly inside ``directory``.

    ``locales`` and ``views`` enable the checks that need them (``lang`` effects name shipped
    locales; ``view`` names a registered view). Raises :class:`FlowError` listing every problem.
    """
    problems = Problems()
    nodes: dict[str, Node] = {}
    flow_files: dict[str, str] = {}
    locale_list = list(locales) if locales is not None else None
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise FlowError([f"{directory}:0: [no-flows] no flow files (*.yaml)"], ("no-flows",))
    for path in files:
        shown = str(path.relative_to(root)) if root else str(path)
        try:
            raw = yamlsrc.load(path, shown)
        except SourceError as exc:
            problems.merge(exc)
            continue
        if not isinstance(raw, yamlsrc.Mapping):
            problems.add(shown, 1, "bad-shape", "a flow file must be a mapping with 'version', 'flow' and 'nodes'")
            continue
        for key in set(raw) - _FLOW_KEYS:
            problems.add(shown, raw.line_of(key), "unknown-key", f"unknown key {key!r}")
        if str(raw.get("version")) != str(FORMAT_VERSION):
            problems.add(shown, raw.line_of("version"), "wrong-version", f"'version' must be {FORMAT_VERSION}")
        flow = raw.get("flow")
        if not isinstance(flow, str) or not _ID.match(flow):
            problems.add(shown, raw.line_of("flow"), "bad-id", "'flow' must be an id of lower-case letters, digits and _")
            continue
        if flow in flow_files:
            problems.add(shown, raw.line_of("flow"), "duplicate-flow", f"duplicate flow {flow!r} (also in {flow_files[flow]})")
            continue
        flow_files[flow] = shown
        raw_nodes = raw.get("nodes")
        if not isinstance(raw_nodes, list) or not raw_nodes:
            problems.add(shown, raw.line_of("nodes"), "bad-shape", "'nodes' must be a non-empty list")
            continue
        default_safety = bool(raw.get("safety", False))
        for raw_node in raw_nodes:
            node = _parse_node(flow, raw_node, shown, default_safety, problems, locale_list)
            if node is None:
                continue
            if node.id in nodes:
                first = nodes[node.id]
                problems.add(
                    shown, node.line, "duplicate-node", f"duplicate node id {node.id!r} (first at {first.file}:{first.line})"
                )
                continue
            nodes[node.id] = node
    check_flows(nodes, flow_files, views, problems)
    problems.raise_if_any(FlowError)
    flows = Flows(nodes=nodes)
    return flows
