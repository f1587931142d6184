"""A configured advocates' desk at work: cases between survivors and the advocates' forum group.

:mod:`bot.escalation.desk` decides, this module carries the decisions out: the case store in
Redis, the forum (:mod:`bot.escalation.forum`) and the survivor's chat
(:mod:`bot.escalation.survivors`). A message is delivered only to the address sealed for the
session the case belongs to, and only while that session still names the case; anything else
closes the case and says so. :class:`Handoff` exists only where an advocates' file is
configured, so everything here may rely on the desk's settings and its case store.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Bot, CallbackQuery, Message

from bot.channels.telegram import CHANNEL, TelegramScope, keyboard, quietly
from bot.engine.contract import CASE, CASE_ENDED, DISCREET
from bot.engine.effects import Escalate, Relay, RuntimeEffect
from bot.engine.model import Reply
from bot.escalation import replies
from bot.escalation.cases import WAITING, Case, CaseStore
from bot.escalation.config import DeskConfig
from bot.escalation.desk import (
    Allowed,
    CloseReason,
    Deliver,
    DeskAction,
    Lost,
    Notice,
    Opening,
    Refused,
    SurvivorRelayed,
    WaitRanOut,
    Withheld,
    advocate_relayed,
    advocate_writes,
    hidden_parts,
    keep_waiting,
    opening,
    own_case,
    positions_to_update,
    press,
    survivor_relayed,
    survivor_writes,
    wait_ran_out,
)
from bot.escalation.forum import Forum, has_content, written
from bot.escalation.policy import Availability, Refusal, availability
from bot.escalation.survivors import Survivors
from bot.i18n import Translator

log = logging.getLogger(__name__)


class Handoff:
    """Opens, relays, hands on and closes cases for a desk configured by ``config``."""

    def __init__(self, config: DeskConfig, cases: CaseStore, survivors: Survivors, staff: Translator) -> None:
        self.config = config
        self.cases = cases
        self.survivors = survivors
        self.runtime = survivors.runtime
        self.staff = staff  # advocates read the group in the operator's language

    def _forum(self, bot: Bot) -> Forum:
        return Forum(bot, self.config.group_id)

    def _availability(self, now: float) -> Availability:
        return availability(self.config, datetime.fromtimestamp(now, tz=UTC))

    # ------------------------------------------------------------------ survivor side

    async def escalate(self, effect: Escalate, scope: TelegramScope) -> list[Reply]:
        """Open a case: a topic with its card for the advocates, "number N in line" for the survivor."""
        sid = scope.sid
        session = await self.runtime.store.load(sid)
        now = self.runtime.clock()
        state = self._availability(now)
        open_case = await self.cases.get(session.values[CASE]) if CASE in session.values else None
        decision = opening(state, open_case)
        if decision is Opening.FALLBACK:
            return await self.survivors.decline(sid, session, state)
        if decision is Opening.ALREADY_OPEN:
            return []
        tr = self.survivors.tr(session.lang)
        country = session.values.get("country")
        line = ""
        query = scope.update.callback_query
        if effect.first_line and query is not None and isinstance(query.message, Message):
            line = replies.first_line(query.message.text)
        lang = session.lang or "en"
        topics, path = replies.summary(session.values)
        code = await self.cases.open(sid, lang, topics, now, now + self.config.max_wait)
        local = datetime.fromtimestamp(now, tz=UTC).astimezone(self.config.hours.zone)
        card = replies.card(self.staff, code, lang, path, local, line, self.config.speakers_of(lang))
        opened = await self._forum(scope.bot).open_topic(replies.topic_name(code, lang, topics), card)
        if opened is None:
            await self.cases.close(code)
            await self.survivors.leave_case(sid, self.runtime.flows.menu)
            return [self.survivors.fallback(tr, "unreachable", country)]
        thread, card_id = opened
        await self.cases.attach_topic(code, thread, card_id)
        if await self.runtime.update_session(sid, lambda s: s.values.__setitem__(CASE, code)) is None:
            await self._close(scope.bot, await self.cases.get(code), CloseReason.SURVIVOR_GONE)
            return []
        position = await self.cases.position(code) or 1
        status = await self.survivors.send(scope.bot, sid, scope.chat_id, replies.queued(tr, position))
        if status is not None:
            await self.cases.note(code, status=status, pos=position)
        log.info("case_opened position=%d line=%s", position, "yes" if line else "no")
        return []

    async def relay_from_survivor(self, effect: Relay, scope: TelegramScope) -> list[Reply]:
        """A survivor's message during a case, copied into its topic."""
        message = scope.update.message
        if message is None:
            return []
        case = await self.cases.get(effect.case)
        decision = survivor_writes(self.config, scope.sid, case, text=message.text is not None)
        if isinstance(decision, Lost):
            log.warning("relay_lost reason=%s", "missing" if case is None else "mismatch")
            return await self._lost(scope.bot, scope.sid, decision.case, CloseReason.SURVIVOR_GONE)
        tr = self.survivors.tr(decision.case.lang)
        if isinstance(decision, Withheld):
            return [replies.media_not_relayed(tr)]
        sent = await self._forum(scope.bot).copy_in(decision.thread, scope.chat_id, message.message_id)
        relayed = survivor_relayed(sent.delivery)
        if relayed is SurvivorRelayed.DELIVERED:
            await self.cases.touch(decision.case)
            return []
        if relayed is SurvivorRelayed.SEND_AGAIN:
            return [replies.not_delivered(tr)]
        return await self._lost(scope.bot, scope.sid, decision.case, CloseReason.TOPIC_GONE)

    async def _lost(self, bot: Bot, sid: str, case: Case | None, reason: CloseReason) -> list[Reply]:
        """The case or its topic is gone: say so plainly, close what is left, show the numbers."""
        session = await self.runtime.store.load(sid)
        await self._close(bot, case, reason)
        await self.survivors.leave_case(sid, CASE_ENDED)
        tr = self.survivors.tr(session.lang)
        return [self.survivors.fallback(tr, "lost", session.values.get("country"))]

    async def end_by_survivor(self, _: RuntimeEffect, scope: TelegramScope) -> list[Reply]:
        """End chat, Stop waiting, Exit or forget: close the survivor's case, if any."""
        await self.end_for_session(scope.bot, scope.sid)
        return []

    async def end_for_session(self, bot: Bot, sid: str) -> None:
        """Close the case of a session that ends (also when it is auto-erased); advocates are told."""
        code = await self.cases.by_session(sid)
        case = own_case(sid, await self.cases.get(code) if code else None)
        if case is not None:
            await self._close(bot, case, CloseReason.SURVIVOR_ENDED)
            await self.survivors.leave_case(sid, None)

    async def on_keep_waiting(self, query: CallbackQuery, message: Message, action: str, code: str, bot: Bot) -> None:
        """The survivor pressed Keep waiting under the "nobody could answer yet" message."""
        sid = self.runtime.session_id(CHANNEL, str(message.chat.id))
        now = self.runtime.clock()
        case = await self.cases.get(code) if action == "wait" else None
        decision = keep_waiting(sid, case, self._availability(now))
        if decision is None:
            tr = self.survivors.tr((await self.runtime.store.load(sid)).lang)
            await quietly(query.answer(tr.label("person.wait_over", "This request is no longer open.")))
            return
        await quietly(query.answer())
        tr = self.survivors.tr(decision.case.lang)
        if not decision.desk_open:
            await self._close(bot, decision.case, CloseReason.HOURS_ENDED)
            await self.survivors.leave_case(sid, self.runtime.flows.menu)
            country = (await self.runtime.store.load(sid)).values.get("country")
            await self.survivors.send(bot, sid, message.chat.id, self.survivors.fallback(tr, "closed", country))
            return
        await self.cases.keep_waiting(decision.case, now + self.config.max_wait)
        position = await self.cases.position(code) or 1
        await self.survivors.show_position(bot, message.chat.id, message.message_id, tr, position)
        await self.cases.note(code, status=message.message_id, pos=position)
        log.info("case_keep_waiting position=%d", position)

    # ------------------------------------------------------------------ advocates' side

    async def on_desk_message(self, message: Message, bot: Bot) -> None:
        """A message in the advocates' group: sent on to the survivor when its author holds the case."""
        thread = message.message_thread_id if message.is_topic_message else None
        user = message.from_user
        if thread is None or user is None or user.is_bot or not has_content(message):
            return
        forum = self._forum(bot)
        case = await self.cases.by_topic(thread)
        holder = case is not None and self.cases.claimed_by(case, user.id)
        decision = advocate_writes(self.config, user.id, thread, case, holder=holder, text=message.text is not None)
        if decision is None:
            log.info("desk_message_ignored")
            return
        if isinstance(decision, Notice):
            await forum.notice(thread, replies.desk_notice(self.staff, decision))
            return
        await self._relay_to_survivor(forum, message, decision)

    async def _relay_to_survivor(self, forum: Forum, message: Message, decision: Deliver) -> None:
        case = decision.case
        reach = await self.survivors.reach(case)
        if reach is None:
            await self._close(forum.bot, case, CloseReason.SURVIVOR_GONE)
            return
        address, session = reach
        tr = self.survivors.tr(session.lang)
        markup = keyboard(Reply(text="", buttons=replies.live_keyboard(tr)), keep=True)
        if session.values.get(DISCREET):
            parts = hidden_parts(written(message), tr)
            if parts is None:
                await forum.notice(decision.thread, replies.desk_notice(self.staff, Notice.DISCREET_MEDIA))
                return
            delivery, sent = await self.survivors.send_hidden(forum.bot, address, parts, markup)
        else:
            copied = await forum.copy_out(address, message.message_id, markup)
            delivery, sent = copied.delivery, [copied.message_id] if copied.message_id is not None else []
        if sent:
            await self.survivors.trace(case.sid, sent)
        result = advocate_relayed(delivery)
        if isinstance(result, CloseReason):
            await self._close(forum.bot, case, result)
        elif result is not None:
            await forum.notice(decision.thread, replies.desk_notice(self.staff, result))
        else:
            await self.cases.touch(case)

    async def on_desk_press(self, query: CallbackQuery, message: Message, bot: Bot) -> None:
        """Claim, Transfer or Close pressed on a case card."""
        user = query.from_user
        thread = message.message_thread_id if message.is_topic_message else None
        case = await self.cases.by_topic(thread) if thread is not None else None
        holder = case is not None and self.cases.claimed_by(case, user.id)
        decision = press(self.config, query.data, user.id, user.first_name, thread, case, holder=holder)
        if decision is None:
            await quietly(query.answer())
            return
        if isinstance(decision, Refused):
            log.info("desk_refused reason=%s", decision.reason)
            await quietly(query.answer(replies.refusal_text(self.staff, decision.reason), show_alert=True))
            return
        if decision.action is DeskAction.CLAIM:
            await self._claim(query, bot, decision)
        elif decision.action is DeskAction.TRANSFER:
            await self._transfer(query, bot, decision)
        else:
            await quietly(query.answer())
            await self._close(bot, decision.case, CloseReason.CLOSED, who=decision.who, tell_survivor=True)

    async def _claim(self, query: CallbackQuery, bot: Bot, decision: Allowed) -> None:
        case, alias = decision.case, decision.advocate.alias
        if not await self.cases.claim(case.code, decision.advocate.user_id, alias):
            await quietly(query.answer(replies.refusal_text(self.staff, Refusal.TAKEN.value), show_alert=True))
            return
        await quietly(query.answer())
        log.info("case_claimed")
        forum = self._forum(bot)
        await self._set_card(forum, case, live=True)
        await forum.notice(decision.thread, replies.desk_notice(self.staff, Notice.CLAIMED, who=decision.who))
        if not case.greeted:  # a transferred case is never greeted twice
            reach = await self.survivors.reach(case)
            hello = replies.advocate_here(self.survivors.tr(case.lang), alias)
            if reach is None or await self.survivors.send(bot, case.sid, reach[0], hello) is None:
                await self._close(bot, case, CloseReason.SURVIVOR_GONE)
                return
            await self.cases.note(case.code, greeted=1)
        await self._refresh_positions(bot)

    async def _transfer(self, query: CallbackQuery, bot: Bot, decision: Allowed) -> None:
        now = self.runtime.clock()
        if not await self.cases.unclaim(decision.case, decision.advocate.user_id, now, now + self.config.max_wait):
            await quietly(query.answer(replies.refusal_text(self.staff, Refusal.NOT_HOLDER.value), show_alert=True))
            return
        await quietly(query.answer())
        forum = self._forum(bot)
        await self._set_card(forum, decision.case, live=False)
        await forum.notice(decision.thread, replies.desk_notice(self.staff, Notice.TRANSFERRED, who=decision.who))
        await self._refresh_positions(bot)
        log.info("case_transferred")

    async def _set_card(self, forum: Forum, case: Case, *, live: bool) -> None:
        if case.card is not None:
            buttons = replies.desk_keyboard(self.staff, case.code, live)
            await forum.set_buttons(case.card, keyboard(Reply(text="", buttons=buttons)))

    async def _close(
        self, bot: Bot, case: Case | None, reason: CloseReason, *, who: str = "", tell_survivor: bool = False
    ) -> None:
        """Close once (concurrent closers: the first wins), tidy the topic, tell whom it concerns."""
        closed = await self.cases.close(case.code) if case is not None else None
        if closed is None:
            return
        log.info("case_closed reason=%s", reason.value)
        if tell_survivor:
            address = await self.survivors.address_for_closed(closed)
            if address is not None:
                await self.survivors.send(bot, closed.sid, address, replies.ended_by_advocate(self.survivors.tr(closed.lang)))
            await self.survivors.leave_case(closed.sid, CASE_ENDED)
        if closed.thread is not None:
            forum = self._forum(bot)
            notice = replies.desk_notice(self.staff, reason, who=who)
            if self.config.delete_topic_on_close:  # no transcript kept; one line in General says why
                await forum.delete_topic(closed.thread)
                await forum.notice(None, replies.in_general(self.staff, closed.code, notice))
            else:
                await forum.notice(closed.thread, notice)
                if closed.card is not None:
                    await forum.set_buttons(closed.card, None)
                await forum.close_topic(closed.thread)
        if closed.state == WAITING:
            await self._refresh_positions(bot)

    async def _refresh_positions(self, bot: Bot) -> None:
        """Keep "number N in line" true, by silent edits and only when the number changed."""
        for position, case, status in positions_to_update(await self.cases.waiting()):
            reach = await self.survivors.reach(case)
            if reach is None:
                continue
            await self.survivors.show_position(bot, reach[0], status, self.survivors.tr(case.lang), position)
            await self.cases.note(case.code, pos=position)

    # ------------------------------------------------------------------ waits that run out

    async def check_waits(self, bot: Bot) -> int:
        """Offer other help to survivors nobody claimed in time; returns how many were told.

        Runs on every worker; each case is taken by exactly one (see ``CaseStore.take_due``).
        """
        now = self.runtime.clock()
        told = 0
        for case in await self.cases.take_due(now):
            reach = await self.survivors.reach(case)
            if reach is None:
                await self._close(bot, case, CloseReason.SURVIVOR_GONE)
                continue
            address, session = reach
            tr = self.survivors.tr(case.lang)
            country = session.values.get("country")
            if wait_ran_out(self._availability(now)) is WaitRanOut.OFFER_MORE:
                reply = self.survivors.fallback(tr, "no_claim", country, keep_waiting_code=case.code)
                await self.cases.note(case.code, asked=1)
                minutes = self.config.max_wait // 60
                await self._forum(bot).notice(case.thread, replies.desk_notice(self.staff, Notice.NO_CLAIM, minutes=minutes))
            else:
                reply = self.survivors.fallback(tr, "closed", country)
                await self._close(bot, case, CloseReason.HOURS_ENDED)
                await self.survivors.leave_case(case.sid, self.runtime.flows.menu)
            await self.survivors.send(bot, case.sid, address, reply)
            told += 1
        if told:
            log.info("waits_ran_out count=%d", told)
        return told
