"""The Telegram channel on python-telegram-bot 22, used only as a transport.

PTB's ConversationHandler keeps state in process memory and cannot run on several workers;
Haven's engine and Redis replace it. One handler turns every update into an engine
:class:`Event`, and replies into messages with inline keyboards. Only private chats are
served. ``allowed_updates`` asks Telegram for nothing Haven does not use.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from redis.exceptions import RedisError
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot, TypeHandler

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.sending import NO_PREVIEW, send_html
from bot.channels.style import styled
from bot.engine.model import Event, Reply
from bot.i18n.catalogs import Catalogs
from bot.i18n.translator import N_
from bot.runtime import EffectDispatcher, Outcome, Runtime
from bot.safety.wipe import Wiper

log = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_TEXT = 4096
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
NEUTRAL_LINE_SECONDS = 60  # the line left after Exit disappears after this long
CONNECTIONS = 64  # concurrent updates and Bot API connections per process
KEEP = "^"  # callback data mark: answer below the pressed message, never edit it


def event_for(update: Update) -> tuple[int, Event, Message | None] | None:
    """``(chat id, event, message whose keyboard was pressed)`` for updates Haven serves."""
    query = update.callback_query
    if query is not None:
        message = query.message if isinstance(query.message, Message) else None
        if message is None or message.chat.type != ChatType.PRIVATE or not query.data:
            return None
        hint = query.from_user.language_code if query.from_user else None
        return message.chat.id, Event("button", data=button_data(query.data), lang_hint=hint), message
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    hint = message.from_user.language_code if message.from_user else None
    text = message.text
    if text is None:
        return message.chat.id, Event("media", lang_hint=hint), None
    if text.startswith("/"):
        name = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
        if name == "start":
            return message.chat.id, Event("start", lang_hint=hint), None
        return message.chat.id, Event("command", data=name, lang_hint=hint), None
    return message.chat.id, Event("text", text=text[:MAX_TEXT], lang_hint=hint), None


def button_data(data: str | None) -> str:
    """A pressed button's callback data, without the :data:`KEEP` mark."""
    data = data or ""
    return data[len(KEEP) :] if data.startswith(KEEP) else data


