"""YAML with line numbers, for data files people edit by hand (flows, rights, directory, advocates).

Every mapping loads as a :class:`Mapping` that remembers the line of each key, so a validator
can say ``flows/main.yaml:42: unknown target 'menu2'`` instead of "invalid flow". Duplicate
keys are an error here (plain PyYAML silently keeps the last one, which hides mistakes).

``as_text=True`` keeps every scalar but ``true``/``false`` and empty values as the text typed,
for files where a number is data: YAML 1.1 reads the time ``22:00`` as 1320 and the phone
number ``016`` as octal 14, and a number that silently changes is the worst bug a help
directory can have.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import yaml

from bot.problems import SourceError

__all__ = ["Mapping", "Sequence", "SourceError", "load", "parse"]


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping."""


class Mapping(dict):
    """A dict that knows where it and each of its keys came from."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` when present, else the line of the mapping itself."""
        return self.key_lines.get(key, self.line)


class Sequence(list):
    """A list that knows its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps line numbers and refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise _DuplicateKey(
                problem=f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                problem_mark=key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates and times stay text: validators decide what a date is, and "no" stays "no".
    return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


class _TextLoader(_Loader):
    """_Loader that reads numbers, times and dates as the text typed (see ``as_text``)."""


def _construct_stripped_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node)).strip()


for _tag in ("int", "float", "str", "timestamp"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_stripped_text)


def parse(stream: IO[str] | IO[bytes] | str, name: str, *, as_text: bool = False) -> Any:
    """Parse YAML text; syntax errors become a :class:`SourceError` naming ``name`` and line."""
    try:
        return yaml.load(stream, Loader=_TextLoader if as_text else _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        code = "duplicate-key" if isinstance(exc, _DuplicateKey) else "yaml-syntax"
        raise SourceError([f"{name}:{line}: [{code}] {exc.problem or exc.context}"], (code,)) from None
    except yaml.YAMLError as exc:
        raise SourceError([f"{name}:0: [yaml-syntax] {exc.__class__.__name__}"], ("yaml-syntax",)) from None


def load(path: Path, display: str | None = None, *, as_text: bool = False) -> Any:
    """Parse the file at ``path``; ``display`` is the name used in messages (default: path)."""
    name = display or str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            return parse(handle, name, as_text=as_text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError([f"{name}:0: [unreadable] cannot read: {exc.__class__.__name__}"], ("unreadable",)) from None
