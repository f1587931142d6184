"""Checks over all flows at once: the graph, and the contract with Python.

The loader (:mod:`bot.engine.loader`) checks each file's shape; what can only be judged with
every node known is here: targets exist, no dead ends or ``next`` loops, every node reachable,
and the roles and session values Python relies on (:mod:`bot.engine.contract`) present and
intact. Rule codes are documented in ``flows/README.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.engine.contract import ROLES, VARIABLES, Role
from bot.engine.effects import LEAVING, Effect, EndConversation, SetValues, UnsetValues
from bot.engine.model import VIEW_TARGETS, Condition, Node
from bot.problems import Problems


def targets(node: Node) -> list[tuple[str, int]]:
    """Every node id ``node`` can lead to, with the line that names it."""
    found = [(b.goto, b.line) for b in node.buttons if b.goto]
    found += [(r.goto, r.line) for r in node.inputs if r.goto]
    if node.next:
        found.append((node.next, node.line))
    found += [(node.view_args[key], node.line) for key in VIEW_TARGETS if key in node.view_args]
    return found


def check_flows(
    nodes: Mapping[str, Node], flow_files: Mapping[str, str], views: Iterable[str] | None, problems: Problems
) -> None:
    """Every whole-flow rule; ``views`` (when given) are the view names Python registers."""
    for role in ROLES:
        _check_role(role, nodes, flow_files, problems)
    _check_variables(nodes, problems)
    _check_graph(nodes, views, problems)


def _check_role(role: Role, nodes: Mapping[str, Node], flow_files: Mapping[str, str], problems: Problems) -> None:
    node = nodes.get(role.node)
    if node is None:
        flow = role.node.split(".")[0]
        file = flow_files.get(flow, f"flows/{flow}.yaml")
        problems.add(
            file, 1 if flow in flow_files else 0, "missing-role",
            f"node {role.node!r} is missing; Python relies on it as {role.name!r}: {role.why}",
        )  # fmt: skip
        return
    if role.view is not None and node.view != role.view:
        problems.add(node.file, node.line, "role-view", f"node {role.node!r} ({role.name}) must show view {role.view!r}")
    for required in role.buttons:
        button = next((b for b in node.buttons if b.id == required.id), None)
        if button is None:
            problems.add(
                node.file, node.line, "role-button",
                f"node {role.node!r} ({role.name}) needs button {required.id!r}: {required.why}",
            )  # fmt: skip
        elif required.effect is not None and not any(isinstance(e, required.effect) for e in button.effects):
            problems.add(
                node.file, button.line, "role-effect",
                f"button {required.id!r} of {role.node!r} must carry the effect that {required.why}",
            )  # fmt: skip


def _check_variables(nodes: Mapping[str, Node], problems: Problems) -> None:
    """Flows may set, unset and test only the session values Python declares."""
    for node in nodes.values():
        parts: list[tuple[tuple[Effect, ...], tuple[Condition, ...], int]] = [(node.effects, (), node.line)]
        parts += [(b.effects, b.when, b.line) for b in node.buttons]
        parts += [(r.effects, r.when, r.line) for r in node.inputs]
        for effects, conditions, line in parts:
            names: list[str] = [condition.var for condition in conditions]
            for effect in effects:
                if isinstance(effect, SetValues):
                    names += list(effect.values)
                elif isinstance(effect, UnsetValues):
                    names += list(effect.names)
            for name in dict.fromkeys(names):
                if name not in VARIABLES:
                    problems.add(
                        node.file, line, "unknown-variable",
                        f"session value {name!r} is not declared (known: {', '.join(VARIABLES)})",
                    )  # fmt: skip


def _check_graph(nodes: Mapping[str, Node], views: Iterable[str] | None, problems: Problems) -> None:
    known_views = set(views) if views is not None else None
    for node in nodes.values():
        for target, line in targets(node):
            if target not in nodes:
                problems.add(node.file, line, "unknown-target", f"unknown target {target!r}")
        if known_views is not None and node.view and node.view not in known_views:
            problems.add(node.file, node.line, "unknown-view", f"unknown view {node.view!r}")
        leaves = not (node.buttons or node.inputs or node.next or node.view or node.nav)
        ends = any(isinstance(effect, (EndConversation, *LEAVING)) for effect in node.effects)
        if leaves and not ends:
            problems.add(
                node.file, node.line, "dead-end", f"dead end: node {node.id!r} has no buttons, input, next or navigation"
            )
        seen = {node.id}
        cursor = node
        while cursor.next and cursor.next in nodes:
            if cursor.next in seen:
                problems.add(node.file, node.line, "next-loop", f"'next' loops back to {cursor.next!r}")
                break
            seen.add(cursor.next)
            cursor = nodes[cursor.next]
    reachable: set[str] = set()
    pending = [role.node for role in ROLES if role.node in nodes]  # Python can open any of them
    while pending:
        current = pending.pop()
        if current in reachable:
            continue
        reachable.add(current)
        pending.extend(t for t, _ in targets(nodes[current]) if t in nodes)
    for node in nodes.values():
        if node.id not in reachable:
            problems.add(node.file, node.line, "unreachable", f"unreachable node {node.id!r}")
