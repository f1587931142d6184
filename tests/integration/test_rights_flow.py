"""Know my rights, scripted through the terminal channel on real Redis."""

from __future__ import annotations

import re

import pytest
from bot.app import StaticData
from redis.asyncio import Redis
from tests.integration.conversation import Conversation

SITUATIONS = {
    "dv": "Someone close hurts or controls me",
    "sexual": "Sexual violence",
    "trafficking": "Forced work or my papers taken",
    "crime": "Another crime",
}
COUNTRIES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "IE": "Ireland"}


def position(text: str) -> tuple[int, int]:
    found = re.search(r"Card (\d+) of (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


async def open_deck(static: StaticData, redis: Redis, situation: str, country: str) -> tuple[Conversation, str]:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Know my rights")
    await talk.tap(SITUATIONS[situation])
    return talk, await talk.say(country)


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
@pytest.mark.parametrize("country", sorted(COUNTRIES))
async def test_every_card_says_where_it_comes_from(static: StaticData, redis: Redis, situation: str, country: str) -> None:
    talk, text = await open_deck(static, redis, situation, COUNTRIES[country])
    index, total = position(text)
    assert index == 1 and total >= 1
    seen = 0
    while True:
        seen += 1
        assert "General information, not legal advice." in text
        assert "Source:" in text and "Reviewed 20" in text
        for label in ("Find help for this", "Talk to a person", "Back", "Menu", "Exit"):
            assert label in talk.buttons(), (label, talk.buttons())
        if "Next" not in talk.buttons():
            break
        text = await talk.tap("Next")
        assert position(text)[0] == seen + 1
    assert seen == total


async def test_the_first_card_is_that_it_is_not_your_fault(static: StaticData, redis: Redis) -> None:
    for situation in ("dv", "sexual"):
        _, text = await open_deck(static, redis, situation, "United States")
        assert "International law" in text, "every deck opens with the baseline card"


async def test_jurisdictions_are_named_in_the_footer(static: StaticData, redis: Redis) -> None:
    talk, text = await open_deck(static, redis, "trafficking", "United Kingdom")
    names = [text]
    while "Next" in talk.buttons():
        names.append(await talk.tap("Next"))
    assert any("England and Wales" in card or "United Kingdom" in card for card in names)
    talk, text = await open_deck(static, redis, "trafficking", "Germany")
    cards = [text]
    while "Next" in talk.buttons():
        cards.append(await talk.tap("Next"))
    assert any("European Union" in card for card in cards)


async def test_an_unsupported_country_gets_the_baseline_with_its_emergency_number_first(static: StaticData, redis: Redis) -> None:
    _, text = await open_deck(static, redis, "dv", "Brazil")
    assert text.index("I don't have information specific to Brazil yet") < text.index("190")
    assert text.splitlines()[0].startswith("I don't have information"), "a discreet first line"
    assert "International law" in text


async def test_a_country_outside_the_directory_still_gets_true_guidance(static: StaticData, redis: Redis) -> None:
    _, text = await open_deck(static, redis, "crime", "Japan")
    assert "I don't have information specific to Japan yet" in text
    assert "112" in text and "911" in text


async def test_previous_back_menu_and_exit_from_deep_inside_a_deck(static: StaticData, redis: Redis) -> None:
    talk, _ = await open_deck(static, redis, "trafficking", "United States")
    second = await talk.tap("Next")
    assert position(second)[0] == 2
    assert position(await talk.tap("Previous"))[0] == 1
    await talk.tap("Next")
    assert (await talk.tap("Back")).startswith("Where are you?")
    await talk.tap("United States")
    assert (await talk.tap("Menu")).startswith("What would you like to do?")
    await talk.tap("Know my rights")
    await talk.tap("Another crime")
    await talk.tap("United States")
    assert (await talk.tap("Exit")).startswith("Done.")


async def test_the_country_chosen_before_is_offered_first(static: StaticData, redis: Redis) -> None:
    talk = Conversation(static, redis)
    await talk.start()
    await talk.tap("Find help")
    await talk.say("Irlanda")
    await talk.tap("Menu")
    await talk.tap("Know my rights")
    await talk.tap("Sexual violence")
    assert talk.buttons()[0] == "Ireland"


async def test_find_help_for_this_goes_to_matching_services(static: StaticData, redis: Redis) -> None:
    talk, _ = await open_deck(static, redis, "trafficking", "United Kingdom")
    text = await talk.tap("Find help for this")
    assert "Modern Slavery" in text
