"""The language picker: every shipped language in its own name and script."""

from __future__ import annotations

from collections.abc import Mapping

from babel.languages import get_official_languages

from bot.engine.contract import COUNTRY, SEPARATOR
from bot.engine.effects import ChooseLanguage
from bot.engine.model import VALUE_MARK, Choice, Node, ReplyButton, Session, StepContext, ViewContent
from bot.i18n.catalogs import display_name
from bot.text import fold


class LanguagesView:
    """Buttons for each locale, most likely first; "partly in English" where that is true."""

    def __init__(self, locales: tuple[str, ...], coverage: Mapping[str, float], complete_at: float = 0.999) -> None:
        self.locales = locales
        self.names = {code: display_name(code) for code in locales}
        self.partial = {code for code in locales if coverage.get(code, 0.0) < complete_at}
        self._by_name = {fold(name): code for code, name in self.names.items()}

    def _order(self, session: Session) -> list[str]:
        """Most likely first: the current language, then those spoken in the survivor's country."""
        likely = [session.lang] if session.lang else []
        country = session.values.get(COUNTRY)
        if country:
            spoken = get_official_languages(country, de_facto=True)
            likely += [code for code in self.locales if code.split("_")[0] in spoken]
        first = [code for code in dict.fromkeys(likely) if code in self.locales]
        return first + [code for code in self.locales if code not in first]

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        buttons = []
        for code in self._order(session):
            label = self.names[code]
            if code in self.partial:
                # The note is in the language it describes: that is who needs to read it.
                label = ctx.translator(code).label("language.partly_english", "{language} (partly in English)", language=label)
            buttons.append(ReplyButton(label, data=f"{node.id}{SEPARATOR}{VALUE_MARK}{code}"))
        rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        return ViewContent(buttons=rows)

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        if value not in self.locales:
            return None
        return Choice(goto=node.view_args.get("target"), effects=(ChooseLanguage(value),))

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        code = self._by_name.get(fold(text))
        return self.select(node, session, code, ctx) if code else None
