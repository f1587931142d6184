"""Haven on real python-telegram-bot, talking HTTP to the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from bot.app import StaticData
from bot.redis_server import PrivateRedis
from bot.server import Service
from redis.asyncio import Redis
from tests.integration.telegram_harness import WEBHOOK_SECRET, free_port, running
from tests.support.botapi import BotApiStandin

CHAT = 4242001


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as standin:
        yield standin


@pytest.fixture
async def service(api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis) -> AsyncIterator[Service]:
    async with running(api, static, redis_server.url) as svc:
        yield svc


async def last_keyboard(api: BotApiStandin, chat: int = CHAT, count: int | None = None):
    if count is not None:
        await api.wait_for(lambda: len(api.visible(chat)) >= count)
    return api.visible(chat)[-1]


def data_of(message, label: str) -> str:
    return next(data for row in message.buttons for text, data in row if text == label)


async def tap_label(api: BotApiStandin, label: str, count: int) -> None:
    """Tap a button on the newest keyboard, then wait for the edit it causes."""
    message = api.visible(CHAT)[-1]
    api.press(CHAT, message.message_id, data_of(message, label))
    await api.wait_calls("editMessageText", count)


async def test_start_greets_and_shows_the_menu_then_a_button_answers(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start", language_code="en")
    greeting, menu = await api.wait_for(lambda: len(api.visible(CHAT)) >= 2 and api.visible(CHAT))
    assert greeting.text.startswith("Hello, I'm Haven.")
    assert "anonymous" in greeting.text
    assert [row[0][0] for row in menu.buttons] == [
        "Know my rights", "Find help", "Talk to a person", "I'm in danger", "Language", "Exit",
    ]
    assert api.allowed_updates == ["message", "callback_query"]
    api.press(CHAT, menu.message_id, data_of(menu, "Know my rights"))
    await api.wait_calls("editMessageText")
    await api.wait_calls("answerCallbackQuery")
    edited = api.visible(CHAT)[-1]
    assert edited.message_id == menu.message_id, "the pressed menu is edited in place"
    assert edited.text.startswith("Which is closest to what is happening?")
    assert [label for row in edited.buttons for label, _ in row][-3:] == ["Back", "Menu", "Exit"]


async def test_spanish_from_the_telegram_language_code(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "hola", language_code="es-MX")
    greeting, menu = await api.wait_for(lambda: len(api.visible(CHAT)) >= 2 and api.visible(CHAT))
    assert greeting.text.startswith("Hola, soy Haven.")
    assert menu.text == "¿Qué te gustaría hacer?"
    api.press(CHAT, menu.message_id, data_of(menu, "Idioma"))
    await api.wait_calls("editMessageText")
    picker = api.visible(CHAT)[-1]
    assert [label for row in picker.buttons for label, _ in row][:2] == ["Español", "English"]
    api.press(CHAT, picker.message_id, data_of(picker, "English"))
    await api.wait_calls("editMessageText", 2)
    assert api.visible(CHAT)[-1].text == "What would you like to do?"


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "document", "location"])
async def test_media_gets_a_kind_answer(api: BotApiStandin, service: Service, kind: str) -> None:
    api.user_media(CHAT, kind)
    notice = await api.wait_for(lambda: api.visible(CHAT) and api.visible(CHAT)[0])
    assert notice.text.startswith("I can only read text messages.")


async def test_a_very_long_message_is_answered_not_dropped(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await api.wait_for(lambda: len(api.visible(CHAT)) >= 2)
    api.user_message(CHAT, "word " * 800)
    answer = await api.wait_for(lambda: len(api.visible(CHAT)) >= 3 and api.visible(CHAT)[2])
    assert answer.text.startswith("I'm here with you.")


async def test_a_malformed_update_does_not_stop_the_bot(api: BotApiStandin, service: Service) -> None:
    api.raw_update({"message": {"this is": "not a message"}})
    api.raw_update({"callback_query": {"id": "x", "data": "main.menu|help"}})
    api.user_message(CHAT, "/start")
    greeting = await api.wait_for(lambda: api.visible(CHAT) and api.visible(CHAT)[0])
    assert greeting.text.startswith("Hello")


async def test_unknown_command_is_answered_kindly(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await api.wait_for(lambda: len(api.visible(CHAT)) >= 2)
    api.user_message(CHAT, "/frobnicate@haven_test_bot")
    notice = await api.wait_for(lambda: len(api.visible(CHAT)) >= 3 and api.visible(CHAT)[2])
    assert notice.text == "I don't know that command."


async def test_group_chats_are_ignored(api: BotApiStandin, service: Service) -> None:
    api.user_message(-100777, "/start", chat_type="supergroup")
    api.user_message(CHAT, "/start")
    await api.wait_for(lambda: len(api.visible(CHAT)) >= 2)
    assert api.visible(-100777) == []


async def test_webhook_with_the_right_secret_is_served_and_a_wrong_one_refused(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis
) -> None:
    # Telegram calls the public https URL; a TLS proxy passes it to Haven's port, same path.
    public = "https://haven.example.test/telegram/hook"
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with running(api, static, redis_server.url, PORT=str(port), WEBHOOK_URL=public, WEBHOOK_SECRET=WEBHOOK_SECRET):
        assert api.webhook["url"] == public
        assert api.webhook.get("secret_token") == WEBHOOK_SECRET
        assert api.webhook.get("allowed_updates") == ["message", "callback_query"]
        update = api.user_message(CHAT, "/start")
        api._updates.clear()  # delivered by webhook below, not by polling
        assert await api.deliver_webhook(url, update, secret="wrong-secret-0123456789") == 403
        assert await api.deliver_webhook(url, update) == 403
        assert api.calls_to("sendMessage") == []
        assert await api.deliver_webhook(url, update, secret=WEBHOOK_SECRET) == 200
        greeting = await api.wait_for(lambda: api.visible(CHAT) and api.visible(CHAT)[0])
        assert greeting.text.startswith("Hello, I'm Haven.")
        assert await api.deliver_webhook(url, {"update_id": "garbage"}, secret=WEBHOOK_SECRET) == 200
        assert api.calls_to("getUpdates") == []


async def test_a_button_press_over_the_webhook_is_answered_in_the_response(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis
) -> None:
    """One Bot API request fewer per press: the spinner stops with the webhook's reply."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    public = "https://haven.example.test/telegram/hook"
    async with running(api, static, redis_server.url, PORT=str(port), WEBHOOK_URL=public, WEBHOOK_SECRET=WEBHOOK_SECRET):
        start = api.user_message(CHAT, "/start")
        api._updates.clear()
        assert await api.deliver_webhook(url, start, secret=WEBHOOK_SECRET) == 200
        menu = await api.wait_for(lambda: len(api.visible(CHAT)) >= 2 and api.visible(CHAT)[-1])
        data = menu.buttons[0][0][1]
        assert data is not None
        press = api.press(CHAT, menu.message_id, data)
        api._updates.clear()
        assert await api.deliver_webhook(url, press, secret=WEBHOOK_SECRET) == 200
        await api.wait_for(lambda: api.calls_to("editMessageText") or len(api.calls_to("sendMessage")) > 2)
        answers = api.calls_to("answerCallbackQuery")
        assert [(call.in_webhook_response, call.status) for call in answers] == [(True, 200)]
        assert answers[0].params["callback_query_id"] == press["callback_query"]["id"]


