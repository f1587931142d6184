"""Settings from environment variables, validated once at start-up.

Every variable is documented in README.md. A misconfiguration is reported as one clear line
and the process exits with status 2 (see ``bot.cli``), before anything is started.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.escalation.config import AdvocateConfigError, DeskConfig, load_desk

_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
_BOT_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the variable."""


def _default_data_dir() -> Path:
    source_root = Path(__file__).resolve().parents[1]
    return source_root if (source_root / "flows").is_dir() else Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Haven's configuration. Secrets are kept out of ``repr`` so they never reach a log."""

    telegram_token: str | None
    telegram_api_url: str
    webhook_url: str | None
    webhook_secret: str | None
    host: str
    port: int
    redis_url: str | None
    secret_key: bytes
    secret_is_ephemeral: bool
    session_ttl: int
    auto_erase: int | None
    flood_limit: int
    log_level: str
    data_dir: Path
    desk: DeskConfig | None = None  # the advocates' desk (ADVOCATES_FILE); None: no hand-off

    def __repr__(self) -> str:
        return (
            f"Settings(telegram={'set' if self.telegram_token else 'unset'}, api={self.telegram_api_url}, "
            f"webhook={'on' if self.webhook_url else 'off'}, redis={'external' if self.redis_url else 'private'}, "
            f"session_ttl={self.session_ttl}, data_dir={self.data_dir})"
        )

    @property
    def flows_dir(self) -> Path:
        return self.data_dir / "flows"

    @property
    def locales_dir(self) -> Path:
        return self.data_dir / "locales"

    def derived_key(self, purpose: str) -> bytes:
        """A separate 32-byte key per purpose (session ids, address encryption ...)."""
        return hmac.new(self.secret_key, f"haven:{purpose}".encode(), hashlib.sha256).digest()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear in a log line (the log filter scrubs them)."""
        return tuple(s for s in (self.telegram_token, self.webhook_secret) if s)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def load_settings(env: Mapping[str, str] | None = None, *, need_telegram: bool = False, demo: bool = False) -> Settings:
    """Read and check every setting.

    ``need_telegram`` is true for ``run``; ``demo`` (the terminal chat) may generate a
    throw-away secret key, production may not.
    """
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if need_telegram and not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather and set its token)")
    if token and not _BOT_TOKEN.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters)")

    api_url = env.get("TELEGRAM_API_URL", "").strip().rstrip("/") or "https://api.telegram.org"
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"TELEGRAM_API_URL must be an http(s) URL, got {api_url!r}")

    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("WEBHOOK_SECRET", "").strip() or None
    if webhook_url:
        hook = urlparse(webhook_url)
        if hook.scheme != "https" and hook.hostname not in ("127.0.0.1", "localhost"):
            raise ConfigError("WEBHOOK_URL must be an https URL (Telegram only calls https webhooks)")
        if not hook.path or hook.path == "/":
            raise ConfigError("WEBHOOK_URL needs a path, e.g. https://example.org/telegram")
        if not webhook_secret:
            raise ConfigError("WEBHOOK_URL is set but WEBHOOK_SECRET is not (16-256 characters: A-Z a-z 0-9 _ -)")
    if webhook_secret and not _SECRET_TOKEN.match(webhook_secret):
        raise ConfigError("WEBHOOK_SECRET must be 16-256 characters of A-Z a-z 0-9 _ -")

    redis_url = env.get("REDIS_URL", "").strip() or None
    if redis_url and urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")

    raw_key = env.get("HAVEN_SECRET_KEY", "").strip()
    ephemeral = False
    if raw_key:
        if len(raw_key) < 32:
            raise ConfigError("HAVEN_SECRET_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        secret_key = raw_key.encode()
    elif demo:
        secret_key, ephemeral = secrets.token_bytes(32), True
    else:
        raise ConfigError("HAVEN_SECRET_KEY is not set (at least 32 random characters, e.g. `openssl rand -hex 32`)")

    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")

    data_dir = Path(env.get("HAVEN_DATA_DIR", "").strip() or _default_data_dir())
    if not (data_dir / "flows").is_dir():
        raise ConfigError(f"HAVEN_DATA_DIR={data_dir} has no flows/ folder")

    desk = None
    advocates_file = env.get("ADVOCATES_FILE", "").strip()
    if advocates_file:
        try:
            desk = load_desk(Path(advocates_file))
        except AdvocateConfigError as exc:
            raise ConfigError(f"ADVOCATES_FILE: {exc}") from None

    return Settings(
        telegram_token=token,
        telegram_api_url=api_url,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        host=env.get("HOST", "").strip() or "0.0.0.0",
        port=_int(env, "PORT", 8080, 0, 65535),  # 0: any free port (tests)
        redis_url=redis_url,
        secret_key=secret_key,
        secret_is_ephemeral=ephemeral,
        session_ttl=_int(env, "SESSION_TTL_MINUTES", 30, 1, 24 * 60) * 60,
        auto_erase=(_int(env, "AUTO_ERASE_MINUTES", 30, 0, 47 * 60) * 60) or None,
        flood_limit=_int(env, "FLOOD_LIMIT", 20, 1, 1000),
        log_level=level,
        data_dir=data_dir,
        desk=desk,
    )
