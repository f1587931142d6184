"""The engine: one pure function from (session, event) to (session, replies, effects).

No I/O, no clock reads, no randomness: everything the step needs is passed in. The runtime
may therefore run a step again when a compare-and-set save loses a race, and tests can
script whole conversations with nothing but data.

Routing is on stable callback ids (``flow.node|button``), never on label text, so translated
labels cannot break navigation (a lesson from python-telegram-bot's own examples). A button
from an old keyboard still works because its id names its node; a node id that no longer
exists (after a deploy) leads kindly back to the menu.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine.contract import CASE, DANGER, DETECTIONS, LANGUAGE, SEPARATOR
from bot.engine.effects import (
    ChooseLanguage,
    Effect,
    EndConversation,
    Erase,
    Forget,
    Relay,
    RuntimeEffect,
    SetValues,
    UnsetValues,
)
from bot.engine.model import (
    BACK,
    EXIT,
    HOME,
    VALUE_MARK,
    Choice,
    Event,
    Flows,
    Node,
    Reply,
    ReplyButton,
    Session,
    Step,
    StepContext,
    View,
    all_hold,
)
from bot.engine.reading import Reading
from bot.engine.routing import Route, danger_route, fallback, route
from bot.i18n import Translator
from bot.i18n.catalogs import display_name
from bot.text import contains_phrase, fold

MAX_HISTORY = 12
ASK_CONFIDENCE = 0.7  # below this, asking "is this your language?" is more noise than help
MAX_DETECTIONS = 3  # only the first few free-text messages are examined
MAX_CHAIN = 6  # nodes entered in one step through 'next'; the loader rejects loops


class _Stepper:
    """The state of one step while it runs; discarded afterwards."""

    def __init__(self, flows: Flows, views: Mapping[str, View], session: Session, ctx: StepContext) -> None:
        self.flows = flows
        self.views = views
        self.session = session
        self.ctx = ctx
        self.replies: list[Reply] = []
        self.effects: list[RuntimeEffect] = []

    # -- texts -----------------------------------------------------------------------------

    @property
    def tr(self) -> Translator:
        """The translator for the session's language, looked up per call because 'lang' may change."""
        return self.ctx.translator(self.session.lang)

    def say(self, text: str) -> None:
        """Add a reply with no keyboard (notices such as "I did not understand")."""
        self.replies.append(Reply(text=text, node=self.session.node or "", direction=self.tr.direction))

    # -- effects and movement ---------------------------------------------------------------

    def apply(self, effects: tuple[Effect, ...]) -> None:
        """Session effects change the session now; runtime effects wait for the save."""
        for effect in effects:
            if isinstance(effect, SetValues):
                self.session.values.update(effect.values)
            elif isinstance(effect, UnsetValues):
                for name in effect.names:
                    self.session.values.pop(name, None)
            elif isinstance(effect, ChooseLanguage):
                self.session.lang = effect.locale
                self.session.lang_source = "choice"
            elif isinstance(effect, EndConversation):
                self.session.node = None
                self.session.history.clear()
                self.session.values.clear()
            elif isinstance(effect, RuntimeEffect):
                self.effects.append(effect)

    def enter(self, node_id: str, *, push: bool = True) -> None:
        """Go to a node: remember where we were, run its effects, show it and its 'next' chain."""
        current = self.session.node
        if node_id == self.flows.menu:
            self.session.history.clear()  # the menu is the root: Back from it has nowhere to go
        elif push and current and current != node_id and current in self.flows.nodes:
            if not self.session.history or self.session.history[-1] != current:
                self.session.history.append(current)
            del self.session.history[:-MAX_HISTORY]
        for _ in range(MAX_CHAIN):
            node = self.flows.nodes[node_id]
            self.session.node = node.id
            self.apply(node.effects)
            self.replies.append(self.render(node))
            if not node.next:
                return
            node_id = node.next

    def show(self, node_id: str) -> None:
        """Show a node again without running its effects (back, or after a notice)."""
        node = self.flows.nodes[node_id]
        self.session.node = node.id
        self.replies.append(self.render(node))

    def go(self, choice: Choice, origin: Node) -> None:
        """Carry out a button's or a rule's choice made on ``origin``."""
        self.session.node = origin.id
        self.apply(tuple(e for e in choice.effects if not isinstance(e, (Erase, Forget))))
        if any(isinstance(e, Erase) for e in choice.effects):
            return self.exit()
        if any(isinstance(e, Forget) for e in choice.effects):
            return self.forget()
        if any(isinstance(e, EndConversation) for e in choice.effects):
            return None
        if choice.goto:
            self.enter(choice.goto)
        else:
            self.show(origin.id)
        return None

    # -- rendering --------------------------------------------------------------------------

    def render(self, node: Node) -> Reply:
        tr = self.tr
        parts = [tr.pgettext(node.context, node.text)] if node.text else []
        rows: list[tuple[ReplyButton, ...]] = []
        if node.view:
            content = self.views[node.view].render(node, self.session, self.ctx)
            if content.text:
                parts.insert(0 if content.leads else len(parts), content.text)
            rows.extend(content.buttons)
        if not node.next:
            static = [
                ReplyButton(tr.label(node.button_context(b.id), b.label), data=f"{node.id}{SEPARATOR}{b.id}")
                for b in node.buttons
                if all_hold(b.when, self.session.values)
            ]
            rows.extend(tuple(static[i : i + node.columns]) for i in range(0, len(static), node.columns))
            if node.nav:
                rows.append(self.nav_row())
        text = "\n\n".join(parts) or "…"
        return Reply(text=text, buttons=tuple(rows), node=node.id, direction=tr.direction)

    def nav_row(self) -> tuple[ReplyButton, ...]:
        tr = self.tr
        row = []
        if self.session.history:
            row.append(ReplyButton(tr.label("nav.back", "Back"), data=BACK))
        row.append(ReplyButton(tr.label("nav.menu", "Menu"), data=HOME))
        row.append(ReplyButton(tr.label("safety:nav.exit", "Exit"), data=EXIT))
        return tuple(row)

    # -- events -----------------------------------------------------------------------------

    def current(self) -> Node | None:
        return self.flows.nodes.get(self.session.node or "")

    def restart(self) -> None:
        self.session.history.clear()
        self.session.node = None
        self.enter(self.flows.start, push=False)

    def home(self) -> None:
        self.session.history.clear()
        self.enter(self.flows.menu, push=False)

    def back(self) -> None:
        while self.session.history:
            previous = self.session.history.pop()
            if previous in self.flows.nodes:
                self.show(previous)
                return
        self.home()

    def exit(self) -> None:
        """Erase everything; the runtime wipes state (and the channel messages) first.

        What remains is the neutral ``exit.done`` node, which the channel deletes again soon.
        """
        self.effects.append(Erase())
        self.session.history.clear()
        self.enter(self.flows.exit, push=False)

    def forget(self) -> None:
        """Delete the state now but leave the messages (people may want to keep numbers)."""
        self.effects.append(Forget())
        self.say(
            self.tr.pgettext(
                "safety:exit.forgotten",
                "I have forgotten this conversation. The messages stay on this phone until you delete them.",
            )
        )

    def stale(self) -> None:
        """A button from an old conversation: say so, then show the menu."""
        self.say(self.tr.pgettext("engine.stale_button", "That option is no longer available. Here is the menu."))
        self.home()

    def press(self, data: str) -> None:
        if data == BACK:
            return self.back()
        if data == HOME:
            return self.home()
        if data == EXIT:
            return self.exit()
        node_id, _, button_id = data.partition(SEPARATOR)
        node = self.flows.nodes.get(node_id)
        if node is None:
            return self.stale()
        if button_id.startswith(VALUE_MARK) and node.view:
            choice = self.views[node.view].select(node, self.session, button_id[1:], self.ctx)
            return self.go(choice, node) if choice else self.stale()
        button = next((b for b in node.buttons if b.id == button_id), None)
        if button is None or not all_hold(button.when, self.session.values):
            return self.stale()
        self.go(Choice(button.goto, button.effects), node)

    def ask_language(self, text: str) -> None:
        """Ask, in the language the survivor seems to write in, whether to switch to it.

        Only for the first few free-text messages, never after an explicit choice, and only
        once per conversation: a wrong guess must cost one tap, not a surprise switch.
        """
        session = self.session
        checks = int(session.values.get(DETECTIONS, "0"))
        if session.lang_source == "choice" or checks >= MAX_DETECTIONS:
            return
        session.values[DETECTIONS] = str(checks + 1)
        found = self.ctx.detect(text)
        if not found or found[0] == session.lang or found[1] < ASK_CONFIDENCE:
            return
        code = found[0]
        session.values[DETECTIONS] = str(MAX_DETECTIONS)
        name, current = display_name(code), display_name(session.lang or "en")
        tr = self.ctx.translator(code)
        question = tr.pgettext(
            "language.detected", "It looks like you write in {language}. Continue in {language}?", language=name
        )
        buttons = (
            ReplyButton(name, data=f"{LANGUAGE}{SEPARATOR}{VALUE_MARK}{code}"),
            ReplyButton(current, data=f"{LANGUAGE}{SEPARATOR}{VALUE_MARK}{session.lang or 'en'}"),
        )
        leave = (ReplyButton(tr.label("safety:nav.exit", "Exit"), data=EXIT),)  # Exit is on every keyboard
        self.replies.append(Reply(text=question, buttons=(buttons, leave), node=LANGUAGE, direction=tr.direction))

    def follow(self, route: Route, *, push: bool = True) -> None:
        """Carry out a route: set its values, say its acknowledgement, enter its node."""
        for name in route.unset:
            self.session.values.pop(name, None)
        self.session.values.update(route.values)
        if route.ack:
            self.say(self.tr.pgettext(*route.ack))
        self.enter(route.node, push=push)

    def read(self, text: str) -> None:
        reading = self.ctx.understand(text)
        alarm = danger_route(reading)
        if alarm:
            self.follow(alarm)  # danger first, with Back to where the survivor was
        else:
            self._read(text, reading)
        self.ask_language(text)

    def _read(self, text: str, reading: Reading) -> None:
        node = self.current()
        if node is None:
            return self.restart()
        folded = fold(text)
        tr = self.tr
        if not node.next:
            for button in node.buttons:
                if not all_hold(button.when, self.session.values):
                    continue
                labels = {button.label, tr.label(node.button_context(button.id), button.label)}
                if folded in {fold(label) for label in labels}:
                    return self.press(f"{node.id}{SEPARATOR}{button.id}")
            if node.nav:
                for data, label in ((BACK, "Back"), (HOME, "Menu"), (EXIT, "Exit")):
                    context = "safety:nav.exit" if data == EXIT else f"nav.{label.lower()}"
                    if folded in (fold(label), fold(tr.label(context, label))):
                        return self.press(data)
        rules = [rule for rule in node.inputs if all_hold(rule.when, self.session.values)]
        anything = next((rule for rule in rules if rule.keywords is None), None)
        if anything:  # the node takes any text (a first line for the advocate)
            return self.go(Choice(anything.goto, anything.effects), node)
        if node.view:
            choice = self.views[node.view].read(node, self.session, text, self.ctx)
            if choice:
                return self.go(choice, node)
        understood = route(reading, self.session.values)
        if understood:
            return self.follow(understood)
        for rule in rules:
            context = f"{node.context}.{rule.id}"  # extracted from the flow YAML, not from here
            keywords = {*(rule.keywords or "").split("|"), *tr.label(context, rule.keywords or "").split("|")}
            if any(contains_phrase(folded, keyword) for keyword in keywords if keyword):
                return self.go(Choice(rule.goto, rule.effects), node)
        return self.follow(fallback(reading))

    def command(self, name: str) -> None:
        if name == "start":
            return self.restart()
        if name == "menu":
            return self.home()
        if name == "exit":
            return self.exit()
        if name == "forget":
            return self.forget()
        if name in ("language", "lang"):
            return self.enter(LANGUAGE)
        if name in ("help", "sos", "danger", "emergency"):
            return self.enter(DANGER)
        self.say(self.tr.pgettext("engine.unknown_command", "I don't know that command."))
        node = self.current()
        self.show(node.id) if node else self.restart()

    def media(self) -> None:
        self.say(
            self.tr.pgettext(
                "engine.media",
                "I can only read text messages. Your file was not saved. Please write or use the buttons.",
            )
        )
        node = self.current()
        self.show(node.id) if node else self.restart()