async def test_redis_down_still_answers_with_emergency_guidance(
    api: BotApiStandin, static: StaticData, tmp_path
) -> None:
    async with running(api, static, f"unix://{tmp_path}/no-redis.sock"):
        api.user_message(CHAT, "I'm in danger")
        reply = await api.wait_for(lambda: api.visible(CHAT) and api.visible(CHAT)[0])
        assert "112" in reply.text and "911" in reply.text


async def test_exit_deletes_the_conversation_and_leaves_one_neutral_line(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis
) -> None:
    async with running(api, static, redis_server.url, FLOOD_LIMIT="500") as service:
        await exit_after_a_long_conversation(api, service, redis)


async def exit_after_a_long_conversation(api: BotApiStandin, service: Service, redis: Redis) -> None:
    api.user_message(CHAT, "/start")
    menu = await last_keyboard(api, count=2)
    for number in range(55):  # enough messages for two deleteMessages batches
        api.user_message(CHAT, f"message {number}")
    # Each message Haven cannot place gets one warm answer.
    await api.wait_for(lambda: len([m for m in api.history(CHAT) if m.from_bot]) >= 2 + 55, timeout=20)
    menu = api.visible(CHAT)[-1]
    api.press(CHAT, menu.message_id, data_of(menu, "Exit"))
    calls = await api.wait_calls("deleteMessages", 2)
    batches = [call.params["message_ids"] for call in calls]
    assert all(len(batch) <= 100 for batch in batches)
    await api.wait_for(lambda: len(api.visible(CHAT)) == 1)
    neutral = api.visible(CHAT)[0]
    everything = {m.message_id for m in api.history(CHAT)} - {neutral.message_id}
    assert len(everything) == 1 + 55 + 2 + 55  # both sides of the conversation
    assert set().union(*map(set, batches)) == everything
    remaining = [m for m in api.history(CHAT) if not m.deleted]
    assert [m.text for m in remaining] == ["Done. Write any time to start again."]
    # Nothing of the conversation is left in Redis: only the schedule to delete that line.
    sid = service.haven.runtime.session_id("telegram", str(CHAT))
    assert await redis.get(service.haven.runtime.store.key(sid)) is None
    assert await redis.zscore("haven:v1:wipes", sid) is not None


