"""'Talk to a person' end to end: real python-telegram-bot and Redis, the Bot API stand-in.

The advocates work in a forum supergroup registered on the stand-in; the survivor writes in a
private chat. Tests drive both sides the way people would (taps on visible buttons, messages
in topics) and check what each side sees, and that nothing else happens.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot.app import StaticData
from bot.redis_server import PrivateRedis
from bot.server import Service
from redis.asyncio import Redis
from tests.integration.telegram_harness import running
from tests.support.botapi import BotApiStandin, Message

SURVIVOR = 5550101
GROUP = -1001555000111
MARIA, LEO, STRANGER = 7001, 7002, 7999
MONDAY_NOON_UTC = 1767614400.0  # 2026-01-05 12:00 UTC, a Monday
SUNDAY_NIGHT_UTC = 1767571200.0  # 2026-01-05 00:00 UTC, Sunday night into Monday

DESK = f"""
group_id: {GROUP}
advocates:
  - id: {MARIA}
    alias: Maria
    languages: [es, en]
  - id: {LEO}
hours:
  timezone: UTC
  weekly:
    mon-fri: "08:00-20:00"
max_wait_minutes: 10
"""


class Clock:
    """The injected clock: tests move time, nothing sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as standin:
        standin.add_chat(GROUP, title="Advocates")
        yield standin


def desk_file(tmp_path: Path, text: str = DESK) -> str:
    path = tmp_path / "advocates.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
async def clock() -> Clock:
    return Clock(MONDAY_NOON_UTC)


@pytest.fixture
async def service(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis, tmp_path: Path, clock: Clock
) -> AsyncIterator[Service]:
    async with running(api, static, redis_server.url, ADVOCATES_FILE=desk_file(tmp_path), FLOOD_LIMIT="500") as svc:
        svc.haven.runtime.clock = clock
        yield svc


def data_of(message: Message, label: str) -> str:
    return next(data for row in message.buttons for text, data in row if text == label)


def labels(message: Message) -> list[str]:
    return [text for row in message.buttons for text, _ in row]


async def tap(api: BotApiStandin, chat: int, label: str, *, user_id: int | None = None) -> None:
    """Tap the newest visible button with this label in ``chat``."""
    message = next(m for m in reversed(api.visible(chat)) if label in labels(m))
    api.press(chat, message.message_id, data_of(message, label), user_id=user_id)
    await settle(api)


async def settle(api: BotApiStandin) -> None:
    """Wait until every queued update was fetched and answered (no call still pending)."""
    await api.wait_for(lambda: not api.pending_updates)
    count = -1
    while count != len(api.calls):
        count = seen = len(api.calls)
        with contextlib.suppress(AssertionError):
            await api.wait_for(lambda seen=seen: len(api.calls) > seen, timeout=0.15)


def texts(api: BotApiStandin, chat: int) -> list[str]:
    return [m.text for m in api.visible(chat)]


def topic_messages(api: BotApiStandin, thread: int) -> list[Message]:
    return [m for m in api.history(GROUP) if m.thread_id == thread and not m.deleted and m.kind != "service"]


async def ask_for_a_person(
    api: BotApiStandin, line: str | None = "I need a safe place tonight", chat: int = SURVIVOR, *, start: bool = True
) -> None:
    """Survivor: start (unless the menu is already showing), Talk to a person, consent, then a
    first line (sent) or Skip."""
    if start:
        api.user_message(chat, "/start")
        await api.wait_for(lambda: len(api.visible(chat)) >= 2)
    await tap(api, chat, "Talk to a person")
    await api.wait_for(lambda: "Yes, connect me" in labels(api.visible(chat)[-1]))
    consent = api.visible(chat)[-1].text
    assert "does not see your name, username, phone number or Telegram account" in consent
    await tap(api, chat, "Yes, connect me")
    await api.wait_for(lambda: "Skip" in labels(api.visible(chat)[-1]))
    if line is None:
        await tap(api, chat, "Skip")
    else:
        api.user_message(chat, line)
        await api.wait_for(lambda: api.visible(chat)[-1].text == line)
        assert labels(api.visible(chat)[-1])[:3] == ["Send", "Change", "Skip"]
        await tap(api, chat, "Send")
    await settle(api)


