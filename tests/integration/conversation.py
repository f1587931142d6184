"""Scripted conversations through the terminal channel, in-process, on the real runtime and Redis.

A test says what the survivor types or taps, and reads what they would read, exactly as
``haven chat`` prints it.
"""

from __future__ import annotations

import io

from bot.app import StaticData
from bot.channels.console import Console
from bot.engine.model import Event
from bot.escalation.replies import no_desk
from bot.metrics import Metrics
from bot.runtime import Runtime
from bot.sealing import AddressBox
from bot.store import SessionStore
from redis.asyncio import Redis


class Conversation:
    """One survivor's terminal conversation."""

    def __init__(self, static: StaticData, redis: Redis) -> None:
        store = SessionStore(redis, b"c" * 32, 1800)
        runtime = Runtime(
            static.flows, static.views, static.catalogs, store, Metrics(), AddressBox(b"a" * 32),
            flood_limit=10_000, detector=static.detector, understanding=static.understanding,
        )
        self.out = io.StringIO()
        self.console = Console(runtime, self.out, False, no_desk, static.directory)
        self.last = ""

    async def _run(self, event: Event) -> str:
        self.out.seek(0)
        self.out.truncate()
        self.console.show(await self.console.runtime.handle(self.console.sid, event))
        self.last = self.out.getvalue()
        return self.last

    async def start(self, lang: str | None = None) -> str:
        return await self._run(Event("start", lang_hint=lang))

    async def say(self, line: str) -> str:
        """Type a line (a number presses that button, as in the terminal)."""
        event = self.console.event_for(line)
        assert event is not None, line
        return await self._run(event)

    async def tap(self, label: str) -> str:
        """Press the button with this label on the last keyboard."""
        labels = [b.label for b in self.console.buttons]
        assert label in labels, f"no button {label!r}; buttons: {labels}\n{self.last}"
        return await self.say(str(labels.index(label) + 1))

    def buttons(self) -> list[str]:
        return [b.label for b in self.console.buttons]
