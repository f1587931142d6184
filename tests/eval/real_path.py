"""Benchmark of the real Telegram path: JSON update -> PTB -> Haven -> Redis -> HTTP Bot API.

Why it exists: ``tests.eval.benchmark`` calls Haven's runtime directly, without
python-telegram-bot, the webhook server or any HTTP to the Bot API, and so reports about ten
times the rate a real deployment reaches. This one drives the production objects end to end
against the loopback Bot API stand-in (``tests.support.botapi.BotApiStandin``, a real aiohttp
server on 127.0.0.1) and a private real ``redis-server``, and puts peers next to Haven in the
same run:

* ``haven``      Haven's production ``Service`` (``bot.server``: the PTB Application from
                 ``build_application``), fed ``Update.de_json`` objects through
                 ``application.process_update`` in its own process;
* ``workers``    ``haven run`` webhook workers (1, then 2 on one Redis), fed by HTTP POSTs with
                 the secret header, round-robin across the workers;
* ``floor``      a stateless PTB bot making exactly the Bot API calls Haven made (same texts and
                 keyboards), with Haven's aiohttp request class and with PTB's default httpx one;
* ``aiogram``    aiogram 3 with ``RedisStorage`` (its FSM) making the same calls, fed through
                 ``dp.feed_update`` (skipped with one line when aiogram is not installed).

Workload: per user ``/start`` -> "Know my rights" -> a situation -> a country (the flow asks for
one before any card) -> "Next" card -> "Back" -> a free-text message: 7 updates. The button data
and the calls each step makes are recorded once from Haven (calibration), then replayed for every
user and every stack. Users are fed one after another ("seq") and 32 at a time ("conc"), each
user's updates in order: the next update is sent when the previous one's Bot API calls are done.

How to read the numbers: every in-process stack runs in a fresh child process (start-up is
excluded from time and CPU; peak RSS is the child's whole life). ``cpu ms/upd`` is the bot
process's CPU (workers: all workers, from /proc) divided by updates; the stand-in and the load
generator run in the parent and are not counted. ``redis rt/upd`` counts round trips seen by the
server (``total_reads_processed``: one read event per request or pipeline), ``cmds/upd`` the
commands (a pipeline of 3 is 3 commands, 1 round trip); in-process stacks also count client-side
round trips (``send_packed_command`` calls). Webhook latency ends when the stand-in has received
the update's last Bot API call, so it includes one loopback hop more than in-process latency.
The machine is shared and noisy: compare the ratios printed at the end, within one run, not
absolute figures across runs.

Run: ``.venv/bin/python -m tests.eval.real_path`` (``--quick`` for 20 users, ``--stacks`` to
choose).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from bot.redis_server import PrivateRedis
from tests.support.botapi import BotApiStandin

Json = dict[str, Any]
Feed = Callable[[Json], Awaitable[None]]

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-0123456789abcdefghijklmnop"
WEBHOOK_SECRET = "bench-webhook-secret_0123456789"
PUBLIC_HOOK = "https://haven.bench.test/telegram/hook"  # the stand-in only accepts https webhooks
CAL_CHAT = 7770000001  # calibration chat; replaced by each user's chat id in the templates
CHAT_BASE = 1_000_000_000
STEPS: tuple[tuple[str, str], ...] = (
    ("text", "/start"),
    ("press", "Know my rights"),
    ("press", "Forced work or my papers taken"),
    ("press", "United Kingdom"),
    ("press", "Next"),
    ("press", "Back"),
    ("text", "he took my passport and i cant leave"),
)
REPLAYED = ("sendMessage", "editMessageText", "answerCallbackQuery")
START_UP_METHODS = frozenset({"getMe", "setWebhook", "deleteWebhook", "setMyCommands", "getWebhookInfo", "getUpdates"})
CLK_TCK = os.sysconf("SC_CLK_TCK")
WAIT_SECONDS = 5.0  # an update whose calls have not all arrived by then counts as an error


# --------------------------------------------------------------------------- shared helpers


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_kb(pid: int | str = "self") -> int:
    """VmHWM (peak resident set) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def updates_for(plan: Json, chat: int) -> list[Json]:
    """One user's updates: the calibration templates with this user's chat and unique ids."""
    updates = []
    for index, step in enumerate(plan["steps"]):
        update = json.loads(step["update"].replace(str(CAL_CHAT), str(chat)))
        update["update_id"] = chat * 10 + index
        if "callback_query" in update:
            update["callback_query"]["id"] = f"{chat}:{index}"
        updates.append(update)
    return updates


