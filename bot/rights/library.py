"""Load every rights file into a :class:`RightsLibrary`: parents linked, checks across files.

One file can be right on its own and still break the library: a card id or a country used by
two files, a parent that does not exist or loops, a jurisdiction that ends up with no cards
for a situation. Those rules live here; a single file's rules are in ``reading.py``.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from bot.problems import Problems, SourceError
from bot.rights.model import FALLBACK, SITUATIONS, Jurisdiction, RightsLibrary
from bot.rights.reading import Draft, read_file


class RightsError(SourceError):
    """One or more problems in the rights files, each formatted as ``path:line: [code] message``."""


def _link(drafts: dict[str, Draft], problems: Problems) -> dict[str, Jurisdiction]:
    """Resolve parents (reporting unknown ones and cycles) and build frozen jurisdictions."""
    built: dict[str, Jurisdiction] = {}

    def build(draft: Draft, trail: tuple[str, ...]) -> Jurisdiction:
        if draft.id in built:
            return built[draft.id]
        parent: Jurisdiction | None = None
        if draft.parent is not None:
            if draft.parent in trail or draft.parent == draft.id:
                loop = " -> ".join((*trail, draft.id, draft.parent))
                problems.add(draft.display, draft.line_of_parent, "parent-loop", f"parent chain loops: {loop}")
            elif draft.parent not in drafts:
                problems.add(draft.display, draft.line_of_parent, "unknown-parent", f"unknown parent {draft.parent!r}")
            else:
                parent = build(drafts[draft.parent], (*trail, draft.id))
        result = Jurisdiction(
            id=draft.id,
            name=draft.name,
            countries=draft.countries,
            reviewed=draft.reviewed,
            decks=MappingProxyType(dict(draft.decks)),
            parent=parent,
            regional_note=draft.regional_note,
        )
        built[draft.id] = result
        return result

    for draft in drafts.values():
        build(draft, ())
    return built


def _read_drafts(files: list[Path], problems: Problems) -> tuple[dict[str, Draft], dict[str, str]]:
    """Each file's draft by jurisdiction id, and which jurisdiction serves each country."""
    drafts: dict[str, Draft] = {}
    card_homes: dict[str, str] = {}
    country_homes: dict[str, str] = {}
    for file in files:
        display = str(file)
        draft = read_file(file, display, problems)
        if draft is None:
            continue
        if draft.id in drafts:
            message = f"jurisdiction {draft.id!r} is defined twice (also in {drafts[draft.id].display})"
            problems.add(display, 1, "duplicate-jurisdiction", message)
            continue
        drafts[draft.id] = draft
        for card_id, line in draft.card_lines:
            if card_id in card_homes:
                problems.add(display, line, "duplicate-id", f"duplicate card id {card_id!r} (first at {card_homes[card_id]})")
            else:
                card_homes[card_id] = f"{display}:{line}"
        for code in draft.countries:
            if code in country_homes:
                problems.add(display, 1, "duplicate-country", f"country {code} is already served by {country_homes[code]}")
            else:
                country_homes[code] = draft.id
    return drafts, country_homes


def load_rights(path: Path | str) -> RightsLibrary:
    """Load a directory of rights files (or one file); raise :class:`RightsError` on any problem.

    A directory must contain the worldwide ``intl.yaml``, and every jurisdiction must end up
    with cards for every situation (its own or inherited), so no survivor meets an empty deck.
    """
    path = Path(path)
    problems = Problems()
    drafts, country_homes = _read_drafts(sorted(path.glob("*.yaml")) if path.is_dir() else [path], problems)
    jurisdictions = _link(drafts, problems)
    if path.is_dir():
        if FALLBACK not in jurisdictions:
            message = f"the worldwide fallback '{FALLBACK}.yaml' is missing"
            problems.add(str(path / f"{FALLBACK}.yaml"), 0, "missing-fallback", message)
        for jurisdiction in jurisdictions.values():
            for situation in SITUATIONS:
                if jurisdiction.deck_owner(situation) is None:
                    message = f"no cards for situation {situation!r}, here or in a parent"
                    problems.add(drafts[jurisdiction.id].display, 1, "no-cards", message)
    problems.raise_if_any(RightsError)
    by_country = {code: jurisdictions[owner] for code, owner in country_homes.items()}
    return RightsLibrary(jurisdictions=MappingProxyType(jurisdictions), by_country=MappingProxyType(by_country))


def check(path: Path | str) -> list[str]:
    """Every problem in the rights files at ``path`` (empty when they load cleanly)."""
    try:
        load_rights(path)
    except RightsError as exc:
        return list(exc.problems)
    return []
