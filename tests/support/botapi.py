"""A small Telegram Bot API served on 127.0.0.1, so tests drive the real python-telegram-bot.

Why a stand-in and not mocks of PTB: Haven's Telegram channel must be tested on the production
path, JSON update -> PTB ``Application`` -> handler -> HTTP ``sendMessage``. This server speaks
the Bot API's wire format (PTB 22 posts form-urlencoded bodies whose non-string values are
JSON-encoded, multipart bodies when it uploads files; JSON bodies and GET query strings are
accepted too) and keeps just enough state to answer like Telegram: chats, messages with
increasing ids, edits, deletions, forum topics, pending updates with long polling, a webhook.

It is deliberately *strict* where a real Telegram rejection would hurt a survivor in
production: broken HTML, texts over 4096 characters, callback data over 64 bytes, edits that
change nothing, sends to chats the bot has never seen, to deleted topics or to users who blocked
the bot all fail here with the status and description Telegram uses (descriptions follow real
ones where known; some wording is approximate, and the checks on a bare ``&`` or unknown named
entities such as ``&nbsp;`` may be stricter than Telegram, which Haven wants anyway).

Test-side helpers build realistic updates (``user_message``, ``user_media``, ``press``,
``raw_update``), inspect what the bot did (``calls``, ``visible``, ``history``,
``all_request_text``), wait for it (``wait_for``, ``wait_calls``) and inject failures
(``fail_next``, ``block``, ``delete_topic``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "123456789:TEST-haven-standin-token_abcdefghijk"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DELETE_IDS = 100
DEFAULT_GROUP_USER_ID = 424242  # the person writing in a group when a test names nobody
DEFAULT_TOPIC_COLOR = 7322096  # the first of the six colours the Bot API documents for topics

# Update kinds Telegram leaves out when ``allowed_updates`` is empty or was never given.
OPT_IN_UPDATE_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Parameters whose values PTB sends as raw strings; everything else arrives JSON-encoded.
STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "url", "secret_token", "callback_query_id", "name",
    "icon_custom_emoji_id", "photo", "document", "voice", "language_code", "ip_address",
    "title", "description", "action", "emoji", "custom_title", "message_effect_id",
    "business_connection_id", "inline_message_id",
})

Json = dict[str, Any]
T = TypeVar("T")


class ApiError(Exception):
    """A refusal the way Telegram words it: HTTP status, description, optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> Json:
        payload: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            payload["parameters"] = {"retry_after": self.retry_after}
        return payload


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------- Telegram HTML

_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY_RE = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]+));")