def the_topic(api: BotApiStandin) -> int:
    topics = api.topics(GROUP)
    assert len(topics) == 1, [t.name for t in topics]
    return topics[0].thread_id


async def claim(api: BotApiStandin, thread: int, user_id: int = MARIA) -> None:
    card = topic_messages(api, thread)[0]
    api.press(GROUP, card.message_id, data_of(card, "Claim"), user_id=user_id, first_name="Maria Real-Name")
    await settle(api)


async def advocate_says(api: BotApiStandin, thread: int, text: str, user_id: int = MARIA) -> None:
    api.user_message(GROUP, text, user_id=user_id, chat_type="supergroup", message_thread_id=thread)
    await settle(api)


# ----------------------------------------------------------------------------- journeys


async def test_full_journey_consent_topic_claim_both_ways_and_end_by_survivor(
    api: BotApiStandin, service: Service, redis: Redis
) -> None:
    await ask_for_a_person(api)
    assert "You are number 1 in line." in texts(api, SURVIVOR)[-1].replace("\n", " ")
    thread = the_topic(api)
    topic = api.topics(GROUP)[0]
    code = topic.name.split(" · ")[0]
    assert topic.name == f"{code} · en"
    card = topic_messages(api, thread)[0]
    assert f"Case {code}" in card.text and "Language: en" in card.text
    assert "First line: I need a safe place tonight" in card.text
    assert labels(card) == ["Claim", "Close"]
    assert "Maria" in card.text, "English cases are announced to the advocate who declared English"

    await claim(api, thread)
    assert labels(topic_messages(api, thread)[0]) == ["Transfer", "Close"]
    here = api.visible(SURVIVOR)[-1]
    assert here.text.startswith("An advocate is here: Maria.")
    assert "Real-Name" not in here.text, "the survivor never sees the advocate's account"
    assert labels(here) == ["End chat", "Exit"]

    api.user_message(SURVIVOR, "thank you for answering")
    await settle(api)
    copies = [m for m in topic_messages(api, thread) if m.text == "thank you for answering"]
    assert len(copies) == 1 and copies[0].from_bot, "the survivor's message arrives as a copy sent by the bot"

    await advocate_says(api, thread, "I'm here with you. Are you safe right now?")
    reply = api.visible(SURVIVOR)[-1]
    assert reply.text == "I'm here with you. Are you safe right now?"
    assert reply.from_bot and labels(reply) == ["End chat", "Exit"]
    assert api.calls_to("forwardMessage") == []

    await tap(api, SURVIVOR, "End chat")
    await settle(api)
    assert api.topics(GROUP) == [], "the topic is deleted when the case closes (no transcript kept)"
    general = [m.text for m in api.history(GROUP) if m.thread_id is None and m.from_bot]
    assert general == [f"Case {code}: The survivor ended the chat. Case closed."]
    assert texts(api, SURVIVOR)[-1].startswith("The chat has ended.")
    assert await redis.keys("haven:v1:case:*") == [] and await redis.keys("haven:v1:topic:*") == []
    # After the end, what the survivor writes is the bot's again, not relayed.
    relayed = len(api.calls_to("copyMessage"))
    api.user_message(SURVIVOR, "hello again")
    await settle(api)
    assert len(api.calls_to("copyMessage")) == relayed


