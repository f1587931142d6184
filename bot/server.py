"""Haven's own aiohttp server: the Telegram webhook, ``/healthz`` and ``/metrics``.

The webhook checks Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header in constant time
(``hmac.compare_digest``), answers 403 on a mismatch and logs nothing of the header. A body
that is not a valid update is acknowledged (200) so Telegram does not retry it forever, and
counted. The access log is off: request lines carry the webhook path and client addresses.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import json
import logging
import signal
from urllib.parse import urlparse

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.app import Haven, StaticData, load_static, offered_locales
from bot.channels.telegram import ALLOWED_UPDATES, build_application, register_commands
from bot.config import Settings
from bot.escalation.telegram import AdvocateDesk
from bot.metrics import Metrics

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


def webhook_path(settings: Settings) -> str | None:
    """The path part of ``WEBHOOK_URL`` that this server answers."""
    return urlparse(settings.webhook_url).path if settings.webhook_url else None


def make_web_app(haven: Haven, application: Application | None) -> web.Application:
    """Routes: webhook (when configured), health and metrics."""
    settings = haven.settings
    metrics: Metrics = haven.metrics
    app = web.Application(client_max_size=MAX_BODY)

    async def healthz(request: web.Request) -> web.Response:
        try:
            assert haven.redis is not None
            await asyncio.wait_for(haven.redis.ping(), timeout=2)
        except Exception as exc:
            return web.json_response({"status": "degraded", "redis": exc.__class__.__name__}, status=503)
        return web.json_response({"status": "ok"})

    async def metrics_view(request: web.Request) -> web.Response:
        return web.Response(text=metrics.render(), content_type="text/plain")

    async def webhook(request: web.Request) -> web.Response:
        expected = (settings.webhook_secret or "").encode()
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not expected or not hmac.compare_digest(given, expected):
            metrics.inc("webhook_forbidden")
            return web.Response(status=403)
        try:
            payload = await request.json(loads=json.loads)
            assert application is not None
            update = Update.de_json(payload, application.bot)
        except Exception as exc:
            metrics.inc("webhook_malformed")
            log.warning("webhook_malformed error=%s", exc.__class__.__name__)
            return web.Response(status=200)
        answer = application.bot_data["channel"].answer_in_response(update)
        await application.update_queue.put(update)
        return web.json_response(answer) if answer else web.Response(status=200)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    path = webhook_path(settings)
    if path and application is not None:
        app.router.add_post(path, webhook)
    return app


class Service:
    """Haven on Telegram: runtime, PTB application, HTTP server and the erase sweeper."""

    def __init__(self, settings: Settings, data: StaticData | None = None) -> None:
        self.settings = settings
        self.haven = Haven(settings, data or load_static(settings.data_dir))
        # The static data lives as long as the process: moved out of the collector's sight, it
        # is not scanned again by every full collection while updates are handled.
        gc.freeze()
        self.application: Application | None = None
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self.desk: AdvocateDesk | None = None
        self._desk_checks: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port the HTTP server is bound to (useful with ``PORT=0``)."""
        assert self._runner is not None
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        settings = self.settings
        haven = await self.haven.start()
        assert haven.runtime is not None and haven.wiper is not None
        use_webhook = bool(settings.webhook_url)
        assert haven.redis is not None
        self.desk = AdvocateDesk.build(settings, haven.runtime, haven.redis, haven.data.directory)
        application = build_application(settings, haven.runtime, webhook=use_webhook, wiper=haven.wiper, extensions=[self.desk])
        self.application = application
        await application.initialize()
        await application.start()
        await register_commands(
            application.bot, haven.runtime.catalogs, offered_locales(haven.data.catalogs, settings.locales_dir)[0]
        )
        if use_webhook:
            await application.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
        else:
            await application.bot.delete_webhook()
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        channel = application.bot_data["channel"]

        async def delete(address: str, ids: list[int]) -> bool:
            return await channel.delete(application.bot, int(address), ids)

        # Always on: it also removes the neutral line left after Exit, even with auto-erase off.
        self._sweeper = asyncio.create_task(haven.wiper.run(delete, haven.runtime.clock))
        if self.desk.desk is not None:
            self._desk_checks = asyncio.create_task(self.desk.run(application.bot))
            desk = self.desk

            async def close_case(sid: str) -> None:  # an auto-erased survivor's case ends too
                await desk.end_for_session(application.bot, sid)

            haven.wiper.before_wipe.append(close_case)
        self._runner = web.AppRunner(make_web_app(haven, application), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, settings.host, settings.port).start()
        log.info("serving mode=%s port=%d", "webhook" if use_webhook else "polling", self.port)

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        if self._desk_checks is not None:
            self._desk_checks.cancel()
            self._desk_checks = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        application = self.application
        if application is not None:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
            self.application = None
        await self.haven.stop()


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run Haven on Telegram until SIGINT/SIGTERM (or ``stop`` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    service = Service(settings)
    try:
        await service.start()
        await stop.wait()
    finally:
        await service.stop()
    return 0