def utf16_len(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_entity(source: str, index: int) -> tuple[str, int]:
    """Decode the character reference at ``source[index] == '&'``; return (char, next index)."""
    match = _ENTITY_RE.match(source, index)
    if match is None:
        raise bad_request(
            "can't parse entities: character '&' not forming an entity "
            f"at byte offset {_byte_offset(source, index)}"
        )
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            raise bad_request(
                f'can\'t parse entities: unsupported HTML entity "&{name};" '
                f"at byte offset {_byte_offset(source, index)}"
            )
        return _NAMED_ENTITIES[name], match.end()
    code_point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if not 0 < code_point <= 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        raise bad_request(
            f"can't parse entities: invalid character reference at byte offset "
            f"{_byte_offset(source, index)}"
        )
    return chr(code_point), match.end()


def _decode_attribute(raw: str) -> str:
    value = raw[1:-1] if raw[:1] in "\"'" and len(raw) >= 2 else raw
    out, index = [], 0
    while index < len(value):
        if value[index] == "&":
            char, index = _decode_entity(value, index)
            out.append(char)
        else:
            out.append(value[index])
            index += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the plain text
    language: str | None = None


def parse_html(source: str) -> tuple[str, list[Json]]:
    """Turn Telegram-HTML into (plain text, entities), refusing what Telegram refuses."""
    plain: list[str] = []
    length = 0
    stack: list[_OpenTag] = []
    entities: list[Json] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            decoded, index = _decode_entity(source, index)
            plain.append(decoded)
            length += utf16_len(decoded)
            continue
        if char != "<":
            plain.append(char)
            length += utf16_len(char)
            index += 1
            continue
        match = _TAG_RE.match(source, index)
        offset = _byte_offset(source, index)
        if match is None:
            word = re.match(r"</?([^\s>]*)", source[index:])
            name = word.group(1) if word else ""
            raise bad_request(
                f'can\'t parse entities: unsupported start tag "{name}" at byte offset {offset}'
            )
        closing, name, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
        index = match.end()
        if closing:
            if raw_attrs.strip():
                raise bad_request(f"can't parse entities: end tag with attributes at byte offset {offset}")
            if not stack:
                raise bad_request(
                    f'can\'t parse entities: unexpected end tag "{name}" at byte offset {offset}'
                )
            tag = stack.pop()
            if tag.name != name:
                raise bad_request(
                    f"can't parse entities: unmatched end tag at byte offset {offset}, "
                    f'expected "</{tag.name}>", found "</{name}>"'
                )
            _close_tag(tag, length, stack, entities)
            continue
        attrs = {key.lower(): _decode_attribute(value or "") for key, value in _ATTR_RE.findall(raw_attrs)}
        if name not in _TAG_ENTITY or (name == "span" and attrs.get("class") != "tg-spoiler"):
            raise bad_request(
                f'can\'t parse entities: unsupported start tag "{name}" at byte offset {offset}'
            )
        stack.append(_OpenTag(name, attrs, length))
    if stack:
        raise bad_request(
            f'can\'t parse entities: can\'t find end tag corresponding to start tag "{stack[-1].name}"'
        )
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(plain), entities


def _close_tag(tag: _OpenTag, end: int, stack: list[_OpenTag], entities: list[Json]) -> None:
    kind = _TAG_ENTITY[tag.name]
    language = tag.attrs.get("class", "")
    if kind == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        if language.startswith("language-"):
            stack[-1].language = language.removeprefix("language-")
        return
    if end == tag.start:
        return
    entity: Json = {"type": kind, "offset": tag.start, "length": end - tag.start}
    if kind == "text_link":
        if "href" not in tag.attrs:
            return
        entity["url"] = tag.attrs["href"]
    elif kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)


def _strip_formatted(text: str, entities: list[Json]) -> tuple[str, list[Json]]:
    """Telegram trims surrounding whitespace and shifts the entities with the text."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(text: str, parse_mode: str | None, *, limit: int, too_long: str) -> tuple[str, list[Json]]:
    """Plain text and entities as Telegram would store them; raise like Telegram on errors.

    Only HTML is parsed (Haven sends HTML); other parse modes keep the text as given.
    """
    if parse_mode is not None and parse_mode.upper() == "HTML":
        plain, entities = parse_html(text)
    else:
        plain, entities = text, []
    plain, entities = _strip_formatted(plain, entities)
    if utf16_len(plain) > limit:
        raise bad_request(too_long)
    return plain, entities


# --------------------------------------------------------------------------- state


@dataclass
class Call:
    """One request the bot made: canonical method name, decoded parameters, HTTP status.

    ``status`` is None while the stand-in is still answering (a pending long poll).
    """

    method: str
    params: Json
    status: int | None = None
    uploads: dict[str, bytes] = field(default_factory=dict)
    in_webhook_response: bool = False  # made by answering a webhook request, not over HTTP


@dataclass
class Message:
    """A message in a chat as the stand-in remembers it (bot's or user's)."""

    chat_id: int
    message_id: int
    from_bot: bool
    kind: str  # text, photo, document, voice, sticker, location, service
    sender: Json
    date: int
    text: str = ""  # text or caption, as Telegram shows it (tags removed, entities decoded)
    entities: list[Json] = field(default_factory=list)
    source: str = ""  # the text or caption exactly as the bot sent it (raw HTML)
    parse_mode: str | None = None
    reply_markup: Json | None = None
    thread_id: int | None = None
    media: Json = field(default_factory=dict)  # the Bot API fields of the media, e.g. {"photo": [...]}
    deleted: bool = False

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (label, callback_data or url)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row] for row in rows]


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False


@dataclass
class Chat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    is_forum: bool = False
    messages: dict[int, Message] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    last_message_id: int = 0
    blocked: bool = False
    bot_left: bool = False

    def to_json(self) -> Json:
        data: Json = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or "Test"
            if self.username:
                data["username"] = self.username
        else:
            data["title"] = self.title or "Test group"
            if self.is_forum:
                data["is_forum"] = True
        return data

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass(frozen=True)
class _Person:
    """Who writes or taps in a test; a private chat's user id defaults to the chat id."""

    user_id: int | None
    first_name: str
    username: str | None
    language_code: str | None