def chats(first: int, users: int) -> list[int]:
    return [first + n for n in range(users)]


async def drive(users: list[list[Json]], concurrency: int, feed: Feed) -> tuple[float, list[float], int]:
    """Feed each user's updates in order, ``concurrency`` users at a time; (wall s, latencies ms, errors)."""
    latencies: list[float] = []
    errors = 0
    queue: Iterator[list[Json]] = iter(users)

    async def one_at_a_time() -> None:
        nonlocal errors
        for updates in queue:
            for update in updates:
                began = time.perf_counter()
                try:
                    await feed(update)
                except Exception as exc:
                    errors += 1
                    print(f"update failed: {exc.__class__.__name__}: {exc}"[:200], file=sys.stderr)
                latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(one_at_a_time() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies, errors


class ErrorCount(logging.Handler):
    """Counts ERROR records (PTB's error handler and Haven log handler failures there)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def count_redis_round_trips() -> list[int]:
    """Count client-side Redis round trips: every request or pipeline is one send_packed_command."""
    from redis.asyncio.connection import AbstractConnection

    counter = [0]
    original = AbstractConnection.send_packed_command

    async def counted(self: AbstractConnection, *args: Any, **kwargs: Any) -> None:
        counter[0] += 1
        await original(self, *args, **kwargs)

    AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]
    return counter


def haven_env(plan: Json, port: int) -> dict[str, str]:
    """The environment of a production ``haven run`` webhook worker, pointed at the stand-in."""
    return {
        "TELEGRAM_BOT_TOKEN": plan["token"],
        "TELEGRAM_API_URL": plan["api_url"],
        "HAVEN_SECRET_KEY": SECRET_KEY,
        "REDIS_URL": plan["redis_url"],
        "WEBHOOK_URL": PUBLIC_HOOK,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "HAVEN_DATA_DIR": os.environ.get("HAVEN_DATA_DIR", str(ROOT)),
    }


# --------------------------------------------------------------------------- child: in-process stacks


def step_key(update: Json) -> str:
    query = update.get("callback_query")
    return f"c:{query['data']}" if query else f"m:{update['message']['text']}"


async def haven_stack(plan: Json) -> tuple[Feed, Callable[[], Awaitable[None]]]:
    from bot import logs
    from bot.config import load_settings
    from bot.server import Service
    from telegram import Update

    settings = load_settings(haven_env(plan, 0), need_telegram=True)
    logs.configure(settings.log_level, settings.secrets)  # as `haven run` does
    service = Service(settings)
    await service.start()
    application = service.application
    assert application is not None

    async def feed(payload: Json) -> None:
        await application.process_update(Update.de_json(payload, application.bot))

    return feed, service.stop


async def floor_stack(plan: Json, request_class: str) -> tuple[Feed, Callable[[], Awaitable[None]]]:
    """A stateless PTB bot that makes the calls Haven made for the same update."""
    from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
    from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

    calls_by_key = {step_key(json.loads(step["update"])): step["calls"] for step in plan["steps"]}
    builder = ApplicationBuilder().token(plan["token"]).updater(None).concurrent_updates(64)
    builder = builder.base_url(f"{plan['api_url']}/bot").base_file_url(f"{plan['api_url']}/file/bot")
    if request_class == "aiohttp":
        from bot.channels.aiohttp_request import AiohttpRequest

        builder = builder.request(AiohttpRequest(connection_pool_size=64))
    else:
        builder = builder.connection_pool_size(64)
    application = builder.build()

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot = context.bot
        query = update.callback_query
        chat_id = update.effective_chat.id if update.effective_chat else 0
        key = f"c:{query.data}" if query else f"m:{update.message.text if update.message else ''}"
        for call in calls_by_key[key]:
            params = call["params"]
            markup = InlineKeyboardMarkup.de_json(params["reply_markup"], bot) if "reply_markup" in params else None
            raw_preview = params.get("link_preview_options")
            preview = LinkPreviewOptions.de_json(raw_preview, bot) if raw_preview else None
            if call["method"] == "answerCallbackQuery":
                assert query is not None
                await query.answer()
            elif call["method"] == "editMessageText":
                assert query is not None and query.message is not None
                await bot.edit_message_text(
                    params["text"],
                    chat_id=chat_id,
                    message_id=query.message.message_id,
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    link_preview_options=preview,
                )
            else:
                await bot.send_message(
                    chat_id,
                    params["text"],
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    link_preview_options=preview,
                )

    application.add_handler(TypeHandler(Update, handle))
    await application.initialize()
    await application.start()

    async def feed(payload: Json) -> None:
        await application.process_update(Update.de_json(payload, application.bot))

    async def stop() -> None:
        await application.stop()
        await application.shutdown()

    return feed, stop


async def aiogram_stack(plan: Json) -> tuple[Feed, Callable[[], Awaitable[None]]]:
    """aiogram 3 with its Redis FSM: the state is the step reached, the data what was chosen."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.storage.redis import RedisStorage
    from aiogram.types import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update

    steps = plan["steps"]
    bot = Bot(plan["token"], session=AiohttpSession(api=TelegramAPIServer.from_base(plan["api_url"])))
    storage = RedisStorage.from_url(plan["redis_url"])
    dp = Dispatcher(storage=storage)

    async def answer(chat_id: int, step: int, state: FSMContext, query: CallbackQuery | None, pressed: int) -> None:
        for call in steps[step]["calls"]:
            params = call["params"]
            markup = InlineKeyboardMarkup.model_validate(params["reply_markup"]) if "reply_markup" in params else None
            raw_preview = params.get("link_preview_options")
            preview = LinkPreviewOptions.model_validate(raw_preview) if raw_preview else None
            if call["method"] == "answerCallbackQuery":
                assert query is not None
                await query.answer()
                await state.set_state(str(step))  # Haven saves its session before replying
                await state.set_data({"step": step, "last": query.data})
            elif call["method"] == "editMessageText":
                await bot.edit_message_text(
                    text=params["text"],
                    chat_id=chat_id,
                    message_id=pressed,
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    link_preview_options=preview,
                )
            else:
                await bot.send_message(
                    chat_id,
                    params["text"],
                    parse_mode=params.get("parse_mode"),
                    reply_markup=markup,
                    link_preview_options=preview,
                )

    @dp.message()
    async def on_message(message: Message, state: FSMContext, raw_state: str | None) -> None:
        step = 0 if (message.text or "").startswith("/start") else int(raw_state or "-1") + 1
        await state.set_state(str(step))
        await state.set_data({"step": step, "last": "text"})
        await answer(message.chat.id, step, state, None, 0)

    @dp.callback_query()
    async def on_press(query: CallbackQuery, state: FSMContext, raw_state: str | None) -> None:
        step = int(raw_state or "-1") + 1
        assert isinstance(query.message, Message)
        await answer(query.message.chat.id, step, state, query, query.message.message_id)

    async def feed(payload: Json) -> None:
        await dp.feed_update(bot, Update.model_validate(payload, context={"bot": bot}))

    async def stop() -> None:
        await bot.session.close()
        await storage.close()

    return feed, stop


async def child(kind: str, plan_path: Path, mode: str, first: int, users: int, concurrency: int) -> None:
    """One in-process stack in this fresh process: READY, wait for GO, feed, print RESULT."""
    plan = json.loads(plan_path.read_text())
    logging.basicConfig(level=logging.WARNING)  # to this child's log file (Haven installs its own)
    round_trips = count_redis_round_trips()
    errors = ErrorCount()
    if kind == "haven":
        feed, stop = await haven_stack(plan)
    elif kind == "aiogram":
        feed, stop = await aiogram_stack(plan)
    else:
        feed, stop = await floor_stack(plan, kind.removeprefix("floor-"))
    logging.getLogger().addHandler(errors)
    users_updates = [updates_for(plan, chat) for chat in chats(first, users)]
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    trips_before, cpu_before = round_trips[0], time.process_time()
    wall, latencies, failed = await drive(users_updates, 1 if mode == "seq" else concurrency, feed)
    cpu = time.process_time() - cpu_before
    result = {
        "wall": wall,
        "latencies": latencies,
        "errors": failed + errors.count,
        "cpu": cpu,
        "rss_kb": peak_rss_kb(),
        "client_rt": round_trips[0] - trips_before,
    }
    print("RESULT " + json.dumps(result), flush=True)
    await stop()


# --------------------------------------------------------------------------- parent: stand-in, Redis, runs


class CountingStandin(BotApiStandin):
    """The stand-in, plus per-chat call counts so the parent knows when a webhook update is done."""

    def __init__(self) -> None:
        super().__init__()
        self.per_chat: defaultdict[int, int] = defaultdict(int)
        self._waiters: dict[int, tuple[int, asyncio.Future[None]]] = {}
        for name, (method, handler) in list(self._methods.items()):
            self._methods[name] = (method, self._counted(method, handler))

    def _counted(self, method: str, handler: Callable[[Json], Any]) -> Callable[[Json], Any]:
        if method not in REPLAYED:
            return handler

        def counted(params: Json) -> Any:
            try:
                return handler(params)
            finally:
                chat_ref = params.get("chat_id") or str(params.get("callback_query_id", "")).split(":")[0]
                with contextlib.suppress(ValueError):
                    self._arrived(int(chat_ref))

        return counted

    def _arrived(self, chat: int) -> None:
        self.per_chat[chat] += 1
        waiter = self._waiters.get(chat)
        if waiter is not None and self.per_chat[chat] >= waiter[0] and not waiter[1].done():
            waiter[1].set_result(None)

    async def until(self, chat: int, count: int) -> None:
        if self.per_chat[chat] >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat] = (count, future)
        try:
            await asyncio.wait_for(future, WAIT_SECONDS)
        except TimeoutError:
            raise TimeoutError(f"chat {chat}: {self.per_chat[chat]} of {count} Bot API calls") from None
        finally:
            self._waiters.pop(chat, None)

    def register(self, plan: Json, chat_ids: list[int]) -> None:
        """Make each chat known (the user wrote /start) and open its button presses' queries."""
        for chat in chat_ids:
            self.user_message(chat, "/start")
            for index, step in enumerate(plan["steps"]):
                if "callback_query" in json.loads(step["update"]):
                    self._open_queries.add(f"{chat}:{index}")
        self._updates.clear()


