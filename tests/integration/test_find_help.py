"""Find help and I'm in danger, scripted through the terminal channel on real Redis."""

from __future__ import annotations

from datetime import UTC

from bot.app import StaticData
from redis.asyncio import Redis
from tests.integration.conversation import Conversation


async def test_typing_a_country_in_another_language_finds_its_24_7_lines(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    assert (await talk.say("Alemania")).startswith("What would help most right now?")
    results = await talk.tap("Someone to talk to now")
    assert results.startswith("Here is who can help.")
    assert "Hilfetelefon" in results and "116 016" in results
    assert "Open 24/7" in results


async def test_the_list_is_a_screenful_at_a_time_with_more(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.tap("United States")
    first = await talk.tap("Show me everything")
    more = [label for label in talk.buttons() if label.startswith("More (")]
    assert more, first
    assert first.count("📞") <= 3
    second = await talk.tap(more[0])
    assert second != first and "📞" in second


async def test_police_run_lines_say_so(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.say("Spain")
    text = await talk.tap("Show me everything")
    while "900 10 50 90" not in text and any(b.startswith("More (") for b in talk.buttons()):
        text = await talk.tap(next(b for b in talk.buttons() if b.startswith("More (")))
    at = text.index("900 10 50 90")
    block = text[max(0, at - 300) : at + 200]
    assert "police" in block.lower()


async def test_nothing_matching_says_so_and_offers_the_24_7_lines_and_a_person(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.say("Vietnam")
    text = await talk.tap("LGBTQ+ services")
    assert "I could not find a service for this in my list for Vietnam" in text
    assert "113" in text  # Vietnam's police emergency number, from the directory
    assert "Talk to a person" in talk.buttons()


async def test_danger_without_a_country_gives_true_guidance_then_asks(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    text = await talk.tap("I'm in danger")
    assert "112" in text and "911" in text
    assert "United Kingdom" in talk.buttons()
    text = await talk.tap("United Kingdom")
    first_line = text.splitlines()[0]
    assert "999" in first_line
    assert "55" in text  # the silent-call hint the source gives for the UK


async def test_danger_uses_the_country_already_chosen(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.tap("Canada")
    await talk.tap("Menu")
    text = await talk.tap("I'm in danger")
    assert "911" in text.splitlines()[0]
    assert "Tap your country" not in text


async def test_country_names_in_six_languages_and_a_non_latin_script(static: StaticData, redis: Redis) -> None:
    for typed, expected in [
        ("Deutschland", "Hilfetelefon"),
        ("germany", "Hilfetelefon"),
        ("Германия", "Hilfetelefon"),
        ("Royaume-Uni", "0808 2000 247"),
        ("Estados Unidos", "800-799-SAFE"),
        ("Francia", "3919"),
    ]:
        talk = Conversation(static, redis)
        await talk.start()
        await talk.tap("Find help")
        await talk.say(typed)
        assert expected in await talk.tap("Show me everything"), typed


def test_every_keyboard_offers_a_way_out(static: StaticData) -> None:
    """Exit (or its equivalent) is on every keyboard Haven can show, whatever the node and state."""
    from datetime import datetime

    from bot.engine import render
    from bot.engine.contract import SEPARATOR
    from bot.engine.effects import Erase
    from bot.engine.model import EXIT, Session
    from bot.runtime import Context

    ctx = Context(static.catalogs, datetime(2026, 11, 21, 12, tzinfo=UTC), static.catalogs.shipped)
    erasing = {
        f"{node.id}{SEPARATOR}{button.id}"
        for node in static.flows.nodes.values()
        for button in node.buttons
        if any(isinstance(effect, Erase) for effect in button.effects)
    }
    for node in static.flows.nodes.values():
        if node.id == static.flows.exit or node.next:
            continue  # the line left after Exit; and texts that lead straight on to the next node
        for values in ({}, {"country": "GB", "situation": "dv", "need": "all", "typed": "yes"}):
            reply = render(static.flows, static.views, Session(node=node.id, values=values), node.id, ctx)
            data = {button.data for row in reply.buttons for button in row}
            if not data:
                # Only the first-line preview has no keyboard of its own: the survivor's echoed
                # line right under it carries Send, Change, Skip, Menu and Exit.
                assert node.id == "person.preview", node.id
                continue
            assert EXIT in data or data & erasing, node.id