@dataclass
class _Failure:
    error: ApiError
    times: int


# --------------------------------------------------------------------------- the server


class BotApiStandin:
    """The Bot API on 127.0.0.1:<ephemeral port>; use ``async with BotApiStandin() as api``.

    Chats must be known before the bot can write to them, as on Telegram: a private chat exists
    once the user wrote (``user_message`` etc.), a group once ``add_chat`` registered it or a
    user wrote in it. Supergroups default to forums because Haven's advocates work in topics.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, *, username: str = "haven_test_bot") -> None:
        self.token = token
        self.bot_user: Json = {
            "id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": "Haven Test",
            "username": username,
        }
        self.calls: list[Call] = []
        self.webhook: Json = {"url": ""}
        self.commands: dict[str, list[Json]] = {}
        self.allowed_updates: list[str] | None = None  # as last given to getUpdates/setWebhook
        self.allowed_updates_seen: list[list[str] | None] = []  # one entry per getUpdates call
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, Json] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._updates: list[Json] = []
        self._last_update_id = 100_000
        self._open_queries: set[str] = set()
        self._failures: dict[str, list[_Failure]] = {}
        self._pulse = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._methods: dict[str, tuple[str, Callable[[Json], Any]]] = {
            name.lower(): (name, handler) for name, handler in self._method_table().items()
        }

    # ----------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    async def start(self) -> BotApiStandin:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release pending long polls, then close every connection."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStandin:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----------------------------------------------------------------- HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        entry = self._methods.get(request.match_info["method"].lower())
        if entry is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        method, handler = entry
        try:
            params, uploads = await _read_params(request)
        except ValueError:
            return web.json_response(bad_request("can't parse request body").body(), status=400)
        call = Call(method, params, None, uploads)
        self.calls.append(call)  # on arrival, so tests can wait for a long poll to be pending
        self._notify()
        try:
            failure = self._take_failure(method)
            if failure is not None:
                raise failure
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
            call.status = 200
        except ApiError as error:
            call.status = error.code
            return web.json_response(error.body(), status=error.code)
        except Exception:
            call.status = 500  # a stand-in bug or a parameter it cannot read: fail loudly
            raise
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    def _notify(self) -> None:
        self._pulse.set()
        self._pulse = asyncio.Event()

    def _take_failure(self, method: str) -> ApiError | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        queue[0].times -= 1
        error = queue[0].error
        if queue[0].times <= 0:
            queue.pop(0)
        return error

    def _method_table(self) -> dict[str, Callable[[Json], Any]]:
        return {
            "getMe": lambda p: self.bot_user | {
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False,
            },
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self.commands.get(_scope_key(p), []),
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": lambda p: self._send_media(p, "photo"),
            "sendDocument": lambda p: self._send_media(p, "document"),
            "sendVoice": lambda p: self._send_media(p, "voice"),
            "sendVideo": lambda p: self._send_media(p, "video"),
            "sendChatAction": lambda p: bool(self._sendable_chat(p)),
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": lambda p: self._set_topic_closed(p, True),
            "reopenForumTopic": lambda p: self._set_topic_closed(p, False),
            "deleteForumTopic": self._delete_forum_topic,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat,
        }

    # ----------------------------------------------------------------- updates & webhook

    async def _get_updates(self, p: Json) -> list[Json]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in p:
            self.allowed_updates = p["allowed_updates"]
        self.allowed_updates_seen.append(p.get("allowed_updates"))
        offset = int(p.get("offset") or 0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while True:
            pulse = self._pulse
            self._drop_unwanted_updates()
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._closing:
                return self._updates[:limit]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pulse.wait(), remaining)

    def _drop_unwanted_updates(self) -> None:
        """Telegram never creates updates of kinds the bot did not ask for."""
        wanted = set(self.allowed_updates or ())
        kept = []
        for update in self._updates:
            kinds = set(update) - {"update_id"}
            kind = next(iter(kinds)) if len(kinds) == 1 else None
            if kind is None or (kind in wanted if wanted else kind not in OPT_IN_UPDATE_KINDS):
                kept.append(update)
        self._updates = kept

    def _set_webhook(self, p: Json) -> bool:
        url = p.get("url", "")
        if url and not str(url).startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in p:
            self.allowed_updates = p["allowed_updates"]
        self.webhook = {
            "url": url, "secret_token": secret, "allowed_updates": p.get("allowed_updates"),
            "drop_pending_updates": bool(p.get("drop_pending_updates")),
        }
        return True

    def _delete_webhook(self, p: Json) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return True

    def _get_webhook_info(self, p: Json) -> Json:
        info: Json = {
            "url": self.webhook["url"], "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook["url"]:
            info["max_connections"] = 40
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _set_my_commands(self, p: Json) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("field \"commands\" must be an Array")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        self.commands[_scope_key(p)] = commands
        return True

    def _delete_my_commands(self, p: Json) -> bool:
        self.commands.pop(_scope_key(p), None)
        return True

    # ----------------------------------------------------------------- chats & sending

    def _chat(self, chat_id: Any) -> Chat:
        try:
            return self._chats[int(chat_id)]
        except (KeyError, TypeError, ValueError):
            raise bad_request("chat not found") from None

    def _sendable_chat(self, p: Json) -> Chat:
        chat = self._chat(p.get("chat_id"))
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.bot_left:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _thread_for(self, chat: Chat, p: Json) -> int | None:
        thread_id = p.get("message_thread_id")
        if thread_id is None:
            return None
        topic = chat.topics.get(int(thread_id))
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return topic.thread_id

    def _new_bot_message(self, chat: Chat, p: Json, kind: str, **fields: Any) -> Message:
        """Create, store and return a bot message after every check passed."""
        thread_id = self._thread_for(chat, p)
        message = Message(
            chat_id=chat.id, message_id=chat.next_message_id(), from_bot=True, kind=kind,
            sender=self.bot_user, date=int(time.time()), thread_id=thread_id, **fields,
        )
        chat.messages[message.message_id] = message
        return message

    def _send_message(self, p: Json) -> Json:
        chat = self._sendable_chat(p)
        text, entities = self._message_text(p)
        markup = _checked_markup(p.get("reply_markup"))
        message = self._new_bot_message(
            chat, p, "text", text=text, entities=entities, source=str(p.get("text", "")),
            parse_mode=p.get("parse_mode"), reply_markup=markup,
        )
        return self._message_json(message)

    def _message_text(self, p: Json) -> tuple[str, list[Json]]:
        if "text" not in p:
            raise bad_request("message text is empty")
        text, entities = format_text(
            str(p["text"]), p.get("parse_mode"), limit=MAX_TEXT_LENGTH, too_long="message is too long"
        )
        if not text:
            raise bad_request("message text is empty")
        return text, entities

    def _send_media(self, p: Json, kind: str) -> Json:
        chat = self._sendable_chat(p)
        if not p.get(kind):
            raise bad_request(f"there is no {kind} in the request")
        caption, entities = format_text(
            str(p.get("caption", "")), p.get("parse_mode"), limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
        )
        file_ref = p[kind]
        file_id = file_ref if isinstance(file_ref, str) else f"{kind}-upload-{len(self.calls)}"
        media = _media_fields(kind, file_id)
        if p.get("has_spoiler") in (True, "true") and kind in ("photo", "video"):
            media["has_media_spoiler"] = True
        message = self._new_bot_message(
            chat, p, kind, text=caption, entities=entities, source=str(p.get("caption", "")),
            parse_mode=p.get("parse_mode"), reply_markup=_checked_markup(p.get("reply_markup")),
            media=media,
        )
        return self._message_json(message)

    def _message_json(self, message: Message) -> Json:
        chat = self._chats[message.chat_id]
        data: Json = {
            "message_id": message.message_id, "from": message.sender, "chat": chat.to_json(),
            "date": message.date,
        }
        if message.thread_id is not None:
            data["message_thread_id"] = message.thread_id
            data["is_topic_message"] = True
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        else:
            data.update(message.media)
            if message.text:
                data["caption"] = message.text
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # ----------------------------------------------------------------- edits & deletions

    def _editable(self, p: Json) -> Message:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the stand-in")
        chat = self._chat(p.get("chat_id"))
        message = chat.messages.get(int(p.get("message_id") or 0))
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot or message.kind == "service":
            raise bad_request("message can't be edited")
        return message

    def _edit_message_text(self, p: Json) -> Json:
        message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities = self._message_text(p)
        markup = _checked_markup(p.get("reply_markup"))  # omitted markup removes the keyboard
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.source, message.parse_mode = str(p["text"]), p.get("parse_mode")
        return self._message_json(message)

    def _edit_message_reply_markup(self, p: Json) -> Json:
        message = self._editable(p)
        markup = _checked_markup(p.get("reply_markup"))
        if markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.reply_markup = markup
        return self._message_json(message)

    def _delete_message(self, p: Json) -> bool:
        chat = self._chat(p.get("chat_id"))
        message = chat.messages.get(int(p.get("message_id") or 0))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    def _delete_messages(self, p: Json) -> bool:
        chat = self._chat(p.get("chat_id"))
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad_request("message identifiers are not specified")
        if len(ids) > MAX_DELETE_IDS:
            raise bad_request("too many messages to delete")
        for message_id in ids:
            message = chat.messages.get(int(message_id))
            if message is not None:
                message.deleted = True
        return True

    # ----------------------------------------------------------------- copy, forward, callbacks

    def _source_message(self, p: Json, missing: str) -> Message:
        source_chat = self._chat(p.get("from_chat_id"))
        message = source_chat.messages.get(int(p.get("message_id") or 0))
        if message is None or message.deleted or message.kind == "service":
            raise bad_request(missing)
        return message

    def _copy_message(self, p: Json) -> Json:
        source = self._source_message(p, "message to copy not found")
        chat = self._sendable_chat(p)
        text, entities, markup_source, parse_mode = source.text, source.entities, source.source, source.parse_mode
        if p.get("caption") is not None and source.kind != "text":
            markup_source, parse_mode = str(p["caption"]), p.get("parse_mode")
            text, entities = format_text(
                markup_source, parse_mode, limit=MAX_CAPTION_LENGTH, too_long="message caption is too long",
            )
        copy = self._new_bot_message(
            chat, p, source.kind, text=text, entities=list(entities), source=markup_source,
            parse_mode=parse_mode, reply_markup=_checked_markup(p.get("reply_markup")),
            media=dict(source.media),
        )
        return {"message_id": copy.message_id}

    def _forward_message(self, p: Json) -> Json:
        source = self._source_message(p, "message to forward not found")
        chat = self._sendable_chat(p)
        forward = self._new_bot_message(
            chat, p, source.kind, text=source.text, entities=list(source.entities),
            source=source.source, media=dict(source.media),
        )
        data = self._message_json(forward)
        data["forward_origin"] = {"type": "user", "date": source.date, "sender_user": source.sender}
        return data

    def _answer_callback_query(self, p: Json) -> bool:
        query_id = p.get("callback_query_id")
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        return True

    # ----------------------------------------------------------------- forum topics & chats

    def _create_forum_topic(self, p: Json) -> Json:
        chat = self._sendable_chat(p)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        name = str(p.get("name", ""))
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        service = self._new_bot_message(chat, {}, "service")
        color = int(p.get("icon_color") or DEFAULT_TOPIC_COLOR)
        topic = Topic(service.message_id, name, color, p.get("icon_custom_emoji_id"))
        service.thread_id = topic.thread_id
        service.media = {"forum_topic_created": {"name": name, "icon_color": color}}
        chat.topics[topic.thread_id] = topic
        result: Json = {"message_thread_id": topic.thread_id, "name": name, "icon_color": color}
        if topic.icon_custom_emoji_id:
            result["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
        return result

    def _topic(self, p: Json) -> tuple[Chat, Topic]:
        chat = self._chat(p.get("chat_id"))
        topic = chat.topics.get(int(p.get("message_thread_id") or 0))
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return chat, topic

    def _edit_forum_topic(self, p: Json) -> bool:
        _, topic = self._topic(p)
        if "name" in p:
            if not 1 <= len(p["name"]) <= 128:
                raise bad_request("TOPIC_TITLE_EMPTY" if not p["name"] else "topic name is too long")
            topic.name = p["name"]
        if "icon_custom_emoji_id" in p:
            topic.icon_custom_emoji_id = p["icon_custom_emoji_id"] or None
        return True

    def _set_topic_closed(self, p: Json, closed: bool) -> bool:
        _, topic = self._topic(p)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True

    def _delete_forum_topic(self, p: Json) -> bool:
        chat, topic = self._topic(p)
        self._remove_topic(chat, topic)
        return True

    @staticmethod
    def _remove_topic(chat: Chat, topic: Topic) -> None:
        topic.deleted = True
        for message in chat.messages.values():
            if message.thread_id == topic.thread_id:
                message.deleted = True

    def _get_chat(self, p: Json) -> Json:
        chat = self._chat(p.get("chat_id"))
        no_gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels"), False,
        )
        return chat.to_json() | {
            "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": no_gifts,
        }

    def _get_chat_member(self, p: Json) -> Json:
        chat = self._chat(p.get("chat_id"))
        user_id = int(p.get("user_id") or 0)
        if user_id == self.bot_user["id"]:
            status = "left" if chat.bot_left else ("member" if chat.type == "private" else "administrator")
            user = self.bot_user
        else:
            status = self._members.get((chat.id, user_id), "member")
            user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "Test"})
        return _member_json(status, user)

    def _leave_chat(self, p: Json) -> bool:
        chat = self._chat(p.get("chat_id"))
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        chat.bot_left = True
        return True

    # ================================================================= test-side helpers

    def add_chat(self, chat_id: int, *, chat_type: str = "supergroup", title: str = "Advocates",
                 is_forum: bool = True) -> Chat:
        """Register a group the bot belongs to (e.g. the advocates' forum)."""
        chat = Chat(chat_id, chat_type, title=title, is_forum=is_forum and chat_type == "supergroup")
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> Chat:
        return self._chats[chat_id]

    def topics(self, chat_id: int) -> list[Topic]:
        """Live (not deleted) topics of a forum, oldest first."""
        return [t for t in self._chats[chat_id].topics.values() if not t.deleted]

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember answers for this user: creator, administrator, member, left, kicked."""
        if status not in _MEMBER_FIELDS:
            raise ValueError(f"unsupported member status {status!r}")
        self._members[(chat_id, user_id)] = status

    def user_message(self, chat_id: int, text: str, *, user_id: int | None = None,
                     first_name: str = "Test", username: str | None = None,
                     language_code: str | None = "en", chat_type: str = "private",
                     message_thread_id: int | None = None,
                     reply_to_message_id: int | None = None,
                     entities: list[Json] | None = None) -> Json:
        """Enqueue a text ``message`` update from a person (with formatting ``entities``, as a
        client sends them) and return it."""
        entities = list(entities or [])
        if text.startswith("/"):
            command = text.split()[0]
            entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        person = _Person(user_id, first_name, username, language_code)
        return self._user_update(
            chat_id, person, chat_type, message_thread_id, reply_to_message_id,
            kind="text", text=text, entities=entities,
        )

    def user_media(self, chat_id: int, kind: str, *, caption: str = "",
                   user_id: int | None = None, first_name: str = "Test",
                   username: str | None = None, language_code: str | None = "en",
                   chat_type: str = "private", message_thread_id: int | None = None) -> Json:
        """Enqueue a photo, sticker, voice, document or location message from a person."""
        media = _media_fields(kind, f"user-{kind}-{self._last_update_id + 1}")
        person = _Person(user_id, first_name, username, language_code)
        return self._user_update(
            chat_id, person, chat_type, message_thread_id, None, kind=kind, text=caption, media=media,
        )

    def _user_update(self, chat_id: int, person: _Person, chat_type: str,
                     thread_id: int | None, reply_to_message_id: int | None, **fields: Any) -> Json:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = Chat(chat_id, chat_type, first_name=person.first_name, username=person.username,
                        is_forum=chat_type == "supergroup")
            self._chats[chat_id] = chat
        if thread_id is not None and (thread_id not in chat.topics or chat.topics[thread_id].deleted):
            raise AssertionError(f"no live topic {thread_id} in chat {chat_id}")
        message = Message(
            chat_id=chat.id, message_id=chat.next_message_id(), from_bot=False,
            sender=self._remember_user(person, chat), date=int(time.time()), thread_id=thread_id,
            **fields,
        )
        chat.messages[message.message_id] = message
        data = self._message_json(message)
        if reply_to_message_id is not None:
            data["reply_to_message"] = self._message_json(chat.messages[reply_to_message_id])
        return self._enqueue({"message": data})

    def _remember_user(self, person: _Person, chat: Chat) -> Json:
        user_id = person.user_id
        if user_id is None:
            user_id = chat.id if chat.type == "private" else DEFAULT_GROUP_USER_ID
        user: Json = {"id": user_id, "is_bot": False, "first_name": person.first_name}
        if person.username:
            user["username"] = person.username
        if person.language_code:
            user["language_code"] = person.language_code
        self._users[user_id] = user
        return user

    def press(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
              first_name: str = "Test", username: str | None = None,
              language_code: str | None = "en") -> Json:
        """Enqueue a ``callback_query`` as if the person tapped the button carrying ``data``.

        The message must be a live bot message whose *current* keyboard has that button,
        because a person can only tap what they see.
        """
        chat = self._chats[chat_id]
        message = chat.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise AssertionError(f"no live bot message {message_id} in chat {chat_id}")
        if data not in {cb for row in message.buttons for _, cb in row}:
            raise AssertionError(f"message {message_id} has no button with data {data!r}")
        user = self._remember_user(_Person(user_id, first_name, username, language_code), chat)
        query_id = f"{self._last_update_id + 1}{message_id:06d}"
        self._open_queries.add(query_id)
        return self._enqueue({"callback_query": {
            "id": query_id, "from": user, "message": self._message_json(message),
            "chat_instance": f"instance-{chat_id}", "data": data,
        }})

    def raw_update(self, update: Json) -> Json:
        """Enqueue any update as given (malformed ones too); adds update_id if missing."""
        if "update_id" in update:
            if isinstance(update["update_id"], int):
                self._last_update_id = max(self._last_update_id, update["update_id"])
            self._updates.append(update)
            self._notify()
            return update
        return self._enqueue(update)

    def _enqueue(self, body: Json) -> Json:
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **body}
        self._updates.append(update)
        self._notify()
        return update

    @property
    def pending_updates(self) -> list[Json]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    @property
    def unanswered_callback_queries(self) -> set[str]:
        """Taps the bot never answered: the person still sees a spinner on the button."""
        return set(self._open_queries)

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (re-checked after every request); return it."""
        deadline = time.monotonic() + timeout
        while True:
            pulse = self._pulse
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                recent = [f"{c.method}:{c.status}" for c in self.calls[-10:]]
                raise AssertionError(f"condition not met within {timeout}s; last calls: {recent}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pulse.wait(), remaining)

    async def wait_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until the bot made at least ``count`` calls to ``method``; return them all."""
        if count < 1:
            raise ValueError("count must be at least 1")

        def enough() -> list[Call]:
            calls = self.calls_to(method)
            return calls if len(calls) >= count else []

        return await self.wait_for(enough, timeout)

    def visible(self, chat_id: int) -> list[Message]:
        """What the person sees from the bot now: live bot messages, oldest first."""
        return [m for m in self.history(chat_id) if m.from_bot and not m.deleted and m.kind != "service"]

    def history(self, chat_id: int) -> list[Message]:
        """Every message of the chat, both sides, deleted ones flagged."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def all_request_text(self) -> str:
        """Everything the bot ever sent, as one string, to scan for identity canaries."""
        lines = []
        for call in self.calls:
            params = json.dumps(call.params, ensure_ascii=False, sort_keys=True, default=str)
            lines.append(f"{call.method} {params}")
            lines.extend(content.decode("utf-8", "replace") for content in call.uploads.values())
        return "\n".join(lines)

    async def deliver_webhook(self, url: str, update: Json, secret: str | None = None) -> int:
        """POST ``update`` to ``url`` the way Telegram does; return the HTTP status.

        Like Telegram, a JSON response body naming a ``method`` is carried out as a Bot API
        call (recorded with ``in_webhook_response``), and its result or error goes nowhere.
        """
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
            body = await response.read()
            if response.status == 200 and response.content_type == "application/json" and body:
                self.carry_out(body)
            return response.status

    def carry_out(self, body: bytes) -> None:
        """Carry out a method returned in a webhook response, as Telegram does: recorded with
        ``in_webhook_response``; its result or error goes nowhere."""
        request = json.loads(body)
        entry = self._methods.get(str(request.get("method", "")).lower()) if isinstance(request, dict) else None
        if entry is None:
            return
        method, handler = entry
        params = {key: value for key, value in request.items() if key != "method"}
        call = Call(method, params, None, in_webhook_response=True)
        self.calls.append(call)
        try:
            handler(params)
            call.status = 200
        except ApiError as error:
            call.status = error.code
        self._notify()

    def fail_next(self, method: str, *, error_code: int = 429, description: str | None = None,
                  retry_after: int | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` fail (default: flood control, 429)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1  # Telegram always says how long to wait
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}" if error_code == 429
                else "Internal Server Error"
            )
        self._failures.setdefault(method, []).append(
            _Failure(ApiError(error_code, description, retry_after), times)
        )

    def block(self, chat_id: int) -> None:
        """The person blocked the bot: every send to this chat gives 403."""
        self._chats[chat_id].blocked = True

    def unblock(self, chat_id: int) -> None:
        self._chats[chat_id].blocked = False

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An advocate deleted the topic in their client (no bot call involved)."""
        chat = self._chats[chat_id]
        self._remove_topic(chat, chat.topics[thread_id])


# --------------------------------------------------------------------------- helpers


async def _read_params(request: web.Request) -> tuple[Json, dict[str, bytes]]:
    """Decode query string, form, multipart or JSON bodies into typed parameters."""
    raw: dict[str, Any] = dict(request.query)
    uploads: dict[str, bytes] = {}
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            raw.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[name] = value.file.read()
                    raw[name] = {"upload": value.filename, "size": len(uploads[name])}
                else:
                    raw[name] = value
    return {name: _decode_value(name, value) for name, value in raw.items()}, uploads


def _decode_value(name: str, value: Any) -> Any:
    if name in STRING_PARAMS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _scope_key(p: Json) -> str:
    scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
    return f"{scope}|{p.get('language_code') or ''}"


def _checked_markup(markup: Any) -> Json | None:
    """Validate an inline keyboard the way Telegram does; other keyboards pass through."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_DATA_INVALID")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"(https?|tg)://", str(button["url"])):
                    raise bad_request("BUTTON_URL_INVALID")
            elif not _BUTTON_ACTIONS & set(button):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
    return markup


_BUTTON_ACTIONS = frozenset({
    "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
})


def _media_fields(kind: str, file_id: str) -> Json:
    """Bot API fields of one media message, enough for PTB's ``de_json``."""
    unique = f"u{zlib.crc32(file_id.encode())}"
    if kind == "photo":
        return {"photo": [
            {"file_id": f"{file_id}-s", "file_unique_id": f"{unique}s", "width": 90, "height": 90,
             "file_size": 1200},
            {"file_id": file_id, "file_unique_id": unique, "width": 800, "height": 800, "file_size": 64000},
        ]}
    if kind == "document":
        return {"document": {"file_id": file_id, "file_unique_id": unique, "file_name": "file.pdf",
                             "mime_type": "application/pdf", "file_size": 20000}}
    if kind == "voice":
        return {"voice": {"file_id": file_id, "file_unique_id": unique, "duration": 3,
                          "mime_type": "audio/ogg", "file_size": 9000}}
    if kind == "video":
        return {"video": {"file_id": file_id, "file_unique_id": unique, "width": 640, "height": 360,
                          "duration": 5, "mime_type": "video/mp4", "file_size": 300000}}
    if kind == "sticker":
        return {"sticker": {"file_id": file_id, "file_unique_id": unique, "type": "regular",
                            "width": 512, "height": 512, "is_animated": False, "is_video": False,
                            "emoji": "🙂"}}
    if kind == "location":
        return {"location": {"latitude": 52.52, "longitude": 13.405}}
    raise ValueError(f"unsupported media kind {kind!r}")


_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_pin_messages", "can_manage_topics",
)
_MEMBER_FIELDS: dict[str, Json] = {
    "creator": {"is_anonymous": False},
    "administrator": {"can_be_edited": False, "is_anonymous": False} | dict.fromkeys(_ADMIN_RIGHTS, True),
    "member": {},
    "left": {},
    "kicked": {"until_date": 0},
}


def _member_json(status: str, user: Json) -> Json:
    return {"status": status, "user": user} | _MEMBER_FIELDS[status]