async def test_no_identity_or_text_reaches_logs_or_redis(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis
) -> None:
    import io
    import logging

    from bot import logs

    user_id, name, username, text = 987650123, "Zyxwcanary", "canary_handle_q", "CANARY marigold words"
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.configure("DEBUG", [api.token], stream=stream)
    logging.getLogger("telegram").setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        async with running(api, static, redis_server.url, LOG_LEVEL="DEBUG"):
            identity = {"user_id": user_id, "first_name": name, "username": username}
            api.user_message(user_id, "/start", **identity)
            await api.wait_for(lambda: len(api.visible(user_id)) >= 2)
            api.user_message(user_id, text, **identity)
            api.user_media(user_id, "photo", caption=text, **identity)
            api.raw_update({"message": {"text": text, "from": {"id": user_id, "first_name": name}}})
            await api.wait_for(lambda: len(api.visible(user_id)) >= 5)  # greeting, menu, answer, media notice, node
            menu = api.visible(user_id)[-1]
            api.press(user_id, menu.message_id, data_of(menu, "Find help"), **identity)
            await api.wait_calls("editMessageText")
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
    log_text = stream.getvalue()
    assert "update_unreadable" in log_text, "the test must exercise the unreadable-update path"
    dump = b""
    for key in await redis.keys("*"):
        dump += key + (await redis.dump(key) or b"")
    for canary in (str(user_id), name, username, "CANARY", "marigold", api.token):
        assert canary not in log_text, canary
        assert canary.encode() not in dump, canary
    assert name not in api.all_request_text() and username not in api.all_request_text()


async def test_a_flood_gets_one_polite_answer_and_does_not_slow_others(api: BotApiStandin, service: Service) -> None:
    for number in range(40):
        api.user_message(CHAT, f"spam {number}")
    api.user_message(CHAT + 1, "/start")
    await api.wait_for(lambda: len(api.visible(CHAT + 1)) >= 2)
    await api.wait_for(lambda: api.pending_updates == [] and len(api.visible(CHAT)) >= 2 + 19 + 1)
    texts = [m.text for m in api.visible(CHAT)]
    assert texts.count("That's a lot of messages at once. Please wait a few seconds, then write again.") == 1
    assert len(texts) == 2 + 19 + 1  # greeting and menu, 19 warm answers, then one notice


async def test_a_redelivered_update_is_answered_once(api: BotApiStandin, service: Service) -> None:
    update = api.user_message(CHAT, "/start")
    await api.wait_for(lambda: len(api.visible(CHAT)) >= 2)
    api.raw_update(dict(update))
    api.user_message(CHAT, "/menu")
    await api.wait_for(lambda: len(api.visible(CHAT)) >= 3)
    assert [m.text for m in api.visible(CHAT)][2] == "What would you like to do?"
    assert len(api.visible(CHAT)) == 3