def editable(message: Message) -> bool:
    """Whether the answer to a press may replace this message: not when its buttons carry the
    :data:`KEEP` mark, because it holds someone else's words (an advocate's reply)."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    marks = (button.callback_data for row in rows for button in row)
    return not any(isinstance(data, str) and data.startswith(KEEP) for data in marks)


async def quietly(call: Awaitable[object]) -> None:
    """Await a Bot API call whose failure changes nothing for anyone (answering a button press,
    deleting a topic that may be gone); log its error class only."""
    try:
        await call
    except TelegramError as exc:
        log.info("telegram_call_failed error=%s", exc.__class__.__name__)


def keyboard(reply: Reply, *, keep: bool = False) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a reply (``None`` when it has no buttons).

    Haven answers a button press by editing the pressed message in place. ``keep`` marks the
    buttons of a message that carries someone else's words (an advocate's reply) so that the
    answer comes as a new message and those words stay in the chat.
    """
    if not reply.buttons:
        return None
    prefix = KEEP if keep else ""
    rows = [
        [
            InlineKeyboardButton(b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(b.label, callback_data=prefix + (b.data or ""))
            for b in row
        ]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class TelegramScope:
    """What an effect handler needs to act for one survivor's update on Telegram."""

    update: Update
    bot: Bot
    sid: str
    chat_id: int


class Extension(Protocol):
    """A feature on top of the conversation that needs Telegram itself (advocate hand-off ...).

    ``intercept`` sees every update first and returns True when it handled it (an advocate's
    message in the advocates' group, say), so the engine never sees it. ``register`` adds the
    extension's handlers for runtime effects (opening a case, relaying a message ...) to the
    channel's dispatcher.
    """

    async def intercept(self, update: Update, bot: Bot, channel: TelegramChannel) -> bool: ...

    def claims(self, update: Update) -> bool:
        """True for the updates ``intercept`` will take: the channel then leaves their button
        presses for the extension to answer (with its own text, or an alert)."""
        ...

    def register(self, effects: EffectDispatcher[TelegramScope]) -> None: ...


class TelegramChannel:
    """Sends the runtime's replies with the Bot API; executes channel effects."""

    def __init__(self, runtime: Runtime, wiper: Wiper | None = None, extensions: Sequence[Extension] = ()) -> None:
        self.runtime = runtime
        self.wiper = wiper
        self.extensions = tuple(extensions)
        self.effects: EffectDispatcher[TelegramScope] = EffectDispatcher()
        for extension in self.extensions:
            extension.register(self.effects)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._answered: set[str] = set()  # button presses already answered in a webhook response

    def answer_in_response(self, update: Update) -> dict[str, str] | None:
        """The ``answerCallbackQuery`` a webhook may return as its response body, for a press
        this channel answers with no text anyway: one Bot API request fewer per press. Telegram
        gives such a call no result and no error, so it is used for nothing else."""
        query = update.callback_query
        if query is None or any(extension.claims(update) for extension in self.extensions):
            return None
        self._answered.add(query.id)
        return {"method": "answerCallbackQuery", "callback_query_id": query.id}

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one handler: every update Haven receives comes through here."""
        query = update.callback_query
        answered = query is not None and query.id in self._answered
        if query is not None:
            self._answered.discard(query.id)
        for extension in self.extensions:
            if await extension.intercept(update, context.bot, self):
                return
        found = event_for(update)
        if found is None:
            log.info("update_ignored kind=%s", _kind(update))
            return
        chat_id, event, pressed = found
        bot = context.bot
        if query is not None and not answered:
            await quietly(query.answer())
        incoming = [update.message.message_id] if update.message is not None else []
        sid = self.runtime.session_id(CHANNEL, str(chat_id))
        lock = self._locks[sid]
        async with lock:  # one chat's updates in order within this process; CAS covers workers
            outcome = await self.runtime.handle(
                sid, event, message_ids=incoming, address=str(chat_id), update_id=str(update.update_id)
            )
            outcome.replies += await self.effects.dispatch(outcome.effects, TelegramScope(update, bot, sid, chat_id))
            tr = self.runtime.catalogs.translator(outcome.lang)
            outcome.replies = styled(outcome.replies, tr, hidden=outcome.discreet)
            await self.deliver(bot, sid, chat_id, outcome, pressed)
        if not lock.locked():
            self._locks.pop(sid, None)

    async def deliver(self, bot: Bot, sid: str, chat_id: int, outcome: Outcome, pressed: Message | None) -> None:
        """Carry out channel effects, then send the replies (the first edits a pressed keyboard).

        After Exit the conversation is deleted first and the neutral line that remains is
        scheduled to disappear too. Otherwise the ids of the messages sent are recorded so a
        later Exit or auto-erase can delete them.
        """
        erasing = outcome.erasing
        if erasing:
            ids = set(outcome.erase_ids) | ({pressed.message_id} if pressed else set())
            await self.delete(bot, chat_id, sorted(ids))
            pressed = None
        sent: list[int] = []
        for index, reply in enumerate(outcome.replies):
            if index == 0 and pressed is not None and editable(pressed) and await self._edit(bot, chat_id, pressed, reply):
                continue
            message_id = (await send_html(bot, chat_id, reply.text, markup=keyboard(reply), node=reply.node)).message_id
            if message_id is not None:
                sent.append(message_id)
        now = self.runtime.clock()
        try:
            if erasing and self.wiper is not None and sent:
                await self.wiper.schedule(sid, sent, str(chat_id), now + NEUTRAL_LINE_SECONDS, now)
            elif sent and outcome.session is not None:
                self.runtime.store.trace_soon(sid, sent, now)
        except RedisError as exc:
            log.error("trace_failed error=%s", exc.__class__.__name__)

    async def delete(self, bot: Bot, chat_id: int, ids: list[int]) -> bool:
        """Delete messages in batches of at most 100 (Telegram ignores ids it cannot delete)."""
        ok = True
        for start in range(0, len(ids), DELETE_BATCH):
            try:
                await bot.delete_messages(chat_id, ids[start : start + DELETE_BATCH])
            except TelegramError as exc:
                ok = False
                log.info("delete_failed error=%s", exc.__class__.__name__)
        return ok

    async def _edit(self, bot: Bot, chat_id: int, pressed: Message, reply: Reply) -> bool:
        try:
            await bot.edit_message_text(
                reply.text, chat_id=chat_id, message_id=pressed.message_id, parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply), link_preview_options=NO_PREVIEW,
            )
            return True
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("edit_failed error=%s", exc.__class__.__name__)
            return False
        except TelegramError as exc:
            log.info("edit_failed error=%s", exc.__class__.__name__)
            return False


def _kind(update: Update) -> str:
    for kind in ("message", "edited_message", "callback_query", "channel_post", "my_chat_member", "inline_query"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Class name only: exception messages can carry text or ids.
    error = context.error
    log.error("handler_error error=%s", error.__class__.__name__ if error else "unknown")


# The command menu: each command is described with the label of the button that does the
# same, so it is already translated (and safety-checked) wherever the menu is.
COMMANDS = (
    ("menu", "nav.menu", "Menu"),
    ("help", "safety:main.menu.danger", "I'm in danger"),
    ("language", "safety:main.menu.language", "Language"),
    ("exit", "safety:nav.exit", "Exit"),
    # Translators: a command in Telegram's menu: erase what Haven remembers, unlike Exit keep the chat.
    ("forget", *N_("safety:nav.forget", "Forget the conversation, keep the messages")),
)
_TELEGRAM_LANGUAGE = {"fil": "tl"}  # Telegram's language_code is ISO 639-1


async def register_commands(bot: Bot, catalogs: Catalogs, locales: Sequence[str]) -> None:
    """Publish the command menu in English (the default) and in every offered language."""

    def commands(locale: str | None) -> list[BotCommand]:
        tr = catalogs.translator(locale)
        return [BotCommand(name, tr.label(context, english)) for name, context, english in COMMANDS]

    calls = [bot.set_my_commands(commands(None))]
    for locale in locales:
        if locale != "en":
            code = _TELEGRAM_LANGUAGE.get(locale, locale.split("_")[0])
            calls.append(bot.set_my_commands(commands(locale), language_code=code))
    await asyncio.gather(*(quietly(call) for call in calls))


class HavenBot(ExtBot):
    """PTB's bot, except that one unparseable update cannot stall polling.

    PTB parses a ``getUpdates`` batch as a whole: one update it cannot read makes the batch
    fail, the offset never advances, and the bot stops answering everyone. Each update is
    checked here; an unreadable one is reduced to its ``update_id`` so polling moves past it
    (Haven then ignores it as an update of no known kind).
    """

    async def _post(self, endpoint: str, data: dict[str, object] | None = None, **kwargs: Any) -> Any:
        """PTB's own signature: timeouts pass through, and the result is whatever JSON came back."""
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            result = [self._readable(item) for item in result]
        return result

    def _readable(self, item: object) -> object:
        try:
            Update.de_json(item, self)  # type: ignore[arg-type]  # any JSON: whatever fails is unreadable
            return item
        except Exception as exc:
            log.warning("update_unreadable error=%s", exc.__class__.__name__)
            update_id = item.get("update_id") if isinstance(item, dict) else None
            return {"update_id": update_id if isinstance(update_id, int) else 0}


class BotEndpoint(Protocol):
    """Where the Bot API is and the token for it. ``Settings`` has both; it is not imported
    here because configuration sits above the channels."""

    @property
    def telegram_token(self) -> str | None: ...

    @property
    def telegram_api_url(self) -> str: ...


def build_application(
    endpoint: BotEndpoint,
    runtime: Runtime,
    *,
    webhook: bool = False,
    wiper: Wiper | None = None,
    extensions: Sequence[Extension] = (),
) -> Application:
    """A PTB Application pointed at ``TELEGRAM_API_URL`` with Haven's single handler."""
    assert endpoint.telegram_token, "TELEGRAM_BOT_TOKEN is checked by load_settings"
    bot = HavenBot(
        endpoint.telegram_token,
        base_url=f"{endpoint.telegram_api_url}/bot",
        base_file_url=f"{endpoint.telegram_api_url}/file/bot",
        # aiohttp, not PTB's default httpx: far less CPU per update. getUpdates' long polls
        # still fit: PTB adds the poll timeout to the read timeout on each call.
        request=AiohttpRequest(connection_pool_size=CONNECTIONS),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    builder: ApplicationBuilder = ApplicationBuilder().bot(bot).concurrent_updates(CONNECTIONS)
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    channel = TelegramChannel(runtime, wiper, extensions)
    application.bot_data["channel"] = channel
    application.add_handler(TypeHandler(Update, channel.on_update))
    application.add_error_handler(_on_error)
    return application
