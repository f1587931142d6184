"""Session state in Redis, under the rules in DESIGN.md.

* One key per session, ``haven:v1:{<sid>}:s``, where ``sid`` is an HMAC of channel and user id
  (the raw id never reaches Redis). The ``{...}`` hash tag keeps all of a session's keys in one
  Cluster slot, so erasing them is one command.
* Every write sets the TTL in the same command; nothing is ever written without one.
* Saving is compare-and-set on a version number inside one Lua script: two updates of one
  session (two workers, a double tap) cannot overwrite each other; the loser re-runs its step.
* An ordinary update costs two round trips: ``GET`` to load, ``EVALSHA`` to save.
* The value holds node ids, locale and choice values only: never message text, never an id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Iterable

from redis.asyncio import Redis

from bot.engine.model import Session

KEY_PREFIX = "haven:v1"
SESSION_PART = "s"
# Every suffix a session may own; erase deletes them all in one call.
SESSION_PARTS = ("s", "m", "addr")

_SAVE = """
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then version = tonumber(decoded['v']) or 0 end
end
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
"""


def encode_session(session: Session, version: int) -> str:
    """Compact JSON (a session stays far below 1 KB)."""
    data: dict[str, object] = {"v": version}
    if session.node:
        data["n"] = session.node
    if session.lang:
        data["l"] = session.lang
    if session.lang_source:
        data["ls"] = session.lang_source
    if session.values:
        data["x"] = session.values
    if session.history:
        data["h"] = session.history
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_session(raw: bytes | str | None) -> Session:
    """A session from its stored form; anything unreadable becomes a fresh session."""
    if not raw:
        return Session()
    try:
        data = json.loads(raw)
        return Session(
            node=data.get("n"),
            lang=data.get("l"),
            lang_source=data.get("ls"),
            values={str(k): str(v) for k, v in (data.get("x") or {}).items()},
            history=[str(h) for h in data.get("h") or []],
            version=int(data.get("v", 0)),
        )
    except (ValueError, TypeError, AttributeError):
        return Session()


class SessionStore:
    """Load, save (compare-and-set) and erase sessions."""

    def __init__(self, redis: Redis, secret: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("sessions must expire")
        self.redis = redis
        self._secret = secret
        self.ttl = ttl_seconds
        self._save = redis.register_script(_SAVE)

    def session_id(self, channel: str, user: str) -> str:
        """A stable pseudonym for (channel, user): HMAC-SHA256, base32, 128 bits."""
        digest = hmac.new(self._secret, f"{channel}\x00{user}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:16]).decode().rstrip("=").lower()

    @staticmethod
    def key(sid: str, part: str = SESSION_PART) -> str:
        """The Redis key of one part of a session."""
        return f"{KEY_PREFIX}:{{{sid}}}:{part}"

    async def load(self, sid: str) -> Session:
        """One round trip. A missing or expired session is a fresh one (version 0)."""
        return decode_session(await self.redis.get(self.key(sid)))

    async def save(self, sid: str, session: Session, expected_version: int) -> bool:
        """One round trip. False when another update saved first (re-run the step and retry)."""
        value = encode_session(session, expected_version + 1)
        return bool(await self._save(keys=[self.key(sid)], args=[expected_version, value, self.ttl]))

    async def erase(self, sid: str, parts: Iterable[str] = SESSION_PARTS) -> int:
        """Delete every key of the session; returns how many existed."""
        return int(await self.redis.delete(*(self.key(sid, part) for part in parts)))
