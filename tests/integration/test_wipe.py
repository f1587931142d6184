"""Auto-erase on a real Redis: due wipes happen once, across sweepers and restarts."""

from __future__ import annotations

import asyncio

from bot.app import StaticData
from bot.engine import Event
from bot.metrics import Metrics
from bot.runtime import Runtime
from bot.safety.wipe import LEASE_SECONDS, Wiper
from bot.sealing import AddressBox
from bot.store import WIPES_KEY, SessionStore
from redis.asyncio import Redis

IDLE = 1800
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def build(static: StaticData, redis: Redis, clock: Clock) -> tuple[Runtime, Wiper]:
    store = SessionStore(redis, b"s" * 32, 1800, idle_wipe_seconds=IDLE)
    box = AddressBox(b"a" * 32)
    metrics = Metrics()
    return Runtime(static.flows, static.views, static.catalogs, store, metrics, box, clock), Wiper(redis, store, box, metrics)


class Deleted:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int]]] = []

    async def __call__(self, address: str, ids: list[int]) -> bool:
        self.calls.append((address, ids))
        await asyncio.sleep(0)
        return True


async def test_an_idle_conversation_is_wiped_once_by_two_sweepers(static: StaticData, redis: Redis) -> None:
    clock = Clock()
    runtime, wiper_a = build(static, redis, clock)
    _, wiper_b = build(static, redis, clock)
    sid = runtime.session_id("telegram", "5550001")
    await runtime.handle(sid, Event("start"), message_ids=[1], address="5550001")
    await runtime.store.trace(sid, [2, 3], clock.now)
    clock.now += 60
    await runtime.handle(sid, Event("button", data="main.menu|help"), message_ids=[4], address="5550001")

    deleted = Deleted()
    clock.now += IDLE - 1
    assert await wiper_a.sweep(clock.now, deleted) == 0, "not idle long enough yet"
    clock.now += 2
    done = await asyncio.gather(wiper_a.sweep(clock.now, deleted), wiper_b.sweep(clock.now, deleted))
    assert sorted(done) == [0, 1]
    assert deleted.calls == [("5550001", [1, 2, 3, 4])]
    assert await redis.keys("*") == []
    assert await redis.zscore(WIPES_KEY, sid) is None


async def test_a_wipe_claimed_by_a_worker_that_died_is_done_after_the_lease(static: StaticData, redis: Redis) -> None:
    clock = Clock()
    runtime, wiper = build(static, redis, clock)
    sid = runtime.session_id("telegram", "5550002")
    await runtime.handle(sid, Event("start"), message_ids=[7], address="5550002")
    clock.now += IDLE + 1
    assert await wiper.claim(clock.now) == [sid]  # ... and the worker dies here
    deleted = Deleted()
    assert await wiper.sweep(clock.now + 1, deleted) == 0, "leased to the dead worker"
    assert await wiper.sweep(clock.now + LEASE_SECONDS + 1, deleted) == 1
    assert deleted.calls == [("5550002", [7])]


async def test_activity_postpones_the_wipe(static: StaticData, redis: Redis) -> None:
    clock = Clock()
    runtime, wiper = build(static, redis, clock)
    sid = runtime.session_id("telegram", "5550003")
    await runtime.handle(sid, Event("start"), address="5550003")
    clock.now += IDLE - 10
    await runtime.handle(sid, Event("button", data="main.menu|help"), address="5550003")
    clock.now += 20
    assert await wiper.sweep(clock.now, Deleted()) == 0
    assert await redis.exists(runtime.store.key(sid))
