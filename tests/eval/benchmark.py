"""Haven's performance budget, measured (DESIGN.md "Performance budget").

Run from the repository root:

    .venv/bin/python -m tests.eval.benchmark

Figures are printed with the ratio to their budget, from one run on this machine; shared
machines are noisy, so compare ratios within one run rather than absolute numbers across runs.
Telegram is not involved: updates go straight to the runtime (the "stubbed Telegram" of the
budget), which talks to a real private redis-server over a unix socket.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import load_static
from bot.engine import Event, Session, step
from bot.metrics import Metrics
from bot.redis_server import PrivateRedis
from bot.runtime import Context, Runtime
from bot.sealing import AddressBox
from bot.store import SessionStore, encode_session
from redis.asyncio import BlockingConnectionPool, Redis

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = [
    Event("start", lang_hint="es"),
    Event("button", data="main.menu|help"),
    Event("text", text="Deutschland"),
    Event("button", data="help.need|talk_now"),
    Event("button", data="~back"),
    Event("text", text="something I typed"),
    Event("button", data="~home"),
    Event("button", data="main.menu|rights"),
]


def measure_startup() -> float:
    started = time.perf_counter()
    load_static(ROOT)
    return time.perf_counter() - started


def measure_step(static, rounds: int = 2000) -> float:
    ctx = Context(
        static.catalogs, datetime(2026, 11, 21, 12, tzinfo=UTC), static.catalogs.shipped, static.detector, static.understanding
    )
    started = time.perf_counter()
    for _ in range(rounds):
        session = Session()
        for event in SCRIPT:
            session = step(static.flows, static.views, session, event, ctx).session
    return (time.perf_counter() - started) / (rounds * len(SCRIPT))


async def _drive(url: str, worker: int, conversations: int, static) -> int:
    redis = Redis.from_pool(BlockingConnectionPool.from_url(url, max_connections=64, timeout=30))
    runtime = Runtime(
        static.flows,
        static.views,
        static.catalogs,
        SessionStore(redis, b"b" * 32, 1800, 1800),
        Metrics(),
        AddressBox(b"a" * 32),
        flood_limit=10_000,
        detector=static.detector,
        understanding=static.understanding,
    )

    async def one(n: int) -> int:
        sid = runtime.session_id("bench", f"{worker}-{n}")
        for number, event in enumerate(SCRIPT):
            await runtime.handle(sid, event, message_ids=[number], address=str(n))
        return len(SCRIPT)

    done = sum(await asyncio.gather(*(one(n) for n in range(conversations))))
    await redis.aclose()
    return done


def _worker(args: tuple[str, int, int, multiprocessing.Queue[float]]) -> None:
    url, worker, conversations, queue = args
    static = load_static(ROOT)
    started = time.perf_counter()
    done = asyncio.run(_drive(url, worker, conversations, static))
    queue.put(done / (time.perf_counter() - started))


def measure_throughput(url: str, workers: int, conversations: int = 300) -> float:
    """Updates per second across ``workers`` processes sharing one Redis."""
    queue: multiprocessing.Queue[float] = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=_worker, args=((url, w, conversations, queue),)) for w in range(workers)]
    for process in processes:
        process.start()
    rates = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    return sum(rates)


def main() -> None:
    startup = measure_startup()
    static = load_static(ROOT)
    per_step = measure_step(static)
    full = Session(
        node="rights.cards",
        lang="zh_Hans",
        lang_source="choice",
        values={"country": "GB", "situation": "trafficking", "need": "safe_place", "card": "3", "discreet": "1"},
        history=[f"flow{i}.node_with_a_long_name_{i}" for i in range(12)],
    )
    size = len(encode_session(full, 99).encode())
    with PrivateRedis() as server:
        one = measure_throughput(server.url, 1)
        two = measure_throughput(server.url, 2)
    rows = (
        ("start-up (flows, catalogs, directory, rights, detectors)", f"{startup * 1000:.0f} ms = {startup:.2f} x the 1 s budget"),
        (f"engine step (mean of {len(SCRIPT)} events)", f"{per_step * 1e6:.0f} us = {per_step * 1000:.2f} x the 1 ms budget"),
        ("largest session in Redis", f"{size} B   = {size / 1024:.2f} x the 1 KB budget"),
        ("updates/s, 1 worker process, real Redis, no Telegram", f"{one:.0f}"),
        ("updates/s, 2 worker processes sharing that Redis", f"{two:.0f}  = {two / one:.2f} x one worker (2 cores)"),
    )
    for label, figure in rows:
        print(f"{label + ':':56} {figure}")

if __name__ == "__main__":
    main()
