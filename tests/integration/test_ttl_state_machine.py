"""Every Redis key Haven writes expires, whatever a survivor does (Hypothesis state machine).

Random sequences of start, button presses, free text (including danger), Exit, /forget and
idle time (with the auto-erase sweeper running) are applied to the real runtime on a real
redis-server; after every step each key must have 0 < TTL <= the maximum for its kind.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from bot.app import load_static
from bot.engine import Event
from bot.metrics import Metrics
from bot.redis_server import PrivateRedis
from bot.runtime import Runtime
from bot.safety.wipe import LEASE_SECONDS, Wiper
from bot.sealing import AddressBox
from bot.store import TRACE_TTL, UPDATE_TTL, SessionStore
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parents[2]
SESSION_TTL = 1800
MAXIMUM = {"s": SESSION_TTL, "m": TRACE_TTL, "a": TRACE_TTL + LEASE_SECONDS + 60, "r": 10}
STATIC = load_static(ROOT)
TEXTS = ["hello", "he is outside", "Deutschland", "I'm in danger of failing my exam", "x" * 4000, "ayuda"]


class Conversations(RuleBasedStateMachine):
    """A few survivors using Haven in any order, with time passing."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.redis = Redis.from_url(SERVER.url)
        self.now = 1_800_000_000.0
        store = SessionStore(self.redis, b"t" * 32, SESSION_TTL, idle_wipe_seconds=SESSION_TTL)
        box = AddressBox(b"a" * 32)
        self.runtime = Runtime(STATIC.flows, STATIC.views, STATIC.catalogs, store, Metrics(), box,
                               clock=lambda: self.now, flood_limit=10_000, understanding=STATIC.understanding)
        self.wiper = Wiper(self.redis, store, box, Metrics())
        self.buttons: dict[int, list[str]] = {}
        self.message_ids = 0

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    @initialize()
    def clean(self) -> None:
        self.run(self.redis.flushall())

    def send(self, user: int, event: Event) -> None:
        self.message_ids += 1
        sid = self.runtime.session_id("telegram", str(user))
        outcome = self.run(self.runtime.handle(sid, event, message_ids=[self.message_ids], address=str(user),
                                               update_id=str(self.message_ids)))
        self.buttons[user] = [b.data for reply in outcome.replies for row in reply.buttons for b in row if b.data]

    @rule(user=st.integers(0, 2))
    def start(self, user: int) -> None:
        self.send(user, Event("start"))

    @rule(user=st.integers(0, 2), pick=st.integers(0, 40))
    def tap(self, user: int, pick: int) -> None:
        choices = self.buttons.get(user) or ["main.menu|help"]
        self.send(user, Event("button", data=choices[pick % len(choices)]))

    @rule(user=st.integers(0, 2), text=st.sampled_from(TEXTS))
    def write(self, user: int, text: str) -> None:
        self.send(user, Event("text", text=text))

    @rule(user=st.integers(0, 2), command=st.sampled_from(["exit", "forget", "help", "menu", "language"]))
    def command(self, user: int, command: str) -> None:
        self.send(user, Event("command", data=command))

    @rule(minutes=st.integers(1, 90))
    def idle(self, minutes: int) -> None:
        self.now += minutes * 60

        async def deleted(address: str, ids: list[int]) -> bool:
            return True

        self.run(self.wiper.sweep(self.now, deleted))

    @invariant()
    def every_key_expires(self) -> None:
        async def check() -> None:
            for key in await self.redis.keys("*"):
                name = key.decode()
                ttl = await self.redis.ttl(key)
                if name.startswith("haven:v1:update:"):
                    limit = UPDATE_TTL
                elif name == "haven:v1:wipes":
                    limit = TRACE_TTL + SESSION_TTL + LEASE_SECONDS
                else:
                    limit = MAXIMUM[name.rsplit(":", 1)[1]]
                assert 0 < ttl <= limit, (name, ttl)

        self.run(check())

    def teardown(self) -> None:
        self.run(self.redis.aclose())
        self.loop.close()


SERVER: PrivateRedis


@pytest.fixture(scope="module", autouse=True)
def server():
    global SERVER
    SERVER = PrivateRedis().start()
    yield SERVER
    SERVER.stop()


def test_every_key_always_expires() -> None:
    machine = settings(max_examples=25, stateful_step_count=25, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow])(Conversations)
    machine.TestCase().runTest()
