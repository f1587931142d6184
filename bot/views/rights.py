"""The "Know my rights" card deck for the survivor's situation and country.

Every deck opens with the international baseline's first card for the situation (you are not
to blame; help exists whether or not you report), then the cards of the survivor's own
jurisdiction. Where Haven has no jurisdiction-specific cards for the country, the baseline is
shown with a plain note saying so, and the country's emergency number and national lines
from the help directory come first.
"""

from __future__ import annotations

from bot.directory import Directory, render_emergency
from bot.engine.contract import CARD, COUNTRY, SEPARATOR, SITUATION
from bot.engine.effects import SetValues
from bot.engine.model import VALUE_MARK, Choice, Node, ReplyButton, Session, StepContext, ViewContent
from bot.rights import FALLBACK, SITUATIONS, Card, Jurisdiction, RightsLibrary
from bot.rights_cards import render_card
from bot.views.help import country_name


class RightsView:
    """One card at a time, with Previous and Next."""

    def __init__(self, library: RightsLibrary, directory: Directory) -> None:
        self.library = library
        self.directory = directory

    def deck(self, country: str | None, situation: str) -> tuple[Jurisdiction, list[tuple[Card, Jurisdiction]]]:
        """The survivor's jurisdiction and its cards, each with the jurisdiction that owns it."""
        local = self.library.for_country(country)
        baseline = self.library.jurisdictions[FALLBACK]
        cards: list[tuple[Card, Jurisdiction]] = []
        opening = baseline.deck(situation)[:1]
        owner = local.deck_owner(situation)
        own = owner.decks[situation] if owner is not None else ()
        for card in opening:
            if card not in own:
                cards.append((card, baseline))
        cards += [(card, owner) for card in own if owner is not None]
        return local, cards

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        tr = ctx.translator(session.lang)
        situation = session.values.get(SITUATION)
        if situation not in SITUATIONS:
            situation = "crime"
        country = session.values.get(COUNTRY)
        local, cards = self.deck(country, situation)
        index = min(max(int(session.values.get(CARD, "0") or 0), 0), len(cards) - 1)
        card, owner = cards[index]
        text = render_card(card, owner, tr, index + 1, len(cards), local)
        if index == 0 and local.id == FALLBACK and country:
            note = tr.pgettext(
                "rights.no_local_cards",
                "I don't have information specific to {country} yet, so here is what international law says.",
                country=country_name(country, session.lang),
            )
            emergency = render_emergency(self.directory.emergency(country), self.directory.lines_24_7(country), tr)
            text = f"{note}\n\n{text}\n\n{emergency}"
        row = []
        if index > 0:
            row.append(ReplyButton(tr.label("rights.previous", "Previous"), data=f"{node.id}{SEPARATOR}{VALUE_MARK}{index - 1}"))
        if index + 1 < len(cards):
            row.append(ReplyButton(tr.label("rights.next", "Next"), data=f"{node.id}{SEPARATOR}{VALUE_MARK}{index + 1}"))
        return ViewContent(text=text, buttons=(tuple(row),) if row else ())

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        if not value.isdigit() or int(value) > 99:
            return None
        return Choice(goto=None, effects=(SetValues({CARD: value}),))

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        return None