def step(flows: Flows, views: Mapping[str, View], session: Session, event: Event, ctx: StepContext) -> Step:
    """Advance one conversation by one event. Pure: ``session`` is not modified."""
    work = replace(session, values=dict(session.values), history=list(session.history))
    if work.lang is None:
        work.lang = ctx.negotiate(event.lang_hint)
        work.lang_source = "channel" if event.lang_hint else None
    if work.node is not None and work.node not in flows.nodes:
        work.node = None  # a node renamed by a deploy: start again kindly
        work.history.clear()
    stepper = _Stepper(flows, views, work, ctx)
    if work.values.get(CASE) and event.kind in ("text", "media"):
        # In a live conversation with an advocate, what the survivor writes goes to them
        # (the channel copies the message; its text never passes through state). Danger is
        # still answered at once, by Haven, with the emergency number.
        stepper.effects.append(Relay(work.values[CASE]))
        alarm = danger_route(ctx.understand(event.text)) if event.kind == "text" else None
        if alarm:
            stepper.follow(alarm)
    elif event.kind == "start":
        stepper.restart()
    elif event.kind == "button":
        stepper.press(event.data)
    elif event.kind == "command":
        stepper.command(event.data)
    elif event.kind == "media":
        stepper.media()
    else:
        stepper.read(event.text)
    return Step(session=stepper.session, replies=tuple(stepper.replies), effects=tuple(stepper.effects))


def render(flows: Flows, views: Mapping[str, View], session: Session, node_id: str, ctx: StepContext) -> Reply:
    """The message a node shows in ``session``, as a step would show it (no effects run).

    For tools that look at every rendered message (the discreet-first-line check, previews for
    translators); ``session`` is not modified.
    """
    work = replace(session, values=dict(session.values), history=list(session.history))
    return _Stepper(flows, views, work, ctx).render(flows.nodes[node_id])
