"""Advocate cases in Redis, under the rules in DESIGN.md.

A case is a random code (``K7QF``), never an id of the survivor. Keys, all expiring after the
desk's idle time (refreshed on activity):

* ``haven:v1:case:{CODE}`` — a hash: the survivor's session id (an HMAC, see ``store.py``),
  language, topic summary, state (``waiting`` / ``live``), the case topic's thread id, the ids of
  the card and of the survivor's "number N in line" message, the claiming advocate as a keyed
  hash (never their Telegram id) and their alias, timestamps;
* ``haven:v1:topic:{THREAD}`` — topic -> case; ``haven:v1:{sid}:case`` — session -> case;
* ``haven:v1:cases:queue`` and ``haven:v1:cases:due`` — sorted sets of waiting cases by arrival
  and by the time their wait runs out.

No message text is stored: the survivor's reply address stays sealed in the session's own
``a`` key (:mod:`bot.sealing`), and the first line travels inside Telegram messages only.
State changes that two people could race (two advocates claiming, two closers) are single
Lua scripts on the case hash, so exactly one wins. Every script touches one key, so the
layout keeps working on Redis Cluster.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.typing import EncodableT

from bot.store import KEY_PREFIX, SessionStore

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U/V pairs to misread
CODE_LENGTH = 4
QUEUE_KEY = f"{KEY_PREFIX}:cases:queue"
DUE_KEY = f"{KEY_PREFIX}:cases:due"
WAITING, LIVE = "waiting", "live"

_OPEN = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
"""
_CLAIM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'live', 'adv', ARGV[1], 'alias', ARGV[2])
return 1
"""
_UNCLAIM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'live' or redis.call('HGET', KEYS[1], 'adv') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'waiting', 'due', ARGV[2], 'asked', '0')
redis.call('HDEL', KEYS[1], 'adv', 'alias')
return 1
"""
_TAKE = """
local fields = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return fields
"""


def _text(reply: object) -> str:
    """A Redis reply as text: the client returns bytes (its type stubs also allow str)."""
    return reply.decode() if isinstance(reply, bytes) else str(reply)


def _flat(fields: Mapping[str, EncodableT]) -> list[EncodableT]:
    """``{field: value}`` as ``[field, value, ...]``, the way HSET and the scripts take them."""
    return [item for pair in fields.items() for item in pair]


