"""Sending one message with the Bot API: a short flood wait is waited out once, and every failure
is sorted into what it means for the person who wrote.

The Telegram channel and the advocates' desk both send through :func:`send_with_retry`, so a
flood wait, a blocked chat and a message Telegram refuses mean the same thing everywhere.
Errors are logged by class only: their messages can carry text or ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageId
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.text import plain

log = logging.getLogger(__name__)

MAX_RETRY_WAIT = 30.0  # longest flood wait honoured once; longer ones report "not delivered"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # previews make Telegram fetch links: a trace

Call = Callable[[], Awaitable[Message | MessageId]]
"""One Bot API call that sends a message (``sendMessage``, ``copyMessage``, ``sendPhoto`` ...)."""


class Delivery(Enum):
    """What became of one message."""

    SENT = "sent"
    LATER = "later"  # a flood wait too long to wait out, or a passing error: it may be sent again
    REFUSED = "refused"  # Telegram will not take this message as it is (too long, markup it cannot show)
    GONE = "gone"  # blocked by the person, or the chat or forum topic no longer exists


@dataclass(frozen=True)
class Sent:
    """A :class:`Delivery` and, when the message went out, its id (to trace, edit or delete it)."""

    delivery: Delivery
    message_id: int | None = None


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's flood wait in seconds (PTB gives an int today, a timedelta when opted in)."""
    wait = exc.retry_after
    return float(wait if isinstance(wait, (int, float)) else wait.total_seconds())


def _gone(exc: BadRequest) -> bool:
    """Whether Telegram refused because the chat or topic no longer exists (not the message)."""
    text = str(exc).lower()
    return "thread" in text or "topic" in text or "chat not found" in text


async def send_with_retry(call: Call, *, unparsed: Call | None = None, node: str | None = None) -> Sent:
    """Make ``call``; wait out one flood wait of at most :data:`MAX_RETRY_WAIT` seconds.

    ``unparsed`` sends the same words without markup: it is used when Telegram cannot parse
    the HTML (a broken translation must not silence Haven). ``node`` names what is sent in
    the logs.
    """
    for attempt in range(2):
        try:
            sent = await call()
            return Sent(Delivery.SENT, int(sent.message_id))
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            log.warning("send_rate_limited node=%s retry_after=%.1f", node, wait)
            if attempt or wait > MAX_RETRY_WAIT:
                return Sent(Delivery.LATER)
            await asyncio.sleep(wait)
        except Forbidden as exc:  # blocked by the person, or Haven removed from the group
            log.info("send_forbidden node=%s error=%s", node, exc.__class__.__name__)
            return Sent(Delivery.GONE)
        except BadRequest as exc:
            if unparsed is not None and "parse entities" in str(exc).lower():
                log.warning("markup_rejected node=%s", node)
                return await send_with_retry(unparsed, node=node)
            gone = _gone(exc)
            log.info("send_refused node=%s error=%s gone=%s", node, exc.__class__.__name__, gone)
            return Sent(Delivery.GONE if gone else Delivery.REFUSED)
        except TelegramError as exc:
            log.info("send_failed node=%s error=%s", node, exc.__class__.__name__)
            return Sent(Delivery.LATER)
    return Sent(Delivery.LATER)


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    thread: int | None = None,
    node: str | None = None,
    plain_fallback: bool = True,
) -> Sent:
    """Send Haven's own HTML text without link previews (in forum topic ``thread`` when given).

    When Telegram cannot parse the markup, the plain words are sent instead, unless
    ``plain_fallback`` is off: where the markup hides words behind a tap, plain text would show them.
    """

    def call(html: bool) -> Call:
        words = text if html else plain(text)
        return lambda: bot.send_message(
            chat_id, words, message_thread_id=thread, parse_mode=ParseMode.HTML if html else None,
            reply_markup=markup, link_preview_options=NO_PREVIEW,
        )  # fmt: skip

    return await send_with_retry(call(True), unparsed=call(False) if plain_fallback else None, node=node)