async def test_the_advocate_ends_the_chat(api: BotApiStandin, service: Service, redis: Redis) -> None:
    await ask_for_a_person(api, line=None)
    thread = the_topic(api)
    assert "First line: (none)" in topic_messages(api, thread)[0].text
    await claim(api, thread)
    card = topic_messages(api, thread)[0]
    api.press(GROUP, card.message_id, data_of(card, "Close"), user_id=MARIA)
    await settle(api)
    assert texts(api, SURVIVOR)[-1].startswith("The advocate has ended the chat.")
    assert labels(api.visible(SURVIVOR)[-1]) == ["Menu", "Exit"]
    assert api.topics(GROUP) == []
    relayed = len(api.calls_to("copyMessage"))
    api.user_message(SURVIVOR, "are you still there?")
    await settle(api)
    assert len(api.calls_to("copyMessage")) == relayed, "nothing is relayed after the case closed"


async def test_transfer_returns_the_case_without_greeting_the_survivor_again(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread, MARIA)
    greetings = [t for t in texts(api, SURVIVOR) if t.startswith("An advocate is here")]
    card = topic_messages(api, thread)[0]
    api.press(GROUP, card.message_id, data_of(card, "Transfer"), user_id=MARIA)
    await settle(api)
    assert labels(topic_messages(api, thread)[0]) == ["Claim", "Close"]
    assert any("handed the case back" in m.text for m in topic_messages(api, thread))
    # A note for the next advocate, written while nobody holds the case, stays in the topic.
    await advocate_says(api, thread, "Note: she prefers Spanish", user_id=MARIA)
    assert "Note: she prefers Spanish" not in texts(api, SURVIVOR)
    await claim(api, thread, LEO)
    assert [t for t in texts(api, SURVIVOR) if t.startswith("An advocate is here")] == greetings
    await advocate_says(api, thread, "Hello, I'm taking over.", user_id=LEO)
    assert texts(api, SURVIVOR)[-1] == "Hello, I'm taking over."
    await advocate_says(api, thread, "Maria again, am I still connected?", user_id=MARIA)
    assert "Maria again, am I still connected?" not in texts(api, SURVIVOR)


async def test_the_first_line_can_be_changed_before_it_is_sent(api: BotApiStandin, service: Service) -> None:
    api.user_message(SURVIVOR, "/start")
    await api.wait_for(lambda: len(api.visible(SURVIVOR)) >= 2)
    await tap(api, SURVIVOR, "Talk to a person")
    await tap(api, SURVIVOR, "Yes, connect me")
    api.user_message(SURVIVOR, "I need advise about my visa")
    await api.wait_for(lambda: api.visible(SURVIVOR)[-1].text == "I need advise about my visa")
    await tap(api, SURVIVOR, "Change")
    await api.wait_for(lambda: "Skip" in labels(api.visible(SURVIVOR)[-1]))
    assert "Send" not in labels(api.visible(SURVIVOR)[-1])
    api.user_message(SURVIVOR, "I need advice about my visa")
    await api.wait_for(lambda: api.visible(SURVIVOR)[-1].text == "I need advice about my visa")
    await tap(api, SURVIVOR, "Send")
    await settle(api)
    card = topic_messages(api, the_topic(api))[0]
    assert "First line: I need advice about my visa" in card.text and "advise" not in card.text


# ----------------------------------------------------------------------------- fallbacks


async def test_outside_office_hours_says_so_and_shows_24_7_lines(
    api: BotApiStandin, service: Service, clock: Clock, redis: Redis
) -> None:
    clock.now = SUNDAY_NIGHT_UTC - 3600
    api.user_message(SURVIVOR, "/start")
    await api.wait_for(lambda: len(api.visible(SURVIVOR)) >= 2)
    await tap(api, SURVIVOR, "Find help")
    await tap(api, SURVIVOR, "United Kingdom")
    api.user_message(SURVIVOR, "/menu")
    await api.wait_for(lambda: texts(api, SURVIVOR)[-1] == "What would you like to do?")
    await tap(api, SURVIVOR, "Talk to a person")
    await tap(api, SURVIVOR, "Yes, connect me")
    await tap(api, SURVIVOR, "Skip")
    await settle(api)
    fallback = api.visible(SURVIVOR)[-1]
    assert fallback.text.startswith("Advocates are not on duty right now")
    assert "Call 999" in fallback.text and "Helplines open 24/7" in fallback.text
    assert "Keep waiting" not in labels(fallback)
    assert api.topics(GROUP) == [] and api.calls_to("createForumTopic") == []
    assert await redis.keys("haven:v1:case:*") == []
    # The survivor is back at the menu: free text is the bot's, not relayed.
    api.user_message(SURVIVOR, "rights")
    await settle(api)
    assert api.calls_to("copyMessage") == []


