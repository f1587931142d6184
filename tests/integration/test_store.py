"""The session store and runtime on a real redis-server."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from bot.app import StaticData
from bot.engine import Event, Session
from bot.engine.effects import Erase
from bot.metrics import Metrics
from bot.redis_server import PrivateRedis
from bot.runtime import Runtime
from bot.sealing import AddressBox
from bot.store import TRACE_WAIT, SessionStore, encode_session
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import UnixDomainSocketConnection

SECRET = b"k" * 32
USER_CANARY = "7391046285"
TEXT_CANARY = "CANARYTEXT marigold 4417"


def runtime_for(static: StaticData, redis: Redis, ttl: int = 1800) -> Runtime:
    store = SessionStore(redis, SECRET, ttl)
    return Runtime(static.flows, static.views, static.catalogs, store, Metrics(), AddressBox(b"a" * 32))


async def test_session_ids_are_pseudonyms_not_the_user_id(redis: Redis) -> None:
    store = SessionStore(redis, SECRET, 60)
    sid = store.session_id("telegram", USER_CANARY)
    assert USER_CANARY not in sid and len(sid) == 26
    assert sid == store.session_id("telegram", USER_CANARY)
    assert sid != store.session_id("console", USER_CANARY)
    assert sid != SessionStore(redis, b"x" * 32, 60).session_id("telegram", USER_CANARY)


async def test_a_conversation_leaves_only_expiring_keys_without_ids_or_text(static: StaticData, redis: Redis) -> None:
    runtime = runtime_for(static, redis)
    sid = runtime.session_id("telegram", USER_CANARY)
    for event in (
        Event("start", lang_hint="es"),
        Event("text", text=TEXT_CANARY),
        Event("button", data="main.menu|rights"),
        Event("text", text=f"my name is {TEXT_CANARY}"),
    ):
        await runtime.handle(sid, event)
    keys = await redis.keys("*")
    assert keys, "the session should be stored"
    dump = b""
    for key in keys:
        ttl = await redis.ttl(key)
        assert 0 < ttl <= 1800, (key, ttl)
        dump += key + (await redis.dump(key) or b"")
    assert USER_CANARY.encode() not in dump
    assert b"CANARYTEXT" not in dump and b"marigold" not in dump


async def test_a_full_session_stays_under_one_kilobyte() -> None:
    session = Session(
        node="rights.some_long_node_identifier",
        lang="zh_Hans",
        lang_source="choice",
        values={"country": "GB", "situation": "trafficking", "need": "safe_place", "region": "sct"},
        history=[f"flow{i}.node_with_a_long_name_{i}" for i in range(12)],
    )
    assert len(encode_session(session, 99).encode()) < 1024


async def test_concurrent_updates_of_one_session_lose_nothing(redis: Redis) -> None:
    store = SessionStore(redis, SECRET, 60)
    sid = store.session_id("test", "one")

    async def add(name: str) -> int:
        for attempt in range(100):
            session = await store.load(sid)
            session.values[name] = "1"
            await asyncio.sleep(0)  # let the others interleave between load and save
            if await store.save(sid, session, session.version, now=1.0):
                return attempt
        raise AssertionError("never saved")

    attempts = await asyncio.gather(*(add(f"k{i}") for i in range(25)))
    final = await store.load(sid)
    assert sorted(final.values) == sorted(f"k{i}" for i in range(25))
    assert final.version == 25
    assert sum(attempts) > 0, "the test must actually produce conflicts"


async def test_concurrent_runtime_updates_all_count(static: StaticData, redis: Redis) -> None:
    runtime = runtime_for(static, redis)
    sid = runtime.session_id("test", "double-tap")
    await runtime.handle(sid, Event("start"))
    await asyncio.gather(*(runtime.handle(sid, Event("button", data="main.menu|rights")) for _ in range(10)))
    session = await runtime.store.load(sid)
    assert session.version == 11
    assert runtime.metrics.counters["cas_retries"] > 0


def counting_client(redis_server: PrivateRedis, sent: list[int]) -> Redis:
    class CountingConnection(UnixDomainSocketConnection):
        async def send_packed_command(self, command, check_health=True):
            sent.append(1)
            return await super().send_packed_command(command, check_health)

    return Redis.from_pool(ConnectionPool(connection_class=CountingConnection, path=str(redis_server.socket_path)))


async def test_an_ordinary_update_costs_two_round_trips_its_replies_ids_included(
    static: StaticData, redis_server: PrivateRedis
) -> None:
    sent: list[int] = []
    client = counting_client(redis_server, sent)
    await client.script_flush()
    store = SessionStore(client, SECRET, 1800, idle_wipe_seconds=1800)
    runtime = Runtime(static.flows, static.views, static.catalogs, store, Metrics(), AddressBox(b"a" * 32))
    sid = runtime.session_id("test", "rt")
    await runtime.handle(sid, Event("start"), message_ids=[1], address="42")  # loads the Lua script once
    store.trace_soon(sid, [2], now=1_800_000_000)  # the channel sent the menu as message 2
    sent.clear()
    await runtime.handle(sid, Event("button", data="main.menu|help"), message_ids=[3], address="42")
    # The duplicate/flood/load pipeline, then one pipeline: EVALSHA (compare-and-set, message
    # ids — the survivor's 3 and the menu's 2 — and the sealed address) and the idle wipe.
    assert len(sent) == 2
    assert await client.zrange(store.key(sid, "m"), 0, -1) == [b"1", b"2", b"3"]
    await store.close()
    await client.aclose()


async def test_reply_ids_no_save_picks_up_are_written_together_within_a_second(redis_server: PrivateRedis) -> None:
    sent: list[int] = []
    client = counting_client(redis_server, sent)
    store = SessionStore(client, SECRET, 60)
    one, two = store.session_id("test", "one"), store.session_id("test", "two")
    store.trace_soon(one, [10, 11], now=1_800_000_000)
    store.trace_soon(two, [20], now=1_800_000_000)
    _, ids = await store.traces(one, now=1_800_000_000)
    assert ids == [10, 11], "Exit right after a reply deletes the reply too"
    sent.clear()
    await asyncio.sleep(TRACE_WAIT + 0.5)
    assert len(sent) == 1, "both sessions' ids in one round trip"
    assert await client.zrange(store.key(two, "m"), 0, -1) == [b"20"]
    assert 0 < await client.ttl(store.key(one, "m")) <= 48 * 3600
    store.trace_soon(one, [12], now=1_800_000_001)
    await store.erase(one)
    await store.close()
    assert await client.exists(store.key(one, "m")) == 0, "an erased session's waiting ids are dropped"
    await client.aclose()


async def test_exit_erases_every_key_of_the_session(static: StaticData, redis: Redis) -> None:
    runtime = runtime_for(static, redis)
    sid = runtime.session_id("test", "leaver")
    other = runtime.session_id("test", "stayer")
    await runtime.handle(sid, Event("start"))
    await runtime.handle(other, Event("start"))
    outcome = await runtime.handle(sid, Event("command", data="exit"))
    assert outcome.effects == [Erase()]
    assert await redis.keys(f"*{sid}*") == []
    assert await redis.keys(f"*{other}*") != []


async def test_redis_down_still_answers_with_true_emergency_guidance(static: StaticData, tmp_path: Path) -> None:
    dead = Redis.from_url(f"unix://{tmp_path}/nothing-here.sock", socket_connect_timeout=0.2)
    runtime = runtime_for(static, dead)
    outcome = await runtime.handle(runtime.session_id("test", "x"), Event("button", data="main.menu|danger"))
    assert outcome.degraded
    text = outcome.replies[0].text
    assert "<b>112</b> in every EU country" in text and "<b>911</b>" in text
    assert "call the emergency number" in outcome.replies[0].text
    await dead.aclose()


def test_private_redis_lives_in_a_private_directory_and_cleans_up() -> None:
    server = PrivateRedis().start()
    directory = server.socket_path.parent
    assert oct(os.stat(directory).st_mode & 0o777) == "0o700"
    assert server.socket_path.exists()
    server.stop()
    assert not directory.exists()


@pytest.mark.parametrize("ttl", [0, -5])
def test_a_store_without_expiry_is_refused(ttl: int) -> None:
    with pytest.raises(ValueError):
        SessionStore(Redis(), SECRET, ttl)


async def test_reply_addresses_are_sealed_and_bound_to_their_session(static: StaticData, redis: Redis) -> None:
    runtime = runtime_for(static, redis)
    sid = runtime.session_id("telegram", USER_CANARY)
    await runtime.handle(sid, Event("start"), message_ids=[11], address=USER_CANARY)
    sealed, ids = await runtime.store.traces(sid, now=runtime.clock())
    assert ids == [11]
    assert sealed and USER_CANARY.encode() not in sealed
    assert runtime.addresses.open(sid, sealed) == USER_CANARY
    assert runtime.addresses.open(runtime.session_id("telegram", "someone else"), sealed) is None
    assert AddressBox(b"z" * 32).open(sid, sealed) is None


async def test_only_messages_younger_than_48_hours_are_offered_for_deletion(redis: Redis) -> None:
    store = SessionStore(redis, SECRET, 60)
    sid = store.session_id("telegram", "old-and-new")
    start = 1_800_000_000.0
    assert await store.save(sid, Session(node="main.menu"), 0, now=start, message_ids=[1, 2])
    await store.trace(sid, [3], now=start + 47 * 3600)
    _, ids = await store.traces(sid, now=start + 48 * 3600 + 1)
    assert ids == [3]
    _, ids = await store.traces(sid, now=start + 3600)
    assert ids == [1, 2, 3]
    assert 0 < await redis.ttl(store.key(sid, "m")) <= 48 * 3600


async def test_an_update_id_is_a_duplicate_only_the_second_time_even_after_a_script_flush(redis: Redis) -> None:
    # Regression: when Redis had not cached the script yet, the retry re-ran SET NX and
    # reported the very first delivery of every update as a duplicate.
    store = SessionStore(redis, SECRET, 60)
    sid = store.session_id("telegram", "dup")
    await redis.script_flush()
    first = await store.open(sid, "100001", rate_window=10)
    again = await store.open(sid, "100001", rate_window=10)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert (first.recent_updates, again.recent_updates) == (1, 2)
    assert 0 < await redis.ttl("haven:v1:update:100001") <= 3600
    assert 0 < await redis.ttl(store.key(sid, "r")) <= 10


async def haven_connections(redis: Redis, before: set[str]) -> int:
    """Connections opened since ``before`` was taken, minus this test's own client."""
    own = await redis.client_id()
    return sum(1 for client in await redis.client_list() if client["id"] not in before and int(client["id"]) != own)


async def test_a_burst_waits_for_a_free_redis_connection_instead_of_failing(
    static: StaticData, redis: Redis, redis_server: PrivateRedis
) -> None:
    from bot.app import REDIS_CONNECTIONS, Haven
    from bot.config import load_settings

    before = {client["id"] for client in await redis.client_list()}
    settings = load_settings({"REDIS_URL": redis_server.url, "HAVEN_SECRET_KEY": "k" * 40, "FLOOD_LIMIT": "1000"})
    haven = await Haven(settings, static).start()
    try:
        runtime = haven.runtime
        assert runtime is not None
        outcomes = await asyncio.gather(
            *(runtime.handle(runtime.session_id("burst", str(n)), Event("start")) for n in range(3 * REDIS_CONNECTIONS))
        )
        assert not any(outcome.degraded for outcome in outcomes), "no update may fall back for lack of a connection"
        assert 0 < await haven_connections(redis, before) <= REDIS_CONNECTIONS
    finally:
        await haven.stop()
    # Regression: stop() closed the client but not its pool, so every connection stayed open
    # until garbage collection (and the server's count grew with each restart in one process).
    assert await haven_connections(redis, before) == 0
