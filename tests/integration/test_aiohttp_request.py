"""``AiohttpRequest`` under the real python-telegram-bot, over real HTTP on 127.0.0.1.

Every test goes through ``telegram.Bot``, so PTB builds the requests and maps the answers to
its errors exactly as in production: the Bot API stand-in answers like Telegram (429, 400,
uploads, long polls), a socket that never answers stands for a stalled Telegram, and a closed
port for a refused connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable

import pytest
from aiohttp import web
from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram import build_application
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from tests.support.botapi import BotApiStandin

SURVIVOR = 5550001


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as api:
        api.user_message(SURVIVOR, "hello")  # the person wrote first: the bot may answer
        yield api


def bot_for(base: str, token: str, request: AiohttpRequest | None = None, updates: AiohttpRequest | None = None) -> Bot:
    return Bot(
        token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
        request=request or AiohttpRequest(connection_pool_size=8),
        get_updates_request=updates or AiohttpRequest(connection_pool_size=1),
    )


@pytest.fixture
async def bot(standin: BotApiStandin) -> AsyncIterator[Bot]:
    async with bot_for(standin.base_url.removesuffix("/bot"), standin.token) as tg:
        yield tg


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>``: accepts connections, reads, never answers."""
    writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on, so connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def full_text(error: BaseException) -> str:
    """Everything a log line with ``exc_info`` would print: message, repr, traceback, causes."""
    return f"{error}\n{error!r}\n" + "".join(traceback.format_exception(error))


# ------------------------------------------------------------------------ answers


async def test_send_message_round_trip_returns_the_new_message_id(bot: Bot, standin: BotApiStandin) -> None:
    first = await bot.send_message(SURVIVOR, "<b>Hello</b>, you are safe to write here", parse_mode=ParseMode.HTML)
    second = await bot.send_message(SURVIVOR, "Ünïcödé — 안녕 — مرحبا")
    assert second.message_id == first.message_id + 1
    assert [m.text for m in standin.visible(SURVIVOR)] == ["Hello, you are safe to write here", "Ünïcödé — 안녕 — مرحبا"]
    call = standin.calls_to("sendMessage")[0]
    assert call.params["parse_mode"] == "HTML" and call.params["chat_id"] == SURVIVOR  # form fields, typed


