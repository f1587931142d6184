"""One collector for problems found in hand-edited files (flows, directory, rights, desk file).

Every validator collects all problems before failing, so one run of a check shows the whole
list. Each problem carries the file and line a person must open and a stable rule code, so
tests name the rule they expect (goflow's style) instead of matching message wording, and the
docs can explain each rule once (``flows/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r":\d+: \[([a-z0-9-]+)\] ")


class SourceError(Exception):
    """Problems in a hand-edited data file, each already formatted as ``path:line: [code] message``."""

    def __init__(self, problems: list[str], codes: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.codes = codes


@dataclass(frozen=True)
class Problem:
    """One problem: where it is, which rule it breaks, and what to do about it."""

    file: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] {self.message}"


class Problems:
    """Problems collected while reading files; raise them all at once at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, line: int, code: str, message: str) -> None:
        self.items.append(Problem(file, line, code, message))

    def merge(self, error: SourceError) -> None:
        """Take over the problems of a nested reader (a YAML syntax error, say)."""
        codes = error.codes or ("syntax",) * len(error.problems)
        for text, code in zip(error.problems, codes, strict=False):
            file, _, rest = text.partition(":")
            line, _, message = rest.partition(": ")
            message = message.removeprefix(f"[{code}] ")
            self.items.append(Problem(file, int(line) if line.isdigit() else 0, code, message))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, error: type[SourceError]) -> None:
        """Raise ``error`` listing every problem, when there is one."""
        if self.items:
            raise error([str(item) for item in self.items], self.codes)


def code_of(problem: str) -> str:
    """The rule code in a formatted ``path:line: [code] message`` line, ``""`` when it has none.

    For callers that only kept the formatted lines (``Directory.load`` raises its error from
    them), so the error still tells which rules were broken.
    """
    match = _CODE.search(problem)
    return match.group(1) if match else ""
