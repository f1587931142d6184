"""The advocates' desk on Telegram: an :class:`~bot.channels.telegram.Extension` of the channel.

Survivor side: the engine returns ``escalate`` (open a case), ``relay`` (a message during a
case), ``end_case`` and ``erase``/``forget`` effects; this desk carries them out. Advocate side:
``intercept`` takes every update from the advocates' forum group (messages and button presses),
so the engine never sees them, and every action is checked with :mod:`bot.escalation.policy`.

Without an advocates' file there is no desk to hand over to: "Talk to a person" then gets the
honest answer that no advocate can answer here, with the 24/7 lines. With one, a
:class:`~bot.escalation.handoff.Handoff` does the work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.channels.telegram import TelegramChannel, TelegramScope, button_data
from bot.directory import Directory
from bot.engine.effects import EndCase, Erase, Escalate, Forget, PreviewFirstLine, Relay, RuntimeEffect
from bot.engine.model import Reply
from bot.escalation import replies
from bot.escalation.cases import CaseStore
from bot.escalation.config import DeskConfig
from bot.escalation.handoff import Handoff
from bot.escalation.policy import Availability
from bot.escalation.survivors import Survivors
from bot.runtime import EffectDispatcher, Runtime

log = logging.getLogger(__name__)

CHECK_SECONDS = 15.0  # how often a worker looks for waits that ran out

E = TypeVar("E", bound=RuntimeEffect)
Handler = Callable[[E, TelegramScope], Awaitable[list[Reply]]]


class DeskSettings(Protocol):
    """What the desk needs from Haven's settings (``Settings`` has it; configuration sits above
    the desk, so it is not imported here)."""

    @property
    def desk(self) -> DeskConfig | None: ...

    def derived_key(self, purpose: str) -> bytes: ...


class AdvocateDesk:
    """Cases between survivors (private chats) and advocates (one forum topic per case)."""

    def __init__(self, survivors: Survivors, handoff: Handoff | None = None) -> None:
        self.survivors = survivors
        self.runtime = survivors.runtime
        self.handoff = handoff  # None: no advocates' file is configured

    @classmethod
    def build(
        cls, settings: DeskSettings, runtime: Runtime, redis: Redis, directory: Directory | None, operator_locale: str = "en"
    ) -> AdvocateDesk:
        """The desk for these settings; without ``ADVOCATES_FILE`` it only gives honest fallbacks."""
        survivors = Survivors(runtime, directory)
        config = settings.desk
        if config is None:
            return cls(survivors)
        cases = CaseStore(redis, settings.derived_key("advocate"), config.case_ttl)
        return cls(survivors, Handoff(config, cases, survivors, runtime.catalogs.translator(operator_locale)))

    @property
    def desk(self) -> DeskConfig | None:
        """The desk's configuration; None where no advocates' file is configured."""
        return self.handoff.config if self.handoff is not None else None

    # ------------------------------------------------------------------ Extension API

    def _route(self, update: Update) -> tuple[Handoff, Message, CallbackQuery | None, tuple[str, str] | None] | None:
        """(hand-off, message, press, Keep waiting data) for the updates the desk takes: the
        advocates' group, and the survivor's Keep waiting button; None for all others."""
        handoff = self.handoff
        query = update.callback_query
        message = query.message if query is not None and isinstance(query.message, Message) else update.message
        if handoff is None or message is None:
            return None
        if message.chat.id == handoff.config.group_id:
            return handoff, message, query, None
        parsed = replies.parse_case_data(button_data(query.data) if query is not None else None)
        if query is not None and parsed is not None and message.chat.type == ChatType.PRIVATE:
            return handoff, message, query, parsed
        return None

    def claims(self, update: Update) -> bool:
        return self._route(update) is not None

    async def intercept(self, update: Update, bot: Bot, channel: TelegramChannel) -> bool:
        """Take the advocates' group updates and the survivor's Keep waiting button."""
        route = self._route(update)
        if route is None:
            return False
        handoff, message, query, parsed = route
        try:
            if parsed is not None and query is not None:
                await handoff.on_keep_waiting(query, message, *parsed, bot)
            elif query is not None:
                await handoff.on_desk_press(query, message, bot)
            else:
                await handoff.on_desk_message(message, bot)
        except RedisError as exc:
            log.error("desk_store_unavailable error=%s", exc.__class__.__name__)
        return True

    def register(self, effects: EffectDispatcher[TelegramScope]) -> None:
        """Carry out the case effects of the survivor's chat (replies go after the engine's).

        Without a desk no case is ever opened, so there is nothing to relay or to end.
        """
        effects.on(PreviewFirstLine, self._guarded(self._preview))
        handoff = self.handoff
        if handoff is None:
            effects.on(Escalate, self._guarded(self._no_desk, answers=True))
            return
        effects.on(Escalate, self._guarded(handoff.escalate, answers=True))
        effects.on(Relay, self._guarded(handoff.relay_from_survivor, answers=True))
        for ending in (EndCase, Erase, Forget):
            effects.on(ending, self._guarded(handoff.end_by_survivor))

    def _guarded(self, handler: Handler[E], *, answers: bool = False) -> Handler[E]:
        """``handler`` with Redis trouble logged; where the survivor waits for an answer
        (``answers``), they get the honest "lost" reply with the emergency number."""

        async def run(effect: E, scope: TelegramScope) -> list[Reply]:
            try:
                return await handler(effect, scope)
            except RedisError as exc:
                log.error("desk_store_unavailable effect=%s error=%s", type(effect).__name__, exc.__class__.__name__)
                if not answers:
                    return []
                return [self.survivors.fallback(self.survivors.tr(None), "lost", None)]

        return run

    # ------------------------------------------------------------------ survivor side

    async def _preview(self, _: PreviewFirstLine, scope: TelegramScope) -> list[Reply]:
        """The survivor's first line echoed back with Send / Change / Skip."""
        message = scope.update.message
        line = replies.first_line(message.text if message is not None else None)
        if not line:
            return []
        session = await self.runtime.store.load(scope.sid)
        return [replies.preview(self.survivors.tr(session.lang), line)]

    async def _no_desk(self, _: Escalate, scope: TelegramScope) -> list[Reply]:
        """"Talk to a person" where no advocates' desk exists: the honest answer and the 24/7 lines."""
        return await self.survivors.decline(scope.sid, await self.runtime.store.load(scope.sid), Availability.NO_DESK)

    async def end_for_session(self, bot: Bot, sid: str) -> None:
        """Close the case of a session that ends (also when it is auto-erased); advocates are told."""
        if self.handoff is not None:
            await self.handoff.end_for_session(bot, sid)

    # ------------------------------------------------------------------ waits that run out

    async def check_waits(self, bot: Bot) -> int:
        """Offer other help to survivors nobody claimed in time; returns how many were told."""
        return await self.handoff.check_waits(bot) if self.handoff is not None else 0

    async def run(self, bot: Bot) -> None:
        """Check for waits that ran out, forever (cancelled when the service stops)."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            try:
                await self.check_waits(bot)
            except (RedisError, TelegramError) as exc:
                log.error("wait_check_failed error=%s", exc.__class__.__name__)
