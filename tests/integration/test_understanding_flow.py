"""Free text through the real runtime and Redis: the next reply is the help the message asks for."""

from __future__ import annotations

from bot.app import StaticData
from redis.asyncio import Redis
from tests.integration.conversation import Conversation


async def in_the_uk(static: StaticData, redis: Redis) -> Conversation:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.tap("United Kingdom")
    return talk


async def test_papers_taken_opens_the_trafficking_line_then_the_emergency_number(static: StaticData, redis: Redis) -> None:
    talk = await in_the_uk(static, redis)
    text = await talk.say("they took my passport at the factory and i cant leave")
    first = text.splitlines()[0]
    assert first.startswith("📞") and any(char.isdigit() for char in first), text
    assert "999" in text.split("What you describe")[0], "the emergency number comes before any other words"
    assert "My rights" in talk.buttons()


async def test_a_need_in_words_shows_its_services_for_the_country(static: StaticData, redis: Redis) -> None:
    talk = await in_the_uk(static, redis)
    text = await talk.say("i need somewhere safe to stay tonight")
    assert text.startswith("Here is who can help."), text
    assert "🆘" not in text.splitlines()[0]


async def test_a_disclosure_is_heard_before_the_services(static: StaticData, redis: Redis) -> None:
    talk = await in_the_uk(static, redis)
    text = await talk.say("i was raped two years ago and never told anyone")
    assert text.startswith("Thank you for telling me. What happened was not your fault."), text
    assert "Rape Crisis" in text


async def test_placements_are_counted_without_text(static: StaticData, redis: Redis) -> None:
    talk = await in_the_uk(static, redis)
    await talk.say("he took my passport CANARYWORD")
    await talk.say("blah CANARYWORD")
    metrics = talk.console.runtime.metrics
    assert metrics.counters["understood_trafficking"] == 1
    assert metrics.counters["understood_unplaced"] == 1
    assert "CANARYWORD" not in metrics.render()
