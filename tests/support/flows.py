"""Small flow sets for unit tests: a test's own nodes plus the roles Python relies on.

Every flow set the loader accepts satisfies the contract (``bot/engine/contract.py``), so a
test that writes its own ``main`` flow adds the smallest danger, exit and advocate flows from
``role_flows/`` beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.engine.model import Choice, Node, Session, StepContext, ViewContent

ROLE_FLOWS = Path(__file__).parent / "role_flows"
ROLE_VIEWS = ("emergency", "countries", "services")


def add_role_flows(directory: Path) -> None:
    """Copy the danger, exit, help and person flows the contract requires into ``directory``."""
    for path in ROLE_FLOWS.glob("*.yaml"):
        shutil.copy(path, directory / path.name)


class StaticView:
    """A role view of pure engine tests: fixed text, nothing looked up (the emergency view
    shows the number, the others their name)."""

    def __init__(self, text: str = "112") -> None:
        self.text = text

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        return ViewContent(text=self.text)

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        return None

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        return None


def role_views() -> dict[str, StaticView]:
    """The views the role flows show, as static stand-ins."""
    return {"emergency": StaticView(), "countries": StaticView("countries"), "services": StaticView("services")}
