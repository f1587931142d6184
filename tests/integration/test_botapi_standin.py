"""The Bot API stand-in, proven with the real python-telegram-bot over real HTTP.

If these pass, a Haven test that drives PTB against the stand-in exercises the production
path: PTB encodes the request exactly as it would for api.telegram.org, and the answers it gets
back parse into real ``telegram`` objects and real ``telegram.error`` exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from tests.support.botapi import BotApiStandin

SURVIVOR = 5550001
ADVOCATES = -1001234567890


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as api:
        yield api


@pytest.fixture
async def bot(standin: BotApiStandin) -> AsyncIterator[Bot]:
    async with Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url) as tg:
        yield tg


@pytest.fixture
def known_chat(standin: BotApiStandin) -> int:
    """A private chat the bot may write to because the person wrote first."""
    standin.user_message(SURVIVOR, "hello")
    return SURVIVOR


def build_app(standin: BotApiStandin) -> Application:
    return (
        ApplicationBuilder().token(standin.token).base_url(standin.base_url)
        .base_file_url(standin.base_file_url).build()
    )


@contextlib.asynccontextmanager
async def polling(app: Application, allowed_updates: list[str]) -> AsyncIterator[Application]:
    """Run ``app`` with long polling, as ``haven run`` does without a webhook."""
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=2, allowed_updates=allowed_updates)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in pairs])


# ------------------------------------------------------------------------ identity & routing


async def test_get_me_describes_the_bot_behind_the_token(bot: Bot, standin: BotApiStandin) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456789, "haven_test_bot", True)
    assert standin.calls_to("getMe")


async def test_a_wrong_token_is_refused_like_telegram(standin: BotApiStandin) -> None:
    wrong = Bot("987654321:not-the-right-token", base_url=standin.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_an_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": SURVIVOR})


# ------------------------------------------------------------------------ the polling path


async def test_a_message_reaches_the_handler_and_a_tapped_button_edits_the_reply(
    standin: BotApiStandin,
) -> None:
    seen: list[tuple[int, str | None, str | None]] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append((update.effective_user.id, update.effective_user.language_code, update.message.text))
        await update.message.reply_text("Are you safe right now?", reply_markup=keyboard(("Yes", "safe:yes")))

    async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(reply_markup=None)

    app = build_app(standin)
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_tap))
    async with polling(app, allowed_updates=["message", "callback_query"]):
        standin.user_message(SURVIVOR, "hola", language_code="es")
        await standin.wait_calls("sendMessage")
        [reply] = standin.visible(SURVIVOR)
        assert (reply.text, reply.buttons) == ("Are you safe right now?", [[("Yes", "safe:yes")]])

        standin.press(SURVIVOR, reply.message_id, "safe:yes")
        await standin.wait_calls("editMessageReplyMarkup")
        await standin.wait_calls("answerCallbackQuery")
        assert not standin.unanswered_callback_queries

    assert seen == [(SURVIVOR, "es", "hola")]
    assert standin.visible(SURVIVOR)[0].buttons == []
    assert standin.allowed_updates_seen[0] == ["message", "callback_query"]
    assert not standin.pending_updates, "the final getUpdates confirmed every update"


async def test_updates_the_bot_did_not_ask_for_are_never_delivered(standin: BotApiStandin) -> None:
    handled: list[str] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append("message")
        await update.message.reply_text("Menu", reply_markup=keyboard(("Help", "help")))

    async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append("callback_query")

    app = build_app(standin)
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_tap))
    async with polling(app, allowed_updates=["message"]):
        standin.user_message(SURVIVOR, "hi")
        await standin.wait_calls("sendMessage")
        standin.press(SURVIVOR, standin.visible(SURVIVOR)[0].message_id, "help")
        standin.user_message(SURVIVOR, "still there?")
        await standin.wait_calls("sendMessage", 2)

    assert handled == ["message", "message"]


async def test_long_polling_honours_offset_limit_and_returns_when_an_update_arrives(
    bot: Bot, standin: BotApiStandin,
) -> None:
    first = standin.user_message(SURVIVOR, "one")["update_id"]
    standin.user_message(SURVIVOR, "two")
    standin.user_message(SURVIVOR, "three")

    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["one", "two"]
    assert [u.message.text for u in await bot.get_updates(offset=first + 2)] == ["three"]
    assert await bot.get_updates(offset=first + 3, timeout=0) == ()

    waiting = asyncio.create_task(bot.get_updates(offset=first + 3, timeout=30))
    await standin.wait_calls("getUpdates", 4)
    standin.user_message(SURVIVOR, "four")
    updates = await asyncio.wait_for(waiting, 5)  # a hang guard only: 30 s would mean no wake-up
    assert [u.message.text for u in updates] == ["four"]


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "document", "location"])
async def test_media_from_a_person_parses_as_that_media(
    bot: Bot, standin: BotApiStandin, kind: str,
) -> None:
    standin.user_media(SURVIVOR, kind)
    [update] = await bot.get_updates()
    assert getattr(update.message, kind)
    assert update.message.text is None


async def test_a_raw_update_is_delivered_with_an_update_id(bot: Bot, standin: BotApiStandin) -> None:
    standin.raw_update({"message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}}})
    [update] = await bot.get_updates()
    assert update.update_id > 0 and update.message.text is None and update.effective_user is None


# ------------------------------------------------------------------------ sending, editing, erasing


async def test_send_edit_and_delete_are_reflected_in_what_the_person_sees(
    bot: Bot, standin: BotApiStandin, known_chat: int,
) -> None:
    first = await bot.send_message(
        known_chat, "<b>Step 1</b> of 2", parse_mode=ParseMode.HTML, reply_markup=keyboard(("Next", "next")),
    )
    assert (first.text, first.entities[0].type, first.entities[0].length) == ("Step 1 of 2", "bold", 6)
    second = await bot.send_message(known_chat, "Step 2 of 2")
    assert second.message_id > first.message_id

    await bot.edit_message_text("Step 1, done", chat_id=known_chat, message_id=first.message_id)
    assert [(m.text, m.buttons) for m in standin.visible(known_chat)] == [
        ("Step 1, done", []),  # Telegram drops the keyboard when an edit does not repeat it
        ("Step 2 of 2", []),
    ]

    assert await bot.delete_message(known_chat, second.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(known_chat, second.message_id)

    users_hello = standin.history(known_chat)[0].message_id
    assert await bot.delete_messages(known_chat, [first.message_id, users_hello, 999_999])
    assert standin.visible(known_chat) == []
    assert all(m.deleted for m in standin.history(known_chat))


async def test_an_edit_that_changes_nothing_is_refused(bot: Bot, known_chat: int) -> None:
    sent = await bot.send_message(known_chat, "Same")
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("Same", chat_id=known_chat, message_id=sent.message_id)


async def test_more_than_a_hundred_deletions_at_once_are_refused(bot: Bot, known_chat: int) -> None:
    with pytest.raises(BadRequest):
        await bot.delete_messages(known_chat, list(range(1, 102)))


async def test_sending_to_a_chat_the_bot_never_saw_fails(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(4242424242, "hello")


@pytest.mark.parametrize("broken", [
    "<b>never closed",
    "<b><i>crossed</b></i>",
    "<blink>unknown tag</blink>",
    "<span>span without spoiler class</span>",
    "age < 18",
    "Tom & Jerry",
    "&nbsp;is not a Telegram entity",
])
async def test_broken_html_is_refused(bot: Bot, known_chat: int, broken: str) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(known_chat, broken, parse_mode=ParseMode.HTML)


@pytest.mark.parametrize(("html", "shown"), [
    ("age &lt; 18 &amp; safe", "age < 18 & safe"),
    ('<a href="https://example.org/?a=1&amp;b=2">help</a>', "help"),
    ("&#128222; call &#x31;", "📞 call 1"),
    ('<span class="tg-spoiler">x</span> <tg-spoiler>y</tg-spoiler>', "x y"),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
])
async def test_valid_html_is_shown_without_markup(
    bot: Bot, known_chat: int, html: str, shown: str,
) -> None:
    sent = await bot.send_message(known_chat, html, parse_mode=ParseMode.HTML)
    assert sent.text == shown


async def test_text_length_is_counted_after_markup(bot: Bot, known_chat: int) -> None:
    await bot.send_message(known_chat, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(known_chat, "a" * 4097)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(known_chat, "<b> </b>\n", parse_mode=ParseMode.HTML)


@pytest.mark.parametrize(("label", "data", "accepted"), [
    ("Ok", "é" * 32, True),  # 64 bytes
    ("Ok", "é" * 32 + "x", False),  # 65 bytes
    ("Ok", "x" * 65, False),
    (" ", "menu", False),
])
async def test_button_limits(bot: Bot, known_chat: int, label: str, data: str, accepted: bool) -> None:
    send = bot.send_message(known_chat, "Choose", reply_markup=keyboard((label, data)))
    if accepted:
        await send
    else:
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await send


async def test_files_are_accepted_by_id_or_upload_and_every_byte_is_scannable(
    bot: Bot, standin: BotApiStandin, known_chat: int,
) -> None:
    photo = await bot.send_photo(
        known_chat, "AgACAgQAAxkBAAIB", caption="<i>map</i>", parse_mode=ParseMode.HTML,
    )
    assert photo.photo and photo.caption == "map"
    upload = InputFile(b"CANARY-IN-UPLOAD", filename="card.txt")
    document = await bot.send_document(known_chat, upload, caption="CANARY-IN-CAPTION")
    assert document.document.file_id
    assert standin.calls_to("sendDocument")[0].params["document"]["upload"] == "card.txt"
    assert "CANARY-IN-UPLOAD" in standin.all_request_text()
    assert "CANARY-IN-CAPTION" in standin.all_request_text()


# ------------------------------------------------------------------------ failures


async def test_flood_control_surfaces_as_retry_after_once(
    bot: Bot, standin: BotApiStandin, known_chat: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    standin.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(known_chat, "first try")
    assert refused.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(known_chat, "second try")
    assert [m.text for m in standin.visible(known_chat)] == ["second try"]
    assert [c.status for c in standin.calls_to("sendMessage")] == [429, 200]


async def test_a_person_who_blocked_the_bot_gives_forbidden(
    bot: Bot, standin: BotApiStandin, known_chat: int,
) -> None:
    standin.block(known_chat)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(known_chat, "Are you there?")
    assert standin.visible(known_chat) == []


# ------------------------------------------------------------------------ advocates' forum


async def test_forum_topics_relay_and_deleted_topics(bot: Bot, standin: BotApiStandin) -> None:
    standin.add_chat(ADVOCATES)
    survivor_says = standin.user_message(SURVIVOR, "I need a lawyer")["message"]["message_id"]
    topic = await bot.create_forum_topic(ADVOCATES, "Case 7")
    assert (topic.name, topic.icon_color) == ("Case 7", 7322096)

    card = await bot.send_message(ADVOCATES, "New case", message_thread_id=topic.message_thread_id)
    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    copied = await bot.copy_message(
        ADVOCATES, SURVIVOR, survivor_says, message_thread_id=topic.message_thread_id,
    )
    assert [m.text for m in standin.visible(ADVOCATES)] == ["New case", "I need a lawyer"]
    assert standin.visible(ADVOCATES)[1].message_id == copied.message_id
    assert standin.calls_to("forwardMessage") == []

    standin.delete_topic(ADVOCATES, topic.message_thread_id)
    assert standin.visible(ADVOCATES) == []
    with pytest.raises(BadRequest, match="(?i)message thread not found"):
        await bot.send_message(ADVOCATES, "Anyone?", message_thread_id=topic.message_thread_id)


async def test_forwarding_is_recorded_so_tests_can_forbid_it(bot: Bot, standin: BotApiStandin) -> None:
    standin.add_chat(ADVOCATES)
    said = standin.user_message(SURVIVOR, "my name is Ana")["message"]["message_id"]
    forwarded = await bot.forward_message(ADVOCATES, SURVIVOR, said)
    assert forwarded.forward_origin.sender_user.id == SURVIVOR
    assert [c.params["message_id"] for c in standin.calls_to("forwardMessage")] == [said]


async def test_chat_and_member_lookups_parse_in_ptb(bot: Bot, standin: BotApiStandin) -> None:
    standin.add_chat(ADVOCATES)
    standin.set_member(ADVOCATES, 777, "left")
    chat = await bot.get_chat(ADVOCATES)
    assert chat.is_forum and chat.title == "Advocates"
    assert (await bot.get_chat_member(ADVOCATES, bot.id)).status == "administrator"
    assert (await bot.get_chat_member(ADVOCATES, 777)).status == "left"
    assert await bot.leave_chat(ADVOCATES)
    with pytest.raises(Forbidden):
        await bot.send_message(ADVOCATES, "still here?")


# ------------------------------------------------------------------------ webhook & commands


async def test_webhook_settings_are_recorded_and_block_polling(bot: Bot, standin: BotApiStandin) -> None:
    standin.user_message(SURVIVOR, "old")
    await bot.set_webhook(
        "https://haven.example/telegram", secret_token="s3cret_token",
        allowed_updates=["message", "callback_query"], drop_pending_updates=True,
    )
    assert standin.webhook == {
        "url": "https://haven.example/telegram", "secret_token": "s3cret_token",
        "allowed_updates": ["message", "callback_query"], "drop_pending_updates": True,
    }
    assert (await bot.get_webhook_info()).pending_update_count == 0
    with pytest.raises(Conflict):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="(?i)HTTPS"):
        await bot.set_webhook("http://haven.example/telegram")
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_webhook_delivery_posts_json_with_the_secret_header(standin: BotApiStandin) -> None:
    received: list[tuple[dict, str | None]] = []

    async def receive(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
        update = standin.user_message(SURVIVOR, "hi")
        assert await standin.deliver_webhook(url, update, secret="s3cret") == 200
        assert await standin.deliver_webhook(url, update) == 200
        assert await standin.deliver_webhook(url + "/elsewhere", update) == 404
    finally:
        await runner.cleanup()
    assert received == [(update, "s3cret"), (update, None)]


async def test_commands_are_recorded_per_language_and_invalid_ones_refused(
    bot: Bot, standin: BotApiStandin,
) -> None:
    await bot.set_my_commands([("start", "Start"), ("exit", "Leave now")])
    await bot.set_my_commands([("exit", "Salir ahora")], language_code="es")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "exit"]
    assert [c.description for c in await bot.get_my_commands(language_code="es")] == ["Salir ahora"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Quick-Exit", "bad name")])


# ------------------------------------------------------------------------ wire formats & helpers


async def test_json_bodies_query_strings_and_any_method_case_are_understood(standin: BotApiStandin) -> None:
    standin.user_message(SURVIVOR, "hello")
    async with aiohttp.ClientSession() as http:
        url = f"{standin.base_url}{standin.token}"
        async with http.post(f"{url}/SENDMESSAGE", json={
            "chat_id": SURVIVOR, "text": "123",
            "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},
        }) as response:
            assert (await response.json())["result"]["text"] == "123"
        async with http.get(f"{url}/getMe", params={"unused": "1"}) as response:
            assert (await response.json())["result"]["username"] == "haven_test_bot"
    [message] = standin.visible(SURVIVOR)
    assert (message.text, message.buttons) == ("123", [[("Go", "go")]])
    assert standin.calls_to("sendMessage")[0].params["text"] == "123", "text stays a string"


async def test_a_test_cannot_tap_a_button_the_person_does_not_see(
    bot: Bot, standin: BotApiStandin, known_chat: int,
) -> None:
    sent = await bot.send_message(known_chat, "Menu", reply_markup=keyboard(("Help", "help")))
    with pytest.raises(AssertionError, match="no button"):
        standin.press(known_chat, sent.message_id, "rights")
    await bot.delete_message(known_chat, sent.message_id)
    with pytest.raises(AssertionError, match="no live bot message"):
        standin.press(known_chat, sent.message_id, "help")


async def test_a_button_without_an_action_is_refused(bot: Bot, known_chat: int) -> None:
    with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
        bare = InlineKeyboardMarkup([[InlineKeyboardButton("bare")]])
        await bot.send_message(known_chat, "x", reply_markup=bare)
