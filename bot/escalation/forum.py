"""The advocates' forum group through the Bot API, and nothing else: topics, cards, notices, copies.

One topic per case. Messages travel with ``copyMessage`` in both directions, never as
forwards: a copy carries no link to the sender's account, and the bot never reads or stores
what is written. Failures that change nothing for anyone (a card's buttons, a topic that is
already gone) are only logged; sending goes through :mod:`bot.channels.sending`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.channels.sending import Sent, send_html, send_with_retry
from bot.channels.telegram import keyboard, quietly
from bot.engine.model import Reply
from bot.escalation.desk import Media, Written

log = logging.getLogger(__name__)


def has_content(message: Message) -> bool:
    """Text or media someone wrote; not a service message (topic created, pinned ...)."""
    return message.text is not None or message.effective_attachment is not None


def written(message: Message) -> Written:
    """An advocate's message as the desk's decisions see it."""
    attached = (
        (Media.PHOTO, message.photo[-1].file_id) if message.photo
        else (Media.VIDEO, message.video.file_id) if message.video
        else (Media.ANIMATION, message.animation.file_id) if message.animation
        else (Media.VOICE, message.voice.file_id) if message.voice
        else (None, "")
    )  # fmt: skip
    return Written(
        text=message.text, html=message.text_html if message.text is not None else None,
        caption=message.caption, caption_html=message.caption_html if message.caption is not None else None,
        media=attached[0], file_id=attached[1],
    )  # fmt: skip


@dataclass(frozen=True)
class Forum:
    """The advocates' forum group ``group_id``, reached with ``bot``."""

    bot: Bot
    group_id: int

    async def open_topic(self, name: str, card: Reply) -> tuple[int, int] | None:
        """A new topic with the case ``card`` on top: ``(thread, card message id)``, or None when
        the group cannot be reached (a topic whose card failed is deleted again)."""
        try:
            topic = await self.bot.create_forum_topic(self.group_id, name)
        except TelegramError as exc:
            log.error("desk_unreachable error=%s", exc.__class__.__name__)
            return None
        thread = topic.message_thread_id
        posted = await self.post(thread, card.text, keyboard(card))
        if posted.message_id is None:
            log.error("desk_unreachable delivery=%s", posted.delivery.value)
            await quietly(self.bot.delete_forum_topic(self.group_id, thread))
            return None
        return thread, posted.message_id

    async def post(self, thread: int | None, text: str, markup: InlineKeyboardMarkup | None = None) -> Sent:
        """Post in topic ``thread`` (None: the General topic)."""
        return await send_html(self.bot, self.group_id, text, markup=markup, thread=thread)

    async def notice(self, thread: int | None, text: str) -> None:
        """A line for the advocates; if it cannot be posted, nobody else is affected."""
        posted = await self.post(thread, text)
        if posted.message_id is None:
            log.info("desk_notice_failed delivery=%s", posted.delivery.value)

    async def set_buttons(self, card: int, markup: InlineKeyboardMarkup | None) -> None:
        """Change the buttons under a case card (None: remove them, the case is closed)."""
        await quietly(self.bot.edit_message_reply_markup(chat_id=self.group_id, message_id=card, reply_markup=markup))

    async def delete_topic(self, thread: int) -> None:
        await quietly(self.bot.delete_forum_topic(self.group_id, thread))

    async def close_topic(self, thread: int) -> None:
        await quietly(self.bot.close_forum_topic(self.group_id, thread))

    async def copy_in(self, thread: int, from_chat: int, message_id: int) -> Sent:
        """A survivor's message, copied into the case topic."""
        return await send_with_retry(
            lambda: self.bot.copy_message(self.group_id, from_chat, message_id, message_thread_id=thread)
        )

    async def copy_out(self, to_chat: int, message_id: int, markup: InlineKeyboardMarkup | None) -> Sent:
        """An advocate's message from the group, copied to the survivor's chat under ``markup``."""
        return await send_with_retry(lambda: self.bot.copy_message(to_chat, self.group_id, message_id, reply_markup=markup))
