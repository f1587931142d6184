"""The terminal channel: ``python -m bot chat``.

Interactive on a terminal, scriptable through a pipe. Buttons are listed with numbers;
typing the number or the label presses it; ``/exit``, ``/menu``, ``/language`` work as on
Telegram. Output is plain and stable (no colours, no prompts when piped, the survivor's
lines echoed as ``> ...``), so a whole conversation can be piped through it by tests and by
translators walking a flow in their language.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import IO

from bot.channels.text import plain
from bot.directory import Directory, render_emergency
from bot.engine.effects import Escalate
from bot.engine.model import Event, Reply, ReplyButton, Session
from bot.i18n import Translator
from bot.runtime import Outcome, Runtime
from bot.text import fold

CHANNEL = "console"
Unavailable = Callable[[Translator, str], Reply]
"""The desk's honest "no advocate can answer here" reply, given the emergency text: passed in by
whoever assembles Haven, because the desk sits above the channels."""
_CLEAR = "\033[2J\033[H"


class Console:
    """One terminal conversation.

    Advocates work in Telegram, so the terminal has no desk: asking for a person here gets the
    same honest "no advocate can answer" reply, with the emergency number and 24/7 lines, that
    Telegram gives when no advocate is configured.
    """

    def __init__(
        self,
        runtime: Runtime,
        out: IO[str],
        interactive: bool,
        unavailable: Unavailable,
        directory: Directory | None = None,
    ) -> None:
        self.runtime = runtime
        self.unavailable = unavailable
        self.out = out
        self.interactive = interactive
        self.directory = directory
        self.sid = runtime.session_id(CHANNEL, "terminal")
        self.buttons: list[ReplyButton] = []

    def show(self, outcome: Outcome) -> None:
        """Print the replies; remember the last keyboard so numbers can press it."""
        if self.interactive and outcome.erasing:
            self.out.write(_CLEAR)  # the terminal's version of deleting the messages
        replies = list(outcome.replies)
        if any(isinstance(effect, Escalate) for effect in outcome.effects):
            replies.append(self.no_desk(outcome.session))
        for reply in replies:
            self.print_reply(reply)
        self.out.flush()

    def no_desk(self, session: Session | None) -> Reply:
        tr = self.runtime.catalogs.translator(session.lang if session else None)
        country = session.values.get("country") if session else None
        emergency = ""
        if self.directory is not None:
            lines = self.directory.lines_24_7(country) if country else []
            emergency = render_emergency(self.directory.emergency(country), lines, tr)
        return self.unavailable(tr, emergency)

    def print_reply(self, reply: Reply) -> None:
        self.out.write(plain(reply.text).rstrip() + "\n")
        if reply.buttons:
            self.buttons = [button for row in reply.buttons for button in row]
            for number, button in enumerate(self.buttons, start=1):
                target = f" -> {button.url}" if button.url else ""
                self.out.write(f"  [{number}] {button.label}{target}\n")
        self.out.write("\n")

    def event_for(self, line: str) -> Event | None:
        """What a typed line means: a command, a button (by number or label), or text."""
        text = line.strip()
        if not text:
            return None
        if text.startswith("/"):
            name = text[1:].split()[0].lower() if len(text) > 1 else ""
            return Event("start") if name == "start" else Event("command", data=name)
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            button = self.buttons[int(text) - 1]
            return Event("button", data=button.data) if button.data else None
        for button in self.buttons:
            if button.data and fold(button.label) == fold(text):
                return Event("button", data=button.data)
        return Event("text", text=text)

    async def run(self, lines: IO[str], lang: str | None) -> None:
        """Greet, then answer every line until end of input or ``/quit``."""
        await self.runtime.store.erase(self.sid)  # every terminal chat starts fresh
        self.show(await self.runtime.handle(self.sid, Event("start", lang_hint=lang)))
        loop = asyncio.get_running_loop()
        while True:
            if self.interactive:
                self.out.write("> ")
                self.out.flush()
            line = await loop.run_in_executor(None, lines.readline)
            if not line or line.strip() in ("/quit", "/q"):
                break
            if not self.interactive:
                self.out.write(f"> {line.strip()}\n")
            event = self.event_for(line)
            if event is None:
                continue
            self.show(await self.runtime.handle(self.sid, event))


async def chat(
    runtime: Runtime,
    lang: str | None,
    unavailable: Unavailable,
    directory: Directory | None = None,
    lines: IO[str] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Run one terminal conversation on ``stdin``/``stdout``."""
    lines = lines or sys.stdin
    out = out or sys.stdout
    await Console(runtime, out, lines.isatty(), unavailable, directory).run(lines, lang)
