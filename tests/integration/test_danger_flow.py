"""Danger first: any message that signals danger interrupts any flow, in any shipped language."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot.app import StaticData
from bot.engine import Event
from bot.metrics import Metrics
from bot.runtime import Runtime
from bot.sealing import AddressBox
from bot.store import SessionStore
from redis.asyncio import Redis
from tests.integration.conversation import Conversation


async def deep_in_rights(static: StaticData, redis: Redis) -> Conversation:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Know my rights")
    await talk.tap("Someone close hurts or controls me")
    await talk.tap("United Kingdom")
    await talk.tap("Next")
    return talk


@pytest.mark.parametrize("message", ["he is outside", "HE'S OUTSIDEEEE", "hes going to kil me", "i cant breathe"])
async def test_danger_interrupts_a_card_deck_and_back_returns_to_it(static: StaticData, redis: Redis, message: str) -> None:
    talk = await deep_in_rights(static, redis)
    text = await talk.say(message)
    assert "999" in text.splitlines()[0], text  # the country is known: its number comes first
    assert "dial 55" in text
    back = await talk.tap("Back")
    assert back.startswith("Card 2 of"), "Back returns to the card the survivor was reading"


async def test_thoughts_of_suicide_open_with_the_crisis_line_then_the_emergency_number(static: StaticData, redis: Redis) -> None:
    talk = await deep_in_rights(static, redis)
    text = await talk.say("I want to die")
    first, second = text.splitlines()[:2]
    assert first.startswith("📞") and "116 123" in first, text
    assert "999" in second
    back = await talk.tap("Back")
    assert back.startswith("Card 2 of"), "Back returns to the card the survivor was reading"


@pytest.mark.parametrize("message", ["está afuera y me va a matar", "он убьёт меня", "سيقتلني", "他要杀我", "anataka kuniua"])
async def test_danger_in_any_shipped_language_is_answered_first(static: StaticData, redis: Redis, message: str) -> None:
    talk = await deep_in_rights(static, redis)
    text = await talk.say(message)
    assert text.splitlines()[0] == "🆘 In danger now? Call 999.", text


async def test_suicidal_ideation_gets_the_numbers_then_a_human_line(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    text = await talk.say("i want to kill myself")
    assert text.index("112") < text.index("You matter")


@pytest.mark.parametrize("message", ["I'm in danger of failing my exam", "this song kills me", "dying to see that film"])
async def test_ordinary_idioms_do_not_raise_an_alarm(static: StaticData, redis: Redis, message: str) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    text = await talk.say(message)
    assert "🆘" not in text and text.startswith("I'm here with you."), text
    assert "If you are ever in danger, call" in text.split("[1]")[0].splitlines()[-2], "the safety line closes the text"


async def test_help_command_and_danger_work_without_redis(static: StaticData, tmp_path: Path) -> None:
    dead = Redis.from_url(f"unix://{tmp_path}/none.sock", socket_connect_timeout=0.2)
    runtime = Runtime(static.flows, static.views, static.catalogs, SessionStore(dead, b"k" * 32, 60), Metrics(),
                      AddressBox(b"a" * 32), understanding=static.understanding)
    sid = runtime.session_id("telegram", "1")
    for event in (Event("command", data="help"), Event("text", text="he is outside")):
        outcome = await runtime.handle(sid, event)
        assert outcome.degraded
        body = "\n".join(reply.text for reply in outcome.replies)
        assert "112" in body and "911" in body
        assert "🆘" in body, "the emergency node itself, not only the notice"
    await dead.aclose()
