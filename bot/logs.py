"""Logging that cannot leak: no message text, ids, names, tokens or secrets.

Haven's own log calls carry event kinds, node ids, timings and error classes only. As a
second line of defence every formatted line (exceptions included) passes through a scrubber
that removes the bot token, the webhook secret and anything shaped like a bot token, and the
chatty third-party loggers (httpx logs request URLs, which contain the token) are held at
WARNING whatever ``LOG_LEVEL`` says.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_QUIET = ("httpx", "httpcore", "telegram", "aiohttp.access", "hpack", "asyncio")


class ScrubbingFormatter(logging.Formatter):
    """Formats a record, then removes every known secret from the whole line.

    Records from other libraries keep only their message template and the exception's class:
    python-telegram-bot, for one, logs whole updates (text, names, ids) when it cannot parse
    them, and exception messages can quote a request.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        if not record.name.startswith("bot"):
            record = logging.makeLogRecord(record.__dict__)
            error = record.exc_info[1] if record.exc_info else None
            record.msg = str(record.msg) + (f" [{error.__class__.__name__}]" if error else "")
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        line = super().format(record)
        for secret in self._secrets:
            line = line.replace(secret, "[secret]")
        return _TOKEN_SHAPE.sub("[token]", line)


def configure(level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Install the scrubbing handler on the root logger (replacing earlier handlers)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(ScrubbingFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
