"""Assembling Haven: load and check static data once, connect Redis, build the runtime.

Everything read from disk (flows, catalogs, and later the help directory and rights) is
loaded and indexed here at start-up; the hot path never reads a file.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from redis.asyncio import BlockingConnectionPool, Redis

from bot.config import Settings
from bot.directory import Directory, match_country
from bot.engine import Flows, load_flows
from bot.engine.model import View
from bot.i18n.catalogs import Catalogs
from bot.i18n.checks import SAFETY_PREFIX
from bot.i18n.detect import LanguageDetector
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.metrics import Metrics
from bot.redis_server import PrivateRedis
from bot.rights import RightsLibrary, load_rights
from bot.runtime import Runtime
from bot.safety.wipe import Wiper
from bot.sealing import AddressBox
from bot.store import SessionStore
from bot.understanding import Understanding
from bot.views.help import CountryView, EmergencyView, ServicesView
from bot.views.languages import LanguagesView
from bot.views.rights import RightsView

log = logging.getLogger(__name__)
COMPILED_DIR = ".compiled"  # under locales/: the compiled phrase lists (gitignored, rebuilt when stale)
REDIS_CONNECTIONS = 64  # per process; matches the concurrent updates PTB processes


def source_messages(locales_dir: Path) -> list[tuple[str, str]]:
    """(context, msgid) of every message in the template, to measure each locale against."""
    template = locales_dir / "messages.pot"
    if not template.exists():
        return []
    with open(template, "rb") as handle:
        return [
            (message.context or "", message.id if isinstance(message.id, str) else message.id[0])
            for message in read_po(handle)
            if message.id
        ]


@dataclass(frozen=True)
class StaticData:
    """Everything Haven loads from disk at start-up."""

    flows: Flows
    catalogs: Catalogs
    views: Mapping[str, View]
    directory: Directory
    rights: RightsLibrary
    detector: LanguageDetector
    understanding: Understanding


def offered_locales(catalogs: Catalogs, locales_dir: Path) -> tuple[tuple[str, ...], dict[str, float]]:
    """Locales the picker offers (every safety-critical text translated) and their coverage.

    A language whose emergency and exit texts would appear in English is not offered: it
    would promise something Haven cannot keep at the moment it matters most.
    """
    keys = source_messages(locales_dir)
    safety = [key for key in keys if key[0].startswith(SAFETY_PREFIX)]
    offered = tuple(code for code in catalogs.shipped if catalogs.coverage(code, safety) == 1.0)
    return offered, {code: catalogs.coverage(code, keys) for code in offered}


def build_views(catalogs: Catalogs, locales_dir: Path, directory: Directory, rights: RightsLibrary) -> dict[str, View]:
    """Every view a flow may name."""
    offered, coverage = offered_locales(catalogs, locales_dir)
    countries = CountryView(directory, catalogs.shipped)
    return {
        "languages": LanguagesView(offered, coverage),
        "countries": countries,
        "services": ServicesView(directory),
        "emergency": EmergencyView(directory, countries),
        "rights": RightsView(rights, directory),
    }


def load_static(data_dir: Path, locales: tuple[str, ...] = SHIPPED_LOCALES) -> StaticData:
    """Load, validate and index flows, catalogs, the help directory and rights content.

    Raises a ``SourceError`` subclass listing every problem as file:line.
    """
    # Loading builds millions of small objects that live as long as the process: collecting
    # cycles meanwhile finds none and took about half the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_static(data_dir, locales)
    finally:
        if collecting:
            gc.enable()


def _load_static(data_dir: Path, locales: tuple[str, ...]) -> StaticData:
    locales_dir = data_dir / "locales"
    catalogs = Catalogs.load(locales_dir, locales)
    directory = Directory.load(data_dir / "flows" / "directory")
    rights = load_rights(data_dir / "flows" / "rights")
    match_country("", locales)  # builds the country-name index now, not on a survivor's message
    views = build_views(catalogs, locales_dir, directory, rights)
    flows = load_flows(data_dir / "flows", locales=locales, views=views.keys(), root=data_dir)
    # Detection only proposes languages Haven can actually speak (the picker's list).
    detector = LanguageDetector(offered_locales(catalogs, locales_dir)[0])
    # The danger and understanding lists of every shipped locale at once: people do not
    # always write in the language the conversation is in.
    understanding = Understanding.load(
        locales_dir, locales, lambda text: match_country(text, locales), cache_dir=locales_dir / COMPILED_DIR
    )
    return StaticData(
        flows=flows, catalogs=catalogs, views=views, directory=directory, rights=rights, detector=detector,
        understanding=understanding,
    )  # fmt: skip


class Haven:
    """A running Haven: static data, Redis (external or private), the runtime."""

    def __init__(self, settings: Settings, data: StaticData) -> None:
        self.settings = settings
        self.data = data
        self.metrics = Metrics()
        self._private: PrivateRedis | None = None
        self.redis: Redis | None = None
        self.runtime: Runtime | None = None
        self.wiper: Wiper | None = None

    async def start(self) -> Haven:
        """Connect to Redis (starting a private server when ``REDIS_URL`` is unset)."""
        url = self.settings.redis_url
        if url is None:
            self._private = PrivateRedis().start()
            url = self._private.url
            log.info("redis private server on a unix socket (REDIS_URL unset); it stops when Haven stops")
        # A bounded pool that waits for a free connection: a burst of updates queues briefly
        # instead of opening unbounded connections (or failing with MaxConnectionsError).
        pool = BlockingConnectionPool.from_url(
            url, max_connections=REDIS_CONNECTIONS, timeout=5, socket_timeout=5, socket_connect_timeout=5,
            health_check_interval=30,
        )
        self.redis = Redis.from_pool(pool)  # owns the pool: aclose() closes every connection
        settings = self.settings
        store = SessionStore(self.redis, settings.derived_key("session-id"), settings.session_ttl, settings.auto_erase)
        addresses = AddressBox(settings.derived_key("address"))
        self.runtime = Runtime(
            self.data.flows, self.data.views, self.data.catalogs, store, self.metrics, addresses,
            flood_limit=settings.flood_limit, detector=self.data.detector,
            understanding=self.data.understanding,
        )
        self.wiper = Wiper(self.redis, store, addresses, self.metrics)
        return self

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.store.close()  # ids of the last replies sent, still in memory
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None
        if self._private is not None:
            self._private.stop()
            self._private = None

    async def __aenter__(self) -> Haven:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
