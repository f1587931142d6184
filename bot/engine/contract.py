"""The contract between the flows (data) and Python: what Python relies on, declared once.

Content people change ``flows/*.yaml`` without touching Python, but some nodes, buttons and
session values are more than content: the danger check opens ``danger.start`` whatever flow
the survivor is in, the advocates' desk moves a survivor to ``person.ended``, and its End chat
button is ``person.waiting|cancel``. Renaming one of them used to switch a feature off
silently. Now every one is a :class:`Role` here, the loader checks the flows against
:data:`ROLES` and :data:`VARIABLES` (rule codes ``missing-role``, ``role-view``,
``role-button``, ``role-effect``, ``unknown-variable``), and Python refers to them only
through the names below. ``flows/README.md`` lists them for content people.

New features add their roles here and the loader enforces them from then on: the pages the
understanding of free text routes to (crisis, trafficking, child, the warm answer to a message
nothing placed, and Find help's results) are roles for that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.effects import Effect, EndCase, Escalate

SEPARATOR = "|"  # "<node>|<button>": a static button's callback data, valid even on an old keyboard


def button_ref(node: str, button: str) -> str:
    """The callback data of a node's static button (stable: it names its node)."""
    return f"{node}{SEPARATOR}{button}"


# Nodes Python enters or names.
START = "main.start"
MENU = "main.menu"
LANGUAGE = "main.language"
DANGER = "danger.start"
CRISIS = "danger.crisis"
TRAFFICKING = "danger.trafficking"
CHILD = "danger.child"
UNPLACED = "help.unplaced"
HELP_WHERE = "help.where"
HELP_RESULTS = "help.results"
HELP_NEED = "help.need"
EXIT_LINE = "exit.done"
CASE_LINE = "person.line"
CASE_PREVIEW = "person.preview"
CASE_WAITING = "person.waiting"
CASE_ENDED = "person.ended"

# Buttons Python draws itself, outside the flow's own keyboards.
SEND_LINE = button_ref(CASE_LINE, "send")
CHANGE_LINE = button_ref(CASE_LINE, "again")
SKIP_LINE = button_ref(CASE_LINE, "skip")
END_CASE = button_ref(CASE_WAITING, "cancel")  # End chat / Stop waiting, under every case message


@dataclass(frozen=True)
class RequiredButton:
    """A button of a role node that Python relies on, and the effect it must carry."""

    id: str
    effect: type[Effect] | None = None
    why: str = ""


@dataclass(frozen=True)
class Role:
    """A node Python relies on: its id, what for, and what it must contain."""

    name: str
    node: str
    why: str
    view: str | None = None
    buttons: tuple[RequiredButton, ...] = ()


ROLES: tuple[Role, ...] = (
    Role("start", START, "the greeting: /start and a first message of any kind open it"),
    Role("menu", MENU, "Menu on every keyboard, and where a node renamed by a deploy leads"),
    Role("language", LANGUAGE, "/language, and the buttons of 'continue in this language?'", view="languages"),
    Role("danger", DANGER, "any message that signals danger opens it, in every flow; also /help", view="emergency"),
    Role("crisis", CRISIS, "a message about ending one's life or self-harm: the crisis line first", view="emergency"),
    Role(
        "trafficking", TRAFFICKING, "papers taken, not free to leave, debt threats: the trafficking line first", view="emergency"
    ),
    Role("child", CHILD, "a child harmed, or a child writing about being hurt: the child helpline first", view="emergency"),
    Role("unplaced", UNPLACED, "the warm answer to a message nothing placed, the emergency line last", view="emergency"),
    Role("help_where", HELP_WHERE, "the country question when a need was written before the country", view="countries"),
    Role("help_results", HELP_RESULTS, "the services for a need someone wrote in their own words", view="services"),
    Role("help_need", HELP_NEED, "where a country named in free text leads: what would help most"),
    Role("exit", EXIT_LINE, "the neutral line left after Exit, deleted a minute later"),
    Role(
        "case_line",
        CASE_LINE,
        "the survivor's optional first line for the advocate; Send, Change and Skip sit under its preview",
        buttons=(
            RequiredButton("send", Escalate, "opens the case with the previewed line"),
            RequiredButton("again", None, "writes the line again"),
            RequiredButton("skip", Escalate, "opens the case without a line"),
        ),
    ),
    Role("case_preview", CASE_PREVIEW, "shown above the survivor's own line, which carries the desk's buttons"),
    Role(
        "case_waiting",
        CASE_WAITING,
        "the wait for an advocate; its cancel button is End chat / Stop waiting under every case message",
        buttons=(RequiredButton("cancel", EndCase, "closes the survivor's case"),),
    ),
    Role("case_ended", CASE_ENDED, "where the desk moves a survivor whose case has ended"),
)

# Session values Python reads or writes, with the module that gives them meaning. A flow may
# set, unset or test only these (a typo would otherwise be a value nobody ever reads).
COUNTRY = "country"
NEED = "need"
SITUATION = "situation"
PAGE = "page"
CARD = "card"
DISCREET = "discreet"
CASE = "case"
TYPED = "typed"
DETECTIONS = "lang_checks"

VARIABLES: Mapping[str, str] = {
    COUNTRY: "the survivor's country (ISO code), chosen in the countries view",
    NEED: "the kind of help chosen in Find help (a directory need)",
    SITUATION: "the situation chosen in Know my rights (a rights deck)",
    PAGE: "the page of Find help results",
    CARD: "the card shown in a rights deck",
    DISCREET: "set when the survivor chose extra-discreet messages",
    CASE: "the code of the survivor's live advocate case: free text is relayed, not matched",
    TYPED: "set once the survivor wrote a first line for the advocate",
    DETECTIONS: "how many messages language detection has looked at",
}
