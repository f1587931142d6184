"""Cases in real Redis: TTL on every key, no raw ids, one winner for every race."""

from __future__ import annotations

import asyncio

from bot.escalation.cases import LIVE, WAITING, CaseStore, is_code
from redis.asyncio import Redis

SECRET = b"s" * 32


async def test_a_case_lives_in_expiring_keys_without_raw_ids(redis: Redis) -> None:
    cases = CaseStore(redis, SECRET, ttl=600)
    code = await cases.open("sid-a", "es", "trafficking", now=100.0, due=700.0)
    assert is_code(code)
    await cases.attach_topic(code, 77, card=5)
    assert await cases.claim(code, 123456789, "Maria")
    for key in await redis.keys("*"):
        assert 0 < await redis.ttl(key) <= 600, key
    dump = b"".join([key + (await redis.dump(key) or b"") for key in await redis.keys("*")])
    assert b"123456789" not in dump, "the advocate's Telegram id is never stored"
    case = await cases.by_topic(77)
    assert case is not None and case.code == code and case.sid == "sid-a" and case.state == LIVE
    assert await cases.by_session("sid-a") == code
    assert cases.claimed_by(case, 123456789) and not cases.claimed_by(case, 1)


async def test_only_one_of_two_advocates_wins_a_claim_and_one_closer_cleans_up(redis: Redis) -> None:
    cases = CaseStore(redis, SECRET, ttl=600)
    code = await cases.open("sid-a", "en", "", now=1.0, due=2.0)
    await cases.attach_topic(code, 9, card=None)
    results = await asyncio.gather(*(cases.claim(code, user, "") for user in range(1, 9)))
    assert sorted(results) == [False] * 7 + [True]
    closes = await asyncio.gather(cases.close(code), cases.close(code))
    assert sum(c is not None for c in closes) == 1
    assert await redis.keys("*") == []


async def test_queue_positions_transfer_and_due_waits(redis: Redis) -> None:
    cases = CaseStore(redis, SECRET, ttl=600)
    first = await cases.open("sid-1", "en", "", now=1.0, due=50.0)
    second = await cases.open("sid-2", "en", "", now=2.0, due=60.0)
    assert [await cases.position(first), await cases.position(second)] == [1, 2]
    assert await cases.claim(first, 5, "")
    assert await cases.position(second) == 1 and await cases.position(first) is None
    case = await cases.get(first)
    assert case is not None
    assert not await cases.unclaim(case, 6, now=3.0, due=90.0), "only the holder hands a case back"
    assert await cases.unclaim(case, 5, now=3.0, due=90.0)
    assert (await cases.get(first)).state == WAITING  # type: ignore[union-attr]
    assert await cases.position(first) == 1, "a transferred case keeps its place in line"
    assert [c.code for c in await cases.take_due(70.0)] == [second]
    assert await cases.take_due(70.0) == [], "each ran-out wait is handed out once"
    await redis.delete(cases.key(second))  # expired in Redis: dropped from the queue, never guessed
    assert [c.code for c in await cases.waiting()] == [first]
