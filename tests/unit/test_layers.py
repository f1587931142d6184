"""Haven's modules import downwards only, and nothing imports the QA tools but the CLI.

Layers, lowest first: text, i18n, engine, data (help directory, rights), runtime, channels,
desk, app. A module may import its own layer and the layers below it, deferred imports inside
functions included, so there is no import cycle to hold apart by hand. ``bot.tools`` (catalog
reports, the first-line checker, extractors, flows check and diagrams) may import anything,
and only ``bot.cli`` imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.problems", "bot.yamlsrc", "bot.text", "bot.hours", "bot.logs", "bot.metrics", "bot.sealing", "bot.redis_server"),
    ("bot.i18n",),
    ("bot.engine",),
    ("bot.directory", "bot.rights", "bot.rights_cards", "bot.safety.danger", "bot.understanding"),
    ("bot.views", "bot.store", "bot.runtime", "bot.safety"),
    ("bot.channels",),
    ("bot.escalation",),
    ("bot.config", "bot.app", "bot.server"),
    ("bot.tools", "bot.cli", "bot.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The layer of a module: the longest matching prefix wins (bot.safety.danger is data)."""
    if module == "bot":
        return 0  # the root package holds only its docstring
    best, depth = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > depth:
                best, depth = index, len(prefix)
    assert best >= 0, f"{module} is in no layer: add it to LAYERS"
    return best


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every bot module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & set(MODULES)
            # ``from bot import yamlsrc`` imports the submodule; the package itself only counts
            # when names are taken from its __init__.
            found |= submodules
            if len(submodules) < len(node.names):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("bot"))
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_downwards_only(module: str) -> None:
    own = layer_of(module)
    upward = sorted(name for name in imports_of(MODULES[module]) if layer_of(name) > own)
    assert not upward, f"{module} (layer {own}) imports from above: {upward}"


def test_only_the_cli_imports_the_tools() -> None:
    users = sorted(
        module for module, path in MODULES.items()
        if not module.startswith(("bot.tools", "bot.cli")) and any(n.startswith("bot.tools") for n in imports_of(path))
    )  # fmt: skip
    assert not users, users


def test_there_is_no_import_cycle() -> None:
    graph = {module: {n for n in imports_of(path) if n in MODULES and n != module} for module, path in MODULES.items()}
    # A package's __init__ runs when any of its modules is imported.
    for module in list(graph):
        parent = module.rsplit(".", 1)[0]
        if parent in graph and parent != module and module != "bot":
            graph[module].add(parent)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(module: str, trail: list[str]) -> bool:
        state[module] = 1
        for target in sorted(graph[module]):
            # A package and its own submodule import each other by design (the parent's
            # __init__ runs first); any other way back to a module on the trail is a cycle.
            related = module.startswith(target + ".") or target.startswith(module + ".")
            if state.get(target) == 1 and not related:
                cycle.extend([*trail, module, target])
                return True
            if target not in state and visit(target, [*trail, module]):
                return True
        state[module] = 2
        return False

    for module in sorted(graph):
        if module not in state and visit(module, []):
            break
    assert not cycle, " -> ".join(cycle)
