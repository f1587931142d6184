"""The survivor's side of a case: their session, their language, and their private chat.

A message reaches a survivor only at the address sealed for the session the case belongs to,
and only while that session still names the case (:meth:`Survivors.reach`). Whatever is sent
is styled as the survivor chose (extra-discreet or not) and recorded, so Exit and auto-erase
delete it like Haven's own messages.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.channels.sending import NO_PREVIEW, Call, Delivery, send_html, send_with_retry
from bot.channels.style import discreet
from bot.channels.telegram import keyboard, quietly
from bot.directory import Directory, render_emergency
from bot.engine.contract import CASE, DISCREET
from bot.engine.model import Reply, Session
from bot.escalation import replies
from bot.escalation.cases import Case
from bot.escalation.desk import Media, MediaPart, TextPart
from bot.escalation.policy import Availability
from bot.i18n import Translator
from bot.runtime import Runtime
from bot.store import ADDRESS_PART, SessionStore

log = logging.getLogger(__name__)


class Survivors:
    """Survivors' sessions and chats, as the desk needs them (also where no desk is configured)."""

    def __init__(self, runtime: Runtime, directory: Directory | None) -> None:
        self.runtime = runtime
        self.directory = directory

    def tr(self, locale: str | None) -> Translator:
        return self.runtime.catalogs.translator(locale)

    def fallback(self, tr: Translator, reason: str, country: str | None, keep_waiting_code: str | None = None) -> Reply:
        """The honest "no advocate can answer" reply with the country's emergency number and
        24/7 lines (universal guidance when the country is unknown)."""
        if self.directory is None:
            emergency = render_emergency(None, [], tr)
        else:
            lines = self.directory.lines_24_7(country) if country else []
            emergency = render_emergency(self.directory.emergency(country), lines, tr)
        return replies.fallback(tr, reason, emergency, keep_waiting_code)

    async def decline(self, sid: str, session: Session, state: Availability) -> list[Reply]:
        """No case can be opened (no desk, no advocates, or outside office hours): back to the
        menu, with the honest answer and the numbers that help now."""
        log.info("case_not_opened reason=%s", state.value)
        await self.leave_case(sid, self.runtime.flows.menu)
        return [self.fallback(self.tr(session.lang), state.value, session.values.get("country"))]

    async def leave_case(self, sid: str, node: str | None) -> None:
        """Forget the case in the survivor's session (and move them to ``node`` when given)."""

        def change(session: Session) -> None:
            session.values.pop(CASE, None)
            if node is not None:
                session.node = node
                session.history.clear()

        await self.runtime.update_session(sid, change)

    async def reach(self, case: Case) -> tuple[int, Session] | None:
        """The survivor's chat and session, only while that session exists and still names this case.

        Checking the session also keeps it (and the idle wipe) alive while the advocate writes.
        """
        session = await self.runtime.update_session(case.sid, lambda s: None)
        if session is None or session.values.get(CASE) != case.code:
            return None
        address = await self._unseal(case.sid)
        return None if address is None else (address, session)

    async def address_for_closed(self, case: Case) -> int | None:
        """Where to tell the survivor their case was closed: only while their session names it."""
        session = await self.runtime.store.load(case.sid)
        return await self._unseal(case.sid) if session.values.get(CASE) == case.code else None

    async def _unseal(self, sid: str) -> int | None:
        sealed = await self.runtime.store.redis.get(SessionStore.key(sid, ADDRESS_PART))
        address = self.runtime.addresses.open(sid, sealed) if isinstance(sealed, bytes) else None
        return int(address) if address and address.lstrip("-").isdigit() else None

    async def send(self, bot: Bot, sid: str, chat_id: int, reply: Reply) -> int | None:
        """Send Haven's own ``reply`` in the survivor's style; the id of the message, traced.

        Never as plain text: that would undo the extra-discreet spoiler.
        """
        session = await self.runtime.store.load(sid)
        if session.values.get(DISCREET):
            reply = discreet(reply, self.tr(session.lang))
        sent = await send_html(bot, chat_id, reply.text, markup=keyboard(reply), node=reply.node, plain_fallback=False)
        message_id = sent.message_id
        if message_id is not None:
            await self.trace(sid, [message_id])
        return message_id

    async def trace(self, sid: str, message_ids: list[int]) -> None:
        """Record messages sent to the survivor so Exit and auto-erase delete them too."""
        await self.runtime.store.trace(sid, message_ids, self.runtime.clock())

    async def show_position(self, bot: Bot, chat_id: int, message_id: int, tr: Translator, position: int) -> None:
        """Edit the survivor's "number N in line" message in place (silently: no new notification)."""
        reply = replies.queued(tr, position)
        await quietly(bot.edit_message_text(reply.text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML))

    async def send_hidden(
        self, bot: Bot, chat_id: int, parts: tuple[MediaPart | TextPart, ...], markup: InlineKeyboardMarkup | None
    ) -> tuple[Delivery, list[int]]:
        """An advocate's message in the extra-discreet style, part by part (see
        :func:`bot.escalation.desk.hidden_parts`), with ``markup`` under the last part; stops at
        the first part that does not go out. The ids of the parts sent, to trace."""
        sent: list[int] = []
        for index, part in enumerate(parts):
            keys = markup if index == len(parts) - 1 else None
            result = await send_with_retry(_hidden_call(bot, chat_id, part, keys))
            if result.message_id is None:
                return result.delivery, sent
            sent.append(result.message_id)
        return Delivery.SENT, sent


def _hidden_call(bot: Bot, chat_id: int, part: MediaPart | TextPart, markup: InlineKeyboardMarkup | None) -> Call:
    """The Bot API call for one part: pictures and videos blurred until tapped, words as HTML
    (never as plain text, which would show them)."""
    if isinstance(part, TextPart):
        return lambda: bot.send_message(
            chat_id, part.html, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    file_id = part.file_id
    if part.media is Media.PHOTO:
        return lambda: bot.send_photo(chat_id, file_id, has_spoiler=True, reply_markup=markup)
    if part.media is Media.VIDEO:
        return lambda: bot.send_video(chat_id, file_id, has_spoiler=True, reply_markup=markup)
    if part.media is Media.ANIMATION:
        return lambda: bot.send_animation(chat_id, file_id, has_spoiler=True, reply_markup=markup)
    return lambda: bot.send_voice(chat_id, file_id, reply_markup=markup)  # a voice message has no spoiler