@dataclass
class Row:
    stack: str
    mode: str
    updates: int = 0
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0
    rss_kb: int = 0
    api_calls: int = 0
    api_http: int = 0  # of which the bot made over HTTP (not in a webhook response)
    api_errors: int = 0
    errors: int = 0
    commands: int = 0
    server_rt: int = 0
    client_rt: int | None = None

    @property
    def rate(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    def per(self, value: float) -> float:
        return value / self.updates if self.updates else 0.0


class Bench:
    def __init__(self, users: int, concurrency: int, workdir: Path) -> None:
        self.users = users
        self.concurrency = concurrency
        self.workdir = workdir
        self.redis = PrivateRedis()
        self.api = CountingStandin()
        self.processes: list[subprocess.Popen[bytes] | asyncio.subprocess.Process] = []
        self.plan: Json = {}
        self.rows: list[Row] = []
        self._phase = 0
        self._redis_client: Any = None

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Bench:
        from redis.asyncio import Redis

        self.redis.start()
        await self.api.start()
        self._redis_client = Redis.from_url(self.redis.url)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                if process.returncode is None:
                    process.kill()
        for process in self.processes:
            with contextlib.suppress(Exception):
                result = process.wait()
                if asyncio.iscoroutine(result):
                    await asyncio.wait_for(result, 5)
        if self._redis_client is not None:
            await self._redis_client.aclose()
        await self.api.stop()
        self.redis.stop()

    # ----------------------------------------------------------------- calibration

    async def calibrate(self) -> None:
        """Run the conversation once through Haven with the stand-in's own helpers (real button
        data, checked against what the person sees) and record each update and its calls."""
        from bot.config import load_settings
        from bot.server import Service
        from telegram import Update

        self.plan = {"token": self.api.token, "api_url": self.api.base_url.removesuffix("/bot"), "redis_url": self.redis.url}
        service = Service(load_settings(haven_env(self.plan, 0), need_telegram=True))
        await service.start()
        application = service.application
        assert application is not None
        steps = []
        try:
            for kind, what in STEPS:
                if kind == "text":
                    update = self.api.user_message(CAL_CHAT, what)
                else:
                    message = self.api.visible(CAL_CHAT)[-1]
                    labels = {label: data for row in message.buttons for label, data in row}
                    if what not in labels:
                        raise SystemExit(f"calibration: no button {what!r} on {message.text[:60]!r}: {sorted(labels)}")
                    update = self.api.press(CAL_CHAT, message.message_id, str(labels[what]))
                self.api._updates.clear()
                first = len(self.api.calls)
                await application.process_update(Update.de_json(update, application.bot))
                calls = [c for c in self.api.calls[first:] if c.method not in START_UP_METHODS]
                bad = [f"{c.method}:{c.status}" for c in calls if c.status != 200 or c.method not in REPLAYED]
                if bad or not calls:
                    raise SystemExit(f"calibration: step {what!r} made calls {bad or 'none'}")
                steps.append(
                    {
                        "update": json.dumps(update),
                        "calls": [{"method": c.method, "params": c.params} for c in calls],
                    }
                )
        finally:
            await service.stop()
        keys = [step_key(json.loads(step["update"])) for step in steps]
        assert len(set(keys)) == len(keys), f"two steps share button data: {keys}"
        self.plan["steps"] = steps
        self.plan["expected"] = [len(step["calls"]) for step in steps]
        (self.workdir / "plan.json").write_text(json.dumps(self.plan))

    # ----------------------------------------------------------------- measuring

    async def _snapshot(self) -> tuple[int, int, int]:
        info = await self._redis_client.info("stats")
        return len(self.api.calls), int(info["total_commands_processed"]), int(info.get("total_reads_processed", 0))

    def _new_chats(self) -> list[int]:
        self._phase += 1
        chat_ids = chats(CHAT_BASE + self._phase * 1_000_000, self.users)
        self.api.register(self.plan, chat_ids)
        return chat_ids

    async def _finish(self, row: Row, before: tuple[int, int, int]) -> None:
        calls_at, commands, reads = before
        now_calls, now_commands, now_reads = await self._snapshot()
        calls = [c for c in self.api.calls[calls_at:now_calls] if c.method not in START_UP_METHODS]
        row.api_calls = len(calls)
        row.api_http = sum(1 for c in calls if not c.in_webhook_response)
        failed = [c for c in calls if c.status != 200]
        row.api_errors = len(failed)
        for call in failed[:3]:
            print(f"  Bot API refused {call.method} ({call.status}): {json.dumps(call.params)[:160]}", file=sys.stderr)
        row.commands = now_commands - commands - 1  # the INFO that took the snapshot
        row.server_rt = now_reads - reads - 1
        self.rows.append(row)
        print(
            f"  {row.stack:<16} {row.mode:<5} {row.rate:8.0f} upd/s  p50 {percentile(row.latencies, 0.5):6.1f} ms  "
            f"cpu {row.per(row.cpu) * 1000:5.2f} ms/upd  errors {row.errors + row.api_errors}",
            flush=True,
        )

    async def in_process(self, kind: str, mode: str) -> None:
        await self._redis_client.flushall()
        chat_ids = self._new_chats()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.eval.real_path",
            "--child",
            kind,
            "--plan",
            str(self.workdir / "plan.json"),
            "--mode",
            mode,
            "--first-chat",
            str(chat_ids[0]),
            "--users",
            str(self.users),
            "--concurrency",
            str(self.concurrency),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=(self.workdir / f"{kind}-{mode}.log").open("wb"),
        )
        self.processes.append(process)
        assert process.stdin is not None and process.stdout is not None
        await asyncio.wait_for(self._line(process, "READY"), 120)
        before = await self._snapshot()
        process.stdin.write(b"GO\n")
        await process.stdin.drain()
        result = json.loads((await self._line(process, "RESULT ")).removeprefix("RESULT "))
        await asyncio.wait_for(process.wait(), 30)
        row = Row(
            kind,
            mode,
            updates=len(result["latencies"]),
            wall=result["wall"],
            latencies=result["latencies"],
            cpu=result["cpu"],
            rss_kb=result["rss_kb"],
            errors=result["errors"],
            client_rt=result["client_rt"],
        )
        await self._finish(row, before)

    async def _line(self, process: asyncio.subprocess.Process, prefix: str) -> str:
        assert process.stdout is not None
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise RuntimeError(f"child exited before {prefix.strip()} (see {self.workdir}/*.log)")
            if line.startswith(prefix):
                return line.strip()

    async def workers(self, count: int, mode: str) -> None:
        """``haven run`` webhook workers, started as in production, fed by HTTP POSTs."""
        from tests.integration.telegram_harness import free_port

        await self._redis_client.flushall()
        chat_ids = self._new_chats()
        haven = Path(sys.executable).parent / "haven"
        command = [str(haven), "run"] if haven.exists() else [sys.executable, "-m", "bot", "run"]
        ports = [free_port() for _ in range(count)]
        started = []
        for index, port in enumerate(ports):
            log = (self.workdir / f"worker{count}-{index}-{mode}.log").open("wb")
            env = {**os.environ, **haven_env(self.plan, port)}
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            self.processes.append(process)
            started.append(process)
        urls = [f"http://127.0.0.1:{port}/telegram/hook" for port in ports]
        expected = [sum(self.plan["expected"][: i + 1]) for i in range(len(STEPS))]
        connector = aiohttp.TCPConnector(limit=self.concurrency * 2)
        async with aiohttp.ClientSession(connector=connector) as session:
            for process, port in zip(started, ports, strict=True):
                await self._healthy(session, process, port)
            turn = 0

            async def feed(update: Json) -> None:
                nonlocal turn
                url = urls[turn % len(urls)]
                turn += 1
                query = update.get("callback_query")
                chat = (query["message"] if query else update["message"])["chat"]["id"]
                step = update["update_id"] - chat * 10
                headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                async with session.post(url, json=update, headers=headers) as response:
                    body = await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"webhook answered {response.status}")
                    if body and response.content_type == "application/json":
                        self.api.carry_out(body)
                await self.api.until(chat, expected[step])

            users_updates = [updates_for(self.plan, chat) for chat in chat_ids]
            before = await self._snapshot()
            cpu_before = sum(cpu_seconds(p.pid) for p in started)
            wall, latencies, errors = await drive(users_updates, 1 if mode == "seq" else self.concurrency, feed)
            await asyncio.sleep(0.2)  # the last trace writes to Redis follow the last Bot API call
            cpu = sum(cpu_seconds(p.pid) for p in started) - cpu_before
            rss = max(peak_rss_kb(p.pid) for p in started)
            row = Row(
                f"workers x{count}",
                mode,
                updates=len(latencies),
                wall=wall,
                latencies=latencies,
                cpu=cpu,
                rss_kb=rss,
                errors=errors,
            )
            await self._finish(row, before)
        for process in started:
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                await asyncio.to_thread(process.wait, 10)
            except subprocess.TimeoutExpired:
                process.kill()
        logs = "".join((self.workdir / f"worker{count}-{i}-{mode}.log").read_text() for i in range(count))
        row.errors += sum(1 for line in logs.splitlines() if "handler_error" in line or "Traceback" in line)

    async def _healthy(self, session: aiohttp.ClientSession, process: subprocess.Popen[bytes], port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"haven run exited with {process.returncode} (see {self.workdir})")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise RuntimeError("haven run did not become healthy within 60 s")


