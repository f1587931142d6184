"""Auto-erase: wipe a conversation by itself after it has been idle.

Every save moves the session's entry in ``haven:v1:wipes`` (a sorted set scored by due time)
to ``now + idle``. Any worker may run :meth:`Wiper.sweep`; it claims due entries with one Lua
script that re-scores them to ``now + lease``, so two sweepers never claim the same entry at
once (no double wipes), and a worker that dies mid-wipe leaves the entry to be claimed again
when the lease runs out (no lost wipes across restarts, within Telegram's 48 h window). The
entry is removed only after the wipe.

A wipe deletes the tracked messages on the channel, then every Redis key of the session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.metrics import Metrics
from bot.sealing import AddressBox
from bot.store import ADDRESS_PART, TRACE_TTL, WIPES_KEY, SessionStore

log = logging.getLogger(__name__)

# Deletes message ids in the chat at a (decrypted) address; returns False if it could not.
DeleteMessages = Callable[[str, list[int]], Awaitable[bool]]
# Something else a wipe must end for the session, such as a case with an advocate.
BeforeWipe = Callable[[str], Awaitable[None]]

_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, sid in ipairs(due) do redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), sid) end
return due
"""
LEASE_SECONDS = 120


class Wiper:
    """Claims due wipes and carries them out through a channel's delete function."""

    def __init__(self, redis: Redis, store: SessionStore, addresses: AddressBox, metrics: Metrics) -> None:
        self.redis = redis
        self.store = store
        self.addresses = addresses
        self.metrics = metrics
        self.before_wipe: list[BeforeWipe] = []
        self._claim = redis.register_script(_CLAIM)

    async def claim(self, now: float, limit: int = 50) -> list[str]:
        """Session ids whose wipe is due, leased to this caller for ``LEASE_SECONDS``."""
        due = await self._claim(keys=[WIPES_KEY], args=[now, now + LEASE_SECONDS, limit])
        return [sid.decode() if isinstance(sid, bytes) else str(sid) for sid in due]

    async def wipe(self, sid: str, now: float, delete: DeleteMessages) -> None:
        """Delete the conversation's messages, then its state."""
        for hook in self.before_wipe:
            await hook(sid)
        sealed, ids = await self.store.traces(sid, now)
        address = self.addresses.open(sid, sealed) if sealed else None
        if address and ids:
            await delete(address, ids)
        await self.store.erase(sid)
        self.metrics.inc("auto_erased")
        log.info("auto_erase messages=%d", len(ids))

    async def sweep(self, now: float, delete: DeleteMessages) -> int:
        """Carry out every due wipe once; returns how many."""
        done = 0
        for sid in await self.claim(now):
            try:
                await self.wipe(sid, now, delete)
                done += 1
            except (RedisError, OSError) as exc:
                log.error("auto_erase_failed error=%s", exc.__class__.__name__)  # retried after the lease
        return done

    async def run(self, delete: DeleteMessages, clock: Callable[[], float], interval: float = 15.0) -> None:
        """Sweep forever (a background task of ``haven run``)."""
        while True:
            try:
                await self.sweep(clock(), delete)
            except RedisError as exc:
                log.error("sweeper_store_error error=%s", exc.__class__.__name__)
            await asyncio.sleep(interval)

    async def schedule(self, sid: str, message_ids: list[int], address: str, due: float, now: float) -> None:
        """Wipe these messages at ``due`` (the neutral line left after Exit)."""
        sealed = self.addresses.seal(sid, address)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.store.key(sid, ADDRESS_PART), sealed, ex=int(due - now) + LEASE_SECONDS + 60)
        pipe.zadd(WIPES_KEY, {sid: due})
        pipe.expire(WIPES_KEY, TRACE_TTL + LEASE_SECONDS)
        await pipe.execute()
        await self.store.trace(sid, message_ids, now)