async def test_no_claim_within_the_wait_offers_other_help_and_keep_waiting(
    api: BotApiStandin, service: Service, clock: Clock
) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    assert service.desk is not None
    clock.now += 9 * 60
    assert await service.desk.check_waits(service.application.bot) == 0
    clock.now += 2 * 60
    assert await service.desk.check_waits(service.application.bot) == 1
    await settle(api)
    offer = api.visible(SURVIVOR)[-1]
    assert offer.text.startswith("I'm sorry: no advocate has been able to answer yet.")
    assert "emergency" in offer.text.lower()
    assert labels(offer) == ["Keep waiting", "Stop waiting", "Exit"]
    assert any("Nobody claimed this case within 10 minutes" in m.text for m in topic_messages(api, thread))
    assert await service.desk.check_waits(service.application.bot) == 0, "told once, not every check"

    await tap(api, SURVIVOR, "Keep waiting")
    await settle(api)
    assert "You are number 1 in line." in api.visible(SURVIVOR)[-1].text.replace("\n", " ")
    clock.now += 11 * 60
    assert await service.desk.check_waits(service.application.bot) == 1, "a new wait, a new offer"
    await settle(api)
    await tap(api, SURVIVOR, "Stop waiting")
    await settle(api)
    assert api.topics(GROUP) == []


async def test_a_wait_that_runs_past_office_hours_ends_honestly(api: BotApiStandin, service: Service, clock: Clock) -> None:
    clock.now = MONDAY_NOON_UTC + 7 * 3600 + 55 * 60  # 19:55, the desk closes at 20:00
    await ask_for_a_person(api, line=None)
    code = api.topics(GROUP)[0].name.split(" · ")[0]
    clock.now += 11 * 60
    assert service.desk is not None and await service.desk.check_waits(service.application.bot) == 1
    await settle(api)
    told = api.visible(SURVIVOR)[-1]
    assert told.text.startswith("Advocates are not on duty right now") and "Keep waiting" not in labels(told)
    assert api.topics(GROUP) == []
    general = [m.text for m in api.history(GROUP) if m.thread_id is None and m.from_bot]
    assert general == [
        f"Case {code}: Office hours ended before anyone claimed this case; the survivor was shown the 24/7 lines. Case closed."
    ]


async def test_advocate_group_unreachable_gives_the_fallback(api: BotApiStandin, service: Service, redis: Redis) -> None:
    api.fail_next("createForumTopic", error_code=400, description="Bad Request: not enough rights to create a topic")
    await ask_for_a_person(api, line=None)
    assert texts(api, SURVIVOR)[-1].startswith("I'm sorry: right now no advocate can answer here.")
    assert await redis.keys("haven:v1:case:*") == []
    assert api.topics(GROUP) == []


