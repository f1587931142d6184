"""Running Haven's real Telegram service against the Bot API stand-in, for several test modules."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import StaticData
from bot.config import load_settings
from bot.server import Service
from tests.support.botapi import BotApiStandin

SECRET_KEY = "test-secret-key-0123456789abcdefghijklmnop"
WEBHOOK_SECRET = "webhook-secret_0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings_for(api: BotApiStandin, redis_url: str, **extra: str):
    env = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
        "HAVEN_SECRET_KEY": SECRET_KEY,
        "REDIS_URL": redis_url,
        "HOST": "127.0.0.1",
        "PORT": "0",
        **extra,
    }
    return load_settings(env, need_telegram=True)


@asynccontextmanager
async def running(api: BotApiStandin, static: StaticData, redis_url: str, **extra: str) -> AsyncIterator[Service]:
    service = Service(settings_for(api, redis_url, **extra), static)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()