# --------------------------------------------------------------------------- report


def report(rows: list[Row], users: int, concurrency: int) -> None:
    print(f"\n{users} users x {len(STEPS)} updates; conc = {concurrency} users at a time\n")
    header = (
        f"{'stack':<16} {'mode':<5} {'upd/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms/upd':>10} "
        f"{'redis rt/upd':>12} {'cmds/upd':>8} {'client rt':>9} {'api/upd':>7} {'http/upd':>8} {'errors':>6} {'peak RSS MB':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        client = f"{r.per(r.client_rt):9.2f}" if r.client_rt is not None else f"{'-':>9}"
        print(
            f"{r.stack:<16} {r.mode:<5} {r.rate:7.0f} {percentile(r.latencies, 0.5):7.1f} "
            f"{percentile(r.latencies, 0.99):7.1f} {r.per(r.cpu) * 1000:10.2f} {r.per(r.server_rt):12.2f} "
            f"{r.per(r.commands):8.2f} {client} {r.per(r.api_calls):7.2f} {r.per(r.api_http):8.2f} {r.errors + r.api_errors:6d} "
            f"{r.rss_kb / 1024:11.0f}"
        )
    found = {(r.stack, r.mode): r for r in rows}
    print()
    for mode in ("seq", "conc"):
        haven, peer = found.get(("haven", mode)), found.get(("aiogram", mode))
        if haven and peer and peer.rate and haven.cpu:
            print(
                f"Haven/aiogram {mode}: updates/s {haven.rate / peer.rate:.2f}x, "
                f"CPU per update {haven.per(haven.cpu) / peer.per(peer.cpu):.2f}x"
            )
        floor = found.get(("floor-aiohttp", mode))
        if haven and floor and floor.rate:
            print(f"Haven/floor (same request class) {mode}: updates/s {haven.rate / floor.rate:.2f}x")
    one, two = found.get(("workers x1", "conc")), found.get(("workers x2", "conc"))
    if one and two and one.rate:
        print(f"2 workers/1 worker conc: updates/s {two.rate / one.rate:.2f}x")


async def run(users: int, concurrency: int, stacks: list[str]) -> list[Row]:
    """The whole benchmark in one run; returns the rows (the smoke test reads them)."""
    workdir = tempfile.mkdtemp(prefix="haven-real-path-")  # child and worker logs
    try:
        async with Bench(users, concurrency, Path(workdir)) as bench:
            await bench.calibrate()
            print(f"calibrated: Bot API calls per step {bench.plan['expected']}", flush=True)
            if "haven" in stacks:
                for mode in ("seq", "conc"):
                    await bench.in_process("haven", mode)
            if "workers" in stacks:
                await bench.workers(1, "seq")
                await bench.workers(1, "conc")
                await bench.workers(2, "conc")
            if "floor" in stacks:
                for request in ("floor-aiohttp", "floor-httpx"):
                    for mode in ("seq", "conc"):
                        await bench.in_process(request, mode)
            if "aiogram" in stacks:
                try:
                    import aiogram  # noqa: F401
                except ImportError:
                    print("aiogram not installed: pip install aiogram to compare")
                else:
                    for mode in ("seq", "conc"):
                        await bench.in_process("aiogram", mode)
            return bench.rows
    finally:
        if not os.environ.get("REAL_PATH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.eval.real_path", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="20 users: a smoke run")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--stacks", default="haven,workers,floor,aiogram", help="comma-separated subset")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="seq", help=argparse.SUPPRESS)
    parser.add_argument("--first-chat", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    users = 20 if args.quick else args.users
    if args.child:
        asyncio.run(child(args.child, args.plan, args.mode, args.first_chat, users, args.concurrency))
        return 0
    logging.basicConfig(level=logging.WARNING)
    try:
        rows = asyncio.run(run(users, args.concurrency, args.stacks.split(",")))
    except KeyboardInterrupt:
        print("interrupted; subprocesses and Redis stopped", file=sys.stderr)
        return 130
    report(rows, users, args.concurrency)
    return 1 if any(r.errors or r.api_errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