async def test_a_deleted_topic_tells_the_survivor_plainly(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.delete_topic(GROUP, thread)
    api.user_message(SURVIVOR, "hello?")
    await settle(api)
    assert texts(api, SURVIVOR)[-1].startswith("The connection to the advocate was lost")
    general = [m.text for m in api.history(GROUP) if m.thread_id is None and m.from_bot]
    assert len(general) == 1 and "cannot be reached" in general[0]
    api.user_message(SURVIVOR, "hello again")
    await settle(api)
    assert texts(api, SURVIVOR)[-1] != "The connection to the advocate was lost", "the case is over, not lost twice"


async def test_a_survivor_who_blocked_the_bot_closes_the_case(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.block(SURVIVOR)
    await advocate_says(api, thread, "Are you there?")
    general = [m.text for m in api.history(GROUP) if m.thread_id is None and m.from_bot]
    assert general and "can no longer be reached" in general[-1]
    assert api.topics(GROUP) == []


async def test_rate_limits_are_waited_out_once_then_reported(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.fail_next("copyMessage", retry_after=1)
    await advocate_says(api, thread, "first try")
    await api.wait_for(lambda: texts(api, SURVIVOR)[-1] == "first try")  # a short flood wait is waited out
    api.fail_next("copyMessage", retry_after=120)
    await advocate_says(api, thread, "second try")
    assert "second try" not in texts(api, SURVIVOR)
    assert topic_messages(api, thread)[-1].text.startswith("Not delivered")
    api.fail_next("copyMessage", retry_after=120)
    api.user_message(SURVIVOR, "can you read me?")
    await settle(api)
    assert texts(api, SURVIVOR)[-1].startswith("That message could not be delivered just now.")
    assert api.topics(GROUP), "a rate limit does not end the case"


async def test_exit_during_a_case_closes_it(api: BotApiStandin, service: Service, redis: Redis) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    await tap(api, SURVIVOR, "Exit")
    await settle(api)
    assert api.topics(GROUP) == []
    assert await redis.keys("haven:v1:case*") == [] and await redis.keys("*:case") == []
    assert texts(api, SURVIVOR) == ["Done. Write any time to start again."]


async def test_ending_the_chat_under_an_advocates_message_keeps_that_message(api: BotApiStandin, service: Service) -> None:
    # Regression: the answer to End chat edited the pressed message in place, so the
    # advocate's last words (here a number to write down) vanished from the survivor's chat.
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    await advocate_says(api, thread, "Write this down: the clinic opens at 9.")
    words = api.visible(SURVIVOR)[-1]
    await tap(api, SURVIVOR, "End chat")
    assert api.chat(SURVIVOR).messages[words.message_id].text == "Write this down: the clinic opens at 9."
    assert texts(api, SURVIVOR)[-2:] == [
        "Write this down: the clinic opens at 9.",
        "The chat has ended. Thank you for writing. You can come back any time.",
    ]


async def test_exit_under_an_advocates_message_deletes_it_too(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    await advocate_says(api, thread, "I'm here.")
    await tap(api, SURVIVOR, "Exit")
    assert texts(api, SURVIVOR) == ["Done. Write any time to start again."]
    assert api.topics(GROUP) == []


async def test_auto_erase_during_a_case_closes_it_and_wipes_the_chat(
    api: BotApiStandin, service: Service, redis: Redis, clock: Clock
) -> None:
    await ask_for_a_person(api, line=None)
    thread = the_topic(api)
    clock.now += 31 * 60  # idle longer than AUTO_ERASE_MINUTES (30)
    deleted = []

    async def delete(address: str, ids: list[int]) -> bool:
        deleted.extend(ids)
        return True

    haven = service.haven
    assert await haven.wiper.sweep(clock.now, delete) == 1
    await settle(api)
    assert thread not in [t.thread_id for t in api.topics(GROUP)]
    assert await redis.keys("*:case") == [] and await redis.keys("haven:v1:case*") == []
    assert deleted, "the survivor's chat is wiped"


async def test_media_is_not_relayed_unless_the_operator_allows_it(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.user_media(SURVIVOR, "photo", caption="look")
    await settle(api)
    assert texts(api, SURVIVOR)[-1].startswith("Photos, voice messages and files are not passed on here.")
    assert all(m.kind == "text" for m in topic_messages(api, thread))


@pytest.fixture
async def media_desk(
    api: BotApiStandin, static: StaticData, redis: Redis, redis_server: PrivateRedis, tmp_path: Path, clock: Clock
) -> AsyncIterator[Service]:
    """A desk whose operator lets photos, voice and files through (``relay_media: true``)."""
    config = desk_file(tmp_path, DESK.replace("hours:", "relay_media: true\nhours:"))
    async with running(api, static, redis_server.url, ADVOCATES_FILE=config) as svc:
        svc.haven.runtime.clock = clock
        yield svc


async def test_media_is_relayed_when_allowed(api: BotApiStandin, media_desk: Service) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.user_media(SURVIVOR, "voice")
    await settle(api)
    assert [m.kind for m in topic_messages(api, thread)][-1] == "voice"


# ----------------------------------------------------------------------------- authorisation


async def test_people_who_may_not_act_are_refused_without_effect(api: BotApiStandin, service: Service) -> None:
    await ask_for_a_person(api, chat=SURVIVOR)
    first = the_topic(api)
    await ask_for_a_person(api, chat=SURVIVOR + 1)
    second = next(t.thread_id for t in api.topics(GROUP) if t.thread_id != first)
    before_survivor = texts(api, SURVIVOR)

    # A group member who is not on the list: the Claim button refuses, messages are not relayed.
    await claim(api, first, STRANGER)
    assert labels(topic_messages(api, first)[0]) == ["Claim", "Close"]
    assert texts(api, SURVIVOR) == before_survivor
    await advocate_says(api, first, "I am not an advocate", user_id=STRANGER)
    assert "I am not an advocate" not in texts(api, SURVIVOR)

    # An advocate writing in the wrong topic: Maria holds the first case, writes in the second.
    await claim(api, first, MARIA)
    await advocate_says(api, second, "meant for the first survivor", user_id=MARIA)
    assert "meant for the first survivor" not in texts(api, SURVIVOR) + texts(api, SURVIVOR + 1)
    assert topic_messages(api, second)[-1].text.startswith("Not sent")

    # A forged callback: the second case's card carrying the first case's code.
    code_first = next(t.name for t in api.topics(GROUP) if t.thread_id == first).split(" · ")[0]
    card_second = topic_messages(api, second)[0]
    card_second.reply_markup = {"inline_keyboard": [[{"text": "Close", "callback_data": f"case|close|{code_first}"}]]}
    api.press(GROUP, card_second.message_id, f"case|close|{code_first}", user_id=LEO)
    await settle(api)
    assert {t.thread_id for t in api.topics(GROUP)} == {first, second}
    # Leo may not close or transfer the case Maria holds.
    card_first = topic_messages(api, first)[0]
    api.press(GROUP, card_first.message_id, data_of(card_first, "Close"), user_id=LEO)
    await settle(api)
    assert {t.thread_id for t in api.topics(GROUP)} == {first, second}
    assert not any(t.startswith("The advocate has ended") for t in texts(api, SURVIVOR))
    refusals = [c.params.get("text") for c in api.calls_to("answerCallbackQuery") if c.params.get("show_alert")]
    assert len(refusals) == 3


async def become_extra_discreet(api: BotApiStandin, chat: int = SURVIVOR) -> None:
    api.user_message(chat, "/start")
    await api.wait_for(lambda: len(api.visible(chat)) >= 2)
    await tap(api, chat, "Language")
    await tap(api, chat, "Extra-discreet messages")
    await tap(api, chat, "Menu")


async def extra_discreet_case_claimed_by_maria(api: BotApiStandin) -> int:
    """A survivor in extra-discreet mode whose case Maria has claimed; returns its topic."""
    await become_extra_discreet(api)
    await ask_for_a_person(api, line=None, start=False)
    thread = the_topic(api)
    await claim(api, thread)
    return thread


async def test_desk_messages_keep_the_extra_discreet_style(api: BotApiStandin, service: Service) -> None:
    await become_extra_discreet(api)
    await ask_for_a_person(api, line=None, start=False)
    queued = next(m for m in reversed(api.visible(SURVIVOR)) if "in line" in m.text)
    assert queued.source.startswith("Tap to read.\n<tg-spoiler>")


async def test_an_advocates_words_reach_an_extra_discreet_survivor_behind_a_tap(api: BotApiStandin, service: Service) -> None:
    # Regression: advocates' messages were copied as written, so their first line showed on the
    # lock screen of a survivor who had asked for extra-discreet messages.
    thread = await extra_discreet_case_claimed_by_maria(api)
    words = "Hi, I'm Maria from the shelter. Call 0800 000 000 if you can."
    bold = {"type": "bold", "offset": 8, "length": 5}
    code = {"type": "code", "offset": words.index("0800"), "length": len("0800 000 000")}
    api.user_message(GROUP, words, user_id=MARIA, chat_type="supergroup", message_thread_id=thread, entities=[bold, code])
    await settle(api)
    reply = api.visible(SURVIVOR)[-1]
    assert reply.text == f"Tap to read.\n{words}", "every word arrives, after a first line that reveals nothing"
    assert reply.source == (  # bold kept; code dropped (a spoiler cannot contain it) but its words kept
        "Tap to read.\n<tg-spoiler>Hi, I&#x27;m <b>Maria</b> from the shelter. Call 0800 000 000 if you can.</tg-spoiler>"
    )
    assert labels(reply) == ["End chat", "Exit"]
    assert api.calls_to("forwardMessage") == []


async def test_an_extra_discreet_survivor_gets_pictures_blurred_and_captions_behind_a_tap(
    api: BotApiStandin, media_desk: Service
) -> None:
    thread = await extra_discreet_case_claimed_by_maria(api)
    for kind, caption in (("photo", "Shelter entrance"), ("video", ""), ("voice", "")):
        api.user_media(GROUP, kind, caption=caption, user_id=MARIA, chat_type="supergroup", message_thread_id=thread)
        await settle(api)
    photo, words, video, voice = api.visible(SURVIVOR)[-4:]
    assert (photo.kind, photo.text, photo.media.get("has_media_spoiler")) == ("photo", "", True)
    assert (words.kind, words.source) == ("text", "Tap to read.\n<tg-spoiler>Shelter entrance</tg-spoiler>")
    assert (video.kind, video.media.get("has_media_spoiler")) == ("video", True)
    assert (voice.kind, voice.text) == ("voice", "")
    assert labels(photo) == [] and labels(words) == labels(video) == labels(voice) == ["End chat", "Exit"]
    assert api.calls_to("copyMessage") == [], "nothing reaches this survivor as it was written"


async def test_files_that_would_show_their_name_are_not_sent_to_an_extra_discreet_survivor(
    api: BotApiStandin, media_desk: Service
) -> None:
    thread = await extra_discreet_case_claimed_by_maria(api)
    before = texts(api, SURVIVOR)
    api.user_media(GROUP, "document", user_id=MARIA, chat_type="supergroup", message_thread_id=thread)
    await settle(api)
    assert texts(api, SURVIVOR) == before
    assert topic_messages(api, thread)[-1].text.startswith("Not sent: this survivor chose extra-discreet messages")


async def test_a_message_telegram_refuses_is_reported_to_the_advocate_and_the_case_goes_on(
    api: BotApiStandin, service: Service
) -> None:
    await ask_for_a_person(api)
    thread = the_topic(api)
    await claim(api, thread)
    api.fail_next("copyMessage", error_code=400, description="Bad Request: message is too long")
    await advocate_says(api, thread, "A message Telegram will not take")
    assert topic_messages(api, thread)[-1].text.startswith("Not delivered: Telegram refused this message")
    await advocate_says(api, thread, "Shorter now.")
    assert texts(api, SURVIVOR)[-1] == "Shorter now."
