"""Session state in Redis, under the rules in DESIGN.md.

Keys of one session share the hash tag ``{sid}`` (one Cluster slot, one ``DEL`` to erase):

* ``haven:v1:{sid}:s`` — the session (node, locale, choices), TTL = the idle timeout;
* ``haven:v1:{sid}:m`` — ids of the chat's messages, scored by time, kept 48 h (Telegram lets a
  bot delete messages in a private chat for 48 h; Exit and auto-erase need the ids);
* ``haven:v1:{sid}:a`` — the reply address, sealed with AES-GCM (:mod:`bot.sealing`), 48 h.

``sid`` is an HMAC of channel and user id: the raw id never reaches Redis. No message text is
ever stored. Every write sets its TTL in the same command.

Saving is compare-and-set on a version number inside one Lua script, so two updates of one
session (two workers, a double tap) cannot overwrite each other; the loser re-runs its step.
An ordinary update costs two round trips: one pipeline to load (with the duplicate and flood
checks); one pipeline with the script and the idle-wipe schedule (``haven:v1:wipes``, a
sorted set of due wipes) to save. The ids of the replies, known only after sending, wait in
memory for the session's next save (:meth:`SessionStore.trace_soon`) instead of costing a
third round trip. The script is
called by SHA with ``EVALSHA`` (redis-py's pipeline script helper would add a ``SCRIPT EXISTS``
round trip every time) and loaded only when Redis answers ``NOSCRIPT``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, RedisError

from bot.engine.model import Session

KEY_PREFIX = "haven:v1"
SESSION_PART, MESSAGES_PART, ADDRESS_PART, RATE_PART = "s", "m", "a", "r"
SESSION_PARTS = (SESSION_PART, MESSAGES_PART, ADDRESS_PART, RATE_PART)
UPDATE_TTL = 3600  # how long an update id is remembered to answer redeliveries once
WIPES_KEY = f"{KEY_PREFIX}:wipes"
TRACE_TTL = 48 * 3600  # Telegram's window for deleting messages in a private chat
TRACE_WAIT = 1.0  # seconds a sent message's id may wait in memory for its session's next save

log = logging.getLogger(__name__)

_SAVE = """
-- KEYS: session, messages, address
-- ARGV: expected version, value, session ttl, trace ttl, now, sealed address or '', message ids...
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then version = tonumber(decoded['v']) or 0 end
end
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6], 'EX', tonumber(ARGV[4])) end
if #ARGV > 6 then
  for i = 7, #ARGV do redis.call('ZADD', KEYS[2], tonumber(ARGV[5]), ARGV[i]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[5]) - tonumber(ARGV[4]))
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
end
return 1
"""
_SAVE_SHA = hashlib.sha1(_SAVE.encode()).hexdigest()


_OPEN = """
-- KEYS: session, rate counter. ARGV: rate window (seconds)
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1])) end
return {count, redis.call('GET', KEYS[1]) or ''}
"""
_OPEN_SHA = hashlib.sha1(_OPEN.encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    """A session as loaded for an incoming update, with the flood and duplicate checks."""

    session: Session
    duplicate: bool
    recent_updates: int


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
    """Load, save (compare-and-set), trace and erase sessions."""

    def __init__(self, redis: Redis, secret: bytes, ttl_seconds: int, idle_wipe_seconds: int | None = None) -> None:
        if ttl_seconds <= 0:
            raise ValueError("sessions must expire")
        self.redis = redis
        self._secret = secret
        self.ttl = ttl_seconds
        self.idle_wipe = idle_wipe_seconds
        self._waiting: dict[str, dict[int, float]] = {}  # sid -> sent message id -> when
        self._flusher: asyncio.Task[None] | None = None

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

    async def open(self, sid: str, update_id: str | None, rate_window: int) -> Opened:
        """Load for a new update, in the same round trip as two checks.

        The update id is remembered for an hour (``SET NX``) so a redelivered update is answered
        once; a per-session counter that expires after ``rate_window`` seconds measures flooding.
        """
        keys = [self.key(sid, SESSION_PART), self.key(sid, RATE_PART)]
        pipe = self.redis.pipeline(transaction=False)
        if update_id is not None:
            pipe.set(f"{KEY_PREFIX}:update:{update_id}", b"1", nx=True, ex=UPDATE_TTL)
        pipe.evalsha(_OPEN_SHA, len(keys), *keys, rate_window)
        results = await pipe.execute(raise_on_error=False)
        if isinstance(results[-1], NoScriptError):
            # Only the script is repeated: the update id is already claimed by this call.
            await self.redis.script_load(_OPEN)
            results[-1] = await self.redis.evalsha(_OPEN_SHA, len(keys), *keys, rate_window)
        for result in results:
            if isinstance(result, Exception):
                raise result
        first = bool(results[0]) if update_id is not None else True
        count, raw = results[-1]
        return Opened(decode_session(raw or None), duplicate=not first, recent_updates=int(count))

    async def save(
        self,
        sid: str,
        session: Session,
        expected_version: int,
        *,
        now: float,
        message_ids: Iterable[int] = (),
        sealed_address: bytes | None = None,
    ) -> bool:
        """One round trip. False when another update saved first (re-run the step and retry).

        Also records the ids of the survivor's messages and their sealed address (for Exit and
        auto-erase) and moves the session's idle wipe to ``now + idle``.
        """
        keys = [self.key(sid, part) for part in (SESSION_PART, MESSAGES_PART, ADDRESS_PART)]
        encoded = encode_session(session, expected_version + 1)
        waiting = self._waiting.pop(sid, {})
        args: list[bytes | str | int] = [expected_version, encoded, self.ttl, TRACE_TTL, int(now)]
        args += [sealed_address or b"", *(int(i) for i in message_ids), *waiting]
        saved = False
        try:
            for attempt in range(2):
                pipe = self.redis.pipeline(transaction=False)
                pipe.evalsha(_SAVE_SHA, len(keys), *keys, *args)
                if self.idle_wipe:
                    pipe.zadd(WIPES_KEY, {sid: now + self.idle_wipe})
                    pipe.expire(WIPES_KEY, TRACE_TTL + self.idle_wipe)
                results = await pipe.execute(raise_on_error=False)
                if isinstance(results[0], NoScriptError) and attempt == 0:
                    await self.redis.script_load(_SAVE)
                    continue
                if isinstance(results[0], Exception):
                    raise results[0]
                saved = bool(results[0])
                break
        finally:
            if waiting and not saved:  # not written: they wait for the retry or the flush
                self._waiting.setdefault(sid, {}).update(waiting)
        return saved

    def trace_soon(self, sid: str, message_ids: Iterable[int], now: float) -> None:
        """Remember ids of messages Haven just sent, without a round trip of their own.

        They go into the session's next save (people answer within seconds) or, when none
        comes within :data:`TRACE_WAIT` seconds, into one pipeline with every other session's
        waiting ids. Until then :meth:`traces` of this process includes them; another worker
        sees them within that second.
        """
        self._waiting.setdefault(sid, {}).update({int(i): now for i in message_ids})
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(TRACE_WAIT)
        await self.flush()

    async def flush(self) -> None:
        """Write every waiting id now (one round trip); on stop, and a second after a send."""
        waiting, self._waiting = self._waiting, {}
        if not waiting:
            return
        pipe = self.redis.pipeline(transaction=False)
        for sid, ids in waiting.items():
            pipe.zadd(self.key(sid, MESSAGES_PART), {str(i): when for i, when in ids.items()})
            pipe.expire(self.key(sid, MESSAGES_PART), TRACE_TTL)
        try:
            await pipe.execute()
        except (RedisError, OSError) as exc:  # Exit and auto-erase will miss these messages
            log.error("trace_failed sessions=%d error=%s", len(waiting), exc.__class__.__name__)

    async def close(self) -> None:
        """Write what waits and stop the timer: call before closing the Redis client."""
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        await self.flush()

    async def trace(self, sid: str, message_ids: Iterable[int], now: float) -> None:
        """Remember ids of messages Haven sent (after sending: one extra round trip)."""
        ids = {str(int(i)): now for i in message_ids}
        if not ids:
            return
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(self.key(sid, MESSAGES_PART), ids)
        pipe.expire(self.key(sid, MESSAGES_PART), TRACE_TTL)
        await pipe.execute()

    async def traces(self, sid: str, now: float) -> tuple[bytes | None, list[int]]:
        """The sealed address and the ids of messages younger than 48 h, oldest first."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(self.key(sid, ADDRESS_PART))
        pipe.zrangebyscore(self.key(sid, MESSAGES_PART), now - TRACE_TTL + 60, "+inf")
        sealed, ids = await pipe.execute()
        return sealed, sorted({int(i) for i in ids} | set(self._waiting.get(sid, {})))

    async def erase(self, sid: str) -> int:
        """Delete every key of the session and its scheduled wipe; returns how many existed."""
        self._waiting.pop(sid, None)
        pipe = self.redis.pipeline(transaction=False)
        pipe.delete(*(self.key(sid, part) for part in SESSION_PARTS))
        pipe.zrem(WIPES_KEY, sid)
        deleted, _ = await pipe.execute()
        return int(deleted)
