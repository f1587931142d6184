"""The runtime around the pure engine: load the session, step, save, run effects.

Channels call :meth:`Runtime.handle` with a pseudonymous address and an :class:`Event`, and get
back the replies to send and the effects they must carry out on their platform (such as
deleting messages on Exit). Two Redis round trips per ordinary update: one ``GET``, one
compare-and-set save. When Redis is unreachable Haven still answers: the step runs on a fresh
session (buttons carry their node, so navigation mostly works) and every reply starts with a
notice that gives the true emergency guidance from static data.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Generic, TypeVar

from redis.exceptions import RedisError

from bot.engine.contract import DISCREET
from bot.engine.effects import LEAVING, Erase, RuntimeEffect
from bot.engine.model import Event, Flows, Reply, Session, Step, View
from bot.engine.reading import NOTHING, Reading
from bot.engine.step import step
from bot.i18n import Translator
from bot.i18n.catalogs import Catalogs
from bot.i18n.detect import LanguageDetector
from bot.metrics import Metrics
from bot.sealing import AddressBox
from bot.store import SessionStore
from bot.understanding import Understanding

log = logging.getLogger(__name__)

MAX_CAS_ATTEMPTS = 12
RATE_WINDOW = 10  # seconds; FLOOD_LIMIT updates per window per conversation, then one "slow down"


class StoreConflict(RedisError):
    """Compare-and-set lost every attempt: far more concurrent updates than one person makes."""


@dataclass(frozen=True)
class Context:
    """What one engine step may consult (implements ``StepContext``)."""

    catalogs: Catalogs
    now: datetime
    locales: tuple[str, ...]
    detector: LanguageDetector | None = None
    understanding: Understanding | None = None
    readings: Mapping[str, Reading] = field(default_factory=dict)
    """Messages the runtime has already read for this update (each text is read once)."""

    def translator(self, locale: str | None) -> Translator:
        return self.catalogs.translator(locale)

    def negotiate(self, hint: str | None) -> str:
        return self.catalogs.negotiate(hint)

    def detect(self, text: str) -> tuple[str, float] | None:
        found = self.detector.detect(text) if self.detector else None
        return (found.locale, found.confidence) if found else None

    def understand(self, text: str) -> Reading:
        if text in self.readings:
            return self.readings[text]
        return self.understanding.read(text) if self.understanding else NOTHING


@dataclass
class Outcome:
    """What a channel must do after an update.

    ``erase_ids`` are the tracked message ids (younger than 48 h) to delete on Exit.
    """

    replies: list[Reply]
    effects: list[RuntimeEffect] = field(default_factory=list)
    session: Session | None = None
    degraded: bool = False
    erase_ids: list[int] = field(default_factory=list)
    dropped: str | None = None  # "duplicate" or "flood" when the update was not stepped
    lang: str | None = None  # the language the replies are in
    discreet: bool = False  # the survivor chose extra-discreet messages: the channel hides them

    @property
    def erasing(self) -> bool:
        """Exit: the channel deletes the conversation before sending the neutral line."""
        return any(isinstance(effect, Erase) for effect in self.effects)


class Runtime:
    """Channel-independent handling of one update."""

    def __init__(
        self,
        flows: Flows,
        views: Mapping[str, View],
        catalogs: Catalogs,
        store: SessionStore,
        metrics: Metrics,
        addresses: AddressBox,
        clock: Callable[[], float] = time.time,
        flood_limit: int = 20,
        detector: LanguageDetector | None = None,
        understanding: Understanding | None = None,
    ) -> None:
        self.flows = flows
        self.views = views
        self.catalogs = catalogs
        self.store = store
        self.metrics = metrics
        self.addresses = addresses
        self.clock = clock
        self.flood_limit = flood_limit
        self.detector = detector
        self.understanding = understanding

    def context(self, readings: Mapping[str, Reading] | None = None) -> Context:
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        return Context(self.catalogs, now, self.catalogs.shipped, self.detector, self.understanding, readings or {})

    def read(self, event: Event) -> dict[str, Reading]:
        """Understand a text event once, count what it was (no text, no person), log the label."""
        if event.kind != "text" or self.understanding is None:
            return {}
        reading = self.understanding.read(event.text)
        label = reading.placement.value if reading.placement else "unplaced"
        self.metrics.inc(f"understood_{label}")
        log.info("understood placement=%s confidence=%.2f need=%s", label, reading.confidence, reading.need or "-")
        return {event.text: reading}

    def session_id(self, channel: str, user: str) -> str:
        return self.store.session_id(channel, user)

    async def handle(
        self,
        sid: str,
        event: Event,
        *,
        message_ids: Iterable[int] = (),
        address: str | None = None,
        update_id: str | None = None,
    ) -> Outcome:
        """Step the conversation ``sid`` by ``event`` and persist the result.

        ``message_ids`` are the ids of the survivor's message(s) in this update and ``address``
        where to reach them later; both are kept (sealed, expiring) only so Exit and auto-erase
        can delete the conversation. ``update_id`` makes a redelivered update a no-op.
        """
        started = time.perf_counter()
        readings = self.read(event)
        try:
            outcome = await self._handle_stored(sid, event, list(message_ids), address, update_id, readings)
        except RedisError as exc:  # StoreConflict included: answer anyway, never drop an update
            log.error("store_unavailable error=%s", exc.__class__.__name__)
            self.metrics.inc("store_errors")
            outcome = self._handle_stateless(event, readings)
        self.metrics.inc(f"events_{event.kind}")
        self.metrics.observe("update_seconds", time.perf_counter() - started)
        return outcome

    async def _handle_stored(
        self,
        sid: str,
        event: Event,
        message_ids: list[int],
        address: str | None,
        update_id: str | None,
        readings: Mapping[str, Reading],
    ) -> Outcome:
        sealed = self.addresses.seal(sid, address) if address else None
        opened = await self.store.open(sid, update_id, RATE_WINDOW)
        if opened.duplicate:
            self.metrics.inc("updates_duplicate")
            return Outcome([], dropped="duplicate")
        urgent = any(reading.danger for reading in readings.values())
        if opened.recent_updates > self.flood_limit and not urgent:  # danger is never throttled
            self.metrics.inc("updates_throttled")
            first = opened.recent_updates == self.flood_limit + 1
            return Outcome(self._slow_down(opened.session) if first else [], dropped="flood")
        for attempt in range(MAX_CAS_ATTEMPTS):
            session = opened.session if attempt == 0 else await self.store.load(sid)
            now = self.clock()
            result = step(self.flows, self.views, session, event, self.context(readings))
            if any(isinstance(effect, LEAVING) for effect in result.effects):
                erase_ids: list[int] = []
                if any(isinstance(effect, Erase) for effect in result.effects):
                    _, erase_ids = await self.store.traces(sid, now)
                    erase_ids = sorted(set(erase_ids) | set(message_ids))
                await self.store.erase(sid)
                return self._outcome(result, None, erase_ids=erase_ids)
            saved = await self.store.save(
                sid, result.session, session.version, now=now, message_ids=message_ids, sealed_address=sealed
            )
            if saved:
                log.info("step event=%s node=%s attempts=%d", event.kind, result.session.node, attempt + 1)
                return self._outcome(result, result.session)
            self.metrics.inc("cas_retries")
            await asyncio.sleep(0.001 * attempt)  # spread the contenders out a little
        raise StoreConflict("compare-and-set kept failing")

    async def update_session(self, sid: str, change: Callable[[Session], None]) -> Session | None:
        """Change a saved session from outside the engine (an advocate joined, a case ended).

        Compare-and-set like a step, so it never overwrites the survivor's own update; a session
        that no longer exists (Exit, expiry) is left alone and ``None`` is returned. Saving also
        keeps the session and its idle wipe alive while an advocate is the one writing.
        """
        for attempt in range(MAX_CAS_ATTEMPTS):
            session = await self.store.load(sid)
            if session.version == 0:
                return None
            changed = replace(session, values=dict(session.values), history=list(session.history))
            change(changed)
            if await self.store.save(sid, changed, session.version, now=self.clock()):
                return changed
            self.metrics.inc("cas_retries")
            await asyncio.sleep(0.001 * attempt)
        raise StoreConflict("compare-and-set kept failing")

    def _handle_stateless(self, event: Event, readings: Mapping[str, Reading]) -> Outcome:
        result: Step = step(self.flows, self.views, Session(), event, self.context(readings))
        notice = self.degraded_notice(result.session.lang)
        replies = [replace(result.replies[0], text=f"{notice}\n\n{result.replies[0].text}")] if result.replies else []
        replies += list(result.replies[1:])
        if not replies:
            replies = [Reply(text=notice, direction=self.catalogs.translator(result.session.lang).direction)]
        effects = [e for e in result.effects if not isinstance(e, LEAVING)]
        return Outcome(replies, effects, None, degraded=True, lang=result.session.lang)

    @staticmethod
    def _outcome(result: Step, saved: Session | None, erase_ids: list[int] | None = None) -> Outcome:
        return Outcome(
            list(result.replies), list(result.effects), saved, erase_ids=erase_ids or [],
            lang=result.session.lang, discreet=bool(result.session.values.get(DISCREET)),
        )  # fmt: skip

    def _slow_down(self, session: Session) -> list[Reply]:
        tr = self.catalogs.translator(session.lang)
        text = tr.pgettext("runtime.slow_down", "That's a lot of messages at once. Please wait a few seconds, then write again.")
        return [Reply(text=text, node=session.node or "", direction=tr.direction)]

    def degraded_notice(self, locale: str | None) -> str:
        """True emergency guidance that needs no state (shown when Redis is unreachable)."""
        tr = self.catalogs.translator(locale)
        return tr.pgettext(
            "safety:runtime.degraded",
            "<i>I can't remember our conversation right now, so I may lose my place.</i>\n"
            "If you are in danger, call the emergency number where you are: <b>112</b> in every EU country, "
            "<b>911</b> in the US, Canada, Mexico, Argentina and the Philippines.",
        )


Scope = TypeVar("Scope")
E = TypeVar("E", bound=RuntimeEffect)
Handler = Callable[[E, Scope], Awaitable[list[Reply]]]


class EffectDispatcher(Generic[Scope]):
    """Carries out the runtime effects of a step: the one place effects meet their handlers.

    A channel makes one for its own ``Scope`` (what a handler needs to act there: for Telegram
    the update, the bot and the chat), registers its handlers, and lets features on top of it
    (the advocates' desk) register theirs. Handlers are looked up by effect type, never by a
    name; each returns replies to send after the engine's own. The runtime itself has already
    wiped the session for :class:`Erase` and :class:`Forget` when handlers run.
    """

    def __init__(self) -> None:
        self._handlers: dict[type[RuntimeEffect], list[Callable[[RuntimeEffect, Scope], Awaitable[list[Reply]]]]] = {}

    def on(self, kind: type[E], handler: Callable[[E, Scope], Awaitable[list[Reply]]]) -> None:
        """Call ``handler`` for every effect of type ``kind`` (after those registered before)."""
        self._handlers.setdefault(kind, []).append(handler)  # type: ignore[arg-type]

    async def dispatch(self, effects: Iterable[RuntimeEffect], scope: Scope) -> list[Reply]:
        """Run the handlers of each effect in order; the replies they return, in order."""
        replies: list[Reply] = []
        for effect in effects:
            for handler in self._handlers.get(type(effect), []):
                replies += await handler(effect, scope)
        return replies