async def test_a_danger_message_is_answered_with_the_emergency_number_first(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await last_keyboard(api, count=2)
    await tap_label(api, "Find help", 1)
    await tap_label(api, "United Kingdom", 2)
    api.user_message(CHAT, "he is outside the door")
    alarm = await api.wait_for(lambda: len(api.visible(CHAT)) >= 3 and api.visible(CHAT)[2])
    assert alarm.text.splitlines()[0] == "🆘 In danger now? Call 999."
    assert "Back" in [label for row in alarm.buttons for label, _ in row]


async def test_extra_discreet_messages_hide_everything_but_a_bland_first_line(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await last_keyboard(api, count=2)
    await tap_label(api, "Language", 1)
    await tap_label(api, "Extra-discreet messages", 2)
    api.user_message(CHAT, "/menu")
    menu = await api.wait_for(lambda: len(api.visible(CHAT)) >= 3 and api.visible(CHAT)[2])
    assert menu.source.startswith("Tap to read.\n<tg-spoiler>")
    assert [e["type"] for e in menu.entities] == ["spoiler"]


async def test_find_help_in_spanish_through_telegram(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start", language_code="es")
    menu = await last_keyboard(api, count=2)
    api.press(CHAT, menu.message_id, data_of(menu, "Buscar ayuda"))
    await api.wait_calls("editMessageText")
    api.user_message(CHAT, "España", language_code="es")
    needs = await api.wait_for(lambda: len(api.visible(CHAT)) >= 3 and api.visible(CHAT)[2])
    assert needs.text == "¿Qué te ayudaría más ahora mismo?"
    api.press(CHAT, needs.message_id, data_of(needs, "Muéstrame todo"))
    await api.wait_calls("editMessageText", 2)
    results = api.visible(CHAT)[-1]
    assert "016" in results.text
    assert "policía" in results.text.lower() or "policia" in results.text.lower()


async def test_rights_cards_through_telegram(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await last_keyboard(api, count=2)
    await tap_label(api, "Know my rights", 1)
    await tap_label(api, "Forced work or my papers taken", 2)
    await tap_label(api, "United States", 3)
    card = api.visible(CHAT)[-1]
    assert card.text.startswith("Card 1 of ")
    assert "General information, not legal advice." in card.text
    assert any(e["type"] == "text_link" and e["url"].startswith("https://") for e in card.entities)
    await tap_label(api, "Next", 4)
    assert api.visible(CHAT)[-1].text.startswith("Card 2 of ")
    api.press(CHAT, card.message_id, data_of(api.visible(CHAT)[-1], "Exit"))
    await api.wait_for(lambda: [m.text for m in api.visible(CHAT)] == ["Done. Write any time to start again."])


async def test_the_command_menu_is_published_in_every_offered_language(api: BotApiStandin, service: Service) -> None:
    default = api.commands['{"type": "default"}|']
    assert [(c["command"], c["description"]) for c in default] == [
        ("menu", "Menu"), ("help", "I'm in danger"), ("language", "Language"), ("exit", "Exit"),
        ("forget", "Forget the conversation, keep the messages"),
    ]
    spanish = api.commands['{"type": "default"}|es']
    assert [c["description"] for c in spanish] == [
        "Menú", "Estoy en peligro", "Idioma", "Salir", "Olvidar la conversación, conservar los mensajes",
    ]
    assert '{"type": "default"}|tl' in api.commands and '{"type": "default"}|zh' in api.commands


async def test_find_help_in_english_through_telegram(api: BotApiStandin, service: Service) -> None:
    api.user_message(CHAT, "/start")
    await last_keyboard(api, count=2)
    await tap_label(api, "Find help", 1)
    await tap_label(api, "United States", 2)
    await tap_label(api, "A safe place to stay", 3)
    results = api.visible(CHAT)[-1]
    assert results.text.startswith("Here is who can help.")
    assert "800-799-SAFE" in results.text


@pytest.mark.parametrize(
    ("situation", "country", "jurisdiction"),
    [
        (situation, country, jurisdiction)
        for situation in (
            "Someone close hurts or controls me", "Sexual violence", "Forced work or my papers taken", "Another crime"
        )
        for country, jurisdiction in (
            ("United States", "United States"), ("United Kingdom", "England and Wales"), ("Ireland", "Ireland")
        )
    ],
)
async def test_every_situation_in_three_jurisdictions_through_telegram(
    api: BotApiStandin, service: Service, situation: str, country: str, jurisdiction: str
) -> None:
    api.user_message(CHAT, "/start")
    await last_keyboard(api, count=2)
    await tap_label(api, "Know my rights", 1)
    await tap_label(api, situation, 2)
    await tap_label(api, country, 3)
    seen, edits = [], 3
    while True:
        card = api.visible(CHAT)[-1]
        assert "General information, not legal advice." in card.text and "Reviewed 20" in card.text
        seen.append(card.text)
        if "Next" not in [label for row in card.buttons for label, _ in row]:
            break
        edits += 1
        await tap_label(api, "Next", edits)
    assert seen[0].startswith("Card 1 of ")
    if (situation, country) == ("Forced work or my papers taken", "Ireland"):
        jurisdiction = "European Union"  # Ireland's file has no trafficking deck: the EU's applies
    assert "International law" in seen[0], "every deck opens with the baseline card"
    assert any(jurisdiction in text for text in seen[1:]), jurisdiction
    assert len(seen) == int(seen[0].split()[3].splitlines()[0])
