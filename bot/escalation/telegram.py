"""The advocates' desk on Telegram: an :class:`~bot.channels.telegram.Extension` of the channel.

Survivor side: the engine returns ``escalate`` (open a case), ``relay`` (a message during a
case), ``end_case`` and ``erase``/``forget`` effects; this desk carries them out. Advocate side:
``intercept`` takes every update from the advocates' forum group (messages and button presses),
so the engine never sees them, and every action is checked with :mod:`bot.escalation.policy`.

Messages travel with ``copyMessage`` in both directions, never as forwards: a copy
carries no link to the sender's account, and the bot never reads or stores what is written
(the first line is read once from the survivor's own preview message and put on the card).
A message is delivered only to the address sealed for the session the case belongs to, and
only while that session still names the case; anything else closes the case and says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.sending import MAX_RETRY_WAIT, NO_PREVIEW, retry_seconds
from bot.channels.style import discreet
from bot.channels.telegram import CHANNEL, TelegramChannel, TelegramScope, button_data, keyboard, quietly
from bot.config import Settings
from bot.directory import Directory, render_emergency
from bot.engine.contract import CASE, CASE_ENDED, DISCREET
from bot.engine.effects import EndCase, Erase, Escalate, Forget, PreviewFirstLine, Relay, RuntimeEffect
from bot.engine.model import Reply, Session
from bot.escalation import replies
from bot.escalation.cases import WAITING, Case, CaseStore
from bot.escalation.config import DeskConfig
from bot.escalation.policy import Availability, Refusal, availability, refusal
from bot.i18n import Translator
from bot.runtime import EffectDispatcher, Runtime
from bot.store import ADDRESS_PART, SessionStore

log = logging.getLogger(__name__)

CHECK_SECONDS = 15.0  # how often a worker looks for waits that ran out
MAX_POSITION_UPDATES = 20  # waiting survivors whose "number N in line" is kept current

Handler = Callable[[Any, TelegramScope], Awaitable[list[Reply]]]
Send = Callable[[], Awaitable[Any]]  # one Bot API call that sends a message (Message or MessageId)
_NOTICE_FOR = {"retry": "not_delivered", "refused": "refused", "unhideable": "discreet_media"}  # relay outcome -> desk notice


def _has_content(message: Message) -> bool:
    """Text or media someone wrote; not a service message (topic created, pinned ...)."""
    return message.text is not None or message.effective_attachment is not None


class AdvocateDesk:
    """Cases between survivors (private chats) and advocates (one forum topic per case)."""

    def __init__(
        self,
        desk: DeskConfig | None,
        cases: CaseStore | None,
        runtime: Runtime,
        directory: Directory | None,
        operator_locale: str = "en",
    ) -> None:
        self.desk = desk
        self.cases = cases
        self.runtime = runtime
        self.directory = directory
        self.staff = runtime.catalogs.translator(operator_locale)

    @classmethod
    def build(cls, settings: Settings, runtime: Runtime, redis: Redis, directory: Directory | None) -> AdvocateDesk:
        """The desk for these settings; without ``ADVOCATES_FILE`` it only gives honest fallbacks."""
        desk = settings.desk
        cases = CaseStore(redis, settings.derived_key("advocate"), desk.case_ttl) if desk else None
        return cls(desk, cases, runtime, directory)

    # ------------------------------------------------------------------ Extension API

    async def intercept(self, update: Update, bot: Any, channel: TelegramChannel) -> bool:
        """Take the advocates' group updates and the survivor's Keep waiting button."""
        if self.desk is None or self.cases is None:
            return False
        query = update.callback_query
        message = query.message if query is not None and isinstance(query.message, Message) else update.message
        if message is None:
            return False
        try:
            if message.chat.id == self.desk.group_id:
                if query is not None:
                    await self._on_desk_press(query, message, bot)
                else:
                    await self._on_desk_message(message, bot)
                return True
            parsed = replies.parse_case_data(button_data(query.data) if query is not None else None)
            if query is not None and parsed is not None and message.chat.type == ChatType.PRIVATE:
                await self._on_keep_waiting(query, message, parsed, bot)
                return True
        except RedisError as exc:
            log.error("desk_store_unavailable error=%s", exc.__class__.__name__)
            return True
        return False

    def register(self, effects: EffectDispatcher[TelegramScope]) -> None:
        """Carry out the case effects of the survivor's chat (replies go after the engine's)."""
        effects.on(PreviewFirstLine, self._guarded(lambda _, scope: self._preview(scope.update, scope.sid)))
        effects.on(Escalate, self._guarded(self._escalate, answers=True))
        effects.on(Relay, self._guarded(self._relay_from_survivor, answers=True))
        for ending in (EndCase, Erase, Forget):
            effects.on(ending, self._guarded(self._end_by_survivor))

    def _guarded(self, handler: Handler, *, answers: bool = False) -> Handler:
        """``handler`` with Redis trouble logged; where the survivor waits for an answer
        (``answers``), they get the honest "lost" reply with the emergency number."""

        async def run(effect: Any, scope: TelegramScope) -> list[Reply]:
            try:
                return await handler(effect, scope)
            except RedisError as exc:
                log.error("desk_store_unavailable effect=%s error=%s", type(effect).__name__, exc.__class__.__name__)
                if not answers:
                    return []
                tr = self.runtime.catalogs.translator(None)
                return [replies.fallback(tr, "lost", self._emergency(tr, None))]

        return run

    # ------------------------------------------------------------------ survivor side

    def _tr(self, locale: str | None) -> Translator:
        return self.runtime.catalogs.translator(locale)

    def _emergency(self, tr: Translator, country: str | None) -> str:
        """The country's emergency number and 24/7 lines (universal guidance when unknown)."""
        if self.directory is None:
            return render_emergency(None, [], tr)
        lines = self.directory.lines_24_7(country) if country else []
        return render_emergency(self.directory.emergency(country), lines, tr)

    async def _preview(self, update: Update, sid: str) -> list[Reply]:
        message = update.message
        line = replies.first_line(message.text if message is not None else None)
        if not line:
            return []
        session = await self.runtime.store.load(sid)
        return [replies.preview(self._tr(session.lang), line)]

    async def _escalate(self, effect: Escalate, scope: TelegramScope) -> list[Reply]:
        update, bot, sid, chat_id = scope.update, scope.bot, scope.sid, scope.chat_id
        session = await self.runtime.store.load(sid)
        tr = self._tr(session.lang)
        country = session.values.get("country")
        now = self.runtime.clock()
        moment = datetime.fromtimestamp(now, tz=UTC)
        state = availability(self.desk, moment)
        if state is not Availability.OPEN or self.desk is None or self.cases is None:
            log.info("case_not_opened reason=%s", state.value)
            await self._leave_case(sid, self.runtime.flows.menu)
            return [replies.fallback(tr, state.value, self._emergency(tr, country))]
        if CASE in session.values and await self.cases.get(session.values[CASE]) is not None:
            return []  # a double tap: the case is already open
        line = ""
        query = update.callback_query
        if effect.first_line and query is not None and isinstance(query.message, Message):
            line = replies.first_line(query.message.text)
        lang = session.lang or "en"
        topics, path = replies.summary(session.values)
        code = await self.cases.open(sid, lang, topics, now, now + self.desk.max_wait)
        local = moment.astimezone(self.desk.hours.zone)
        try:
            topic = await bot.create_forum_topic(self.desk.group_id, replies.topic_name(code, lang, topics))
            thread = topic.message_thread_id
            card = replies.card(self.staff, code, lang, path, local, line, self.desk.speakers_of(lang))
            try:
                posted = await self._post(bot, thread, card.text, card)
            except TelegramError:
                await quietly(bot.delete_forum_topic(self.desk.group_id, thread))
                raise
        except TelegramError as exc:
            log.error("desk_unreachable error=%s", exc.__class__.__name__)
            await self.cases.close(code)
            await self._leave_case(sid, self.runtime.flows.menu)
            return [replies.fallback(tr, "unreachable", self._emergency(tr, country))]
        await self.cases.attach_topic(code, thread, posted.message_id)
        if await self.runtime.update_session(sid, lambda s: s.values.__setitem__(CASE, code)) is None:
            await self._close(bot, await self.cases.get(code), "survivor_gone")
            return []
        position = await self.cases.position(code) or 1
        status = await self._to_survivor(bot, sid, chat_id, replies.queued(tr, position))
        if status is not None:
            await self.cases.note(code, status=status, pos=position)
        log.info("case_opened position=%d line=%s", position, "yes" if line else "no")
        return []

    async def _relay_from_survivor(self, effect: Relay, scope: TelegramScope) -> list[Reply]:
        bot, sid, chat_id = scope.bot, scope.sid, scope.chat_id
        message = scope.update.message
        assert self.desk is not None and self.cases is not None
        if message is None:
            return []
        case = await self.cases.get(effect.case)
        if case is None or case.sid != sid or case.thread is None:
            log.warning("relay_lost reason=%s", "missing" if case is None else "mismatch")
            return await self._lost(bot, sid, case if case is not None and case.sid == sid else None)
        tr = self._tr(case.lang)
        if message.text is None and not self.desk.relay_media:
            return [replies.media_not_relayed(tr)]
        outcome, _ = await self._copy(bot, self.desk.group_id, chat_id, message.message_id, thread=case.thread)
        if outcome == "ok":
            await self.cases.touch(case)
            return []
        if outcome in ("retry", "refused"):
            return [replies.not_delivered(tr)]
        return await self._lost(bot, sid, case, "topic_gone")

    async def _lost(self, bot: Any, sid: str, case: Case | None, reason: str = "survivor_gone") -> list[Reply]:
        """The case or its topic is gone: say so plainly, close what is left, show the numbers."""
        session = await self.runtime.store.load(sid)
        if case is not None:
            await self._close(bot, case, reason)
        await self._leave_case(sid, CASE_ENDED)
        tr = self._tr(session.lang)
        return [replies.fallback(tr, "lost", self._emergency(tr, session.values.get("country")))]

    async def _end_by_survivor(self, _: RuntimeEffect, scope: TelegramScope) -> list[Reply]:
        """End chat, Stop waiting, Exit or forget: close the survivor's case, if any."""
        await self.end_for_session(scope.bot, scope.sid)
        return []

    async def end_for_session(self, bot: Any, sid: str) -> None:
        """Close the case of a session that ends (also when it is auto-erased); advocates are told."""
        if self.cases is None:
            return
        code = await self.cases.by_session(sid)
        case = await self.cases.get(code) if code else None
        if case is not None and case.sid == sid:
            await self._close(bot, case, "survivor_ended")
            await self._leave_case(sid, None)

    async def _leave_case(self, sid: str, node: str | None) -> None:
        """Forget the case in the survivor's session (and move them to ``node`` when given)."""

        def change(session: Session) -> None:
            session.values.pop(CASE, None)
            if node is not None:
                session.node = node
                session.history.clear()

        await self.runtime.update_session(sid, change)

    async def _on_keep_waiting(
        self, query: CallbackQuery, message: Message, parsed: tuple[str, str], bot: Any
    ) -> None:
        assert self.desk is not None and self.cases is not None
        action, code = parsed
        sid = self.runtime.session_id(CHANNEL, str(message.chat.id))
        case = await self.cases.get(code) if action == "wait" else None
        now = self.runtime.clock()
        if case is None or case.sid != sid or case.state != WAITING:
            session = await self.runtime.store.load(sid)
            await quietly(query.answer(self._tr(session.lang).label("person.wait_over", "This request is no longer open.")))
            return
        tr = self._tr(case.lang)
        if availability(self.desk, datetime.fromtimestamp(now, tz=UTC)) is not Availability.OPEN:
            await quietly(query.answer())
            await self._close(bot, case, "hours_ended")
            await self._leave_case(sid, self.runtime.flows.menu)
            reply = replies.fallback(tr, "closed", self._emergency(tr, (await self.runtime.store.load(sid)).values.get("country")))
            await self._to_survivor(bot, sid, message.chat.id, reply)
            return
        await quietly(query.answer())
        await self.cases.keep_waiting(case, now + self.desk.max_wait)
        position = await self.cases.position(code) or 1
        reply = replies.queued(tr, position)
        await quietly(
            bot.edit_message_text(reply.text, chat_id=message.chat.id, message_id=message.message_id, parse_mode=ParseMode.HTML)
        )
        await self.cases.note(code, status=message.message_id, pos=position)
        log.info("case_keep_waiting position=%d", position)

    # ------------------------------------------------------------------ advocates' side

    async def _on_desk_message(self, message: Message, bot: Any) -> None:
        assert self.desk is not None and self.cases is not None
        thread = message.message_thread_id if message.is_topic_message else None
        user = message.from_user
        if thread is None or user is None or user.is_bot or not _has_content(message):
            return
        case = await self.cases.by_topic(thread)
        holder = case is not None and self.cases.claimed_by(case, user.id)
        refused = refusal(self.desk, "reply", user.id, thread, case, holder=holder)
        if refused in (Refusal.NOT_ADVOCATE, Refusal.NO_CASE):
            log.info("desk_message_ignored reason=%s", refused.value)  # type: ignore[union-attr]
            return
        if refused is not None or case is None:
            await self._notice(bot, thread, replies.desk_notice(self.staff, "claim_first"))
            return
        if message.text is None and not self.desk.relay_media:
            await self._notice(bot, thread, replies.desk_notice(self.staff, "media_off"))
            return
        reach = await self._reach(case)
        if reach is None:
            await self._close(bot, case, "survivor_gone")
            return
        address, session = reach
        tr = self._tr(session.lang)
        markup = keyboard(Reply(text="", buttons=replies.live_keyboard(tr)), keep=True)
        if session.values.get(DISCREET):
            outcome, sent = await self._relay_hidden(bot, address, message, markup, tr)
        else:
            outcome, copied = await self._copy(bot, address, self.desk.group_id, message.message_id, markup=markup)
            sent = [copied] if copied is not None else []
        if sent:
            await self.runtime.store.trace(case.sid, sent, self.runtime.clock())
        if outcome == "gone":
            await self._close(bot, case, "survivor_gone")
        elif outcome != "ok":
            await self._notice(bot, thread, replies.desk_notice(self.staff, _NOTICE_FOR[outcome]))
        else:
            await self.cases.touch(case)

    async def _reach(self, case: Case) -> tuple[int, Session] | None:
        """The survivor's chat and session, only while that session exists and still names this case.

        Checking the session also keeps it (and the idle wipe) alive while the advocate writes.
        """
        session = await self.runtime.update_session(case.sid, lambda s: None)
        if session is None or session.values.get(CASE) != case.code:
            return None
        address = await self._unseal(case.sid)
        return None if address is None else (address, session)

    async def _unseal(self, sid: str) -> int | None:
        sealed = await self.runtime.store.redis.get(SessionStore.key(sid, ADDRESS_PART))
        address = self.runtime.addresses.open(sid, sealed) if sealed else None
        return int(address) if address and address.lstrip("-").isdigit() else None

    async def _on_desk_press(self, query: CallbackQuery, message: Message, bot: Any) -> None:
        assert self.desk is not None and self.cases is not None
        parsed = replies.parse_case_data(query.data)
        user = query.from_user
        thread = message.message_thread_id if message.is_topic_message else None
        case = await self.cases.by_topic(thread) if thread is not None else None
        if parsed is None or parsed[0] not in ("claim", "transfer", "close"):
            await quietly(query.answer())
            return
        action, code = parsed
        holder = case is not None and self.cases.claimed_by(case, user.id)
        refused = refusal(self.desk, action, user.id, thread, case, holder=holder, named_code=code)
        if refused is not None or case is None or thread is None:
            reason = refused.value if refused is not None else "no_case"
            log.info("desk_refused action=%s reason=%s", action, reason)
            await quietly(query.answer(replies.refusal_text(self.staff, reason), show_alert=True))
            return
        advocate = self.desk.advocate(user.id)
        assert advocate is not None
        who = advocate.alias or user.first_name
        if action == "claim":
            if not await self.cases.claim(case.code, user.id, advocate.alias):
                await quietly(query.answer(replies.refusal_text(self.staff, "taken"), show_alert=True))
                return
            await quietly(query.answer())
            await self._on_claimed(bot, case, advocate.alias, who)
        elif action == "transfer":
            now = self.runtime.clock()
            if not await self.cases.unclaim(case, user.id, now, now + self.desk.max_wait):
                await quietly(query.answer(replies.refusal_text(self.staff, "not_holder"), show_alert=True))
                return
            await quietly(query.answer())
            await self._set_card(bot, case, live=False)
            await self._notice(bot, thread, replies.desk_notice(self.staff, "transferred", who=who))
            await self._refresh_positions(bot)
            log.info("case_transferred")
        else:
            await quietly(query.answer())
            await self._close(bot, case, "closed", who=who, tell_survivor=True)

    async def _on_claimed(self, bot: Any, case: Case, alias: str, who: str) -> None:
        assert case.thread is not None
        log.info("case_claimed")
        await self._set_card(bot, case, live=True)
        await self._notice(bot, case.thread, replies.desk_notice(self.staff, "claimed", who=who))
        if not case.greeted:  # a transferred case is never greeted twice
            reach = await self._reach(case)
            if reach is None or await self._to_survivor(bot, case.sid, reach[0], replies.advocate_here(self._tr(case.lang), alias)) is None:
                await self._close(bot, case, "survivor_gone")
                return
            await self.cases.note(case.code, greeted=1)
        await self._refresh_positions(bot)

    async def _set_card(self, bot: Any, case: Case, *, live: bool) -> None:
        assert self.desk is not None
        if case.card is None:
            return
        markup = keyboard(Reply(text="", buttons=replies.desk_keyboard(self.staff, case.code, live)))
        await quietly(bot.edit_message_reply_markup(chat_id=self.desk.group_id, message_id=case.card, reply_markup=markup))

    async def _close(
        self, bot: Any, case: Case | None, reason: str, *, who: str = "", tell_survivor: bool = False
    ) -> None:
        """Close once (concurrent closers: the first wins), tidy the topic, tell whom it concerns."""
        assert self.desk is not None and self.cases is not None
        closed = await self.cases.close(case.code) if case is not None else None
        if closed is None:
            return
        log.info("case_closed reason=%s", reason)
        if tell_survivor:
            address = await self._address_for_closed(closed)
            if address is not None:
                await self._to_survivor(bot, closed.sid, address, replies.ended_by_advocate(self._tr(closed.lang)))
            await self._leave_case(closed.sid, CASE_ENDED)
        if closed.thread is not None:
            notice = replies.desk_notice(self.staff, reason, who=who)
            if self.desk.delete_topic_on_close:  # no transcript kept; one line in General says why
                await quietly(bot.delete_forum_topic(self.desk.group_id, closed.thread))
                await self._notice(bot, None, replies.in_general(self.staff, closed.code, notice))
            else:
                await self._notice(bot, closed.thread, notice)
                await self._set_card_closed(bot, closed)
                await quietly(bot.close_forum_topic(self.desk.group_id, closed.thread))
        if closed.state == WAITING:
            await self._refresh_positions(bot)

    async def _address_for_closed(self, case: Case) -> int | None:
        session = await self.runtime.store.load(case.sid)
        return await self._unseal(case.sid) if session.values.get(CASE) == case.code else None

    async def _set_card_closed(self, bot: Any, case: Case) -> None:
        assert self.desk is not None
        if case.card is not None:
            await quietly(bot.edit_message_reply_markup(chat_id=self.desk.group_id, message_id=case.card, reply_markup=None))

    async def _refresh_positions(self, bot: Any) -> None:
        """Keep "number N in line" true, by silent edits and only when the number changed."""
        assert self.cases is not None
        for position, case in enumerate(await self.cases.waiting(), start=1):
            if position > MAX_POSITION_UPDATES:
                break
            if case.position == position or case.status is None or case.greeted:
                continue
            reach = await self._reach(case)
            if reach is None:
                continue
            reply = replies.queued(self._tr(case.lang), position)
            await quietly(
                bot.edit_message_text(reply.text, chat_id=reach[0], message_id=case.status, parse_mode=ParseMode.HTML)
            )
            await self.cases.note(case.code, pos=position)

    # ------------------------------------------------------------------ waits that run out

    async def check_waits(self, bot: Any) -> int:
        """Offer other help to survivors nobody claimed in time; returns how many were told.

        Runs on every worker; each case is taken by exactly one (see ``CaseStore.take_due``).
        """
        if self.desk is None or self.cases is None:
            return 0
        now = self.runtime.clock()
        told = 0
        for case in await self.cases.take_due(now):
            reach = await self._reach(case)
            if reach is None:
                await self._close(bot, case, "survivor_gone")
                continue
            address, session = reach
            tr = self._tr(case.lang)
            emergency = self._emergency(tr, session.values.get("country"))
            if availability(self.desk, datetime.fromtimestamp(now, tz=UTC)) is Availability.OPEN:
                reply = replies.fallback(tr, "no_claim", emergency, keep_waiting_code=case.code)
                await self.cases.note(case.code, asked=1)
                assert case.thread is not None
                await self._notice(bot, case.thread, replies.desk_notice(self.staff, "no_claim", minutes=self.desk.max_wait // 60))
            else:
                reply = replies.fallback(tr, "closed", emergency)
                await self._close(bot, case, "hours_ended")
                await self._leave_case(case.sid, self.runtime.flows.menu)
            await self._to_survivor(bot, case.sid, address, reply)
            told += 1
        if told:
            log.info("waits_ran_out count=%d", told)
        return told

    async def run(self, bot: Bot) -> None:
        """Check for waits that ran out, forever (cancelled when the service stops)."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            try:
                await self.check_waits(bot)
            except (RedisError, TelegramError) as exc:
                log.error("wait_check_failed error=%s", exc.__class__.__name__)

    # ------------------------------------------------------------------ Telegram calls

    async def _to_survivor(self, bot: Any, sid: str, chat_id: int, reply: Reply) -> int | None:
        """Send to the survivor (in their discreet style) and record the id so Exit and
        auto-erase delete it too."""
        session = await self.runtime.store.load(sid)
        if session.values.get(DISCREET):
            reply = discreet(reply, self._tr(session.lang))
        try:
            sent = await bot.send_message(
                chat_id, reply.text, parse_mode=ParseMode.HTML, reply_markup=keyboard(reply), link_preview_options=NO_PREVIEW
            )
        except TelegramError as exc:
            log.info("survivor_send_failed error=%s", exc.__class__.__name__)
            return None
        await self.runtime.store.trace(sid, [sent.message_id], self.runtime.clock())
        return int(sent.message_id)

    async def _post(self, bot: Any, thread: int | None, text: str, reply: Reply | None = None) -> Message:
        assert self.desk is not None
        return await bot.send_message(
            self.desk.group_id, text, message_thread_id=thread, parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if reply is not None else None, link_preview_options=NO_PREVIEW,
        )  # fmt: skip

    async def _notice(self, bot: Any, thread: int | None, text: str) -> None:
        try:
            await self._post(bot, thread, text)
        except TelegramError as exc:
            log.info("desk_notice_failed error=%s", exc.__class__.__name__)

    async def _copy(
        self, bot: Any, to_chat: int, from_chat: int, message_id: int, *, thread: int | None = None, markup: Any = None
    ) -> tuple[str, int | None]:
        """``copyMessage``, never a forward: a copy carries no link to the sender's account."""
        return await self._deliver(
            lambda: bot.copy_message(to_chat, from_chat, message_id, message_thread_id=thread, reply_markup=markup)
        )

    async def _relay_hidden(self, bot: Any, to_chat: int, message: Message, markup: Any, tr: Translator) -> tuple[str, list[int]]:
        """An advocate's message for a survivor in the extra-discreet style, like Haven's own:
        words behind a tap under Haven's bland first line, pictures blurred until tapped.

        A copy cannot change a message, so it is sent anew: the photo, video, animation or voice
        by its file id, then the words (the text, or the caption) as one hidden text message.
        Anything else (a document's file name, a contact, a place) would show on the lock
        screen, so it is not sent: the outcome ``unhideable`` tells the advocate why.
        """
        steps: list[Callable[[Any], Awaitable[Any]]] = []
        if message.photo:
            steps.append(lambda keys: bot.send_photo(to_chat, message.photo[-1].file_id, has_spoiler=True, reply_markup=keys))
        elif message.video:
            steps.append(lambda keys: bot.send_video(to_chat, message.video.file_id, has_spoiler=True, reply_markup=keys))
        elif message.animation:
            steps.append(lambda keys: bot.send_animation(to_chat, message.animation.file_id, has_spoiler=True, reply_markup=keys))
        elif message.voice:
            steps.append(lambda keys: bot.send_voice(to_chat, message.voice.file_id, reply_markup=keys))
        elif message.text is None:
            return "unhideable", []
        words, plain = (message.text_html, message.text) if message.text is not None else (message.caption_html, message.caption)
        if plain:
            text = replies.hidden(tr, words, plain, MessageLimit.MAX_TEXT_LENGTH)
            steps.append(
                lambda keys: bot.send_message(
                    to_chat, text, parse_mode=ParseMode.HTML, reply_markup=keys, link_preview_options=NO_PREVIEW
                )
            )
        sent: list[int] = []
        for index, send in enumerate(steps):
            keys = markup if index == len(steps) - 1 else None  # End chat and Exit under the last part
            outcome, message_id = await self._deliver(lambda: send(keys))
            if outcome != "ok" or message_id is None:
                return outcome, sent
            sent.append(message_id)
        return "ok", sent

    async def _deliver(self, send: Send) -> tuple[str, int | None]:
        """One relay call: ``ok``; ``retry`` (a flood wait or a passing error: try again later);
        ``refused`` (Telegram will not take this message as it is); or ``gone`` (blocked, or
        the chat or topic no longer exists)."""
        for attempt in range(2):
            try:
                sent = await send()
                return "ok", int(sent.message_id)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                log.warning("relay_rate_limited retry_after=%.1f", wait)
                if attempt or wait > MAX_RETRY_WAIT:
                    return "retry", None
                await asyncio.sleep(wait)
            except Forbidden as exc:  # blocked by the survivor, or Haven removed from the group
                log.info("relay_forbidden error=%s", exc.__class__.__name__)
                return "gone", None
            except BadRequest as exc:
                text = str(exc).lower()
                gone = "thread" in text or "topic" in text or "chat not found" in text
                log.info("relay_refused error=%s gone=%s", exc.__class__.__name__, gone)
                return ("gone" if gone else "refused"), None
            except TelegramError as exc:
                log.info("relay_failed error=%s", exc.__class__.__name__)
                return "retry", None
        return "retry", None