def new_code() -> str:
    """A random case code (30^4 = 810,000 values; uniqueness is checked when it is stored)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in text)


@dataclass(frozen=True)
class Case:
    """A case as read from Redis."""

    code: str
    sid: str
    lang: str
    topics: str
    state: str
    since: float
    due: float
    thread: int | None = None
    card: int | None = None
    status: int | None = None
    position: int = 0
    advocate: str | None = None
    alias: str = ""
    greeted: bool = False
    asked: bool = False

    @classmethod
    def from_hash(cls, code: str, raw: Mapping[bytes | str, bytes | str]) -> Case | None:
        data = {_text(k): _text(v) for k, v in raw.items()}
        if "sid" not in data or data.get("state") not in (WAITING, LIVE):
            return None  # missing, or damaged: never guess where a message should go

        def number(name: str) -> int | None:
            value = data.get(name, "")
            return int(value) if value.lstrip("-").isdigit() else None

        return cls(
            code=code,
            sid=data["sid"],
            lang=data.get("lang", "en"),
            topics=data.get("topics", ""),
            state=data["state"],
            since=float(data.get("since", 0)),
            due=float(data.get("due", 0)),
            thread=number("thread"),
            card=number("card"),
            status=number("status"),
            position=number("pos") or 0,
            advocate=data.get("adv") or None,
            alias=data.get("alias", ""),
            greeted=data.get("greeted") == "1",
            asked=data.get("asked") == "1",
        )


class CaseStore:
    """Open, find, claim, hand back and close cases."""

    def __init__(self, redis: Redis, secret: bytes, ttl: int) -> None:
        self.redis = redis
        self._secret = secret
        self.ttl = ttl
        self._open = redis.register_script(_OPEN)
        self._claim = redis.register_script(_CLAIM)
        self._unclaim = redis.register_script(_UNCLAIM)
        self._take = redis.register_script(_TAKE)

    @staticmethod
    def key(code: str) -> str:
        return f"{KEY_PREFIX}:case:{{{code}}}"

    @staticmethod
    def topic_key(thread: int) -> str:
        return f"{KEY_PREFIX}:topic:{{{thread}}}"

    @staticmethod
    def session_key(sid: str) -> str:
        return SessionStore.key(sid, "case")

    def advocate_tag(self, user_id: int) -> str:
        """A keyed hash standing for an advocate in Redis (their Telegram id never is)."""
        return hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]

    async def open(self, sid: str, lang: str, topics: str, now: float, due: float) -> str:
        """Store a new waiting case for session ``sid`` and queue it; returns its code."""
        flat = _flat({"sid": sid, "lang": lang, "topics": topics, "state": WAITING, "since": now, "due": due})
        for _ in range(20):
            code = new_code()
            if not await self._open(keys=[self.key(code)], args=[self.ttl, *flat]):
                continue  # the code is taken: draw again
            await self.redis.set(self.session_key(sid), code, ex=self.ttl)
            await self._queue(code, now, due)
            return code
        raise RuntimeError("no free case code")  # 20 collisions in a row: the queue is absurdly full

    async def _queue(self, code: str, since: float, due: float) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(QUEUE_KEY, {code: since})
        pipe.zadd(DUE_KEY, {code: due})
        pipe.expire(QUEUE_KEY, self.ttl)
        pipe.expire(DUE_KEY, self.ttl)
        await pipe.execute()

    async def _dequeue(self, code: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.zrem(QUEUE_KEY, code)
        pipe.zrem(DUE_KEY, code)
        await pipe.execute()

    async def attach_topic(self, code: str, thread: int, card: int | None) -> None:
        """Remember the case's forum topic (and its card) in both directions."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key(code), mapping={"thread": thread, **({"card": card} if card else {})})
        pipe.expire(self.key(code), self.ttl)
        pipe.set(self.topic_key(thread), code, ex=self.ttl)
        await pipe.execute()

    async def note(self, code: str, **fields: str | int | float) -> None:
        """Record small facts about a case (message ids, flags); a vanished case stays gone."""
        if not await self.redis.exists(self.key(code)):
            return
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key(code), items=_flat(fields))
        pipe.expire(self.key(code), self.ttl)
        await pipe.execute()

    async def get(self, code: str) -> Case | None:
        return Case.from_hash(code, await self.redis.hgetall(self.key(code)))

    async def by_topic(self, thread: int) -> Case | None:
        code = await self.redis.get(self.topic_key(thread))
        return await self.get(_text(code)) if code else None

    async def by_session(self, sid: str) -> str | None:
        code = await self.redis.get(self.session_key(sid))
        return _text(code) if code else None

    async def touch(self, case: Case) -> None:
        """Activity on a case: keep it (and its two mappings) for another idle period."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.expire(self.key(case.code), self.ttl)
        pipe.expire(self.session_key(case.sid), self.ttl)
        if case.thread is not None:
            pipe.expire(self.topic_key(case.thread), self.ttl)
        await pipe.execute()

    async def claim(self, code: str, user_id: int, alias: str) -> bool:
        """Waiting -> live for this advocate; False when someone else was first (or it closed)."""
        won = await self._claim(keys=[self.key(code)], args=[self.advocate_tag(user_id), alias])
        if won:
            await self._dequeue(code)
        return bool(won)

    def claimed_by(self, case: Case, user_id: int) -> bool:
        return case.state == LIVE and case.advocate == self.advocate_tag(user_id)

    async def unclaim(self, case: Case, user_id: int, now: float, due: float) -> bool:
        """Live -> waiting (a transfer), only by the advocate who holds the case."""
        back = await self._unclaim(keys=[self.key(case.code)], args=[self.advocate_tag(user_id), due])
        if back:
            await self._queue(case.code, case.since, due)
        return bool(back)

    async def close(self, code: str) -> Case | None:
        """Remove the case; only the first of several closers gets it back (to clean up)."""
        fields = await self._take(keys=[self.key(code)])  # HGETALL's flat [field, value, ...]
        case = Case.from_hash(code, dict(zip(fields[::2], fields[1::2], strict=True)))
        await self._dequeue(code)
        if case is not None:
            pipe = self.redis.pipeline(transaction=False)
            if case.thread is not None:
                pipe.delete(self.topic_key(case.thread))
            pipe.delete(self.session_key(case.sid))
            await pipe.execute()
        return case

    async def waiting(self) -> list[Case]:
        """Waiting cases in arrival order; stale queue entries of expired cases are dropped."""
        found: list[Case] = []
        for raw in await self.redis.zrange(QUEUE_KEY, 0, -1):
            code = _text(raw)
            case = await self.get(code)
            if case is None or case.state != WAITING:
                await self._dequeue(code)
            else:
                found.append(case)
        return found

    async def position(self, code: str) -> int | None:
        """1 for the first in line; None when the case is not waiting."""
        for index, case in enumerate(await self.waiting(), start=1):
            if case.code == code:
                return index
        return None

    async def take_due(self, now: float) -> list[Case]:
        """Waiting cases whose wait ran out, each handed to exactly one worker."""
        taken: list[Case] = []
        for raw in await self.redis.zrangebyscore(DUE_KEY, "-inf", now):
            code = _text(raw)
            if not await self.redis.zrem(DUE_KEY, code):
                continue  # another worker took it
            case = await self.get(code)
            if case is not None and case.state == WAITING:
                taken.append(case)
        return taken

    async def keep_waiting(self, case: Case, due: float) -> None:
        """The survivor chose to wait longer: a new deadline, same place in line."""
        await self.note(case.code, due=due, asked="0")
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(DUE_KEY, {case.code: due})
        pipe.expire(DUE_KEY, self.ttl)
        await pipe.execute()
