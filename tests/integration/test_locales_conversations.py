"""Whole conversations in other languages, through the terminal and through Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from bot.app import StaticData
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.i18n.translator import FSI, PDI
from bot.redis_server import PrivateRedis
from redis.asyncio import Redis
from tests.integration.conversation import Conversation
from tests.integration.telegram_harness import running
from tests.support.botapi import BotApiStandin

COMPLETE = ("es", "fr", "de", "pt_BR", "ar", "fa", "uk", "ru", "pl", "tr", "zh_Hans")
GREETING = (
    "Hello, I'm Haven. I'm glad you wrote.\n"
    "I can explain your rights, find confidential help near you, or connect you with a person.\n"
    "<i>This chat is anonymous: I never ask your name. Tap Exit at any time to leave and erase this chat.</i>"
)


def text(static: StaticData, locale: str, context: str, english: str, **params: object) -> str:
    translated = static.catalogs.translator(locale).pgettext(context, english, **params)
    assert translated != english or locale == "en", (locale, context)
    return translated


def label(static: StaticData, locale: str, context: str, english: str) -> str:
    return static.catalogs.translator(locale).label(context, english)


@pytest.mark.parametrize("locale", COMPLETE)
async def test_a_terminal_conversation_in_each_complete_language(static: StaticData, redis: Redis, locale: str) -> None:
    talk = Conversation(static, redis)
    greeting = await talk.start(lang=locale.replace("_", "-"))
    first = text(static, locale, "safety:main.start", GREETING).splitlines()[0]
    assert greeting.startswith(first)
    assert label(static, locale, "safety:main.menu.danger", "I'm in danger") in talk.buttons()
    await talk.tap(label(static, locale, "safety:main.menu.help", "Find help"))
    needs = await talk.say("Deutschland")
    assert needs.startswith(text(static, locale, "help.need", "What would help most right now?"))
    results = await talk.tap(label(static, locale, "help.need.talk_now", "Someone to talk to now"))
    assert "116 016" in results
    await talk.tap(label(static, locale, "nav.menu", "Menu"))
    rights = await talk.tap(label(static, locale, "safety:main.menu.rights", "Know my rights"))
    assert rights.startswith(
        text(static, locale, "rights.start", "Which is closest to what is happening? You can change it later.")
    )
    await talk.tap(label(static, locale, "rights.start.trafficking", "Forced work or my papers taken"))
    card = await talk.say("United Kingdom")
    assert card.startswith(
        text(static, locale, "rights.card.position", "Card {index} of {total}", index=1, total=3).split(FSI)[0]
    )
    closing = await talk.tap(label(static, locale, "safety:nav.exit", "Exit"))
    assert closing.startswith(text(static, locale, "safety:exit.done", "Done. Write any time to start again."))


async def test_numbers_stay_in_order_inside_arabic_text(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start(lang="ar")
    await talk.tap(label(static, "ar", "safety:main.menu.danger", "I'm in danger"))
    reply = await talk.say("المملكة المتحدة")
    assert f"{FSI}999{PDI}" in reply
    assert f"{FSI}0808 2000 247{PDI}" in reply


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as standin:
        yield standin


@pytest.mark.parametrize("locale", ["ar", "zh_Hans", "ru", "pt_BR", "fa"])
async def test_telegram_in_other_languages(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis, locale: str
) -> None:
    chat = 880001
    async with running(api, static, redis_server.url):
        api.user_message(chat, "/start", language_code=locale.lower().replace("_", "-"))
        greeting, menu = await api.wait_for(lambda: len(api.visible(chat)) >= 2 and api.visible(chat))
        assert greeting.source == text(static, locale, "safety:main.start", GREETING)
        danger = label(static, locale, "safety:main.menu.danger", "I'm in danger")
        data = next(d for row in menu.buttons for lbl, d in row if lbl == danger)
        api.press(chat, menu.message_id, data)
        await api.wait_calls("editMessageText")
        emergency = api.visible(chat)[-1]
        assert "112" in emergency.text and "911" in emergency.text


def test_every_safety_critical_text_is_translated_in_every_shipped_language(static: StaticData, root) -> None:
    from bot.app import offered_locales

    offered, _ = offered_locales(static.catalogs, root / "locales")
    assert sorted(offered) == sorted(SHIPPED_LOCALES)
