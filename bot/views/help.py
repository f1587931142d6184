"""Views over the help directory: where are you, what help is there, and danger.

All three read the directory that was loaded and indexed at start-up; nothing here touches a
file, the network or the clock (the step context carries ``now``). The country is kept only
in the session, which expires with it.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from bot.directory import (
    NEEDS,
    Directory,
    display_name,
    likely_countries,
    match_country,
    render_brief_emergency,
    render_emergency,
    render_service,
)
from bot.directory.model import Service
from bot.engine.contract import COUNTRY, NEED, PAGE, SEPARATOR
from bot.engine.effects import SetValues, UnsetValues
from bot.engine.model import VALUE_MARK, Choice, Node, ReplyButton, Session, StepContext, ViewContent
from bot.i18n import Translator

PAGE_SIZE = 3  # cards per message: about one phone screen
MAX_FIRST_LINES = 2  # crisis, trafficking or child lines above the emergency number


def country_name(code: str, locale: str | None) -> str:
    """A territory's name in the survivor's language (Babel's CLDR data), else the code."""
    try:
        names = Locale.parse(locale or "en").territories
    except (ValueError, UnknownLocaleError):
        names = Locale("en").territories
    return names.get(code) or Locale("en").territories.get(code) or code


def _value(node: Node, value: str) -> str:
    return f"{node.id}{SEPARATOR}{VALUE_MARK}{value}"


class CountryView:
    """Buttons for the likeliest countries; any country can also be typed, in any language."""

    def __init__(self, directory: Directory, locales: tuple[str, ...]) -> None:
        self.directory = directory
        self.locales = locales
        self.available = tuple(directory.countries())

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        codes = likely_countries(session.lang or "en", self.available)
        current = session.values.get(COUNTRY)
        if current:
            codes = [current] + [c for c in codes if c != current]
        buttons = [ReplyButton(country_name(code, session.lang), data=_value(node, code)) for code in codes]
        return ViewContent(buttons=tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)))

    def _choose(self, node: Node, code: str) -> Choice:
        effects = (SetValues({COUNTRY: code}), UnsetValues((PAGE,)))
        return Choice(goto=node.view_args.get("target"), effects=effects)

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        if len(value) != 2 or not value.isalpha() or not value.isupper():
            return None
        return self._choose(node, value)

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        code = match_country(text, self.locales)
        return self._choose(node, code) if code else None


class ServicesView:
    """The ranked services for the chosen country and need, a screenful at a time."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        tr = ctx.translator(session.lang)
        country = session.values.get(COUNTRY)
        need = session.values.get(NEED)
        if need not in NEEDS:
            need = "all"
        services = self.directory.find(country, need, session.lang, ctx.now) if country else []
        if not services:
            lines = self.directory.lines_24_7(country) if country else []
            honest = tr.pgettext(
                "safety:help.no_match",
                "I could not find a service for this in my list for {country}. These lines answer at any hour:",
                country=country_name(country, session.lang) if country else "?",
            )
            text = render_emergency(self.directory.emergency(country), lines, tr)
            return ViewContent(text=f"{honest}\n\n{text}")
        page = int(session.values.get(PAGE, "0") or 0)
        shown = services[page * PAGE_SIZE : (page + 1) * PAGE_SIZE] or services[:PAGE_SIZE]
        cards = [render_service(service, tr, ctx.now, session.lang or "en") for service in shown]
        buttons: tuple[tuple[ReplyButton, ...], ...] = ()
        if (page + 1) * PAGE_SIZE < len(services):
            more = tr.label("help.more", "More ({count})", count=len(services) - (page + 1) * PAGE_SIZE)
            buttons = ((ReplyButton(more, data=_value(node, str(page + 1))),),)
        return ViewContent(text="\n\n".join(cards), buttons=buttons)

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        if not value.isdigit() or int(value) > 50:
            return None
        return Choice(goto=None, effects=(SetValues({PAGE: value}),))

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        return None


class EmergencyView:
    """The emergency number first, then the 24/7 lines; with no country, true 112/911 guidance
    and one-tap country buttons.

    Arguments: ``first`` names a need (``crisis``, ``trafficking``, ``child``) whose lines open
    the message, before the emergency number: a person thinking of suicide is better served by
    a crisis line first, and 112 still follows. ``brief`` is the one safety line that closes
    the warm answer to a message nothing placed (the emergency number only, no buttons).
    """

    def __init__(self, directory: Directory, countries: CountryView) -> None:
        self.directory = directory
        self.countries = countries

    def render(self, node: Node, session: Session, ctx: StepContext) -> ViewContent:
        tr = ctx.translator(session.lang)
        country = session.values.get(COUNTRY)
        emergency = self.directory.emergency(country)  # unknown country: true 112/911 guidance
        if node.view_args.get("brief"):
            return ViewContent(text=render_brief_emergency(emergency, tr))
        first = self._first_lines(node.view_args.get("first"), country, session, ctx)
        lines = [s for s in self.directory.lines_24_7(country) if s not in first] if country else []
        text = "\n".join([*(self._line(service, tr) for service in first), render_emergency(emergency, lines, tr)])
        if country:
            return ViewContent(text=text, leads=True)
        ask = tr.pgettext("safety:danger.which_country", "Tap your country for its own numbers:")
        return ViewContent(text=f"{text}\n\n{ask}", buttons=self.countries.render(node, session, ctx).buttons, leads=True)

    def _first_lines(self, need: str | None, country: str | None, session: Session, ctx: StepContext) -> list[Service]:
        if not need or not country or need not in NEEDS:
            return []
        found = self.directory.find(country, need, session.lang, ctx.now)
        return [service for service in found if service.main_phone][:MAX_FIRST_LINES]

    @staticmethod
    def _line(service: Service, tr: Translator) -> str:
        assert service.main_phone is not None  # only services with a phone are chosen
        return tr.pgettext(
            "safety:emergency.first_line", "📞 <b>{name}: {number}</b>",
            name=display_name(service, tr.locale.split("_")[0]), number=service.main_phone.display,
        )  # fmt: skip

    def select(self, node: Node, session: Session, value: str, ctx: StepContext) -> Choice | None:
        return self.countries.select(node, session, value, ctx)

    def read(self, node: Node, session: Session, text: str, ctx: StepContext) -> Choice | None:
        return self.countries.read(node, session, text, ctx)