async def test_flood_control_becomes_retry_after_with_telegrams_wait(
    bot: Bot, standin: BotApiStandin, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    standin.fail_next("sendMessage", retry_after=17)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(SURVIVOR, "too soon")
    assert refused.value.retry_after == dtm.timedelta(seconds=17)
    await bot.send_message(SURVIVOR, "later")
    assert [c.status for c in standin.calls_to("sendMessage")] == [429, 200]


async def test_a_refusal_becomes_bad_request_with_telegrams_description(bot: Bot, standin: BotApiStandin) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities: unsupported start tag"):
        await bot.send_message(SURVIVOR, "<blink>no</blink>", parse_mode=ParseMode.HTML)
    assert [c.status for c in standin.calls_to("sendMessage")] == [400]


async def test_uploading_a_document_arrives_intact_as_multipart(bot: Bot, standin: BotApiStandin) -> None:
    content = bytes(range(256)) * 64 + b"\r\n--boundary-lookalike--\r\n"
    document = await bot.send_document(
        SURVIVOR, InputFile(content, filename="Schutzplan ü.pdf"), caption="Your <i>plan</i>", parse_mode=ParseMode.HTML,
    )
    assert document.document is not None and document.caption == "Your plan"
    call = standin.calls_to("sendDocument")[0]
    assert call.uploads["document"] == content
    assert call.params["document"] == {"upload": "Schutzplan ü.pdf", "size": len(content)}
    assert call.params["chat_id"] == SURVIVOR and call.params["parse_mode"] == "HTML"


async def test_a_file_name_with_a_line_break_cannot_add_headers_to_its_part(bot: Bot, standin: BotApiStandin) -> None:
    await bot.send_document(SURVIVOR, InputFile(b"x", filename='a"b\r\nContent-Type: text/html'))
    call = standin.calls_to("sendDocument")[0]
    assert call.uploads["document"] == b"x"
    assert call.params["document"]["upload"] == 'a"b%0D%0AContent-Type: text/html'


async def test_long_polling_waits_longer_than_the_default_read_timeout(standin: BotApiStandin) -> None:
    # PTB adds the getUpdates timeout to the read timeout, so a 0.3 s default still long-polls.
    updates = AiohttpRequest(connection_pool_size=1, read_timeout=0.3)
    async with bot_for(standin.base_url.removesuffix("/bot"), standin.token, updates=updates) as bot:
        pending = await bot.get_updates(timeout=0)
        waiting = asyncio.create_task(bot.get_updates(offset=pending[-1].update_id + 1, timeout=2))
        await asyncio.sleep(0.8)  # well past 0.3 s with nothing sent back
        standin.user_message(SURVIVOR, "are you there?")
        got = await asyncio.wait_for(waiting, 5)
    assert [u.message.text for u in got if u.message] == ["are you there?"]


# ------------------------------------------------------------------------ failures


# Bot.initialize would call getMe and fail first, so these call what Bot calls: request.post.


async def test_a_server_that_never_answers_times_out() -> None:
    async with silent_server() as base, AiohttpRequest(read_timeout=0.3) as request:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(TimedOut):
            await request.post(f"{base}/bot1:x/getMe")
        assert loop.time() - started < 2.5  # the read timeout, not aiohttp's five minutes
        started = loop.time()
        with pytest.raises(TimedOut):  # a per-call timeout wins over the default
            await request.post(f"{base}/bot1:x/getMe", read_timeout=0.1)
        assert loop.time() - started < 0.25


async def test_a_full_pool_times_out_waiting_for_a_connection() -> None:
    request = AiohttpRequest(connection_pool_size=1, read_timeout=3, pool_timeout=0.2)
    async with silent_server() as base, request:
        holding = asyncio.create_task(request.post(f"{base}/bot1:x/getMe"))
        await asyncio.sleep(0.1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(TimedOut, match="Pool timeout.*not sent"):
            await request.post(f"{base}/bot1:x/getMe")
        assert loop.time() - started < 1, "the pool timeout, not the connect or read timeout"
        assert not holding.done(), "the first request still holds the only connection"
        holding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holding


async def test_a_refused_connection_is_a_network_error() -> None:
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError, match="aiohttp.ClientConnectorError") as refused:
            await request.post(f"http://127.0.0.1:{closed_port()}/bot1:x/getMe")
    assert not isinstance(refused.value, TimedOut)


async def test_after_shutdown_requests_fail_until_initialized_again(standin: BotApiStandin) -> None:
    request = AiohttpRequest()
    bot = bot_for(standin.base_url.removesuffix("/bot"), standin.token, request)
    async with bot:
        await bot.send_message(SURVIVOR, "one")
    with pytest.raises(NetworkError, match="shut down"):
        await bot.send_message(SURVIVOR, "after shutdown")
    async with bot:
        await bot.send_message(SURVIVOR, "two")
    assert [m.text for m in standin.visible(SURVIVOR)] == ["one", "two"]


# ------------------------------------------------------------------------ the token


async def test_the_token_is_in_no_log_record_and_no_error(
    standin: BotApiStandin, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    caplog.set_level(logging.DEBUG)
    token = standin.token
    errors: list[BaseException] = []

    async def failing(call: Awaitable[object]) -> None:
        try:
            await call
        except TelegramError as error:
            errors.append(error)
        else:
            raise AssertionError("expected a failure")

    async with bot_for(standin.base_url.removesuffix("/bot"), token) as bot:
        await bot.send_message(SURVIVOR, "fine")
        await bot.send_document(SURVIVOR, InputFile(b"card", filename="card.txt"))
        await bot.get_updates(timeout=0)
        standin.fail_next("sendMessage", retry_after=3)
        await failing(bot.send_message(SURVIVOR, "429"))
        await failing(bot.send_message(SURVIVOR, "<x>", parse_mode=ParseMode.HTML))
        standin.fail_next("sendMessage", error_code=502, description="Bad Gateway")
        await failing(bot.send_message(SURVIVOR, "502"))
    slow = AiohttpRequest(connection_pool_size=1, read_timeout=0.3, pool_timeout=0.1)
    async with silent_server() as base, slow:
        await failing(slow.post(f"{base}/bot{token}/sendMessage"))
        holding = asyncio.create_task(slow.post(f"{base}/bot{token}/sendMessage", read_timeout=3))
        await asyncio.sleep(0.1)
        await failing(slow.post(f"{base}/bot{token}/sendMessage"))
        holding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holding
    async with AiohttpRequest() as refusing:
        await failing(refusing.post(f"http://127.0.0.1:{closed_port()}/bot{token}/sendMessage"))
    async with AiohttpRequest() as request:  # aiohttp's InvalidURL is the URL itself
        with pytest.raises(NetworkError) as malformed:
            await request.do_request(f"http://[::1/bot{token}/sendMessage", "POST")
    errors.append(malformed.value)

    assert {type(e) for e in errors} == {RetryAfter, BadRequest, NetworkError, TimedOut}
    for error in errors:
        assert token not in full_text(error) and token.split(":")[1] not in full_text(error)
    # PTB's Bot.__init__ logs its URLs at DEBUG (token included) before any request is made;
    # Haven's log formatter scrubs those. Everything else, from every logger, must be clean.
    records = [r for r in caplog.records if not r.getMessage().startswith(("Set Bot API URL", "Set Bot API File URL"))]
    logged = "\n".join(r.getMessage() for r in records) + "".join(
        full_text(r.exc_info[1]) for r in records if r.exc_info and r.exc_info[1]
    )
    assert token.split(":")[1] not in logged
    assert any("sendMessage" in r.getMessage() for r in caplog.records), "PTB's debug log was captured"


# ------------------------------------------------------------------------ wiring


async def test_havens_application_uses_aiohttp_for_every_bot_api_call(standin: BotApiStandin) -> None:
    class Endpoint:
        telegram_token = standin.token
        telegram_api_url = standin.base_url.removesuffix("/bot")

    application = build_application(Endpoint(), runtime=None)  # type: ignore[arg-type]  # no update is handled
    bot = application.bot
    assert isinstance(bot.request, AiohttpRequest)
    assert isinstance(bot._request[0], AiohttpRequest), "getUpdates too"  # no public getter for it


async def test_a_proxy_from_the_environment_carries_the_calls_unless_no_proxy_exempts_the_host(
    standin: BotApiStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def relay(request: web.Request) -> web.Response:  # a forward proxy that answers itself
        seen.append(request.url.host or "")
        if request.url.path.endswith("/getMe"):
            return web.json_response({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Haven"}})
        sent = {"message_id": 77, "date": 0, "chat": {"id": SURVIVOR, "type": "private"}}
        return web.json_response({"ok": True, "result": sent})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", relay)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = standin.base_url.removesuffix("/bot")
    try:
        for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        async with bot_for(base, standin.token) as tg:
            assert (await tg.send_message(SURVIVOR, "via the proxy")).message_id == 77
        assert seen and set(seen) == {"127.0.0.1"}
        through = len(seen)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with bot_for(base, standin.token) as tg:
            assert (await tg.send_message(SURVIVOR, "straight to the Bot API")).message_id != 77
        assert len(seen) == through, "an exempt host is reached directly"
    finally:
        await runner.cleanup()
